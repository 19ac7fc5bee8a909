package dev.proctor.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.Mediation;
import dev.proctor.Proctor;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.InMemoryApprovalStore;
import dev.proctor.store.InMemoryLogStore;
import dev.proctor.store.StoredEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalsTest {

  private static final String POLICY =
      "policy: {id: approvals-test, version: 1, description: d}\n"
          + "rules:\n"
          + "  - id: deploy\n"
          + "    match: {tool: deploy}\n"
          + "    effect: ask\n"
          + "    reason: deploys need two people\n"
          + "    approval: {groups: [approvers], quorum: 2, expiry: 10m, answered_at: proctor}\n"
          + "  - id: at-prompt\n"
          + "    match: {tool: prompt}\n"
          + "    effect: ask\n";

  /** A clock tests move by hand. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-12-03T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @TempDir Path dir;
  private final TestClock clock = new TestClock();
  private final InMemoryLogStore log = new InMemoryLogStore();
  private Proctor proctor;

  private static final Approver DANA = new Approver("dana", Set.of("approvers"));
  private static final Approver ERIN = new Approver("erin", Set.of("approvers"));

  @BeforeEach
  void setUp() throws Exception {
    Path policy = dir.resolve("policy");
    Files.createDirectories(policy);
    Files.writeString(policy.resolve("policy.yaml"), POLICY);
    proctor =
        Proctor.builder()
            .policyDirectory(policy)
            .logStore(log)
            .approvalStore(new InMemoryApprovalStore())
            .signer(AuditFixtures.signer())
            .clock(clock)
            .decisionDeadline(Duration.ofSeconds(30))
            .build();
  }

  @AfterEach
  void tearDown() {
    proctor.close();
  }

  private Mediation ask(String tool) {
    return proctor
        .mediator()
        .mediate(
            new ToolCall(
                new Principal(
                    Optional.of("olga"),
                    Optional.of("claude"),
                    Optional.empty(),
                    Optional.of("s1"),
                    Optional.empty(),
                    List.of(),
                    List.of()),
                "api",
                tool,
                "",
                JsonNodeFactory.instance.objectNode().put("env", "prod"),
                Optional.empty(),
                Set.of(),
                Map.of(Approvals.SESSION_STARTED_BY, "sam")));
  }

  private List<String> states(String actionId) {
    List<String> out = new ArrayList<>();
    log.scan(
        0,
        log.size(),
        e -> {
          if (e.actionId().equals(actionId)) {
            out.add(e.state());
          }
        });
    return out;
  }

  private Approvals approvals() {
    return proctor.approvals();
  }

  @Test
  void ask_inProctor_holdsTheActionWithItsParametersAndWhy() {
    Mediation m = ask("deploy");
    assertThat(m.decision()).isInstanceOf(Decision.RequireApproval.class);
    HeldAction held = approvals().get(m.request().id()).orElseThrow();
    assertThat(held.state()).isEqualTo(LifecycleState.APPROVAL_REQUIRED);
    assertThat(held.parameters().path("env").asText()).isEqualTo("prod");
    assertThat(held.ruleIds()).containsExactly("deploy");
    assertThat(held.reason()).isEqualTo("deploys need two people");
    assertThat(held.requirement().quorum()).isEqualTo(2);
    assertThat(held.excluded()).containsExactlyInAnyOrder("claude", "olga", "sam");
    assertThat(held.expires()).isEqualTo(clock.now.plus(Duration.ofMinutes(10)));
    assertThat(approvals().pending(10)).extracting(HeldAction::actionId).contains(m.request().id());
  }

  @Test
  void ask_atTheHarness_isNotHeld() {
    Mediation m = ask("prompt");
    assertThat(m.decision()).isInstanceOf(Decision.RequireApproval.class);
    assertThat(approvals().get(m.request().id())).isEmpty();
  }

  @Test
  void approve_quorumOfTwo_approvesOnceWithBothVotes() throws Exception {
    String id = ask("deploy").request().id();
    assertThat(approvals().approve(id, DANA)).isEqualTo(LifecycleState.APPROVAL_REQUIRED);
    assertThat(approvals().approve(id, ERIN)).isEqualTo(LifecycleState.APPROVED);
    assertThat(states(id)).containsExactly("requested", "approval_required", "approved");
    StoredEntry approved = log.lastEntry(id).orElseThrow();
    assertThat(approved.json()).contains("\"approver\":\"dana\"").contains("\"approver\":\"erin\"");
    assertThat(approvals().pending(10)).isEmpty();
    assertThatThrownBy(() -> approvals().approve(id, new Approver("finn", Set.of("approvers"))))
        .isInstanceOf(ApprovalException.class)
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.ALREADY_DECIDED);
  }

  @Test
  void approve_samePersonTwice_countsOnce() throws Exception {
    String id = ask("deploy").request().id();
    approvals().approve(id, DANA);
    assertThatThrownBy(() -> approvals().approve(id, DANA))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.ALREADY_VOTED);
    assertThat(states(id)).containsExactly("requested", "approval_required");
  }

  @Test
  void approve_byRequesterOwnerOrSessionStarter_isRefused() {
    String id = ask("deploy").request().id();
    for (String name : List.of("claude", "olga", "sam")) {
      assertThatThrownBy(() -> approvals().approve(id, new Approver(name, Set.of("approvers"))))
          .as(name)
          .extracting(e -> ((ApprovalException) e).code())
          .isEqualTo(ApprovalException.Code.SEPARATION_OF_DUTIES);
    }
    assertThat(approvals().get(id).orElseThrow().votes()).isEmpty();
  }

  @Test
  void approve_outsideTheApproverGroups_isRefused() {
    String id = ask("deploy").request().id();
    assertThatThrownBy(() -> approvals().approve(id, new Approver("otto", Set.of("auditors"))))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.NOT_AN_APPROVER);
  }

  @Test
  void reject_needsAReason_andEndsTheAction() throws Exception {
    String id = ask("deploy").request().id();
    assertThatThrownBy(() -> approvals().reject(id, DANA, " "))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.REASON_REQUIRED);
    assertThat(approvals().reject(id, DANA, "not on a Friday")).isEqualTo(LifecycleState.REJECTED);
    assertThat(log.lastEntry(id).orElseThrow().json()).contains("rejected: not on a Friday");
  }

  @Test
  void sweep_afterExpiry_expiresWithoutQuorum_andLaterVotesAreRefused() throws Exception {
    String id = ask("deploy").request().id();
    approvals().approve(id, DANA);
    clock.now = clock.now.plus(Duration.ofMinutes(11));
    assertThat(approvals().sweep()).isEqualTo(1);
    assertThat(states(id)).containsExactly("requested", "approval_required", "expired");
    assertThatThrownBy(() -> approvals().approve(id, ERIN))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.EXPIRED);
  }

  @Test
  void vote_afterExpiryBeforeTheSweep_expiresItAndIsRefused() {
    String id = ask("deploy").request().id();
    clock.now = clock.now.plus(Duration.ofMinutes(10));
    assertThatThrownBy(() -> approvals().approve(id, DANA))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.EXPIRED);
    assertThat(states(id)).last().isEqualTo("expired");
  }

  @Test
  void cancel_pending_isCanceled_andCannotBeCanceledTwice() throws Exception {
    String id = ask("deploy").request().id();
    assertThat(approvals().cancel(id, "session ended")).isEqualTo(LifecycleState.CANCELED);
    assertThatThrownBy(() -> approvals().cancel(id, "again"))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.ALREADY_DECIDED);
  }

  @Test
  void approve_unknownAction_isNotFound() {
    assertThatThrownBy(() -> approvals().approve("nope", DANA))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.NOT_FOUND);
  }

  @Test
  void await_returnsOnceDecided() throws Exception {
    String id = ask("deploy").request().id();
    assertThat(approvals().await(id, Duration.ofMillis(20)))
        .contains(LifecycleState.APPROVAL_REQUIRED);
    Thread voter =
        new Thread(
            () -> {
              try {
                approvals().approve(id, DANA);
                approvals().approve(id, ERIN);
              } catch (ApprovalException e) {
                throw new IllegalStateException(e);
              }
            });
    voter.start();
    assertThat(approvals().await(id, Duration.ofSeconds(20))).contains(LifecycleState.APPROVED);
    voter.join();
  }

  @Test
  void report_afterApproval_runsFromApproved() throws Exception {
    String id = ask("deploy").request().id();
    approvals().approve(id, DANA);
    approvals().approve(id, ERIN);
    proctor
        .mediator()
        .report(
            id,
            new dev.proctor.Report(
                LifecycleState.SUCCEEDED,
                new dev.proctor.audit.Outcome(Optional.empty(), Optional.empty(), Optional.empty()),
                Optional.empty()));
    assertThat(states(id))
        .containsExactly("requested", "approval_required", "approved", "executing", "succeeded");
  }
}

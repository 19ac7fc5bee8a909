package dev.proctor.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.Executed;
import dev.proctor.Proctor;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalTokens.TokenException;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.InMemoryApprovalStore;
import dev.proctor.store.InMemoryLogStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approval tokens end to end through a real {@link Proctor}: approve, take the token, execute once;
 * every way a token can be wrong is refused, recorded as a denied action and runs nothing.
 */
class ApprovalTokensTest {

  private static final String POLICY =
      "policy: {id: tokens-test, version: 1, description: d}\n"
          + "rules:\n"
          + "  - id: deploy\n"
          + "    match: {tool: deploy}\n"
          + "    effect: ask\n"
          + "    approval: {groups: [approvers], expiry: 10m, answered_at: proctor}\n"
          + "  - id: payout\n"
          + "    match: {tool: payout}\n"
          + "    effect: ask\n"
          + "    approval: {groups: [approvers], answered_at: proctor, step_up: totp}\n";

  private static final Approver DANA = new Approver("dana", Set.of("approvers"));

  @TempDir Path dir;
  private final ApprovalsTest.TestClock clock = new ApprovalsTest.TestClock();
  private final InMemoryLogStore log = new InMemoryLogStore();
  private Proctor proctor;
  private final AtomicInteger runs = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    proctor = build(log, POLICY, "policy");
  }

  private Proctor build(InMemoryLogStore store, String policy, String name) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p);
    Files.writeString(p.resolve("policy.yaml"), policy);
    return Proctor.builder()
        .policyDirectory(p)
        .logStore(store)
        .approvalStore(new InMemoryApprovalStore())
        .signer(AuditFixtures.signer())
        .clock(clock)
        .approvalTokenLifetime(Duration.ofMinutes(5))
        .decisionDeadline(Duration.ofSeconds(30))
        .build();
  }

  @AfterEach
  void tearDown() {
    proctor.close();
  }

  private static ToolCall call(String agent, String tool, String env) {
    return new ToolCall(
        new Principal(
            Optional.of("olga"),
            Optional.of(agent),
            Optional.empty(),
            Optional.of("s1"),
            Optional.empty(),
            List.of(),
            List.of()),
        "api",
        tool,
        "",
        JsonNodeFactory.instance.objectNode().put("env", env),
        Optional.empty(),
        Set.of(),
        Map.of());
  }

  /** Asks for a deploy, approves it and returns the held action's id and token. */
  private String[] approved() throws Exception {
    String id = proctor.mediator().mediate(call("claude", "deploy", "prod")).request().id();
    assertThat(proctor.approvals().token(id)).isEmpty(); // still waiting
    assertThat(proctor.approvals().approve(id, DANA)).isEqualTo(LifecycleState.APPROVED);
    return new String[] {id, proctor.approvals().token(id).orElseThrow()};
  }

  private Executed<String> execute(ToolCall call, String token) {
    return proctor
        .mediator()
        .mediate(
            call,
            token,
            args -> {
              runs.incrementAndGet();
              return "deployed " + args.path("env").asText();
            });
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

  /** The token was refused with a code, nothing ran, and the refusal is a recorded deny. */
  private void assertRefused(Executed<String> e, TokenException.Code code) {
    assertThat(e.ran()).isFalse();
    assertThat(e.decision()).isInstanceOf(Decision.Deny.class);
    assertThat(e.decision().reason()).startsWith("approval token refused (" + code.wireName());
    assertThat(e.mediation().receipts()).isNotEmpty();
    assertThat(states(e.mediation().actionId())).containsExactly("requested", "denied");
  }

  @Test
  void token_approvedThenExecuted_runsOnceUnderTheHeldActionsId() throws Exception {
    String[] a = approved();
    assertThat(a[1]).startsWith("pat1.");
    assertThat(proctor.approvals().token(a[0])).contains(a[1]); // the same token when shown again
    Executed<String> run = execute(call("claude", "deploy", "prod"), a[1]);
    assertThat(run.ran()).isTrue();
    assertThat(run.result()).contains("deployed prod");
    assertThat(run.mediation().actionId()).isEqualTo(a[0]);
    assertThat(states(a[0]))
        .containsExactly("requested", "approval_required", "approved", "executing", "succeeded");
    assertThat(proctor.approvals().token(a[0])).isEmpty();

    assertRefused(execute(call("claude", "deploy", "prod"), a[1]), TokenException.Code.USED);
    assertThat(runs).hasValue(1);
  }

  @Test
  void token_withChangedArguments_isRefused_andStillWorksForTheApprovedCall() throws Exception {
    String[] a = approved();
    assertRefused(
        execute(call("claude", "deploy", "staging"), a[1]), TokenException.Code.ARGUMENTS_CHANGED);
    assertThat(runs).hasValue(0);
    assertThat(execute(call("claude", "deploy", "prod"), a[1]).ran()).isTrue();
  }

  @Test
  void token_presentedByAnotherRequester_isRefused() throws Exception {
    String[] a = approved();
    assertRefused(
        execute(call("other-agent", "deploy", "prod"), a[1]), TokenException.Code.OTHER_REQUESTER);
    assertThat(runs).hasValue(0);
  }

  @Test
  void token_afterItsLifetime_isRefused() throws Exception {
    String[] a = approved();
    clock.now = clock.now.plus(Duration.ofMinutes(5));
    assertRefused(execute(call("claude", "deploy", "prod"), a[1]), TokenException.Code.EXPIRED);
    assertThat(runs).hasValue(0);
  }

  @Test
  void token_alteredOrSignedByAnotherKey_isRefusedAsForged() throws Exception {
    String[] a = approved();
    String[] parts = a[1].split("\\.");
    // A payload with another expiry, keeping the signature: base64url of the altered JSON.
    String json =
        new String(java.util.Base64.getUrlDecoder().decode(parts[1]), "UTF-8")
            .replaceAll("\"expires\":\\d+", "\"expires\":99999999999");
    String altered =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(json.getBytes("UTF-8"))
            + "."
            + parts[2];
    assertRefused(execute(call("claude", "deploy", "prod"), altered), TokenException.Code.FORGED);
    char last = parts[2].charAt(0);
    String badSig =
        parts[0] + "." + parts[1] + "." + (last == 'A' ? 'B' : 'A') + parts[2].substring(1);
    assertRefused(execute(call("claude", "deploy", "prod"), badSig), TokenException.Code.FORGED);

    ApprovalTokens stranger = ApprovalTokens.ephemeral(clock, Duration.ofMinutes(5));
    String foreign =
        stranger.issue(
            a[0],
            call("claude", "deploy", "prod").digest(),
            proctor.policy().ref().digest(),
            call("claude", "deploy", "prod").principal(),
            "n",
            clock.now);
    assertRefused(execute(call("claude", "deploy", "prod"), foreign), TokenException.Code.FORGED);
    assertRefused(
        execute(call("claude", "deploy", "prod"), "pat1.x"), TokenException.Code.MALFORMED);
    assertThat(runs).hasValue(0);
    assertThat(execute(call("claude", "deploy", "prod"), a[1]).ran()).isTrue();
  }

  @Test
  void token_afterThePolicyChanged_isRefused() throws Exception {
    String[] a = approved();
    proctor.replacePolicy(
        proctor.policyLoader().load(writePolicy(POLICY.replace("expiry: 10m", "expiry: 20m"))));
    assertRefused(
        execute(call("claude", "deploy", "prod"), a[1]), TokenException.Code.POLICY_CHANGED);
  }

  private Path writePolicy(String text) throws Exception {
    Path p = dir.resolve("policy2");
    Files.createDirectories(p);
    Files.writeString(p.resolve("policy.yaml"), text);
    return p;
  }

  @Test
  void token_ofARejectedAction_isNeverIssued() throws Exception {
    String id = proctor.mediator().mediate(call("claude", "deploy", "prod")).request().id();
    proctor.approvals().reject(id, DANA, "not today");
    assertThat(proctor.approvals().token(id)).isEmpty();
  }

  @Test
  void stepUp_approveWithoutCode_isRefused_andNoVoteIsRecorded() throws Exception {
    String id = proctor.mediator().mediate(call("claude", "payout", "prod")).request().id();
    assertThat(proctor.approvals().get(id).orElseThrow().requirement().stepUp())
        .isEqualTo(ApprovalRequirement.StepUp.TOTP);
    assertThatThrownBy(() -> proctor.approvals().approve(id, DANA))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.STEP_UP_REQUIRED);
    StepUpCheck wrong =
        (m, who) -> {
          throw new ApprovalException(ApprovalException.Code.STEP_UP_FAILED, "wrong code");
        };
    assertThatThrownBy(() -> proctor.approvals().approve(id, DANA, wrong))
        .extracting(e -> ((ApprovalException) e).code())
        .isEqualTo(ApprovalException.Code.STEP_UP_FAILED);
    assertThat(proctor.approvals().get(id).orElseThrow().votes()).isEmpty();
    List<String> asked = new ArrayList<>();
    assertThat(proctor.approvals().approve(id, DANA, (m, who) -> asked.add(m + ":" + who)))
        .isEqualTo(LifecycleState.APPROVED);
    assertThat(asked).containsExactly("TOTP:dana");
  }

  @Test
  void stepUp_notDemanded_isNotAsked_andRejectionNeedsNone() throws Exception {
    String id = proctor.mediator().mediate(call("claude", "deploy", "prod")).request().id();
    StepUpCheck never =
        (m, who) -> {
          throw new AssertionError("asked for step-up on an action that demands none");
        };
    assertThat(proctor.approvals().approve(id, DANA, never)).isEqualTo(LifecycleState.APPROVED);
    String pay = proctor.mediator().mediate(call("claude", "payout", "prod")).request().id();
    assertThat(proctor.approvals().reject(pay, DANA, "no")).isEqualTo(LifecycleState.REJECTED);
  }
}

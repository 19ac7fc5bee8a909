package dev.proctor.approval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalException.Code;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.ActionRecord;
import dev.proctor.audit.ApprovalRecord;
import dev.proctor.audit.LifecycleEvent;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.ReceiptFormat;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.ApprovalStore;
import dev.proctor.store.LogStoreException;
import dev.proctor.store.StoredApproval;
import dev.proctor.store.StoredEntry;
import dev.proctor.store.StoredVote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Actions held for approval in Proctor, and the votes that end them (AWS2-RUN-L2-001, L2-002).
 *
 * <p>Why the log decides races: a held action's state is never kept beside it — it is the action's
 * last receipt. Votes go to the {@link ApprovalStore} first (one per person and action, however
 * many instances they vote through); the vote that completes a quorum, a rejection, an expiry or a
 * cancellation then appends the ending receipt, and the log's lifecycle check, made under the
 * store's write lock, lets exactly one ending through: a second instance racing to end the same
 * action is refused and reads the winner. An acknowledged vote is durable even when its ending
 * receipt could not be written (the store went away); the sweep ends such an action later from the
 * votes on record. A store that cannot be reached refuses every vote: nothing is approved unseen.
 *
 * <p>Step-up: when the requirement demands it ({@code step_up: totp}), an approving vote counts
 * only with a credential the surface's {@link StepUpCheck} accepts, checked after every other test
 * passed, so that a vote refused for another reason does not use up a code. A rejection needs no
 * step-up: it can only make the outcome safer.
 *
 * <p>Tokens: an approved action yields a signed {@link ApprovalTokens token} bound to its digest,
 * the policy digest, the requester and a nonce drawn when it was held; {@link #redeem} checks one
 * for the executing side and uses its nonce up in the store, once across every instance.
 *
 * <p>Separation of duties: the requesting agent or service, its human owner (sponsor), the person
 * who started the session (context {@code session.started_by}) and everyone in the delegation chain
 * cannot vote; one person counts once. Expiry is a deny.
 */
public final class Approvals {

  private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The context key naming the person who started the agent's session. */
  public static final String SESSION_STARTED_BY = "session.started_by";

  private final ActionLog log;
  private final ApprovalStore store;
  private final Clock clock;
  private final Duration deadline;
  private final ApprovalTokens tokens;
  private final Object changed = new Object();
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Holds actions in a store, ending them with receipts in a log; approved ones yield tokens signed
   * by {@code tokens}.
   */
  public Approvals(
      ActionLog log, ApprovalStore store, Clock clock, Duration deadline, ApprovalTokens tokens) {
    this.tokens = requireNonNull(tokens, "tokens is null");
    this.log = requireNonNull(log, "log is null");
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.deadline = requireNonNull(deadline, "deadline is null");
  }

  /**
   * Holds an action whose decision asks for an approval in Proctor, before the decision is recorded
   * (a hold whose receipts then fail is ended by the sweep). Throws {@link LogStoreException} when
   * the store cannot take it: the caller must then deny.
   */
  public void hold(ActionRequest request, Decision.RequireApproval decision) {
    requireNonNull(request, "request is null");
    requireNonNull(decision, "decision is null");
    Instant now = clock.instant();
    ApprovalRequirement r = decision.requirement();
    ObjectNode j = JSON.createObjectNode();
    var groups = j.putArray("groups");
    r.approverGroups().forEach(groups::add);
    j.put("quorum", r.quorum());
    j.put("expiry", r.expiry().toString());
    j.put("answeredAt", r.answeredAt().wireName());
    if (r.stepUp() != ApprovalRequirement.StepUp.NONE) {
      j.put("stepUp", r.stepUp().wireName());
    }
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    j.put("nonce", Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
    var rules = j.putArray("rules");
    decision.ruleIds().forEach(rules::add);
    j.put("reason", decision.reason());
    j.put("policyDigest", decision.policy().digest());
    j.put("actionDigest", request.digest());
    var ex = j.putArray("excluded");
    excluded(request).forEach(ex::add);
    store.add(
        new StoredApproval(
            request.id(),
            now.toEpochMilli(),
            now.plus(r.expiry()).toEpochMilli(),
            j.toString(),
            true));
  }

  /** The names that may not approve a request. */
  static Set<String> excluded(ActionRequest request) {
    Principal p = request.principal();
    Set<String> out = new LinkedHashSet<>();
    p.agent().ifPresent(out::add);
    p.human().ifPresent(out::add);
    p.service().ifPresent(out::add);
    out.addAll(p.delegationChain());
    request.contextString(SESSION_STARTED_BY).ifPresent(out::add);
    return out;
  }

  /** A held action with its votes and current state. */
  public Optional<HeldAction> get(String actionId) {
    requireNonNull(actionId, "actionId is null");
    return store.approval(actionId).flatMap(this::view);
  }

  /** Held actions still waiting for votes, oldest first. */
  public List<HeldAction> pending(int limit) {
    List<HeldAction> out = new ArrayList<>();
    for (StoredApproval a : store.open(limit)) {
      view(a).filter(HeldAction::pending).ifPresent(out::add);
    }
    return out;
  }

  private Optional<HeldAction> view(StoredApproval a) {
    List<StoredEntry> entries = log.store().entriesOf(a.actionId(), 64);
    if (entries.isEmpty()) {
      return Optional.empty(); // held, but its decision was never recorded
    }
    StoredEntry last = entries.get(entries.size() - 1);
    LifecycleState state = LifecycleState.fromWireName(last.state()).orElse(LifecycleState.DENIED);
    ActionRecord action = ReceiptFormat.action(entries.get(0).json());
    JsonNode j = parse(a.json());
    List<String> groups = strings(j.path("groups"));
    ApprovalRequirement req =
        new ApprovalRequirement(
            groups,
            j.path("quorum").asInt(1),
            Duration.parse(j.path("expiry").asText("PT15M")),
            true,
            j.path("answeredAt").asText().equals("proctor")
                ? ApprovalRequirement.AnsweredAt.PROCTOR
                : ApprovalRequirement.AnsweredAt.HARNESS,
            j.path("stepUp").asText("none").equals("totp")
                ? ApprovalRequirement.StepUp.TOTP
                : ApprovalRequirement.StepUp.NONE);
    List<HeldAction.Vote> votes =
        store.votes(a.actionId()).stream()
            .map(
                v ->
                    new HeldAction.Vote(
                        v.approver(),
                        v.decision(),
                        v.reason(),
                        Instant.ofEpochMilli(v.timeMillis())))
            .toList();
    return Optional.of(
        new HeldAction(
            a.actionId(),
            state,
            action.tool(),
            action.actionClass(),
            j.path("actionDigest").asText(action.digest()),
            action.parameters(),
            action.requester(),
            strings(j.path("rules")),
            j.path("reason").asText(""),
            j.path("policyDigest").asText(""),
            req,
            Set.copyOf(strings(j.path("excluded"))),
            Instant.ofEpochMilli(a.createdMillis()),
            Instant.ofEpochMilli(a.expiresMillis()),
            votes));
  }

  /**
   * Approves a held action as an authenticated person; returns its state after the vote ({@code
   * approved} when this vote completed the quorum, else still {@code approval_required}).
   */
  public LifecycleState approve(String actionId, Approver approver) throws ApprovalException {
    return approve(actionId, approver, StepUpCheck.NONE);
  }

  /**
   * Approves a held action as an authenticated person who presents a step-up credential, which
   * {@code stepUp} checks when the action demands step-up; otherwise as {@link #approve(String,
   * Approver)}.
   */
  public LifecycleState approve(String actionId, Approver approver, StepUpCheck stepUp)
      throws ApprovalException {
    requireNonNull(stepUp, "stepUp is null");
    return vote(actionId, approver, "approve", Optional.empty(), stepUp);
  }

  /** Rejects a held action as an authenticated person; a reason is required. */
  public LifecycleState reject(String actionId, Approver approver, String reason)
      throws ApprovalException {
    requireNonNull(reason, "reason is null");
    if (reason.isBlank()) {
      throw new ApprovalException(Code.REASON_REQUIRED, "a rejection needs a reason");
    }
    return vote(actionId, approver, "reject", Optional.of(reason.strip()), StepUpCheck.NONE);
  }

  private LifecycleState vote(
      String actionId,
      Approver approver,
      String decision,
      Optional<String> reason,
      StepUpCheck stepUp)
      throws ApprovalException {
    requireNonNull(actionId, "actionId is null");
    requireNonNull(approver, "approver is null");
    try {
      HeldAction held =
          get(actionId)
              .orElseThrow(
                  () -> new ApprovalException(Code.NOT_FOUND, "no held action " + actionId));
      if (!held.pending()) {
        throw new ApprovalException(
            held.state() == LifecycleState.EXPIRED ? Code.EXPIRED : Code.ALREADY_DECIDED,
            "action " + actionId + " is " + held.state().wireName() + " already");
      }
      Instant now = clock.instant();
      if (!now.isBefore(held.expires())) {
        end(held, LifecycleState.EXPIRED, Optional.of("no quorum before " + held.expires()));
        throw new ApprovalException(Code.EXPIRED, "action " + actionId + " expired");
      }
      if (held.excluded().contains(approver.name())) {
        throw new ApprovalException(
            Code.SEPARATION_OF_DUTIES,
            approver.name()
                + " requested, owns or started the session of action "
                + actionId
                + " and cannot vote on it");
      }
      if (held.requirement().approverGroups().stream().noneMatch(approver.groups()::contains)) {
        throw new ApprovalException(
            Code.NOT_AN_APPROVER,
            approver.name()
                + " is in none of the approver groups "
                + held.requirement().approverGroups());
      }
      ApprovalRequirement.StepUp method = held.requirement().stepUp();
      if (decision.equals("approve") && method != ApprovalRequirement.StepUp.NONE) {
        if (store.votes(actionId).stream().anyMatch(v -> v.approver().equals(approver.name()))) {
          throw new ApprovalException(
              Code.ALREADY_VOTED,
              approver.name() + " has voted on action " + actionId + " already");
        }
        stepUp.verify(method, approver.name());
      }
      if (!store.addVote(
          new StoredVote(actionId, approver.name(), decision, reason, now.toEpochMilli()))) {
        throw new ApprovalException(
            Code.ALREADY_VOTED, approver.name() + " has voted on action " + actionId + " already");
      }
      return settleFromVotes(actionId).orElse(LifecycleState.APPROVAL_REQUIRED);
    } catch (LogStoreException e) {
      throw new ApprovalException(Code.UNAVAILABLE, "the store is unavailable: " + e.getMessage());
    }
  }

  /** Ends an action whose votes decide it; empty when they do not yet. */
  private Optional<LifecycleState> settleFromVotes(String actionId) {
    HeldAction held = get(actionId).orElseThrow();
    if (!held.pending()) {
      store.settle(actionId);
      return Optional.of(held.state());
    }
    Optional<HeldAction.Vote> rejection =
        held.votes().stream().filter(v -> v.decision().equals("reject")).findFirst();
    if (rejection.isPresent()) {
      return Optional.of(
          end(held, LifecycleState.REJECTED, rejection.get().reason().map(r -> "rejected: " + r)));
    }
    if (held.approvals() >= held.requirement().quorum()) {
      return Optional.of(end(held, LifecycleState.APPROVED, Optional.empty()));
    }
    return Optional.empty();
  }

  /**
   * The signed token of an approved action, for the side that executes it; empty while it waits,
   * once it ended otherwise (rejected, expired, canceled) and once it started executing (the token
   * was used).
   */
  public Optional<String> token(String actionId) {
    requireNonNull(actionId, "actionId is null");
    Optional<StoredApproval> stored = store.approval(actionId);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    List<StoredEntry> entries = log.store().entriesOf(actionId, 64);
    StoredEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
    if (last == null || !last.state().equals(LifecycleState.APPROVED.wireName())) {
      return Optional.empty();
    }
    JsonNode j = parse(stored.get().json());
    String nonce = j.path("nonce").asText("");
    if (nonce.isEmpty()) {
      return Optional.empty(); // held by a build without tokens
    }
    ActionRecord action = ReceiptFormat.action(entries.get(0).json());
    return Optional.of(
        tokens.issue(
            actionId,
            j.path("actionDigest").asText(action.digest()),
            j.path("policyDigest").asText(""),
            action.requester(),
            nonce,
            Instant.ofEpochMilli(last.timeMillis())));
  }

  /**
   * Checks an approval token presented with the call to execute and uses it up: returns its claims
   * when it is this Proctor's, unexpired, for this requester, this exact call and the policy in
   * force, its action is {@code approved} and its nonce was never used, here or on another instance
   * on the store. Anything else throws, naming why; only a token that passed every check is used
   * up.
   */
  public ApprovalTokens.Claims redeem(String token, ToolCall call, String policyDigest)
      throws ApprovalTokens.TokenException {
    ApprovalTokens.Claims c = tokens.verify(token, call, policyDigest);
    try {
      Optional<StoredApproval> stored = store.approval(c.actionId());
      if (stored.isEmpty()
          || !parse(stored.get().json()).path("nonce").asText().equals(c.nonce())) {
        throw new ApprovalTokens.TokenException(
            ApprovalTokens.TokenException.Code.FORGED,
            "no held action " + c.actionId() + " was given this token");
      }
      LifecycleState state =
          log.store()
              .lastState(c.actionId())
              .flatMap(LifecycleState::fromWireName)
              .orElse(LifecycleState.DENIED);
      if (state != LifecycleState.APPROVED) {
        boolean ran = ranStates(state);
        throw new ApprovalTokens.TokenException(
            ran
                ? ApprovalTokens.TokenException.Code.USED
                : ApprovalTokens.TokenException.Code.NOT_APPROVED,
            ran
                ? "the approval token of action "
                    + c.actionId()
                    + " was used already (the action is "
                    + state.wireName()
                    + ")"
                : "action " + c.actionId() + " is " + state.wireName() + ", not approved");
      }
      if (!store.useToken(c.nonce(), c.actionId(), clock.millis())) {
        throw new ApprovalTokens.TokenException(
            ApprovalTokens.TokenException.Code.USED,
            "the approval token of action " + c.actionId() + " was used already");
      }
      return c;
    } catch (LogStoreException e) {
      throw new ApprovalTokens.TokenException(
          ApprovalTokens.TokenException.Code.UNAVAILABLE,
          "the store is unavailable: " + e.getMessage());
    }
  }

  private static boolean ranStates(LifecycleState s) {
    return switch (s) {
      case EXECUTING, SUCCEEDED, FAILED, INTERRUPTED, ROLLED_BACK -> true;
      default -> false;
    };
  }

  /**
   * Cancels a held action (its session was canceled, an emergency stop); returns the state it is in
   * afterwards.
   */
  public LifecycleState cancel(String actionId, String why) throws ApprovalException {
    requireNonNull(why, "why is null");
    try {
      HeldAction held =
          get(actionId)
              .orElseThrow(
                  () -> new ApprovalException(Code.NOT_FOUND, "no held action " + actionId));
      if (!held.pending()) {
        throw new ApprovalException(
            Code.ALREADY_DECIDED,
            "action " + actionId + " is " + held.state().wireName() + " already");
      }
      return end(held, LifecycleState.CANCELED, Optional.of("canceled: " + why));
    } catch (LogStoreException e) {
      throw new ApprovalException(Code.UNAVAILABLE, "the store is unavailable: " + e.getMessage());
    }
  }

  /**
   * Ends every held action whose expiry has passed — from its votes when they reached a decision
   * before it (a vote acknowledged while its ending could not be written), else as {@code expired}
   * — and closes holds whose decision was never recorded. Returns how many were ended.
   */
  public int sweep() {
    int n = 0;
    for (StoredApproval a : store.openExpiringBy(clock.millis(), 500)) {
      try {
        Optional<HeldAction> held = view(a);
        if (held.isEmpty() || !held.get().pending()) {
          store.settle(a.actionId());
          continue;
        }
        if (settleFromVotes(a.actionId()).isEmpty()) {
          end(
              held.get(),
              LifecycleState.EXPIRED,
              Optional.of("no quorum before " + held.get().expires()));
        }
        n++;
      } catch (RuntimeException e) {
        LOG.warn("could not end held action {}: {}", a.actionId(), e.getMessage());
      }
    }
    return n;
  }

  /**
   * Records the ending receipt; another instance that ended the action first wins, and its state is
   * returned. Throws {@link LogStoreException} when the receipt cannot be written.
   */
  private LifecycleState end(HeldAction held, LifecycleState state, Optional<String> why) {
    List<ApprovalRecord.Vote> votes = new ArrayList<>();
    for (HeldAction.Vote v : held.votes()) {
      votes.add(new ApprovalRecord.Vote(v.approver(), v.decision(), v.time()));
    }
    StoredEntry first = log.store().entriesOf(held.actionId(), 1).get(0);
    ActionRecord action = ReceiptFormat.action(first.json());
    LifecycleState result = state;
    try {
      log.recordAll(
          List.of(
              new LifecycleEvent.ApprovalResolved(action, state, new ApprovalRecord(votes, why))),
          deadline);
    } catch (IllegalTransitionException raced) {
      result =
          log.store()
              .lastState(held.actionId())
              .flatMap(LifecycleState::fromWireName)
              .orElse(state);
    } catch (LogUnavailableException e) {
      throw new LogStoreException("the ending receipt was not written: " + e.getMessage(), e);
    }
    store.settle(held.actionId());
    synchronized (changed) {
      changed.notifyAll();
    }
    return result;
  }

  /**
   * Waits until a held action leaves {@code approval_required} or {@code max} passes, and returns
   * its state then (empty when the action is not on record). Sees endings made by other instances
   * within about 50 ms.
   */
  public Optional<LifecycleState> await(String actionId, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (true) {
      Optional<LifecycleState> s =
          log.store().lastState(actionId).flatMap(LifecycleState::fromWireName);
      long left = end - System.nanoTime();
      if (s.isEmpty() || s.get() != LifecycleState.APPROVAL_REQUIRED || left <= 0) {
        return s;
      }
      synchronized (changed) {
        changed.wait(Math.max(1, Math.min(50, left / 1_000_000)));
      }
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Report;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.HeldAction;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.PolicyRef;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.policy.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What every hook surface — the command hook, the server's hook endpoints — does with a parsed
 * harness call, through the {@link Mediator}: a pre-tool or permission event is decided and
 * recorded; a post-tool event records how the call ended under the decision already on record,
 * without classifying or deciding it again; an event Proctor does not decide is recorded as
 * observed and answered with no decision. The answer is in the harness's own shape.
 *
 * <p>An action held for approval in Proctor (a rule's {@code answered_at: proctor}) is not handed
 * to the harness's prompt: the hook call waits for the vote that decides it, as long as the surface
 * lets it ({@code approvalWait}), and is then answered allow (approved), deny with the rejection's
 * reason, or deny "approval still pending: action ID" when the wait ran out. A retried pre-tool
 * event for the same call (same tool-use id, session and arguments, hence the same action id) gets
 * the answer of the action on record — waiting again while it is pending — never a second held
 * action.
 */
public final class HookMediation {

  private HookMediation() {}

  /**
   * Handles one harness call as the harness describes it (the command hook); throws only what the
   * log throws when an outcome cannot be recorded.
   */
  public static HookAnswer handle(Harness harness, HookCall call, Mediator mediator)
      throws LogUnavailableException {
    return handle(harness, call, mediator, UnaryOperator.identity());
  }

  /**
   * Handles one harness call, first turning the call the harness describes into the one to decide
   * with {@code bind}: the identity an authenticated API key stands for (the server's hook
   * endpoints). Throws only what the log throws when an outcome cannot be recorded.
   */
  public static HookAnswer handle(
      Harness harness, HookCall call, Mediator mediator, UnaryOperator<ToolCall> bind)
      throws LogUnavailableException {
    return handle(harness, call, mediator, bind, () -> Duration.ZERO);
  }

  /**
   * Handles one harness call as {@link #handle(Harness, HookCall, Mediator, UnaryOperator)} does; a
   * call held for approval in Proctor waits for its decision for as long as {@code approvalWait}
   * says once the hold is on record (zero: answer "still pending" at once).
   */
  public static HookAnswer handle(
      Harness harness,
      HookCall call,
      Mediator mediator,
      UnaryOperator<ToolCall> bind,
      Supplier<Duration> approvalWait)
      throws LogUnavailableException {
    requireNonNull(harness, "harness is null");
    requireNonNull(approvalWait, "approvalWait is null");
    requireNonNull(call, "call is null");
    requireNonNull(mediator, "mediator is null");
    requireNonNull(bind, "bind is null");
    if (call instanceof HookCall.OtherEvent other) {
      observe(harness, other, mediator, bind);
      return HookAnswer.nothing();
    }
    HookCall.ToolEvent tool = (HookCall.ToolEvent) call;
    ToolCall bound = bind.apply(tool.call());
    if (tool.event() == HookEvent.POST_TOOL_USE) {
      return outcome(harness, tool, bound, mediator);
    }
    // PermissionRequest follows PreToolUse for the same call: it is decided as its own action.
    Optional<String> id =
        tool.event() == HookEvent.PRE_TOOL_USE ? actionId(tool, bound) : Optional.empty();
    if (id.isPresent() && mediator.approvals().get(id.get()).isPresent()) {
      // A retry of a call held in Proctor: answered from the action on record.
      return held(harness, tool, mediator, id.get(), approvalWait.get());
    }
    Mediation mediation =
        id.isPresent() ? mediator.mediate(bound, id.get()) : mediator.mediate(bound);
    if (mediation.durable()
        && mediation.decision() instanceof Decision.RequireApproval ask
        && ask.requirement().answeredAt() == ApprovalRequirement.AnsweredAt.PROCTOR) {
      return held(harness, tool, mediator, mediation.actionId(), approvalWait.get());
    }
    return harness.answer(tool, mediation.decision());
  }

  /**
   * Waits up to {@code wait} for a held action to be decided, then answers from its state: allow
   * once approved, deny with why when it ended otherwise or is still pending. An action whose
   * approval already led to an execution is denied: an approval lets one call through.
   */
  private static HookAnswer held(
      Harness harness, HookCall.ToolEvent tool, Mediator mediator, String actionId, Duration wait) {
    try {
      mediator.approvals().await(actionId, wait.isNegative() ? Duration.ZERO : wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Optional<HeldAction> found = mediator.approvals().get(actionId);
    Policy policy = mediator.policy();
    PolicyRef ref = policy == null ? PolicyRef.NONE : policy.ref();
    if (found.isEmpty()) {
      return harness.answer(
          tool,
          Decision.Deny.failClosed(
              "action " + actionId + " is held, but its decision is not on record", ref));
    }
    HeldAction h = found.get();
    List<String> rules = h.ruleIds();
    String why =
        switch (h.state()) {
          case APPROVED ->
              "approved in Proctor by " + voters(h, "approve") + ": action " + actionId;
          case APPROVAL_REQUIRED -> "approval still pending: action " + actionId;
          case REJECTED ->
              "rejected in Proctor by "
                  + voters(h, "reject")
                  + h.votes().stream()
                      .filter(v -> v.decision().equals("reject"))
                      .findFirst()
                      .flatMap(HeldAction.Vote::reason)
                      .map(r -> ": " + r)
                      .orElse("")
                  + " (action "
                  + actionId
                  + ")";
          case EXPIRED ->
              "approval expired: no quorum before " + h.expires() + " (action " + actionId + ")";
          case CANCELED -> "approval canceled (action " + actionId + ")";
          default ->
              "action "
                  + actionId
                  + " is "
                  + h.state().wireName()
                  + " already: its approval let one call through";
        };
    Decision.Basis basis = new Decision.Basis(why, rules, ref, List.of());
    return harness.answer(
        tool,
        h.state() == LifecycleState.APPROVED
            ? new Decision.Allow(basis)
            : new Decision.Deny(basis));
  }

  private static String voters(HeldAction h, String decision) {
    return String.join(
        ", ",
        h.votes().stream()
            .filter(v -> v.decision().equals(decision))
            .map(v -> v.approver())
            .toList());
  }

  /**
   * An event Proctor does not decide (a lifecycle event, or one added in a newer release): the
   * harness carries on, and the log shows its name and the payload's digest — not the payload,
   * which may hold a prompt.
   */
  private static void observe(
      Harness harness, HookCall.OtherEvent other, Mediator mediator, UnaryOperator<ToolCall> bind) {
    ToolCall call =
        new ToolCall(
            new Principal(
                Optional.empty(),
                Optional.of(harness.name()),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of()),
            harness.name(),
            other.eventName(),
            "",
            JsonNodeFactory.instance.objectNode().put("event", other.eventName()),
            Optional.empty(),
            Set.of(),
            Map.of("payload_digest", other.payloadDigest()));
    mediator.observe(
        bind.apply(call),
        harness.name()
            + " event '"
            + other.eventName()
            + "' is not one Proctor decides: answered with no decision");
  }

  /**
   * A post-tool event: the call ran. Records how it ended under the decision the pre-tool event put
   * on record; a call Proctor never saw is decided now and recorded; one that ran against a deny is
   * reported and not recorded as executed.
   *
   * <p>A held call (approval required) that ran is recorded as approved at the harness's prompt
   * only when that decision was on record before the call ran and the harness's answer to it was to
   * ask its user ({@link Harness#asksAtPrompt}): after Codex's deny, or for a call decided only
   * now, nobody was asked, so it is reported as having run although its decision was
   * approval_required.
   */
  private static HookAnswer outcome(
      Harness harness, HookCall.ToolEvent tool, ToolCall call, Mediator mediator)
      throws LogUnavailableException {
    Optional<String> id = actionId(tool, call);
    Optional<LifecycleState> recorded = id.flatMap(mediator::state);
    Optional<LifecycleState> state = recorded;
    String actionId;
    if (recorded.isPresent()) {
      actionId = id.get();
    } else {
      Mediation decided =
          id.isPresent() ? mediator.mediate(call, id.get()) : mediator.mediate(call);
      actionId = decided.actionId();
      state = mediator.state(actionId);
    }
    JsonNode response = tool.toolResponse().orElseThrow();
    Report report =
        new Report(
            end(response),
            Outcome.ofOutput(Optional.empty(), CanonicalJson.bytes(response)),
            recorded
                .filter(s -> s == LifecycleState.APPROVAL_REQUIRED)
                .filter(s -> harness.asksAtPrompt(HookEvent.PRE_TOOL_USE))
                .map(s -> harness.name() + "-prompt:local-user"));
    try {
      mediator.report(actionId, report);
      return HookAnswer.nothing();
    } catch (IllegalTransitionException | NoSuchElementException e) {
      return harness.cannotDecide(
          Optional.of(HookEvent.POST_TOOL_USE),
          "proctor: the call ran although its decision was '"
              + state.map(LifecycleState::wireName).orElse("not recorded")
              + "' (action "
              + actionId
              + "); it is not recorded as executed");
    }
  }

  /** Succeeded unless the tool response says it was interrupted or failed. */
  private static LifecycleState end(JsonNode response) {
    if (response.path("interrupted").asBoolean(false)) {
      return LifecycleState.INTERRUPTED;
    }
    if (response.path("is_error").asBoolean(false)
        || (response.has("success") && !response.path("success").asBoolean(true))) {
      return LifecycleState.FAILED;
    }
    return LifecycleState.SUCCEEDED;
  }

  /**
   * Names the action across hook events: the harness's tool-use id, scoped to the surface and
   * session and bound to the call's digest, so that a post-tool event reporting other arguments
   * than the ones the pre-tool event decided is not recorded as the outcome of that decision.
   * Harnesses without tool-use ids (Copilot, Gemini) get a new action per event.
   */
  static Optional<String> actionId(HookCall.ToolEvent tool, ToolCall call) {
    return tool.toolUseId()
        .map(
            id ->
                call.surface()
                    + "/"
                    + tool.sessionId()
                    + "/"
                    + id
                    + "/"
                    + call.digest().substring(0, 16));
  }
}

package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Report;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.ToolCall;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One hook call through the front door, the same for every surface that takes hooks (the {@code
 * proctor hook} command, the server's hook endpoints): a pre-tool or permission event is mediated
 * and answered in the harness's shape; a post-tool event records how the call ended under the
 * decision on record; an event Proctor does not decide on is answered with nothing.
 */
public final class HookMediation {

  private HookMediation() {}

  /**
   * The answer to an event Proctor does not decide on (a lifecycle event, or one added in a newer
   * release): no decision, so the harness carries on; the line for standard error names the event
   * and the payload's digest for the operator.
   */
  public static HookAnswer notDecided(Harness harness, HookCall.OtherEvent other) {
    return HookAnswer.nothing()
        .withStderr(
            "proctor: "
                + harness.name()
                + " event '"
                + other.eventName()
                + "' is not one Proctor decides; answered with no decision (payload sha256:"
                + other.payloadDigest()
                + ")");
  }

  /**
   * Mediates a hook's tool event and returns the harness's answer. {@code principal} turns the call
   * the harness described into the one to decide: the identity an authenticated key binds, say (the
   * command hook passes the call as it is).
   *
   * @throws LogUnavailableException when an outcome cannot be recorded
   */
  public static HookAnswer answer(
      Harness harness,
      HookCall.ToolEvent tool,
      Mediator mediator,
      UnaryOperator<ToolCall> principal)
      throws LogUnavailableException {
    requireNonNull(harness, "harness is null");
    requireNonNull(mediator, "mediator is null");
    requireNonNull(principal, "principal is null");
    ToolCall bound = principal.apply(tool.call());
    if (tool.event() == HookEvent.POST_TOOL_USE) {
      return outcome(harness, tool, bound, mediator);
    }
    // PermissionRequest follows PreToolUse for the same call: it is decided as its own action.
    Optional<String> id =
        tool.event() == HookEvent.PRE_TOOL_USE ? actionId(tool, bound) : Optional.empty();
    Mediation mediation =
        id.isPresent() ? mediator.mediate(bound, id.get()) : mediator.mediate(bound);
    return harness.answer(tool, mediation.decision());
  }

  /**
   * A post-tool event: the call ran. Records how it ended under the decision the pre-tool event put
   * on record, without classifying or deciding it again; a call Proctor never saw is decided now
   * and recorded; one that ran against a deny is reported and not recorded as executed.
   */
  private static HookAnswer outcome(
      Harness harness, HookCall.ToolEvent tool, ToolCall call, Mediator mediator)
      throws LogUnavailableException {
    Optional<String> id = actionId(tool, call);
    Optional<LifecycleState> state = id.flatMap(mediator::state);
    String actionId;
    if (state.isPresent()) {
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
            state
                .filter(s -> s == LifecycleState.APPROVAL_REQUIRED)
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
  private static Optional<String> actionId(HookCall.ToolEvent tool, ToolCall call) {
    return tool.toolUseId()
        .map(
            id ->
                call.surface()
                    + "/"
                    + call.principal().session().orElse(tool.sessionId())
                    + "/"
                    + id
                    + "/"
                    + call.digest().substring(0, 16));
  }
}

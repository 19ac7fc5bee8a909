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
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What every hook surface — the command hook, the server's hook endpoints — does with a parsed
 * harness call, through the {@link Mediator}: a pre-tool or permission event is decided and
 * recorded; a post-tool event records how the call ended under the decision already on record,
 * without classifying or deciding it again; an event Proctor does not decide is recorded as
 * observed and answered with no decision. The answer is in the harness's own shape.
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
    requireNonNull(harness, "harness is null");
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
    Mediation mediation =
        id.isPresent() ? mediator.mediate(bound, id.get()) : mediator.mediate(bound);
    return harness.answer(tool, mediation.decision());
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

package dev.proctor.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.decision.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI Codex CLI's command hooks: Claude-shaped snake_case payloads, answers held to Codex's
 * generated output schemas ({@code additionalProperties: false} at every level) and to the runtime
 * checks of Codex 0.171.0, which fails <em>open</em> on an answer it does not support.
 *
 * <ul>
 *   <li>PreToolUse has no {@code ask}, and {@code allow} is accepted only with {@code
 *       updatedInput}: an allow prints nothing (Codex's own approval policy goes on), a deny is
 *       {@code permissionDecision: deny} with its non-empty reason, and approval, step-up and defer
 *       are denies whose reason says a person must approve (the fail-safe mapping). A modify is an
 *       allow with {@code updatedInput} for the {@code Bash} tool only, whose input Codex rewrites;
 *       for any other tool it is a deny, because a rewrite Codex rejects would run the original.
 *   <li>PermissionRequest: {@code decision.behavior} allow or deny with a message; for an ask
 *       nothing, so Codex asks its user; a modify is a deny ({@code updatedInput} is reserved).
 *   <li>PostToolUse: nothing; the outcome is recorded.
 * </ul>
 *
 * Exit 2 with a reason on standard error blocks PreToolUse and denies PermissionRequest.
 */
final class CodexHarness implements Harness {

  /** The events Proctor decides. */
  private static final List<String> DECIDED =
      List.of("PreToolUse", "PermissionRequest", "PostToolUse");

  /** Codex's other events (its generated hook schemas): observed, answered with no decision. */
  private static final List<String> OBSERVED =
      List.of(
          "SessionStart",
          "UserPromptSubmit",
          "Stop",
          "StopFailure",
          "PreCompact",
          "PostCompact",
          "SubagentStart",
          "SubagentStop");

  @Override
  public String name() {
    return "codex";
  }

  @Override
  public HookCall parse(JsonNode payload, String payloadDigest, Optional<String> event) {
    Payload.requireObject(payload);
    String eventName = Payload.string(payload, "hook_event_name");
    EventNames.consistent(Optional.of(eventName), event, String::equals);
    Optional<HookEvent> kind = kind(eventName);
    if (kind.isEmpty()) {
      return EventNames.other(name(), eventName, payloadDigest, Set.copyOf(OBSERVED));
    }
    String sessionId = Payload.string(payload, "session_id");
    String cwd = Payload.absolutePath(payload, "cwd");
    String tool = Payload.string(payload, "tool_name");
    JsonNode input = Payload.object(payload, "tool_input");
    Optional<String> toolUseId = Payload.optionalString(payload, "tool_use_id");
    Optional<String> agentId = Payload.optionalString(payload, "agent_id");
    Map<String, String> ctx = Payload.context(cwd, payloadDigest);
    Payload.optionalString(payload, "permission_mode")
        .ifPresent(m -> ctx.put("permission_mode", m));
    toolUseId.ifPresent(id -> ctx.put("tool_use_id", id));
    Optional<JsonNode> response =
        kind.get() == HookEvent.POST_TOOL_USE
            ? Optional.of(Payload.any(payload, "tool_response"))
            : Optional.empty();
    return new HookCall.ToolEvent(
        kind.get(),
        eventName,
        payloadDigest,
        sessionId,
        toolUseId,
        Payload.toolCall("codex", sessionId, agentId, tool, input, ctx),
        response);
  }

  private static Optional<HookEvent> kind(String eventName) {
    return switch (eventName) {
      case "PreToolUse" -> Optional.of(HookEvent.PRE_TOOL_USE);
      case "PermissionRequest" -> Optional.of(HookEvent.PERMISSION_REQUEST);
      case "PostToolUse" -> Optional.of(HookEvent.POST_TOOL_USE);
      default -> Optional.empty();
    };
  }

  @Override
  public List<String> eventNames() {
    List<String> names = new ArrayList<>(DECIDED);
    names.addAll(OBSERVED);
    return List.copyOf(names);
  }

  @Override
  public Optional<HookEvent> eventOf(Optional<String> stated, Optional<String> event) {
    return stated.flatMap(CodexHarness::kind).or(() -> event.flatMap(CodexHarness::kind));
  }

  /** PreToolUse cannot ask (its answer is a deny); on PermissionRequest Codex asks its user. */
  @Override
  public boolean asksAtPrompt(HookEvent event) {
    return event == HookEvent.PERMISSION_REQUEST;
  }

  @Override
  public HookAnswer answer(HookCall.ToolEvent event, Decision decision) {
    return switch (event.event()) {
      case PRE_TOOL_USE -> preToolUse(event.call().tool(), decision);
      case PERMISSION_REQUEST -> permissionRequest(decision);
      case POST_TOOL_USE -> HookAnswer.nothing();
    };
  }

  @Override
  public HookAnswer cannotDecide(Optional<HookEvent> event, String reason) {
    return HookAnswer.exitTwo(reason);
  }

  /** PreToolUse: {@code pre-tool-use.command.output}. */
  private static HookAnswer preToolUse(String tool, Decision decision) {
    return switch (decision.effect()) {
      case ALLOW -> HookAnswer.nothing();
      case MODIFY -> {
        if (!tool.equals("Bash")) {
          yield HookAnswer.json(
              preToolUseDeny(
                  Hooks.reason(decision)
                      + " (Proctor allows this call only with changed arguments, and Codex"
                      + " rewrites the input of Bash only)"));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode specific = out.putObject("hookSpecificOutput");
        specific.put("hookEventName", "PreToolUse");
        specific.put("permissionDecision", "allow");
        specific.put("permissionDecisionReason", Hooks.reason(decision));
        specific.set("updatedInput", ((Decision.Modify) decision).arguments());
        yield HookAnswer.json(out);
      }
      case DENY -> HookAnswer.json(preToolUseDeny(Hooks.reason(decision)));
      case ASK, STEP_UP, DEFER ->
          HookAnswer.json(
              preToolUseDeny(
                  Hooks.reason(decision)
                      + " (needs a person's approval, which Codex hooks cannot ask for: denied)"));
    };
  }

  private static ObjectNode preToolUseDeny(String reason) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", "PreToolUse");
    specific.put("permissionDecision", "deny");
    specific.put("permissionDecisionReason", reason);
    return out;
  }

  /** PermissionRequest: {@code permission-request.command.output}. */
  private static HookAnswer permissionRequest(Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", "PermissionRequest");
    ObjectNode verdict = specific.putObject("decision");
    switch (decision.effect()) {
      case ALLOW -> verdict.put("behavior", "allow");
      case DENY -> verdict.put("behavior", "deny").put("message", Hooks.reason(decision));
      case MODIFY ->
          verdict
              .put("behavior", "deny")
              .put(
                  "message",
                  Hooks.reason(decision)
                      + " (Proctor allows this call only with changed arguments, which a Codex"
                      + " permission hook cannot give)");
      case ASK, STEP_UP, DEFER -> {
        return HookAnswer.nothing();
      }
    }
    return HookAnswer.json(out);
  }
}

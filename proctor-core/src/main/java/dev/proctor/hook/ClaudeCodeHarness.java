package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.BadInputException;
import dev.proctor.decision.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Claude Code's command hooks (and Cursor's, which loads Claude Code's hook settings): snake_case
 * payloads that name their event in {@code hook_event_name}.
 *
 * <p>Exit 2 blocks, with standard error as the reason, except on PermissionRequest, which ignores
 * exit 2: there a deny, also "cannot decide", is JSON. PostToolUseFailure is read as a post-tool
 * event whose response is the failure. Answers, checked against the Agent SDK's {@code sdk.d.ts}:
 *
 * <ul>
 *   <li>PreToolUse: {@code hookSpecificOutput.permissionDecision} allow / deny / ask with the
 *       reason; a modify is an allow with {@code updatedInput}. Approval, step-up and defer are
 *       {@code ask}: the person at the prompt is the approver here.
 *   <li>PermissionRequest: {@code hookSpecificOutput.decision.behavior} allow (with {@code
 *       updatedInput} for a modify) or deny with a message; for an ask nothing is printed, so the
 *       dialog shows.
 *   <li>PostToolUse: nothing; the outcome is recorded.
 * </ul>
 */
final class ClaudeCodeHarness implements Harness {

  /** The events Proctor decides. */
  private static final List<String> DECIDED =
      List.of("PreToolUse", "PermissionRequest", "PostToolUse", "PostToolUseFailure");

  /**
   * Claude Code's other events (docs/hooks.md, "Hook lifecycle", plus PreModelSwitch and
   * PostModelSwitch of 2.1.302): observed, answered with no decision.
   */
  private static final List<String> OBSERVED =
      List.of(
          "SessionStart",
          "Setup",
          "SessionEnd",
          "UserPromptSubmit",
          "UserPromptExpansion",
          "PermissionDenied",
          "PostToolBatch",
          "Notification",
          "MessageDisplay",
          "SubagentStart",
          "SubagentStop",
          "TaskCreated",
          "TaskCompleted",
          "TeammateIdle",
          "Stop",
          "StopFailure",
          "InstructionsLoaded",
          "ConfigChange",
          "CwdChanged",
          "DirectoryAdded",
          "FileChanged",
          "WorktreeCreate",
          "WorktreeRemove",
          "PreCompact",
          "PostCompact",
          "Elicitation",
          "ElicitationResult",
          "PreModelSwitch",
          "PostModelSwitch");

  /**
   * Cursor's own events before a tool runs ({@code .cursor/hooks.json}), which Proctor does not
   * implement: refused, in Cursor's own deny shape, with a pointer to the Claude Code form.
   */
  private static final List<String> CURSOR_NATIVE =
      List.of(
          "preToolUse",
          "beforeShellExecution",
          "beforeMCPExecution",
          "beforeReadFile",
          "beforeTabFileRead");

  private final String surface;

  ClaudeCodeHarness(String surface) {
    this.surface = requireNonNull(surface, "surface is null");
  }

  @Override
  public String name() {
    return surface;
  }

  @Override
  public HookCall parse(JsonNode payload, String payloadDigest, Optional<String> event) {
    Payload.requireObject(payload);
    String eventName = Payload.string(payload, "hook_event_name");
    EventNames.consistent(Optional.of(eventName), event, String::equals);
    Optional<HookEvent> kind = kind(eventName);
    if (kind.isEmpty()) {
      if (cursor() && CURSOR_NATIVE.contains(eventName)) {
        throw new BadInputException(
            "/hook_event_name",
            "Cursor's own hook event '"
                + eventName
                + "' is not supported by proctor hook cursor: configure the Claude Code form"
                + " (docs/integrations/cursor.md); denied");
      }
      return EventNames.other(surface, eventName, payloadDigest, Set.copyOf(OBSERVED));
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
    Optional<JsonNode> response = Optional.empty();
    if (eventName.equals("PostToolUse")) {
      response = Optional.of(Payload.any(payload, "tool_response"));
    } else if (eventName.equals("PostToolUseFailure")) {
      response = Optional.of(failure(payload));
    }
    return new HookCall.ToolEvent(
        kind.get(),
        eventName,
        payloadDigest,
        sessionId,
        toolUseId,
        Payload.toolCall(surface, sessionId, agentId, tool, input, ctx),
        response);
  }

  /** PostToolUseFailure's error as a response the recorder reads as failed or interrupted. */
  private static JsonNode failure(JsonNode payload) {
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("is_error", true);
    response.put("error", Payload.string(payload, "error"));
    JsonNode interrupt = payload.get("is_interrupt");
    if (interrupt != null && !interrupt.isNull()) {
      if (!interrupt.isBoolean()) {
        throw new BadInputException("/is_interrupt", "expected a boolean");
      }
      response.put("interrupted", interrupt.booleanValue());
    }
    return response;
  }

  private static Optional<HookEvent> kind(String eventName) {
    return switch (eventName) {
      case "PreToolUse" -> Optional.of(HookEvent.PRE_TOOL_USE);
      case "PermissionRequest" -> Optional.of(HookEvent.PERMISSION_REQUEST);
      case "PostToolUse", "PostToolUseFailure" -> Optional.of(HookEvent.POST_TOOL_USE);
      default -> Optional.empty();
    };
  }

  private boolean cursor() {
    return surface.equals("cursor");
  }

  @Override
  public List<String> eventNames() {
    List<String> names = new ArrayList<>(DECIDED);
    names.addAll(OBSERVED);
    return List.copyOf(names);
  }

  @Override
  public Optional<HookEvent> eventOf(Optional<String> stated, Optional<String> event) {
    return stated.flatMap(ClaudeCodeHarness::kind).or(() -> event.flatMap(ClaudeCodeHarness::kind));
  }

  @Override
  public boolean asksAtPrompt(HookEvent event) {
    return event != HookEvent.POST_TOOL_USE;
  }

  @Override
  public HookAnswer answer(HookCall.ToolEvent event, Decision decision) {
    return switch (event.event()) {
      case PRE_TOOL_USE -> HookAnswer.json(preToolUse(decision));
      case PERMISSION_REQUEST -> permissionRequest(decision);
      case POST_TOOL_USE -> HookAnswer.nothing();
    };
  }

  @Override
  public HookAnswer cannotDecide(Optional<HookEvent> event, String reason) {
    if (event.isPresent() && event.get() == HookEvent.PERMISSION_REQUEST) {
      return HookAnswer.json(permissionDeny(reason)).withStderr(reason);
    }
    if (event.isEmpty() && cursor()) {
      // The event cannot be told, and may be one of Cursor's own: exit 2 blocks in both forms,
      // and Cursor's own events also read this deny (Claude Code ignores standard output on 2).
      ObjectNode deny = JsonNodeFactory.instance.objectNode();
      deny.put("permission", "deny").put("user_message", reason).put("agent_message", reason);
      HookAnswer json = HookAnswer.json(deny);
      return new HookAnswer(json.stdout(), 2, Optional.of(reason));
    }
    return HookAnswer.exitTwo(reason);
  }

  /**
   * Over HTTP a PreToolUse block is the JSON deny (exit 2 does not exist there); other events as
   * the default says.
   */
  @Override
  public String jsonBlock(Optional<HookEvent> event, String reason) {
    if (event.isPresent() && event.get() == HookEvent.PRE_TOOL_USE) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      ObjectNode specific = out.putObject("hookSpecificOutput");
      specific.put("hookEventName", "PreToolUse");
      specific.put("permissionDecision", "deny");
      specific.put("permissionDecisionReason", reason);
      return HookAnswer.json(out).stdout().orElseThrow();
    }
    return Harness.super.jsonBlock(event, reason);
  }

  /** PreToolUse: {@code PreToolUseHookSpecificOutput}. */
  static ObjectNode preToolUse(Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", "PreToolUse");
    specific.put(
        "permissionDecision",
        switch (decision.effect()) {
          case ALLOW, MODIFY -> "allow";
          case DENY -> "deny";
          case ASK, STEP_UP, DEFER -> "ask";
        });
    specific.put("permissionDecisionReason", Hooks.reason(decision));
    if (decision instanceof Decision.Modify modify) {
      specific.set("updatedInput", modify.arguments());
    }
    return out;
  }

  /** PermissionRequest: {@code PermissionRequestHookSpecificOutput}, or nothing for an ask. */
  private static HookAnswer permissionRequest(Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", "PermissionRequest");
    ObjectNode verdict = specific.putObject("decision");
    switch (decision.effect()) {
      case ALLOW -> verdict.put("behavior", "allow");
      case MODIFY ->
          verdict
              .put("behavior", "allow")
              .set("updatedInput", ((Decision.Modify) decision).arguments());
      case DENY -> {
        return HookAnswer.json(permissionDeny(Hooks.reason(decision)));
      }
      case ASK, STEP_UP, DEFER -> {
        return HookAnswer.nothing();
      }
    }
    return HookAnswer.json(out);
  }

  private static ObjectNode permissionDeny(String message) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", "PermissionRequest");
    specific.putObject("decision").put("behavior", "deny").put("message", message);
    return out;
  }
}

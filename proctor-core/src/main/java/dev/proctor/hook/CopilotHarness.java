package dev.proctor.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.BadInputException;
import dev.proctor.decision.Decision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub Copilot CLI's command hooks ({@code .github/hooks/*.json}). Configured under a camelCase
 * event name ({@code preToolUse}) the payload is camelCase and does not name its event, so the
 * command is told with {@code --event}; configured under the PascalCase name ({@code PreToolUse})
 * it is snake_case with {@code hook_event_name}. {@code toolArgs} may be an object or a string
 * holding one.
 *
 * <p>Copilot logs and skips a hook that exits non-zero or times out, and never treats exit 2 on
 * preToolUse as a block, so every deny, and every "cannot decide", is JSON on exit 0:
 *
 * <ul>
 *   <li>preToolUse: {@code permissionDecision} allow / deny / ask with {@code
 *       permissionDecisionReason}; a modify is an allow with {@code modifiedArgs}.
 *   <li>permissionRequest: {@code behavior} allow or deny with a {@code message}; for an ask
 *       nothing, so Copilot's own permission flow runs; a modify is a deny.
 *   <li>postToolUse and postToolUseFailure: nothing; the outcome is recorded.
 * </ul>
 */
final class CopilotHarness implements Harness {

  /**
   * Copilot's events in both spellings — the camelCase of {@code .github/hooks/*.json} and the
   * PascalCase of the VS Code compatible format — each with the one event it names, so that a
   * payload's own name and {@code --event} can be held against each other. Names are compared
   * exactly.
   */
  private static final Map<String, String> EVENTS = events();

  private static Map<String, String> events() {
    Map<String, String> m = new LinkedHashMap<>();
    String[][] pairs = {
      {"preToolUse", "PreToolUse"},
      {"permissionRequest", "PermissionRequest"},
      {"postToolUse", "PostToolUse"},
      {"postToolUseFailure", "PostToolUseFailure"},
      {"userPromptSubmitted", "UserPromptSubmit"},
      {"sessionStart", "SessionStart"},
      {"sessionEnd", "SessionEnd"},
      {"agentStop", "Stop"},
      {"subagentStop", "SubagentStop"},
      {"errorOccurred", "ErrorOccurred"},
      {"notification", "Notification"}
    };
    for (String[] pair : pairs) {
      m.put(pair[0], pair[0]);
      m.put(pair[1], pair[0]);
    }
    return Map.copyOf(m);
  }

  @Override
  public String name() {
    return "copilot";
  }

  @Override
  public HookCall parse(JsonNode payload, String payloadDigest, Optional<String> event) {
    Payload.requireObject(payload);
    Optional<String> stated = Payload.optionalString(payload, "hook_event_name");
    EventNames.consistent(stated, event, CopilotHarness::same);
    String eventName =
        stated
            .or(() -> event)
            .orElseThrow(
                () ->
                    new BadInputException(
                        "/hook_event_name",
                        "the payload does not name its event: run the hook with --event"
                            + " (preToolUse, permissionRequest, postToolUse …)"));
    Optional<HookEvent> kind = kind(eventName);
    if (kind.isEmpty()) {
      return EventNames.other(name(), eventName, payloadDigest, EVENTS.keySet());
    }
    // The PascalCase (VS Code compatible) format is snake_case; the camelCase one is camelCase.
    boolean snake = stated.isPresent();
    String sessionId = Payload.string(payload, snake ? "session_id" : "sessionId");
    String cwd = Payload.absolutePath(payload, "cwd");
    String tool = Payload.string(payload, snake ? "tool_name" : "toolName");
    JsonNode input = Payload.objectOrJsonText(payload, snake ? "tool_input" : "toolArgs");
    Map<String, String> ctx = Payload.context(cwd, payloadDigest);
    Optional<JsonNode> response = Optional.empty();
    if (kind.get() == HookEvent.POST_TOOL_USE) {
      response = Optional.of(response(payload, eventName, snake));
    }
    return new HookCall.ToolEvent(
        kind.get(),
        eventName,
        payloadDigest,
        sessionId,
        Optional.empty(),
        Payload.toolCall("copilot", sessionId, Optional.empty(), tool, input, ctx),
        response);
  }

  /** The tool result, or postToolUseFailure's error as a failed response. */
  private static JsonNode response(JsonNode payload, String eventName, boolean snake) {
    if (eventName.equals("postToolUseFailure") || eventName.equals("PostToolUseFailure")) {
      ObjectNode failed = JsonNodeFactory.instance.objectNode();
      failed.put("is_error", true);
      failed.put("error", Payload.string(payload, "error"));
      return failed;
    }
    JsonNode result = Payload.any(payload, snake ? "tool_result" : "toolResult");
    JsonNode type = result.path(snake ? "result_type" : "resultType");
    if (type.isTextual() && !type.textValue().equals("success")) {
      ObjectNode failed = result.isObject() ? ((ObjectNode) result).deepCopy() : null;
      if (failed != null) {
        failed.put("is_error", true);
        return failed;
      }
    }
    return result;
  }

  /** Two names of one event: {@code PreToolUse} and {@code preToolUse}, not {@code PRETOOLUSE}. */
  private static boolean same(String a, String b) {
    return EVENTS.containsKey(a) && EVENTS.get(a).equals(EVENTS.get(b));
  }

  /** Both spellings: {@code preToolUse} (camelCase config) and {@code PreToolUse} (PascalCase). */
  private static Optional<HookEvent> kind(String eventName) {
    return switch (eventName) {
      case "preToolUse", "PreToolUse" -> Optional.of(HookEvent.PRE_TOOL_USE);
      case "permissionRequest", "PermissionRequest" -> Optional.of(HookEvent.PERMISSION_REQUEST);
      case "postToolUse", "PostToolUse", "postToolUseFailure", "PostToolUseFailure" ->
          Optional.of(HookEvent.POST_TOOL_USE);
      default -> Optional.empty();
    };
  }

  @Override
  public List<String> eventNames() {
    return EVENTS.keySet().stream().sorted().toList();
  }

  @Override
  public Optional<HookEvent> eventOf(Optional<String> stated, Optional<String> event) {
    return stated.flatMap(CopilotHarness::kind).or(() -> event.flatMap(CopilotHarness::kind));
  }

  /** preToolUse's {@code ask} is Copilot's own prompt (interactive mode). */
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
    if (event.isEmpty() || event.get() == HookEvent.PRE_TOOL_USE) {
      return HookAnswer.json(preToolUseDeny(reason)).withStderr(reason);
    }
    if (event.get() == HookEvent.PERMISSION_REQUEST) {
      return HookAnswer.json(permissionDeny(reason)).withStderr(reason);
    }
    return HookAnswer.exitTwo(reason);
  }

  /** preToolUse decision control: permissionDecision, permissionDecisionReason, modifiedArgs. */
  private static ObjectNode preToolUse(Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put(
        "permissionDecision",
        switch (decision.effect()) {
          case ALLOW, MODIFY -> "allow";
          case DENY -> "deny";
          case ASK, STEP_UP, DEFER -> "ask";
        });
    out.put("permissionDecisionReason", Hooks.reason(decision));
    if (decision instanceof Decision.Modify modify) {
      out.set("modifiedArgs", modify.arguments());
    }
    return out;
  }

  private static ObjectNode preToolUseDeny(String reason) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("permissionDecision", "deny");
    out.put("permissionDecisionReason", reason);
    return out;
  }

  /** permissionRequest decision control: behavior and message; nothing for an ask. */
  private static HookAnswer permissionRequest(Decision decision) {
    return switch (decision.effect()) {
      case ALLOW -> HookAnswer.json(JsonNodeFactory.instance.objectNode().put("behavior", "allow"));
      case DENY -> HookAnswer.json(permissionDeny(Hooks.reason(decision)));
      case MODIFY ->
          HookAnswer.json(
              permissionDeny(
                  Hooks.reason(decision)
                      + " (Proctor allows this call only with changed arguments, which a"
                      + " permission hook cannot give)"));
      case ASK, STEP_UP, DEFER -> HookAnswer.nothing();
    };
  }

  private static ObjectNode permissionDeny(String message) {
    return JsonNodeFactory.instance.objectNode().put("behavior", "deny").put("message", message);
  }
}

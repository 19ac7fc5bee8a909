package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.BadInputException;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON Claude Code writes to a hook's standard input for PreToolUse, PermissionRequest and
 * PostToolUse, read strictly: unknown members or wrong types are refused with the JSON pointer, and
 * the hook turns a refusal into a block.
 */
public record ClaudeCodeHookInput(
    HookEvent event,
    String sessionId,
    String cwd,
    String toolName,
    JsonNode toolInput,
    Optional<String> toolUseId,
    Optional<String> permissionMode,
    Optional<String> agentId,
    Optional<JsonNode> toolResponse) {

  /** Members Claude Code documents for these events; anything else is refused. */
  static final Set<String> KNOWN =
      Set.of(
          "session_id",
          "transcript_path",
          "cwd",
          "permission_mode",
          "hook_event_name",
          "tool_name",
          "tool_input",
          "tool_use_id",
          "tool_response",
          "permission_suggestions",
          "agent_id",
          "agent_type");

  public ClaudeCodeHookInput {
    requireNonNull(event, "event is null");
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(cwd, "cwd is null");
    requireNonNull(toolName, "toolName is null");
    requireNonNull(toolInput, "toolInput is null");
    requireNonNull(toolUseId, "toolUseId is null");
    requireNonNull(permissionMode, "permissionMode is null");
    requireNonNull(agentId, "agentId is null");
    requireNonNull(toolResponse, "toolResponse is null");
  }

  /** Reads a hook payload, refusing what Proctor cannot decide on. */
  public static ClaudeCodeHookInput fromJson(JsonNode node) {
    if (!node.isObject()) {
      throw new BadInputException("/", "expected a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!KNOWN.contains(name)) {
        throw new BadInputException(
            "/" + name.replace("~", "~0").replace("/", "~1"),
            "unknown member; expected one of " + new TreeSet<>(KNOWN));
      }
    }
    String eventName = string(node, "hook_event_name");
    HookEvent event =
        HookEvent.fromWireName(eventName)
            .orElseThrow(
                () ->
                    new BadInputException(
                        "/hook_event_name",
                        "unsupported event '"
                            + eventName
                            + "'; proctor handles PreToolUse, PermissionRequest, PostToolUse"));
    JsonNode toolInput = node.get("tool_input");
    if (toolInput == null || !toolInput.isObject()) {
      throw new BadInputException("/tool_input", "required object is missing or not an object");
    }
    Optional<JsonNode> response = Optional.ofNullable(node.get("tool_response"));
    if (event == HookEvent.POST_TOOL_USE && response.isEmpty()) {
      throw new BadInputException("/tool_response", "PostToolUse needs the tool response");
    }
    String cwd = string(node, "cwd");
    if (!cwd.startsWith("/")) {
      throw new BadInputException("/cwd", "must be an absolute path, was '" + cwd + "'");
    }
    return new ClaudeCodeHookInput(
        event,
        string(node, "session_id"),
        cwd,
        string(node, "tool_name"),
        toolInput,
        optionalString(node, "tool_use_id"),
        optionalString(node, "permission_mode"),
        optionalString(node, "agent_id"),
        response);
  }

  /**
   * The call as Proctor's classifiers see it; the agent is Claude Code, the session its id. The
   * hook runs as the agent's user, so {@code home} is this process's {@code user.home} unless
   * {@code extraContext} gives one: without it, rules about the home directory never fire.
   */
  public ToolCall toToolCall(Map<String, String> extraContext) {
    var context = new java.util.HashMap<>(extraContext);
    context.put("cwd", cwd);
    String home = System.getProperty("user.home");
    if (!context.containsKey("home") && home != null && home.startsWith("/")) {
      context.put("home", home);
    }
    permissionMode.ifPresent(m -> context.put("permission_mode", m));
    toolUseId.ifPresent(id -> context.put("tool_use_id", id));
    Principal principal =
        new Principal(
            Optional.empty(),
            Optional.of(agentId.map(id -> "claude-code/" + id).orElse("claude-code")),
            Optional.empty(),
            Optional.of(sessionId),
            Optional.empty(),
            agentId.isPresent() ? List.of("claude-code") : List.of());
    return new ToolCall(
        principal, "claude-code", toolName, "", toolInput, Optional.empty(), Set.of(), context);
  }

  private static String string(JsonNode node, String name) {
    return optionalString(node, name)
        .orElseThrow(() -> new BadInputException("/" + name, "required string is missing"));
  }

  private static Optional<String> optionalString(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new BadInputException("/" + name, "expected a string");
    }
    return Optional.of(value.textValue());
  }
}

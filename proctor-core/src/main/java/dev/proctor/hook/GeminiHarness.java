package dev.proctor.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.decision.Decision;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Google Gemini CLI's command hooks: snake_case payloads with {@code hook_event_name} BeforeTool /
 * AfterTool and no tool-use id. Gemini has no permission event (its Notification with {@code
 * ToolPermission} only informs). Answers, checked against {@code @google/gemini-cli-core}'s hook
 * types:
 *
 * <ul>
 *   <li>BeforeTool: top-level {@code decision} allow / deny / ask with {@code reason}. Gemini
 *       merges {@code hookSpecificOutput.tool_input} into the arguments, so a modify is an allow
 *       with the new arguments when it only changes or adds members; a modify that removes a member
 *       cannot be expressed and is a deny.
 *   <li>AfterTool: nothing; the outcome is recorded.
 * </ul>
 *
 * Gemini reads exit 2 (any code above 1) with text as a deny, exit 1 as a warning that lets the
 * call through, and a timeout or a hook that cannot start as no answer at all.
 */
final class GeminiHarness implements Harness {

  /** The events Proctor decides. */
  private static final List<String> DECIDED = List.of("BeforeTool", "AfterTool");

  /** Gemini's other events (its hooks' types): observed, answered with no decision. */
  private static final List<String> OBSERVED =
      List.of(
          "BeforeAgent",
          "AfterAgent",
          "BeforeModel",
          "AfterModel",
          "BeforeToolSelection",
          "SessionStart",
          "SessionEnd",
          "Notification",
          "PreCompress");

  @Override
  public String name() {
    return "gemini";
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
    Map<String, String> ctx = Payload.context(cwd, payloadDigest);
    Optional<JsonNode> response =
        kind.get() == HookEvent.POST_TOOL_USE
            ? Optional.of(Payload.any(payload, "tool_response"))
            : Optional.empty();
    return new HookCall.ToolEvent(
        kind.get(),
        eventName,
        payloadDigest,
        sessionId,
        Optional.empty(),
        Payload.toolCall("gemini", sessionId, Optional.empty(), tool, input, ctx),
        response);
  }

  private static Optional<HookEvent> kind(String eventName) {
    return switch (eventName) {
      case "BeforeTool" -> Optional.of(HookEvent.PRE_TOOL_USE);
      case "AfterTool" -> Optional.of(HookEvent.POST_TOOL_USE);
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
    return stated.flatMap(GeminiHarness::kind).or(() -> event.flatMap(GeminiHarness::kind));
  }

  /** BeforeTool's {@code ask} is Gemini's own confirmation. */
  @Override
  public boolean asksAtPrompt(HookEvent event) {
    return event == HookEvent.PRE_TOOL_USE;
  }

  @Override
  public HookAnswer answer(HookCall.ToolEvent event, Decision decision) {
    return switch (event.event()) {
      case PRE_TOOL_USE -> HookAnswer.json(beforeTool(event.call().arguments(), decision));
      case PERMISSION_REQUEST, POST_TOOL_USE -> HookAnswer.nothing();
    };
  }

  @Override
  public HookAnswer cannotDecide(Optional<HookEvent> event, String reason) {
    return HookAnswer.exitTwo(reason);
  }

  /** BeforeTool: {@code BeforeToolOutput}. */
  private static ObjectNode beforeTool(JsonNode original, Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    switch (decision.effect()) {
      case ALLOW -> out.put("decision", "allow");
      case MODIFY -> {
        JsonNode updated = ((Decision.Modify) decision).arguments();
        Optional<String> removed = removedMember(original, updated);
        if (removed.isPresent()) {
          out.put("decision", "deny");
          out.put(
              "reason",
              Hooks.reason(decision)
                  + " (Proctor allows this call only without the argument '"
                  + removed.get()
                  + "', and Gemini merges changed arguments into the old ones)");
          return out;
        }
        out.put("decision", "allow");
        out.put("reason", Hooks.reason(decision));
        ObjectNode specific = out.putObject("hookSpecificOutput");
        specific.put("hookEventName", "BeforeTool");
        specific.set("tool_input", updated);
        return out;
      }
      case DENY -> out.put("decision", "deny").put("reason", Hooks.reason(decision));
      case ASK, STEP_UP, DEFER -> out.put("decision", "ask").put("reason", Hooks.reason(decision));
    }
    return out;
  }

  /** A top-level member of the original arguments that the new ones no longer have. */
  private static Optional<String> removedMember(JsonNode original, JsonNode updated) {
    if (!updated.isObject()) {
      return Optional.of("(all)");
    }
    for (Iterator<String> it = original.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!updated.has(name)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }
}

package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.ToolCall;
import java.util.Optional;

/**
 * One hook payload as Proctor reads it, in no harness's vocabulary: either an event about a tool
 * call, or an event Proctor does not decide on. Both carry the harness's own event name and the
 * SHA-256 of the raw payload bytes, which the receipt keeps.
 */
public sealed interface HookCall {

  /** The event's name as the harness spells it ({@code PreToolUse}, {@code BeforeTool} …). */
  String eventName();

  /** SHA-256 (lower-case hex) of the payload bytes exactly as the harness sent them. */
  String payloadDigest();

  /**
   * An event about a tool call: the call as Proctor classifies it (surface, the harness's own tool
   * name and arguments, cwd, session), the harness's tool-use id when it has one, and for a
   * post-tool event the tool's response.
   */
  record ToolEvent(
      HookEvent event,
      String eventName,
      String payloadDigest,
      String sessionId,
      Optional<String> toolUseId,
      ToolCall call,
      Optional<JsonNode> toolResponse)
      implements HookCall {

    public ToolEvent {
      requireNonNull(event, "event is null");
      requireNonNull(eventName, "eventName is null");
      requireNonNull(payloadDigest, "payloadDigest is null");
      requireNonNull(sessionId, "sessionId is null");
      requireNonNull(toolUseId, "toolUseId is null");
      requireNonNull(call, "call is null");
      requireNonNull(toolResponse, "toolResponse is null");
      if (event == HookEvent.POST_TOOL_USE && toolResponse.isEmpty()) {
        throw new IllegalArgumentException("a post-tool event carries the tool response");
      }
    }
  }

  /** An event Proctor has no decision for (a new or lifecycle event): answered with nothing. */
  record OtherEvent(String eventName, String payloadDigest) implements HookCall {

    public OtherEvent {
      requireNonNull(eventName, "eventName is null");
      requireNonNull(payloadDigest, "payloadDigest is null");
    }
  }
}

package dev.proctor.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.BadInputException;
import dev.proctor.decision.Decision;
import java.util.List;
import java.util.Optional;

/**
 * One agent harness's command-hook protocol: how its payloads read and how it must be answered.
 *
 * <p>Reading is lenient: members Proctor does not use are ignored (harnesses add members in every
 * release), and only a member the decision needs that is missing or of the wrong type is refused,
 * with its JSON pointer. Answering is exact: each harness and event has one serializer that emits
 * only the members the harness documents, because a harness that rejects an answer's shape lets the
 * call through. Where a harness cannot express a decision (Codex cannot ask), the answer is the
 * fail-safe one and the harness's page in {@code docs/integrations/} says so.
 */
public interface Harness {

  /** The harness's name on the command line and the request's surface: {@code codex}. */
  String name();

  /**
   * Reads a payload. {@code event} names the event when the payload does not (Copilot's camelCase
   * payloads); {@code payloadDigest} is the SHA-256 of the raw bytes.
   *
   * @throws BadInputException when a member the decision needs is missing or mistyped
   */
  HookCall parse(JsonNode payload, String payloadDigest, Optional<String> event);

  /**
   * Every event name this harness sends, spelled as it sends them: the values {@code --event}
   * accepts. Names are compared exactly.
   */
  List<String> eventNames();

  /**
   * The event of a payload that may be unreadable — from the name the payload states ({@link
   * Hooks#statedEvent}), else from {@code --event} — so that a refusal is answered in that event's
   * shape; empty when it cannot be told. Never throws.
   */
  Optional<HookEvent> eventOf(Optional<String> stated, Optional<String> event);

  /**
   * Whether this harness's answer to a decision that needs approval puts the question to the user
   * at the harness's own prompt on this event (Claude Code's {@code ask}); false where the answer
   * is something else (Codex's PreToolUse cannot ask: it is a deny). Only then can a call that ran
   * after such a decision have been approved there.
   */
  boolean asksAtPrompt(HookEvent event);

  /**
   * The answer that enforces a decision on a tool event (some harnesses can express a decision only
   * for some tools or arguments, so the event is given whole).
   */
  HookAnswer answer(HookCall.ToolEvent event, Decision decision);

  /**
   * The answer when Proctor could not decide (bad input, a policy that does not load, a log that
   * cannot be written): a block in the shape the harness honours for that event.
   */
  HookAnswer cannotDecide(Optional<HookEvent> event, String reason);

  /**
   * The block as JSON text, for surfaces that have no exit code — an HTTP hook, where any non-2xx
   * status, a timeout or a body that is not a JSON object lets the call through. By default the
   * JSON of {@link #cannotDecide} when it has one, else the top-level {@code {"decision": "block",
   * "reason": …}} that Claude-style harnesses read on every event.
   */
  default String jsonBlock(Optional<HookEvent> event, String reason) {
    return cannotDecide(event, reason)
        .stdout()
        .orElseGet(
            () ->
                HookAnswer.json(
                        JsonNodeFactory.instance
                            .objectNode()
                            .put("decision", "block")
                            .put("reason", reason))
                    .stdout()
                    .orElseThrow());
  }
}

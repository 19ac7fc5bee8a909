package dev.proctor.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.decision.Decision;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harnesses Proctor has command hooks for, by the name {@code proctor hook NAME} takes, and
 * what their adapters share.
 */
public final class Hooks {

  /**
   * The request context key that holds the SHA-256 of the raw hook payload; the receipt records it
   * as {@code action.payloadDigest}.
   */
  public static final String PAYLOAD_DIGEST = "payload_digest";

  private static final Map<String, Harness> HARNESSES =
      Map.of(
          "claude-code", new ClaudeCodeHarness("claude-code"),
          "cursor", new ClaudeCodeHarness("cursor"),
          "codex", new CodexHarness(),
          "copilot", new CopilotHarness(),
          "gemini", new GeminiHarness());

  private Hooks() {}

  /** The harness a name stands for. */
  public static Optional<Harness> harness(String name) {
    return Optional.ofNullable(HARNESSES.get(name));
  }

  /** Every harness name, sorted. */
  public static List<String> names() {
    return HARNESSES.keySet().stream().sorted().toList();
  }

  /**
   * The event name a payload states in {@code hook_event_name}: from the parsed payload, or — when
   * it did not parse (malformed, too large, cut off) — from its raw bytes, if every such member in
   * them names the same event. Never throws.
   */
  public static Optional<String> statedEvent(Optional<JsonNode> payload, byte[] raw) {
    if (payload.isPresent()) {
      return Payload.sniff(payload, "hook_event_name");
    }
    return EventNames.sniffRaw(raw);
  }

  /**
   * What is wrong with an event name the harness does not send, given as {@code option} (the CLI's
   * {@code --event}, the HTTP endpoint's {@code ?event=}), naming the events it does send; empty
   * for a name it sends. The caller answers it with the harness's block: a hook that only reported
   * the mistake would let the call through wherever the harness skips a failed hook.
   */
  public static Optional<String> unknownEvent(
      Harness harness, Optional<String> eventName, String option) {
    if (eventName.isEmpty() || harness.eventNames().contains(eventName.get())) {
      return Optional.empty();
    }
    return Optional.of(
        "unknown "
            + option
            + " '"
            + eventName.get()
            + "' for "
            + harness.name()
            + " (names are compared exactly, as the harness spells them); expected one of "
            + String.join(", ", harness.eventNames()));
  }

  /** SHA-256 (lower-case hex) of raw payload bytes. */
  public static String digest(byte[] raw) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The reason shown to the user or the model, with the rule ids that decided. */
  public static String reason(Decision decision) {
    String rules =
        decision.ruleIds().isEmpty() ? "" : " [rule " + String.join(", ", decision.ruleIds()) + "]";
    return "proctor: " + decision.reason() + rules;
  }
}

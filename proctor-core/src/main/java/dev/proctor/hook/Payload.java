package dev.proctor.hook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lenient reading of hook payloads: a member is looked at only when the decision needs it, and then
 * it must be there with the right type. Everything else in the payload is ignored.
 */
final class Payload {

  private Payload() {}

  static void requireObject(JsonNode node) {
    if (!node.isObject()) {
      throw new BadInputException("/", "expected a JSON object");
    }
  }

  static String pointer(String name) {
    return "/" + name.replace("~", "~0").replace("/", "~1");
  }

  /** A required string member. */
  static String string(JsonNode node, String name) {
    return optionalString(node, name)
        .orElseThrow(() -> new BadInputException(pointer(name), "required string is missing"));
  }

  /** A string member that may be absent or null, but is a string when present. */
  static Optional<String> optionalString(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new BadInputException(pointer(name), "expected a string");
    }
    return Optional.of(value.textValue());
  }

  /** A required object member. */
  static JsonNode object(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null || !value.isObject()) {
      throw new BadInputException(pointer(name), "required object is missing or not an object");
    }
    return value;
  }

  /**
   * A required object member that some harness versions send as a string holding JSON (Copilot's
   * {@code toolArgs}); the string is read under the same limits as a payload.
   */
  static JsonNode objectOrJsonText(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value != null && value.isTextual()) {
      JsonNode parsed;
      try {
        parsed = JsonInput.parse(value.textValue().getBytes(StandardCharsets.UTF_8));
      } catch (BadInputException e) {
        throw new BadInputException(
            pointer(name), "string is not a JSON object: " + e.getMessage());
      }
      if (!parsed.isObject()) {
        throw new BadInputException(pointer(name), "string is not a JSON object");
      }
      return parsed;
    }
    return object(node, name);
  }

  /** A required member of any JSON type. */
  static JsonNode any(JsonNode node, String name) {
    JsonNode value = node.get(name);
    if (value == null) {
      throw new BadInputException(pointer(name), "required member is missing");
    }
    return value;
  }

  /** A required absolute path ({@code cwd}): relative paths would be resolved against nothing. */
  static String absolutePath(JsonNode node, String name) {
    String path = string(node, name);
    if (!path.startsWith("/")) {
      throw new BadInputException(pointer(name), "must be an absolute path, was '" + path + "'");
    }
    return path;
  }

  /**
   * The call as Proctor's classifiers see it: the harness is the surface, the agent is the harness
   * (or one of its sub-agents), the session its id. The hook runs as the agent's user, so {@code
   * home} is this process's {@code user.home}.
   */
  static ToolCall toolCall(
      String surface,
      String sessionId,
      Optional<String> agentId,
      String tool,
      JsonNode arguments,
      Map<String, String> context) {
    Map<String, Object> ctx = new HashMap<>(context);
    String home = System.getProperty("user.home");
    if (!ctx.containsKey("home") && home != null && home.startsWith("/")) {
      ctx.put("home", home);
    }
    Principal principal =
        new Principal(
            Optional.empty(),
            Optional.of(agentId.map(id -> surface + "/" + id).orElse(surface)),
            Optional.empty(),
            Optional.of(sessionId),
            Optional.empty(),
            agentId.isPresent() ? List.of(surface) : List.of());
    return new ToolCall(principal, surface, tool, "", arguments, Optional.empty(), Set.of(), ctx);
  }

  /** The context every harness gives: cwd and the raw payload's digest. */
  static Map<String, String> context(String cwd, String payloadDigest) {
    Map<String, String> ctx = new HashMap<>();
    ctx.put("cwd", cwd);
    ctx.put(Hooks.PAYLOAD_DIGEST, payloadDigest);
    return ctx;
  }

  /** The event name a payload states in a string member, if it states one. Never throws. */
  static Optional<String> sniff(Optional<JsonNode> payload, String member) {
    return payload
        .filter(JsonNode::isObject)
        .map(p -> p.get(member))
        .filter(JsonNode::isTextual)
        .map(JsonNode::textValue);
  }
}

package dev.proctor.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the request wire shape used by {@code expect:} examples and test cases ({@code tool},
 * {@code arguments}, {@code operation}, {@code surface}, {@code principal}, {@code class}, {@code
 * labels}, {@code context}) into a {@link ToolCall}. Strict: unknown keys and wrong types are
 * errors naming the JSON pointer.
 */
final class RequestJson {

  private static final Set<String> KEYS =
      Set.of(
          "tool", "arguments", "operation", "surface", "principal", "class", "labels", "context");
  private static final Set<String> PRINCIPAL_KEYS =
      Set.of("human", "agent", "service", "session", "tenant", "delegationChain");

  private RequestJson() {}

  static ToolCall fromJson(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("/: a request must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("/" + k + ": unknown field");
      }
    }
    String tool = text(node, "tool", true).orElse("");
    if (tool.isEmpty()) {
      throw new IllegalArgumentException("/tool: must not be empty");
    }
    JsonNode arguments = node.get("arguments");
    if (arguments == null) {
      arguments = JsonNodeFactory.instance.objectNode();
    } else if (!arguments.isObject()) {
      throw new IllegalArgumentException("/arguments: must be an object");
    }
    return new ToolCall(
        principal(node.get("principal")),
        text(node, "surface", false).orElse("api"),
        tool,
        text(node, "operation", false).orElse(""),
        arguments,
        text(node, "class", false),
        labels(node.get("labels")),
        context(node.get("context")));
  }

  private static Optional<String> text(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null) {
      if (required) {
        throw new IllegalArgumentException("/" + field + ": required");
      }
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("/" + field + ": must be a string");
    }
    return Optional.of(v.textValue());
  }

  private static Principal principal(JsonNode p) {
    if (p == null) {
      return Principal.ANONYMOUS;
    }
    if (!p.isObject()) {
      throw new IllegalArgumentException("/principal: must be an object");
    }
    for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!PRINCIPAL_KEYS.contains(k)) {
        throw new IllegalArgumentException("/principal/" + k + ": unknown field");
      }
    }
    List<String> chain = new ArrayList<>();
    JsonNode c = p.get("delegationChain");
    if (c != null) {
      if (!c.isArray()) {
        throw new IllegalArgumentException("/principal/delegationChain: must be an array");
      }
      for (int i = 0; i < c.size(); i++) {
        if (!c.get(i).isTextual()) {
          throw new IllegalArgumentException(
              "/principal/delegationChain/" + i + ": must be a string");
        }
        chain.add(c.get(i).textValue());
      }
    }
    return new Principal(
        field(p, "human"),
        field(p, "agent"),
        field(p, "service"),
        field(p, "session"),
        field(p, "tenant"),
        chain);
  }

  private static Optional<String> field(JsonNode p, String name) {
    JsonNode v = p.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException("/principal/" + name + ": must be a string");
    }
    return Optional.of(v.textValue());
  }

  private static Set<String> labels(JsonNode l) {
    Set<String> out = new LinkedHashSet<>();
    if (l == null) {
      return out;
    }
    if (!l.isArray()) {
      throw new IllegalArgumentException("/labels: must be an array");
    }
    for (int i = 0; i < l.size(); i++) {
      if (!l.get(i).isTextual()) {
        throw new IllegalArgumentException("/labels/" + i + ": must be a string");
      }
      out.add(l.get(i).textValue());
    }
    return out;
  }

  private static Map<String, String> context(JsonNode c) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c == null) {
      return out;
    }
    if (!c.isObject()) {
      throw new IllegalArgumentException("/context: must be an object");
    }
    for (Map.Entry<String, JsonNode> e : c.properties()) {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException("/context/" + e.getKey() + ": must be a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }
}

package dev.proctor.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the request wire format that {@code proctor check}, policy tests and {@code expect:}
 * examples share:
 *
 * <pre>{@code
 * {"tool": "Bash", "arguments": {"command": "ls"}, "operation": "", "surface": "api",
 *  "principal": {"human": "…", "agent": "…", "service": "…", "session": "…", "tenant": "…",
 *                "delegationChain": ["…"]},
 *  "class": "fs.write", "labels": ["pii"], "context": {"cwd": "/work/project", "risk": 42}}
 * }</pre>
 *
 * Context values are strings, numbers, booleans or lists of these. A principal that claims {@code
 * groups}, {@code roles} or {@code attributes} is refused: those come from a trusted identity
 * source (the policy's principals file, an authenticated key), never from the request.
 *
 * <p>Only {@code tool} is required. Unknown members and wrong types are refused with the JSON
 * pointer of the offending member: a request Proctor half-understands is not a request it can
 * decide.
 */
public final class ToolCallJson {

  private static final Set<String> FIELDS =
      Set.of(
          "tool", "arguments", "operation", "surface", "principal", "class", "labels", "context");
  private static final Set<String> PRINCIPAL_FIELDS =
      Set.of("human", "agent", "service", "session", "tenant", "delegationChain");

  /** Context entries the classifiers read as text. */
  private static final Set<String> STRING_CONTEXT = Set.of("cwd", "home");

  /** What only the identity source says about a principal. */
  private static final Set<String> IDENTITY_FIELDS = Set.of("groups", "roles", "attributes");

  private ToolCallJson() {}

  /** Parses a request; the surface defaults to {@code api} when absent. */
  public static ToolCall fromJson(JsonNode node) {
    return fromJson(node, "api");
  }

  /** Parses a request, with the surface to assume when the request names none. */
  public static ToolCall fromJson(JsonNode node, String defaultSurface) {
    requireObject(node, "");
    rejectUnknown(node, "", FIELDS);
    String tool = requiredString(node, "", "tool");
    if (tool.isBlank()) {
      throw new BadInputException("/tool", "must not be blank");
    }
    JsonNode arguments = node.get("arguments");
    if (arguments == null) {
      arguments = JsonNodeFactory.instance.objectNode();
    } else {
      requireObject(arguments, "/arguments");
    }
    return new ToolCall(
        principal(node.get("principal")),
        optionalString(node, "", "surface").orElse(defaultSurface),
        tool,
        optionalString(node, "", "operation").orElse(""),
        arguments,
        optionalString(node, "", "class"),
        stringSet(node.get("labels"), "/labels"),
        context(node.get("context"), "/context"));
  }

  private static Principal principal(JsonNode node) {
    if (node == null) {
      return Principal.ANONYMOUS;
    }
    requireObject(node, "/principal");
    for (String claimed : IDENTITY_FIELDS) {
      if (node.has(claimed)) {
        throw new BadInputException(
            "/principal/" + claimed,
            "a request cannot claim "
                + claimed
                + ": they come from the identity source (the policy's principals file or the"
                + " authenticated key)");
      }
    }
    rejectUnknown(node, "/principal", PRINCIPAL_FIELDS);
    JsonNode chain = node.get("delegationChain");
    return new Principal(
        optionalString(node, "/principal", "human"),
        optionalString(node, "/principal", "agent"),
        optionalString(node, "/principal", "service"),
        optionalString(node, "/principal", "session"),
        optionalString(node, "/principal", "tenant"),
        List.copyOf(stringSet(chain, "/principal/delegationChain")));
  }

  static void requireObject(JsonNode node, String pointer) {
    if (!node.isObject()) {
      throw new BadInputException(where(pointer), "expected an object, found " + kind(node));
    }
  }

  static void rejectUnknown(JsonNode node, String pointer, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new BadInputException(
            pointer + "/" + escape(name), "unknown member; expected one of " + sorted(known));
      }
    }
  }

  static String requiredString(JsonNode node, String pointer, String name) {
    return optionalString(node, pointer, name)
        .orElseThrow(
            () -> new BadInputException(pointer + "/" + name, "required string is missing"));
  }

  static Optional<String> optionalString(JsonNode node, String pointer, String name) {
    JsonNode value = node.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new BadInputException(
          pointer + "/" + escape(name), "expected a string, found " + kind(value));
    }
    return Optional.of(value.textValue());
  }

  private static Set<String> stringSet(JsonNode node, String pointer) {
    if (node == null) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw new BadInputException(pointer, "expected an array of strings, found " + kind(node));
    }
    Set<String> values = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()) {
        throw new BadInputException(pointer + "/" + i, "expected a string, found " + kind(item));
      }
      values.add(item.textValue());
    }
    return values;
  }

  private static Map<String, Object> context(JsonNode node, String pointer) {
    if (node == null) {
      return Map.of();
    }
    requireObject(node, pointer);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String at = pointer + "/" + escape(e.getKey());
      JsonNode v = e.getValue();
      if (STRING_CONTEXT.contains(e.getKey()) && !v.isTextual()) {
        throw new BadInputException(at, "expected a string, found " + kind(v));
      }
      if (v.isArray()) {
        List<Object> items = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
          items.add(contextScalar(v.get(i), at + "/" + i));
        }
        values.put(e.getKey(), items);
      } else {
        values.put(e.getKey(), contextScalar(v, at));
      }
    }
    return values;
  }

  /** A string, whole number, decimal or boolean context value. */
  private static Object contextScalar(JsonNode v, String at) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      if (!v.canConvertToLong()) {
        throw new BadInputException(at, "the number is out of range");
      }
      return v.longValue();
    }
    if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isInfinite(d)) {
        throw new BadInputException(at, "the number is out of range");
      }
      return d;
    }
    throw new BadInputException(
        at, "expected a string, number, boolean or a list of these, found " + kind(v));
  }

  static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String where(String pointer) {
    return pointer.isEmpty() ? "/" : pointer;
  }

  /** Escapes a member name for a JSON pointer (RFC 6901). */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }

  private static List<String> sorted(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    list.sort(String::compareTo);
    return list;
  }
}

package dev.proctor.action;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A raw call as a surface receives it, before classification: who, through which surface ({@code
 * claude-code}, {@code cli}, {@code mcp}, {@code api}), which tool with which arguments, an
 * optional class the caller declares, declared data labels and context such as {@code cwd}. Context
 * values are typed: strings, whole numbers ({@code Long}), decimals ({@code Double}), booleans and
 * lists of these ({@link #context()}).
 *
 * <p>A declared class can only raise the class a classifier finds, never lower it.
 */
public record ToolCall(
    Principal principal,
    String surface,
    String tool,
    String operation,
    JsonNode arguments,
    Optional<String> declaredClass,
    Set<String> labels,
    Map<String, Object> context) {

  public ToolCall {
    requireNonNull(principal, "principal is null");
    requireNonNull(surface, "surface is null");
    requireNonNull(tool, "tool is null");
    requireNonNull(operation, "operation is null");
    requireNonNull(arguments, "arguments is null");
    requireNonNull(declaredClass, "declaredClass is null");
    labels = Set.copyOf(requireNonNull(labels, "labels is null"));
    context = ContextValues.copy(requireNonNull(context, "context is null"));
  }

  /**
   * The digest the call's {@link ActionRequest} will have: SHA-256 over the canonical JSON of
   * principal, surface, tool, operation and arguments.
   */
  public String digest() {
    return CanonicalJson.sha256Hex(
        ActionRequest.definingFields(principal, surface, tool, operation, arguments));
  }

  /** The same call by another principal (the identity an authenticated key binds, say). */
  public ToolCall withPrincipal(Principal other) {
    return new ToolCall(other, surface, tool, operation, arguments, declaredClass, labels, context);
  }

  /** The same call with other arguments. */
  public ToolCall withArguments(JsonNode other) {
    return new ToolCall(principal, surface, tool, operation, other, declaredClass, labels, context);
  }

  /** The same call with another context. */
  public ToolCall withContext(Map<String, Object> other) {
    return new ToolCall(
        principal, surface, tool, operation, arguments, declaredClass, labels, other);
  }

  /** The same call with one more context entry (replacing one of that name). */
  public ToolCall withContext(String key, Object value) {
    Map<String, Object> next = new LinkedHashMap<>(context);
    next.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
    return withContext(next);
  }

  /** The working directory the call runs in, when the surface says. */
  public Optional<String> cwd() {
    return contextString("cwd");
  }

  /** A context entry that is a string; empty when absent or of another type. */
  public Optional<String> contextString(String key) {
    return context.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** A builder for a call of a tool through the Java SDK (surface {@code sdk}). */
  public static Builder builder(String tool) {
    return new Builder(requireNonNull(tool, "tool is null"));
  }

  /** Builds a {@link ToolCall}; anonymous principal, no arguments, surface {@code sdk} at first. */
  public static final class Builder {
    private final String tool;
    private Principal principal = Principal.ANONYMOUS;
    private String surface = "sdk";
    private String operation = "";
    private ObjectNode arguments = JsonNodeFactory.instance.objectNode();
    private Optional<String> declaredClass = Optional.empty();
    private final Set<String> labels = new LinkedHashSet<>();
    private final Map<String, Object> context = new LinkedHashMap<>();

    private Builder(String tool) {
      this.tool = tool;
    }

    /** Who asks. */
    public Builder principal(Principal principal) {
      this.principal = requireNonNull(principal, "principal is null");
      return this;
    }

    /** The surface the call comes through, such as {@code langchain4j}. */
    public Builder surface(String surface) {
      this.surface = requireNonNull(surface, "surface is null");
      return this;
    }

    /** The tool's operation, for tools with several. */
    public Builder operation(String operation) {
      this.operation = requireNonNull(operation, "operation is null");
      return this;
    }

    /** All the arguments at once (a JSON object, copied). */
    public Builder arguments(JsonNode arguments) {
      requireNonNull(arguments, "arguments is null");
      if (!arguments.isObject()) {
        throw new IllegalArgumentException("arguments must be a JSON object");
      }
      this.arguments = (ObjectNode) arguments.deepCopy();
      return this;
    }

    /** One string argument. */
    public Builder argument(String name, String value) {
      arguments.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
      return this;
    }

    /** One integer argument. */
    public Builder argument(String name, long value) {
      arguments.put(requireNonNull(name, "name is null"), value);
      return this;
    }

    /** One boolean argument. */
    public Builder argument(String name, boolean value) {
      arguments.put(requireNonNull(name, "name is null"), value);
      return this;
    }

    /** A class the caller declares; it can only raise the class the classifiers find. */
    public Builder declaredClass(String actionClass) {
      this.declaredClass = Optional.of(requireNonNull(actionClass, "actionClass is null"));
      return this;
    }

    /** A data label the caller declares, such as {@code pii}. */
    public Builder label(String label) {
      labels.add(requireNonNull(label, "label is null"));
      return this;
    }

    /** The working directory the call runs in. */
    public Builder cwd(String cwd) {
      return context("cwd", cwd);
    }

    /** One context entry. */
    public Builder context(String key, String value) {
      return put(key, requireNonNull(value, "value is null"));
    }

    /** One whole-number context entry, such as a risk score. */
    public Builder context(String key, long value) {
      return put(key, value);
    }

    /** One decimal context entry. */
    public Builder context(String key, double value) {
      return put(key, value);
    }

    /** One boolean context entry. */
    public Builder context(String key, boolean value) {
      return put(key, value);
    }

    /** One list context entry (strings, numbers, booleans). */
    public Builder context(String key, java.util.List<?> value) {
      return put(key, requireNonNull(value, "value is null"));
    }

    private Builder put(String key, Object value) {
      context.put(requireNonNull(key, "key is null"), ContextValues.check(key, value));
      return this;
    }

    /** The call. */
    public ToolCall build() {
      return new ToolCall(
          principal,
          surface,
          tool,
          operation,
          arguments.deepCopy(),
          declaredClass,
          labels,
          context);
    }
  }
}

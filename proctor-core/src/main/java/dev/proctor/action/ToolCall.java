package dev.proctor.action;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A raw call as a surface receives it, before classification: who, through which surface ({@code
 * claude-code}, {@code cli}, {@code mcp}, {@code api}), which tool with which arguments, an
 * optional class the caller declares, declared data labels and context such as {@code cwd}.
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
    Map<String, String> context) {

  public ToolCall {
    requireNonNull(principal, "principal is null");
    requireNonNull(surface, "surface is null");
    requireNonNull(tool, "tool is null");
    requireNonNull(operation, "operation is null");
    requireNonNull(arguments, "arguments is null");
    requireNonNull(declaredClass, "declaredClass is null");
    labels = Set.copyOf(requireNonNull(labels, "labels is null"));
    context = Map.copyOf(requireNonNull(context, "context is null"));
  }

  /**
   * The digest the call's {@link ActionRequest} will have: SHA-256 over the canonical JSON of
   * principal, surface, tool, operation and arguments.
   */
  public String digest() {
    return CanonicalJson.sha256Hex(
        ActionRequest.definingFields(principal, surface, tool, operation, arguments));
  }

  /** The working directory the call runs in, when the surface says. */
  public Optional<String> cwd() {
    return Optional.ofNullable(context.get("cwd"));
  }
}

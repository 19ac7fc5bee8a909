package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a taxonomy file says about a tool or an MCP server's tool: its class, where its targets are
 * in the arguments, and the data labels and risk tags every call of it carries. The class may
 * depend on the arguments: a per-value table ({@code class_by}) chooses it from one argument, and
 * {@code sql} names the argument whose SQL the {@link SqlClassifier} reads; {@code actionClass} is
 * then the class of a value the table does not list (the riskiest of the table when the file gives
 * none), or unused for SQL.
 */
record ToolMapping(
    String actionClass,
    List<TargetPointer> targets,
    Set<String> labels,
    Set<String> tags,
    Optional<ClassBy> classBy,
    Optional<String> sql) {

  public ToolMapping {
    requireNonNull(actionClass, "actionClass is null");
    targets = List.copyOf(requireNonNull(targets, "targets is null"));
    labels = Set.copyOf(requireNonNull(labels, "labels is null"));
    tags = Set.copyOf(requireNonNull(tags, "tags is null"));
    requireNonNull(classBy, "classBy is null");
    requireNonNull(sql, "sql is null");
  }

  /** A mapping with a fixed class. */
  ToolMapping(
      String actionClass, List<TargetPointer> targets, Set<String> labels, Set<String> tags) {
    this(actionClass, targets, labels, tags, Optional.empty(), Optional.empty());
  }

  /** A mapping to a class with no targets, labels or tags. */
  public static ToolMapping of(String actionClass) {
    return new ToolMapping(actionClass, List.of(), Set.of(), Set.of());
  }

  /** The class by the string value at a JSON pointer of the arguments. */
  record ClassBy(String pointer, Map<String, String> values) {
    ClassBy {
      requireNonNull(pointer, "pointer is null");
      values = Map.copyOf(requireNonNull(values, "values is null"));
    }
  }
}

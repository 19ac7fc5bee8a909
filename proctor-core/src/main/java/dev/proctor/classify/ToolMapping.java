package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * What a taxonomy file says about a tool or an MCP server's tool: its class, where its targets are
 * in the arguments, and the data labels and risk tags every call of it carries.
 */
record ToolMapping(
    String actionClass, List<TargetPointer> targets, Set<String> labels, Set<String> tags) {

  public ToolMapping {
    requireNonNull(actionClass, "actionClass is null");
    targets = List.copyOf(requireNonNull(targets, "targets is null"));
    labels = Set.copyOf(requireNonNull(labels, "labels is null"));
    tags = Set.copyOf(requireNonNull(tags, "tags is null"));
  }

  /** A mapping to a class with no targets, labels or tags. */
  public static ToolMapping of(String actionClass) {
    return new ToolMapping(actionClass, List.of(), Set.of(), Set.of());
  }
}

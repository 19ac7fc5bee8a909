package dev.proctor.action;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * What a classifier found in a raw call: the class the action is gated at (the highest of its
 * parts), every class of every part, the targets, the data labels (such as {@code secret}) and risk
 * tags (such as {@code fetch-exec}, {@code force-push}, {@code recursive}).
 */
public record Classification(
    String actionClass,
    Set<String> classes,
    List<Target> targets,
    Set<String> labels,
    Set<String> tags) {

  public Classification {
    requireNonNull(actionClass, "actionClass is null");
    classes = Set.copyOf(requireNonNull(classes, "classes is null"));
    targets = List.copyOf(requireNonNull(targets, "targets is null"));
    labels = Set.copyOf(requireNonNull(labels, "labels is null"));
    tags = Set.copyOf(requireNonNull(tags, "tags is null"));
    if (!classes.contains(actionClass)) {
      throw new IllegalArgumentException(
          "classes " + classes + " must contain the action class " + actionClass);
    }
  }

  /** A classification with a single class and nothing else found. */
  public static Classification of(String actionClass) {
    return new Classification(actionClass, Set.of(actionClass), List.of(), Set.of(), Set.of());
  }
}

package dev.proctor.approval;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * An authenticated person casting a vote, with the approver groups they belong to. Only a surface
 * that authenticated the person builds one; an agent never does.
 */
public record Approver(String name, Set<String> groups) {
  public Approver {
    requireNonNull(name, "name is null");
    groups = Set.copyOf(requireNonNull(groups, "groups is null"));
    if (name.isBlank()) {
      throw new IllegalArgumentException("an approver has a name");
    }
  }
}

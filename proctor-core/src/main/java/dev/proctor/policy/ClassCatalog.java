package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.classify.ActionClass;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The action classes a policy may name: the taxonomy as the policy engine sees it. Class patterns
 * in rules are resolved against {@link #names()} when the policy loads.
 */
public interface ClassCatalog {

  /** The class of this name, if the taxonomy has it. */
  Optional<ActionClass> find(String name);

  /** Every class name, sorted. */
  Set<String> names();

  /**
   * Every tag a request can carry, when known: a condition testing another tag ({@code "x" in
   * tags}) is an error. Empty: tags are not checked.
   */
  default Optional<Set<String>> tags() {
    return Optional.empty();
  }

  /** The taxonomy's classes and tags. */
  static ClassCatalog of(dev.proctor.classify.Taxonomy taxonomy) {
    ClassCatalog classes = of(taxonomy.classes());
    Optional<Set<String>> tags = Optional.of(taxonomy.tags());
    return new ClassCatalog() {
      @Override
      public Optional<ActionClass> find(String name) {
        return classes.find(name);
      }

      @Override
      public Set<String> names() {
        return classes.names();
      }

      @Override
      public Optional<Set<String>> tags() {
        return tags;
      }
    };
  }

  /** A catalog over a fixed collection of classes. */
  static ClassCatalog of(Collection<ActionClass> classes) {
    Map<String, ActionClass> byName = new TreeMap<>();
    for (ActionClass c : requireNonNull(classes, "classes is null")) {
      byName.put(c.name(), c);
    }
    Map<String, ActionClass> frozen = java.util.Collections.unmodifiableMap(byName);
    return new ClassCatalog() {
      @Override
      public Optional<ActionClass> find(String name) {
        return Optional.ofNullable(frozen.get(name));
      }

      @Override
      public Set<String> names() {
        return frozen.keySet();
      }
    };
  }
}

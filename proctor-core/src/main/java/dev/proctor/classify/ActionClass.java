package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import dev.proctor.decision.Effect;
import java.util.Comparator;
import java.util.Set;

/**
 * One class of the taxonomy (AWS2-RUN-L1-001): its name, how much harm it can do, whether it can be
 * undone, the control that applies when no rule matches, and a line for people.
 */
public record ActionClass(
    String name,
    Impact impact,
    Reversibility reversibility,
    Effect defaultControl,
    String description) {

  /** The classes for calls nobody knows; a specific class of the same risk says more. */
  private static final Set<String> FALLBACKS = Set.of("shell.exec", "tool.call");

  /**
   * Orders classes by risk: impact, then reversibility, then the default control, then a specific
   * class over a fallback ({@code wget -O x.sh … && bash x.sh} is {@code code.exec}, not {@code
   * shell.exec}), then name so that the order is total and a compound action is always gated at the
   * same class.
   */
  public static final Comparator<ActionClass> BY_RISK =
      Comparator.comparing(ActionClass::impact)
          .thenComparing(ActionClass::reversibility)
          .thenComparing(ActionClass::defaultControl)
          .thenComparing((ActionClass c) -> !FALLBACKS.contains(c.name()))
          .thenComparing(ActionClass::name);

  public ActionClass {
    requireNonNull(name, "name is null");
    requireNonNull(impact, "impact is null");
    requireNonNull(reversibility, "reversibility is null");
    requireNonNull(defaultControl, "defaultControl is null");
    requireNonNull(description, "description is null");
  }
}

package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import dev.proctor.decision.Effect;
import java.util.Comparator;

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

  /**
   * Orders classes by risk: impact first, then reversibility, then name so that the order is total
   * and a compound action is always gated at the same class.
   */
  public static final Comparator<ActionClass> BY_RISK =
      Comparator.comparing(ActionClass::impact)
          .thenComparing(ActionClass::reversibility)
          .thenComparing(ActionClass::name);

  public ActionClass {
    requireNonNull(name, "name is null");
    requireNonNull(impact, "impact is null");
    requireNonNull(reversibility, "reversibility is null");
    requireNonNull(defaultControl, "defaultControl is null");
    requireNonNull(description, "description is null");
  }
}

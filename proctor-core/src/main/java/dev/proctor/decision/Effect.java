package dev.proctor.decision;

import java.util.Locale;
import java.util.Optional;

/**
 * What a rule says to do, ordered from least to most restrictive: when several rules match, the
 * most restrictive effect wins.
 */
public enum Effect {
  ALLOW,
  MODIFY,
  STEP_UP,
  ASK,
  DEFER,
  DENY;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The name used in policy files and JSON output, such as {@code step_up}. */
  public String wireName() {
    return wireName;
  }

  /** The effect a policy file names, if it names one. */
  public static Optional<Effect> fromWireName(String name) {
    for (Effect e : values()) {
      if (e.wireName().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The more restrictive of two effects. */
  public Effect mostRestrictive(Effect other) {
    return compareTo(other) >= 0 ? this : other;
  }
}

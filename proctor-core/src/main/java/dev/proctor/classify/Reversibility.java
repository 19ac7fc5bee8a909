package dev.proctor.classify;

import java.util.Locale;

/** Whether the effect of an action can be undone, from easiest to impossible. */
public enum Reversibility {
  READ_ONLY,
  REVERSIBLE,
  EXTERNALLY_REVERSIBLE,
  IRREVERSIBLE;

  /** The name used in taxonomy files, such as {@code externally_reversible}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

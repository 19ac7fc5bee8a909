package dev.proctor.classify;

import java.util.Locale;

/** How much harm an action of a class can do, from least to most. */
public enum Impact {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The name used in taxonomy files, such as {@code high}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for the classes AWS2-RUN calls high-impact: an unmatched one is denied. */
  public boolean isHighImpact() {
    return compareTo(HIGH) >= 0;
  }
}

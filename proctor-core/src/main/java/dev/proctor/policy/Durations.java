package dev.proctor.policy;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one spelling of a duration in Proctor's own formats — policy files, configuration and
 * command-line options: a whole number and a unit, {@code 500ms}, {@code 30s}, {@code 15m}, {@code
 * 2h}, {@code 1d}.
 */
public final class Durations {

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  /** The units above a millisecond, largest first, and their lengths in milliseconds. */
  private static final String[] UNITS = {"d", "h", "m", "s"};

  private static final long[] UNIT_MILLIS = {86_400_000L, 3_600_000L, 60_000L, 1_000L};

  /** How the accepted spellings are described in error messages. */
  public static final String EXAMPLES = "500ms, 30s, 15m, 2h or 1d";

  private Durations() {}

  /**
   * A duration in this spelling, with the largest unit that holds it whole: {@code 15m} as written,
   * not {@code PT15M}; {@code 90m} stays {@code 90m}, {@code 60m} reads {@code 1h}. Parsing the
   * result gives the duration back; parts of a millisecond are dropped.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    for (int i = 0; ms != 0 && i < UNIT_MILLIS.length; i++) {
      if (ms % UNIT_MILLIS[i] == 0) {
        return ms / UNIT_MILLIS[i] + UNITS[i];
      }
    }
    return ms + "ms";
  }

  /** The duration a text spells, if it spells one (zero included). */
  public static Optional<Duration> parse(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }
}

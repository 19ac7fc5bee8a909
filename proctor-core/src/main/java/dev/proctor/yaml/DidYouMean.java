package dev.proctor.yaml;

import java.util.Collection;
import java.util.Optional;

/**
 * The "did you mean" of an error about an unknown name: the known name nearest to a misspelt one,
 * when it is at most two edits away (insert, delete, substitute, or swap two neighbours: the
 * optimal-string-alignment form of the Damerau-Levenshtein distance). Ties go to the name that
 * sorts first, so the suggestion never depends on iteration order.
 */
public final class DidYouMean {

  /** The most edits a suggestion may be away from what was written. */
  public static final int MAX_DISTANCE = 2;

  private DidYouMean() {}

  /** The nearest known name within {@link #MAX_DISTANCE} edits, if there is one. */
  public static Optional<String> nearest(String unknown, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      if (k.equals(unknown)) {
        continue;
      }
      int d = distance(unknown, k);
      if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
        best = k;
        bestDistance = d;
      }
    }
    // A two-edit "suggestion" for a one- or two-letter name is noise.
    int limit = Math.min(MAX_DISTANCE, Math.max(1, unknown.length() - 1));
    return bestDistance <= limit ? Optional.ofNullable(best) : Optional.empty();
  }

  /** {@code " (did you mean 'x'?)"}, or the empty string when nothing is near. */
  public static String hint(String unknown, Collection<String> known) {
    return nearest(unknown, known).map(n -> " (did you mean '" + n + "'?)").orElse("");
  }

  /** Optimal string alignment distance: Levenshtein plus transposition of adjacent characters. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}

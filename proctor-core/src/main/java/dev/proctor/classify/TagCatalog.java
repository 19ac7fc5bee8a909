package dev.proctor.classify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every tag the classifiers emit, with what it means ({@code tags.txt}), so that a policy testing a
 * tag nobody emits ({@code "fetch-exe" in tags}) fails to load instead of never matching.
 */
final class TagCatalog {

  private TagCatalog() {}

  private static final class Holder {
    static final Map<String, String> TAGS = load();
  }

  /** The built-in tags and their meanings, in file order. */
  static Map<String, String> builtIn() {
    return Holder.TAGS;
  }

  private static Map<String, String> load() {
    String name = "tags.txt";
    String text;
    try (InputStream in = TagCatalog.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + name, e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int space = l.indexOf(' ');
      String tag = space < 0 ? l : l.substring(0, space);
      if (out.put(tag, space < 0 ? "" : l.substring(space).strip()) != null) {
        throw new IllegalStateException(name + ":" + lineNo + ": tag '" + tag + "' listed twice");
      }
    }
    return Map.copyOf(out);
  }

  /** The known name closest to an unknown one (edit distance at most 2, or a shared prefix). */
  static Optional<String> nearest(String unknown, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(unknown, k);
      if (d < bestDistance || d == bestDistance && best != null && k.compareTo(best) < 0) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null
        && (bestDistance <= 2
            || unknown.length() >= 4 && (best.startsWith(unknown) || unknown.startsWith(best)))) {
      return Optional.of(best);
    }
    return Optional.empty();
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

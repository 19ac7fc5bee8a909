package dev.proctor.classify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Expands the brace expressions of a word as bash does before globbing: {@code a{b,c}d} is {@code
 * abd acd}, {@code {1..3}} is {@code 1 2 3}, {@code {a..c}} is {@code a b c}; nested braces are
 * expanded from the left. Braces without a comma or a sequence, and {@code ${...}}, stay as they
 * are. Bounded: more than {@link #MAX_RESULTS} words give no result.
 */
final class BraceExpansion {

  /** The most words one expansion may produce before it is treated as unknown. */
  static final int MAX_RESULTS = 64;

  private BraceExpansion() {}

  /** The words {@code text} expands to, in order; null when there would be too many. */
  static List<String> expand(String text) {
    List<String> out = new ArrayList<>();
    return expand(text, out, 0) ? out : null;
  }

  private static boolean expand(String text, List<String> out, int depth) {
    if (depth > MAX_RESULTS) {
      return false;
    }
    int[] span = firstExpression(text);
    if (span == null) {
      if (out.size() >= MAX_RESULTS) {
        return false;
      }
      out.add(text);
      return true;
    }
    String prefix = text.substring(0, span[0]);
    String suffix = text.substring(span[1] + 1);
    List<String> parts = alternatives(text.substring(span[0] + 1, span[1]));
    if (parts == null) {
      return false;
    }
    for (String p : parts) {
      if (!expand(prefix + p + suffix, out, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  /** The offsets of the first {@code {} and its matching {@code }} that expand, or null. */
  private static int[] firstExpression(String t) {
    for (int open = 0; open < t.length(); open++) {
      if (t.charAt(open) != '{' || (open > 0 && t.charAt(open - 1) == '$')) {
        continue;
      }
      int level = 0;
      boolean comma = false;
      for (int i = open; i < t.length(); i++) {
        char c = t.charAt(i);
        if (c == '{') {
          level++;
        } else if (c == '}') {
          level--;
          if (level == 0) {
            String inner = t.substring(open + 1, i);
            if (comma || sequence(inner) != null) {
              return new int[] {open, i};
            }
            break;
          }
        } else if (c == ',' && level == 1) {
          comma = true;
        }
      }
    }
    return null;
  }

  /** The top-level comma alternatives or the sequence of an expression body; null if too many. */
  private static List<String> alternatives(String inner) {
    List<String> seq = sequence(inner);
    if (seq != null) {
      return seq.size() > MAX_RESULTS ? null : seq;
    }
    List<String> parts = new ArrayList<>();
    int level = 0;
    int start = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '{') {
        level++;
      } else if (c == '}') {
        level--;
      } else if (c == ',' && level == 0) {
        parts.add(inner.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(inner.substring(start));
    return parts.size() > MAX_RESULTS ? null : parts;
  }

  /** {@code 1..5}, {@code a..e}, {@code 1..10..2}: the values, or null if not a sequence. */
  private static List<String> sequence(String inner) {
    String[] p = inner.split("\\.\\.", -1);
    if (p.length < 2 || p.length > 3) {
      return null;
    }
    try {
      long step = p.length == 3 ? Math.abs(Long.parseLong(p[2])) : 1;
      if (step == 0) {
        step = 1;
      }
      List<String> out = new ArrayList<>();
      if (isNumber(p[0]) && isNumber(p[1])) {
        long a = Long.parseLong(p[0]);
        long b = Long.parseLong(p[1]);
        if (Math.abs(b - a) / step >= MAX_RESULTS) {
          return Collections.nCopies(MAX_RESULTS + 1, ""); // too many: the caller gives up
        }
        for (long v = a; a <= b ? v <= b : v >= b; v += a <= b ? step : -step) {
          out.add(Long.toString(v));
        }
        return out;
      }
      if (p[0].length() == 1
          && p[1].length() == 1
          && Character.isLetter(p[0].charAt(0))
          && Character.isLetter(p[1].charAt(0))) {
        char a = p[0].charAt(0);
        char b = p[1].charAt(0);
        for (int v = a; a <= b ? v <= b : v >= b; v += (int) (a <= b ? step : -step)) {
          out.add(String.valueOf((char) v));
        }
        return out;
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static boolean isNumber(String s) {
    int start = s.startsWith("-") ? 1 : 0;
    if (s.length() <= start || s.length() > 18) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}

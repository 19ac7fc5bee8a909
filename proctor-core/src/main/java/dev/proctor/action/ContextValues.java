package dev.proctor.action;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The types a context value may have — string, whole number ({@code Long}), decimal ({@code
 * Double}), boolean, or a list of these — so that a policy reads {@code context.risk_score > 50}
 * without converting text. Maps are refused: context is facts about the call, not a second
 * arguments object.
 */
final class ContextValues {

  private ContextValues() {}

  /** An immutable copy with every value checked (integers widened to {@code Long}). */
  static Map<String, Object> copy(Map<String, ?> context) {
    if (context.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : context.entrySet()) {
      if (e.getKey() == null) {
        throw new IllegalArgumentException("a context key is null");
      }
      out.put(e.getKey(), check(e.getKey(), e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The value as stored, or an exception naming the key when its type is not allowed. */
  static Object check(String key, Object value) {
    if (value instanceof String || value instanceof Long || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        throw new IllegalArgumentException("context " + key + ": " + d + " is not a number");
      }
      return d;
    }
    if (value instanceof Float f) {
      return check(key, f.doubleValue());
    }
    if (value instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object item : l) {
        if (item instanceof List<?>) {
          throw new IllegalArgumentException("context " + key + ": lists cannot nest");
        }
        out.add(check(key, item));
      }
      return List.copyOf(out);
    }
    throw new IllegalArgumentException(
        "context "
            + key
            + " must be a string, number, boolean or list of these, was "
            + (value == null ? "null" : value.getClass().getSimpleName()));
  }
}

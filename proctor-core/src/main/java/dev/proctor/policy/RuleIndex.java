package dev.proctor.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rules indexed by class and by tool, so that a request looks at the few rules that can apply to it
 * and evaluation cost does not grow with the size of the policy. A rule lands in the bucket of
 * every class its patterns resolved to (or the any-class bucket), and within it under each exact
 * tool name (or the any-tool list, or the tool-glob list).
 *
 * <p>The candidates of a request depend only on its classes and its tool, so they are computed once
 * per (set of classes, tool) and kept, up to {@link #MAX_CACHED} pairs (tool names come from
 * callers, so the cache is bounded; past the bound the candidates are computed each time).
 */
final class RuleIndex {

  private static final class Bucket {
    final Map<String, List<CompiledRule>> byTool = new HashMap<>();
    final List<CompiledRule> anyTool = new ArrayList<>();
    final List<CompiledRule> toolGlobs = new ArrayList<>();

    void add(CompiledRule r) {
      if (r.exactTools().isEmpty() && r.toolGlobs().isEmpty()) {
        anyTool.add(r);
        return;
      }
      for (String t : r.exactTools()) {
        byTool.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
      }
      if (!r.toolGlobs().isEmpty()) {
        toolGlobs.add(r);
      }
    }

    void collect(String tool, List<CompiledRule> out) {
      List<CompiledRule> exact = byTool.get(tool);
      if (exact != null) {
        addAll(exact, out);
      }
      addAll(anyTool, out);
      for (CompiledRule r : toolGlobs) {
        if (r.matchesTool(tool) && !containsSame(out, r)) {
          out.add(r);
        }
      }
    }

    private static void addAll(List<CompiledRule> rules, List<CompiledRule> out) {
      for (CompiledRule r : rules) {
        // Candidate lists are short; a linear check keeps the cost independent of policy size.
        if (!containsSame(out, r)) {
          out.add(r);
        }
      }
    }
  }

  private static boolean containsSame(List<CompiledRule> rules, CompiledRule r) {
    for (CompiledRule x : rules) {
      if (x == r) {
        return true;
      }
    }
    return false;
  }

  /** How many (class, tool) pairs keep their candidates. */
  static final int MAX_CACHED = 4096;

  private final Map<String, Bucket> byClass = new HashMap<>();
  private final Bucket anyClass = new Bucket();
  private final Map<Set<String>, Map<String, List<CompiledRule>>> cached =
      new ConcurrentHashMap<>();
  private final AtomicInteger cachedCount = new AtomicInteger();

  RuleIndex(List<CompiledRule> rules) {
    for (CompiledRule r : rules) {
      if (r.classes().isEmpty()) {
        anyClass.add(r);
      } else {
        for (String c : r.classes()) {
          byClass.computeIfAbsent(c, k -> new Bucket()).add(r);
        }
      }
    }
  }

  /** The rules that may apply to a request of these classes and this tool, in declaration order. */
  List<CompiledRule> candidates(Set<String> classes, String tool) {
    Map<String, List<CompiledRule>> byTool = cached.get(classes);
    List<CompiledRule> hit = byTool == null ? null : byTool.get(tool);
    if (hit != null) {
      return hit;
    }
    List<CompiledRule> out = List.copyOf(compute(classes, tool));
    if (cachedCount.get() < MAX_CACHED
        && cached
                .computeIfAbsent(Set.copyOf(classes), k -> new ConcurrentHashMap<>())
                .putIfAbsent(tool, out)
            == null) {
      cachedCount.incrementAndGet();
    }
    return out;
  }

  private List<CompiledRule> compute(Set<String> classes, String tool) {
    List<CompiledRule> out = new ArrayList<>();
    for (String c : classes) {
      Bucket b = byClass.get(c);
      if (b != null) {
        b.collect(tool, out);
      }
    }
    anyClass.collect(tool, out);
    if (out.size() > 1) {
      out.sort((a, b) -> Integer.compare(a.order(), b.order()));
    }
    return out;
  }
}

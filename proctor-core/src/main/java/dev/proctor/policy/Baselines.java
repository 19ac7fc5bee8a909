package dev.proctor.policy;

import dev.proctor.decision.Effect;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the loader proves about a team policy and the baseline it {@code extends}: rule ids are
 * unique across both, and no team rule or default tries to weaken the baseline where that can be
 * shown without running anything.
 *
 * <p>Why only where it can be shown. Decision-time combining ({@link Policy#evaluate}) enforces the
 * baseline whatever the team writes; this check is there so that a team rule that would only ever
 * be overruled is refused when it is written, naming both rules, rather than discovered in a log. A
 * team rule is refused when its effect is weaker than that of a baseline rule that is enforced,
 * unconditional and matches everything the team rule matches (its classes contain the team rule's,
 * its tool patterns match each of the team rule's tools, its principal fields accept each of the
 * team rule's values), or weaker than the baseline's explicit default for every class it names
 * while no baseline rule touches those classes. Overlaps that depend on a condition or on a
 * principal's groups (which each policy resolves in its own principals file) are left to decision
 * time. Gates are not weakened by an allow (a gate only ever gates what something allows), so they
 * are not compared.
 */
final class Baselines {

  private Baselines() {}

  /** Adds a problem for every duplicate rule id and every provable weakening of the chain. */
  static void check(
      Policy baseline,
      List<CompiledRule> rules,
      Map<String, Effect> defaults,
      Map<String, SourcePosition> defaultPositions,
      List<PolicyProblem> problems) {
    for (Optional<Policy> layer = Optional.of(baseline);
        layer.isPresent();
        layer = layer.get().baseline()) {
      Policy b = layer.get();
      for (CompiledRule team : rules) {
        b.rule(team.rule().id())
            .ifPresent(
                other ->
                    problems.add(
                        team.rule()
                            .position()
                            .problem(
                                "rule id '"
                                    + team.rule().id()
                                    + "' is also a rule of baseline "
                                    + b.id()
                                    + " (at "
                                    + other.position()
                                    + "): receipts cite rule ids, so they are unique across a"
                                    + " policy and its baselines")));
        weakens(team, b).ifPresent(problems::add);
      }
      for (Map.Entry<String, Effect> d : defaults.entrySet()) {
        Effect floor = b.defaults().get(d.getKey());
        if (floor != null && d.getValue().compareTo(floor) < 0 && !touched(b, d.getKey())) {
          problems.add(
              defaultPositions
                  .get(d.getKey())
                  .problem(
                      "default "
                          + d.getValue().wireName()
                          + " for class "
                          + d.getKey()
                          + " is weaker than baseline "
                          + b.id()
                          + "'s default "
                          + floor.wireName()
                          + " (at "
                          + b.defaultPositions().get(d.getKey())
                          + "), which no baseline rule lifts: a team policy cannot weaken its"
                          + " baseline"));
        }
      }
    }
  }

  private static Optional<PolicyProblem> weakens(CompiledRule team, Policy b) {
    Rule t = team.rule();
    if (t.mode() != Rule.Mode.ENFORCE || t.gate()) {
      return Optional.empty();
    }
    for (CompiledRule base : b.compiledRules()) {
      Rule r = base.rule();
      if (r.mode() != Rule.Mode.ENFORCE
          || r.gate()
          || r.when().isPresent()
          || r.effect().compareTo(Effect.STEP_UP) < 0
          || t.effect().compareTo(r.effect()) >= 0
          || !contains(base, team, false)) {
        continue;
      }
      return Optional.of(
          t.position()
              .problem(
                  "rule "
                      + t.id()
                      + " ("
                      + t.effect().wireName()
                      + ") is weaker than baseline "
                      + b.id()
                      + "'s rule "
                      + r.id()
                      + " ("
                      + r.effect().wireName()
                      + ", at "
                      + r.position()
                      + "), which matches everything it matches: a team policy cannot weaken its"
                      + " baseline"));
    }
    if (!team.classes().isEmpty()) {
      Effect weakestFloor = null;
      for (String c : team.classes()) {
        Effect floor = b.defaults().get(c);
        if (floor == null || touched(b, c)) {
          return Optional.empty();
        }
        weakestFloor =
            weakestFloor == null || floor.compareTo(weakestFloor) < 0 ? floor : weakestFloor;
      }
      if (t.effect().compareTo(weakestFloor) < 0) {
        String c = team.classes().iterator().next();
        return Optional.of(
            t.position()
                .problem(
                    "rule "
                        + t.id()
                        + " ("
                        + t.effect().wireName()
                        + ") is weaker than baseline "
                        + b.id()
                        + "'s default "
                        + b.defaults().get(c).wireName()
                        + " for class "
                        + c
                        + " (at "
                        + b.defaultPositions().get(c)
                        + "), which no baseline rule lifts: a team policy cannot weaken its"
                        + " baseline"));
      }
    }
    return Optional.empty();
  }

  /** Whether some enforced rule of the baseline can decide this class. */
  private static boolean touched(Policy b, String actionClass) {
    for (CompiledRule r : b.compiledRules()) {
      if (r.rule().mode() == Rule.Mode.ENFORCE && r.coversClass(actionClass)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code outer} matches every request {@code inner} matches (as far as matches go);
   * {@code sameIdentities}: both resolve groups and roles in the same principals file, so a subset
   * of groups is a subset of principals.
   */
  static boolean contains(CompiledRule outer, CompiledRule inner, boolean sameIdentities) {
    if (!outer.classes().isEmpty()
        && (inner.classes().isEmpty() || !outer.classes().containsAll(inner.classes()))) {
      return false;
    }
    boolean outerTools = !outer.exactTools().isEmpty() || !outer.toolGlobs().isEmpty();
    if (outerTools) {
      if (!inner.toolGlobs().isEmpty() || inner.exactTools().isEmpty()) {
        return false;
      }
      for (String tool : inner.exactTools()) {
        if (!outer.matchesTool(tool)) {
          return false;
        }
      }
    }
    for (Map.Entry<String, List<String>> e : outer.rule().match().principal().entrySet()) {
      List<String> innerValues = inner.rule().match().principal().get(e.getKey());
      boolean identity = e.getKey().equals("groups") || e.getKey().equals("roles");
      if (innerValues == null || (identity && !sameIdentities)) {
        return false;
      }
      if (identity) {
        if (!e.getValue().containsAll(innerValues)) {
          return false;
        }
        continue;
      }
      for (String v : innerValues) {
        boolean accepted = e.getValue().contains(v);
        for (String pattern : e.getValue()) {
          accepted |= v.indexOf('*') < 0 && CelFunctions.nameMatches(v, pattern);
        }
        if (!accepted) {
          return false;
        }
      }
    }
    return true;
  }
}

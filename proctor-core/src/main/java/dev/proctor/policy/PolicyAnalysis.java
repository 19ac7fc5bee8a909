package dev.proctor.policy;

import dev.proctor.decision.Effect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Semantic findings about a policy that loads: things that are legal but almost certainly not what
 * the author meant. Each is a warning with the file, line and column of the rule or default it is
 * about; {@code proctor policy validate --strict} makes them errors.
 *
 * <p>The kinds, each a {@link Kind}: a rule that can never fire (its condition folds to false); a
 * rule shadowed by another that matches everything it matches, unconditionally, with a stronger
 * effect (or the same effect, when the other is earlier), so that it never changes a decision; a
 * rule or the defaults allowing everything; a budget, rate limit or breaker block, which no running
 * mode enforces yet. Unknown classes and tags never get here: they are load errors. A baseline's
 * findings are reported too, at its files' paths from the team policy.
 */
public final class PolicyAnalysis {

  /** What a finding is about. */
  public enum Kind {
    NEVER_FIRES,
    SHADOWED,
    ALLOWS_EVERYTHING,
    NOT_ENFORCED
  }

  /** One finding: its kind and the problem (position and message) it is reported as. */
  public record Finding(Kind kind, PolicyProblem problem) {
    public Finding {
      java.util.Objects.requireNonNull(kind, "kind is null");
      java.util.Objects.requireNonNull(problem, "problem is null");
    }

    /** {@code warning: file:line:column: message}. */
    @Override
    public String toString() {
      return "warning: " + problem;
    }
  }

  private PolicyAnalysis() {}

  /** Every finding about the policy and its baselines, in file order. */
  public static List<Finding> findings(Policy policy) {
    List<Finding> out = new ArrayList<>();
    for (Optional<Policy> p = Optional.of(policy); p.isPresent(); p = p.get().baseline()) {
      analyse(p.get(), out);
    }
    out.sort(
        Comparator.comparing((Finding f) -> f.problem().file())
            .thenComparingInt(f -> f.problem().line())
            .thenComparingInt(f -> f.problem().column())
            .thenComparing(f -> f.problem().message()));
    return out;
  }

  private static void analyse(Policy policy, List<Finding> out) {
    List<CompiledRule> rules = policy.compiledRules();
    for (CompiledRule r : rules) {
      Rule rule = r.rule();
      Optional<Boolean> constant = rule.when().flatMap(PolicyCel::constantValue);
      if (constant.isPresent() && !constant.get()) {
        out.add(
            finding(
                Kind.NEVER_FIRES,
                rule.position(),
                "rule "
                    + rule.id()
                    + " can never fire: its condition is always false ('"
                    + rule.when().orElseThrow().strip()
                    + "')"));
        continue;
      }
      if (rule.mode() == Rule.Mode.ENFORCE
          && rule.effect() == Effect.ALLOW
          && !rule.gate()
          && unconditional(rule)
          && rule.match().classes().isEmpty()
          && rule.match().tools().isEmpty()
          && rule.match().principal().isEmpty()) {
        out.add(
            finding(
                Kind.ALLOWS_EVERYTHING,
                rule.position(),
                "rule "
                    + rule.id()
                    + " allows every action of every principal: no match, no condition"));
      }
      notEnforced(rule, "budget", rule.budget().isPresent(), out);
      notEnforced(rule, "rate_limit", rule.rateLimit().isPresent(), out);
      notEnforced(rule, "breaker", rule.breaker().isPresent(), out);
      shadowedBy(r, rules).ifPresent(out::add);
    }
    allowingDefaults(policy).ifPresent(out::add);
  }

  private static boolean unconditional(Rule rule) {
    return rule.when().isEmpty() || rule.when().flatMap(PolicyCel::constantValue).orElse(false);
  }

  private static void notEnforced(Rule rule, String block, boolean present, List<Finding> out) {
    if (present) {
      out.add(
          finding(
              Kind.NOT_ENFORCED,
              rule.position(),
              "rule "
                  + rule.id()
                  + ": its "
                  + block
                  + " block is validated but not enforced (no running mode enforces budgets, rate"
                  + " limits or breakers yet); remove it, or keep it knowing it limits nothing"));
    }
  }

  /**
   * The first rule that shadows {@code inner}: enforced, unconditional, matching all it matches,
   * with a more restrictive effect, or the same effect and earlier. Only effects whose ties change
   * nothing are compared on a tie (allow, step_up, deny: an ask carries the first winner's
   * approvers, a modify applies every winner's rewrite, a defer the shortest timeout); a rule with
   * obligations is never shadowed (its obligations apply whenever it matches), and a gate only by a
   * deny or defer.
   */
  private static Optional<Finding> shadowedBy(CompiledRule inner, List<CompiledRule> rules) {
    Rule in = inner.rule();
    if (in.mode() != Rule.Mode.ENFORCE || !in.obligations().isEmpty()) {
      return Optional.empty();
    }
    for (CompiledRule outer : rules) {
      Rule out = outer.rule();
      if (outer == inner
          || out.mode() != Rule.Mode.ENFORCE
          || out.gate()
          || !unconditional(out)
          || !Baselines.contains(outer, inner, true)) {
        continue;
      }
      boolean shadows;
      if (in.gate()) {
        shadows = out.effect() == Effect.DENY || out.effect() == Effect.DEFER;
      } else if (out.effect().compareTo(in.effect()) > 0) {
        shadows = true;
      } else {
        shadows =
            out.effect() == in.effect()
                && (in.effect() == Effect.ALLOW
                    || in.effect() == Effect.STEP_UP
                    || in.effect() == Effect.DENY)
                && outer.order() < inner.order();
      }
      if (shadows) {
        return Optional.of(
            finding(
                Kind.SHADOWED,
                in.position(),
                "rule "
                    + in.id()
                    + " is shadowed by rule "
                    + out.id()
                    + " (at "
                    + out.position()
                    + "), which matches every request it matches, unconditionally, with effect "
                    + out.effect().wireName()
                    + ": "
                    + in.id()
                    + " never changes a decision"));
      }
    }
    return Optional.empty();
  }

  /** A finding when the defaults allow every class of the taxonomy. */
  private static Optional<Finding> allowingDefaults(Policy policy) {
    ClassCatalog catalog = policy.catalog();
    if (catalog.names().isEmpty()) {
      return Optional.empty();
    }
    TreeSet<String> where = new TreeSet<>();
    for (String c : catalog.names()) {
      if (policy.defaults().get(c) != Effect.ALLOW) {
        return Optional.empty();
      }
      SourcePosition at = policy.defaultPositions().get(c);
      if (at != null) {
        where.add(at.toString());
      }
    }
    SourcePosition first = policy.defaultPositions().get(catalog.names().iterator().next());
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(
        finding(
            Kind.ALLOWS_EVERYTHING,
            first,
            "the defaults allow every class (written at "
                + String.join(", ", where)
                + "): whatever no rule decides is allowed, high-impact actions included"));
  }

  private static Finding finding(Kind kind, SourcePosition at, String message) {
    return new Finding(kind, at.problem(message));
  }
}

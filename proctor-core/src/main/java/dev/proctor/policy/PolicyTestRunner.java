package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Decision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs policy test cases: each request goes through the pipeline (the classifier) and the policy,
 * and the effect (and, when the case names one, the rule id among the decision's rule ids) must be
 * as expected. Inline {@code expect:} examples of the policy run as a suite of their own.
 */
public final class PolicyTestRunner {

  /** The suite name under which a policy's inline examples are reported. */
  public static final String INLINE_SUITE = "expect";

  private final Function<ToolCall, ActionRequest> pipeline;

  /** A runner that classifies requests with this pipeline. */
  public PolicyTestRunner(Function<ToolCall, ActionRequest> pipeline) {
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
  }

  /** Runs the policy's inline examples and then every suite, and computes rule coverage. */
  public PolicyTestReport run(Policy policy, List<PolicyTestSuite> suites) {
    List<PolicyTestResult> results = new ArrayList<>();
    Set<String> exercised = new LinkedHashSet<>();
    for (PolicyTestCase example : policy.examples()) {
      results.add(run(policy, INLINE_SUITE, example, exercised));
    }
    for (PolicyTestSuite suite : suites) {
      for (PolicyTestCase c : suite.cases()) {
        results.add(run(policy, suite.name(), c, exercised));
      }
    }
    List<String> uncovered = new ArrayList<>();
    for (Rule r : policy.rules()) {
      if (!exercised.contains(r.id())) {
        uncovered.add(r.id());
      }
    }
    return new PolicyTestReport(policy.id(), policy.digest(), results, uncovered);
  }

  private PolicyTestResult run(
      Policy policy, String suite, PolicyTestCase c, Set<String> exercised) {
    long start = System.nanoTime();
    Evaluation e = PolicyLoader.evaluate(policy, pipeline, c.request());
    Duration time = Duration.ofNanos(System.nanoTime() - start);
    exercised.addAll(e.decision().ruleIds());
    e.shadowHits().forEach(h -> exercised.add(h.ruleId()));
    return result(suite, c, e.decision(), time, disagreements(policy, pipeline, c));
  }

  /** Checks one case, outside any suite (used for inline examples at load). */
  static PolicyTestResult check(
      Policy policy, Function<ToolCall, ActionRequest> pipeline, PolicyTestCase c) {
    long start = System.nanoTime();
    Evaluation e = PolicyLoader.evaluate(policy, pipeline, c.request());
    return result(
        INLINE_SUITE,
        c,
        e.decision(),
        Duration.ofNanos(System.nanoTime() - start),
        disagreements(policy, pipeline, c));
  }

  /**
   * Where a rule's fast path and its CEL program disagree on the case's request (the classifier's
   * own failures are the decision's business, not this check's).
   */
  private static List<String> disagreements(
      Policy policy, Function<ToolCall, ActionRequest> pipeline, PolicyTestCase c) {
    ActionRequest request;
    try {
      request = pipeline.apply(c.request());
    } catch (RuntimeException e) {
      return List.of();
    }
    return policy.fastPathDisagreements(request);
  }

  private static PolicyTestResult result(
      String suite, PolicyTestCase c, Decision d, Duration time, List<String> disagreements) {
    Optional<String> failure = Optional.empty();
    boolean effectOk = d.effect() == c.expectedEffect();
    boolean ruleOk = c.expectedRule().map(d.ruleIds()::contains).orElse(true);
    if (!effectOk || !ruleOk) {
      failure =
          Optional.of(
              "expected "
                  + c.expectedEffect().wireName()
                  + c.expectedRule().map(r -> " by rule " + r).orElse("")
                  + ", got "
                  + d.effect().wireName()
                  + (d.ruleIds().isEmpty() ? " (no rule)" : " by " + String.join(", ", d.ruleIds()))
                  + ": "
                  + d.reason());
    }
    if (!disagreements.isEmpty()) {
      failure =
          Optional.of(
              failure.map(f -> f + "; ").orElse("")
                  + "a fast path disagrees with CEL: "
                  + String.join("; ", disagreements));
    }
    return new PolicyTestResult(suite, c, d.effect(), d.ruleIds(), d.reason(), failure, time);
  }
}

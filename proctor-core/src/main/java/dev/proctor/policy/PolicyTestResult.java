package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.decision.Effect;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The outcome of one test case: what the policy said, and why the case failed if it did. */
public record PolicyTestResult(
    String suite,
    PolicyTestCase testCase,
    Effect actualEffect,
    List<String> actualRules,
    String reason,
    Optional<String> failure,
    Duration time) {

  public PolicyTestResult {
    requireNonNull(suite, "suite is null");
    requireNonNull(testCase, "testCase is null");
    requireNonNull(actualEffect, "actualEffect is null");
    actualRules = List.copyOf(requireNonNull(actualRules, "actualRules is null"));
    requireNonNull(reason, "reason is null");
    requireNonNull(failure, "failure is null");
    requireNonNull(time, "time is null");
  }

  /** True when the policy answered as the case expects. */
  public boolean passed() {
    return failure.isEmpty();
  }
}

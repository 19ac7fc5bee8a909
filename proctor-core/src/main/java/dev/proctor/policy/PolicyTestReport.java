package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The results of running test suites against a policy, with rule coverage: the ids of the rules no
 * case exercised (matched, whether or not it won).
 */
public record PolicyTestReport(
    String policyId,
    String policyDigest,
    List<PolicyTestResult> results,
    List<String> uncoveredRules) {

  public PolicyTestReport {
    requireNonNull(policyId, "policyId is null");
    requireNonNull(policyDigest, "policyDigest is null");
    results = List.copyOf(requireNonNull(results, "results is null"));
    uncoveredRules = List.copyOf(requireNonNull(uncoveredRules, "uncoveredRules is null"));
  }

  /** How many cases passed. */
  public long passed() {
    return results.stream().filter(PolicyTestResult::passed).count();
  }

  /** How many cases failed. */
  public long failed() {
    return results.size() - passed();
  }

  /** True when every case passed. */
  public boolean ok() {
    return failed() == 0;
  }
}

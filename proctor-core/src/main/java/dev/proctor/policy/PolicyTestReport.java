package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The results of running test suites against a policy, with rule coverage: the ids of the rules
 * that decided no case (were among the rules a decision named; a shadow rule counts when it
 * matched). A rule that only matched while another decided is not covered: no case shows what it
 * does.
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

  /** True when there was at least one case and every case passed: no cases proves nothing. */
  public boolean ok() {
    return !results.isEmpty() && failed() == 0;
  }
}

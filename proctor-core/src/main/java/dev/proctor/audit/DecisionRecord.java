package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.CanonicalJson;
import dev.proctor.decision.Decision;
import dev.proctor.decision.PolicyRef;
import dev.proctor.lifecycle.LifecycleState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The decision part of a receipt: its kind ({@code allow}, {@code deny}, {@code modify}, {@code
 * require_approval}, {@code step_up}, {@code defer}, {@code rate_limited}), the policy id, version
 * and digest, the matched rule ids, the reason, and for a modification the digest of the rewritten
 * arguments; for a deferral or rate limit the wait in milliseconds.
 */
public record DecisionRecord(
    Decision.Kind kind,
    PolicyRef policy,
    List<String> ruleIds,
    String reason,
    Optional<String> modifiedParametersDigest,
    Optional<Long> waitMillis) {

  public DecisionRecord {
    requireNonNull(kind, "kind is null");
    requireNonNull(policy, "policy is null");
    ruleIds = List.copyOf(requireNonNull(ruleIds, "ruleIds is null"));
    requireNonNull(reason, "reason is null");
    requireNonNull(modifiedParametersDigest, "modifiedParametersDigest is null");
    requireNonNull(waitMillis, "waitMillis is null");
  }

  /** The record of a decision. */
  public static DecisionRecord of(Decision decision) {
    return new DecisionRecord(
        decision.kind(),
        decision.policy(),
        decision.ruleIds(),
        decision.reason(),
        decision.rewrittenArguments().map(CanonicalJson::sha256Hex),
        decision.waitTime().map(Duration::toMillis));
  }

  /** The lifecycle state this decision moves an action to. */
  public LifecycleState state() {
    return kind.state();
  }
}

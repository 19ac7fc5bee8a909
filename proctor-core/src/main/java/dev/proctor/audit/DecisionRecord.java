package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.CanonicalJson;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import java.util.List;
import java.util.Optional;

/**
 * The decision part of a receipt: the result ({@code allow}, {@code deny}, {@code modify}, {@code
 * require_approval}, {@code step_up}, {@code defer}, {@code rate_limited}), the policy id, version
 * and digest, the matched rule ids, the reason, and for a modification the digest of the rewritten
 * arguments; for a deferral or rate limit the wait in milliseconds.
 */
public record DecisionRecord(
    String result,
    PolicyRef policy,
    List<String> ruleIds,
    String reason,
    Optional<String> modifiedParametersDigest,
    Optional<Long> waitMillis) {

  public DecisionRecord {
    requireNonNull(result, "result is null");
    requireNonNull(policy, "policy is null");
    ruleIds = List.copyOf(requireNonNull(ruleIds, "ruleIds is null"));
    requireNonNull(reason, "reason is null");
    requireNonNull(modifiedParametersDigest, "modifiedParametersDigest is null");
    requireNonNull(waitMillis, "waitMillis is null");
  }

  /**
   * The record of a decision made under a policy; the policy's digest must match the decision's.
   */
  public static DecisionRecord of(Decision decision, PolicyRef policy) {
    if (!policy.digest().equals(decision.policyDigest())) {
      throw new IllegalArgumentException(
          "decision names policy digest "
              + decision.policyDigest()
              + " but the policy reference has "
              + policy.digest());
    }
    Optional<String> modified = Optional.empty();
    Optional<Long> wait = Optional.empty();
    String result;
    if (decision instanceof Decision.Allow) {
      result = "allow";
    } else if (decision instanceof Decision.Deny) {
      result = "deny";
    } else if (decision instanceof Decision.Modify m) {
      result = "modify";
      modified = Optional.of(CanonicalJson.sha256Hex(m.arguments()));
    } else if (decision instanceof Decision.RequireApproval) {
      result = "require_approval";
    } else if (decision instanceof Decision.StepUp) {
      result = "step_up";
    } else if (decision instanceof Decision.Defer d) {
      result = "defer";
      wait = Optional.of(d.timeout().toMillis());
    } else if (decision instanceof Decision.RateLimited r) {
      result = "rate_limited";
      wait = Optional.of(r.retryAfter().toMillis());
    } else {
      throw new IllegalArgumentException("unknown decision " + decision);
    }
    return new DecisionRecord(
        result, policy, decision.ruleIds(), decision.reason(), modified, wait);
  }

  /**
   * The lifecycle state this decision moves an action to: allow and modify to {@code allowed}, an
   * approval or a step-up (a re-authentication is an approval by the requester's own fresh login)
   * to {@code approval_required}.
   */
  public LifecycleState state() {
    return switch (result) {
      case "allow", "modify" -> LifecycleState.ALLOWED;
      case "deny" -> LifecycleState.DENIED;
      case "require_approval", "step_up" -> LifecycleState.APPROVAL_REQUIRED;
      case "defer" -> LifecycleState.DEFERRED;
      case "rate_limited" -> LifecycleState.RATE_LIMITED;
      default -> throw new IllegalStateException("unknown decision result " + result);
    };
  }
}

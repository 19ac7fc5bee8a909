package dev.proctor.approval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.Principal;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.lifecycle.LifecycleState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An action held for approval as an approver sees it: the whole recorded action (tool, class,
 * canonical parameters as recorded, requester), why a human is needed (rules, reason, policy), the
 * requirement, who may not approve it, the votes so far and where it stands now.
 */
public record HeldAction(
    String actionId,
    LifecycleState state,
    String tool,
    String actionClass,
    String actionDigest,
    JsonNode parameters,
    Principal requester,
    List<String> ruleIds,
    String reason,
    String policyDigest,
    ApprovalRequirement requirement,
    Set<String> excluded,
    Instant created,
    Instant expires,
    List<Vote> votes) {

  /** One person's vote. */
  public record Vote(String approver, String decision, Optional<String> reason, Instant time) {
    public Vote {
      requireNonNull(approver, "approver is null");
      requireNonNull(decision, "decision is null");
      requireNonNull(reason, "reason is null");
      requireNonNull(time, "time is null");
    }
  }

  public HeldAction {
    requireNonNull(actionId, "actionId is null");
    requireNonNull(state, "state is null");
    requireNonNull(tool, "tool is null");
    requireNonNull(actionClass, "actionClass is null");
    requireNonNull(actionDigest, "actionDigest is null");
    parameters = requireNonNull(parameters, "parameters is null").deepCopy();
    requireNonNull(requester, "requester is null");
    ruleIds = List.copyOf(requireNonNull(ruleIds, "ruleIds is null"));
    requireNonNull(reason, "reason is null");
    requireNonNull(policyDigest, "policyDigest is null");
    requireNonNull(requirement, "requirement is null");
    excluded = Set.copyOf(requireNonNull(excluded, "excluded is null"));
    requireNonNull(created, "created is null");
    requireNonNull(expires, "expires is null");
    votes = List.copyOf(requireNonNull(votes, "votes is null"));
  }

  /** True while it waits for votes. */
  public boolean pending() {
    return state == LifecycleState.APPROVAL_REQUIRED;
  }

  /** The number of approving votes. */
  public long approvals() {
    return votes.stream().filter(v -> v.decision().equals("approve")).count();
  }
}

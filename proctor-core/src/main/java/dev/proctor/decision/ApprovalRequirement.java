package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Who must approve an action and how: approver groups, a quorum of N approvals, whether the
 * requester's own principal is excluded (always, today), and how long the request waits before it
 * expires (expiry means deny).
 */
public record ApprovalRequirement(
    List<String> approverGroups, int quorum, Duration expiry, boolean separationOfDuties) {

  /** One approval from anyone in the default group, within fifteen minutes. */
  public static final ApprovalRequirement DEFAULT =
      new ApprovalRequirement(List.of("approvers"), 1, Duration.ofMinutes(15), true);

  public ApprovalRequirement {
    approverGroups = List.copyOf(requireNonNull(approverGroups, "approverGroups is null"));
    requireNonNull(expiry, "expiry is null");
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be at least 1, was " + quorum);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("expiry must be positive, was " + expiry);
    }
  }
}

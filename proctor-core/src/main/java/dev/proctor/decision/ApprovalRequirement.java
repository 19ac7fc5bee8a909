package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Who must approve an action and how: approver groups, a quorum of N approvals, whether the
 * requester's own principal is excluded (always, today), how long the request waits before it
 * expires (expiry means deny), where a human answers: at the harness's own prompt (recorded as the
 * harness's user) or in Proctor, by authenticated people — and whether each approving vote must
 * come with a fresh step-up authentication of the approver (a TOTP code).
 */
public record ApprovalRequirement(
    List<String> approverGroups,
    int quorum,
    Duration expiry,
    boolean separationOfDuties,
    AnsweredAt answeredAt,
    StepUp stepUp) {

  /** The re-authentication an approving vote must carry. */
  public enum StepUp {
    /** None beyond the approver's own login. */
    NONE,
    /** A fresh TOTP code (RFC 6238) from the approver's enrolled authenticator. */
    TOTP;

    /** The policy's spelling: {@code none} or {@code totp}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Where the human answer to an approval comes from. */
  public enum AnsweredAt {
    /**
     * The harness's own prompt (Claude Code's permission dialog), as before Proctor held actions.
     */
    HARNESS,
    /** Proctor holds the action until authenticated approvers decide it. */
    PROCTOR;

    /** The policy's spelling: {@code harness} or {@code proctor}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One approval from anyone in the default group, within fifteen minutes, at the harness. */
  public static final ApprovalRequirement DEFAULT =
      new ApprovalRequirement(List.of("approvers"), 1, Duration.ofMinutes(15), true);

  /** A requirement answered at the harness's prompt. */
  public ApprovalRequirement(
      List<String> approverGroups, int quorum, Duration expiry, boolean separationOfDuties) {
    this(approverGroups, quorum, expiry, separationOfDuties, AnsweredAt.HARNESS);
  }

  /** A requirement that demands no step-up. */
  public ApprovalRequirement(
      List<String> approverGroups,
      int quorum,
      Duration expiry,
      boolean separationOfDuties,
      AnsweredAt answeredAt) {
    this(approverGroups, quorum, expiry, separationOfDuties, answeredAt, StepUp.NONE);
  }

  public ApprovalRequirement {
    approverGroups = List.copyOf(requireNonNull(approverGroups, "approverGroups is null"));
    requireNonNull(expiry, "expiry is null");
    requireNonNull(answeredAt, "answeredAt is null");
    requireNonNull(stepUp, "stepUp is null");
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be at least 1, was " + quorum);
    }
    if (expiry.isNegative() || expiry.isZero()) {
      throw new IllegalArgumentException("expiry must be positive, was " + expiry);
    }
  }
}

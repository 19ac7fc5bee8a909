package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The approval part of a receipt: who decided what, and when, and why the approval ended so (a
 * rejecter's reason, an expiry, a cancellation) when there is a reason to give.
 */
public record ApprovalRecord(List<Vote> votes, Optional<String> reason) {

  /** Votes with no reason. */
  public ApprovalRecord(List<Vote> votes) {
    this(votes, Optional.empty());
  }

  /** One approver's answer: {@code approve} or {@code reject}. */
  public record Vote(String approver, String decision, Instant time) {
    public Vote {
      requireNonNull(approver, "approver is null");
      requireNonNull(decision, "decision is null");
      requireNonNull(time, "time is null");
      if (!decision.equals("approve") && !decision.equals("reject")) {
        throw new IllegalArgumentException(
            "an approver's decision is approve or reject, was " + decision);
      }
    }
  }

  public ApprovalRecord {
    votes = List.copyOf(requireNonNull(votes, "votes is null"));
    requireNonNull(reason, "reason is null");
  }
}

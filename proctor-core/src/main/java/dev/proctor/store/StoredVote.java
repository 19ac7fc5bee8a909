package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** One person's vote on a held action: {@code approve} or {@code reject}, with a reason. */
public record StoredVote(
    String actionId, String approver, String decision, Optional<String> reason, long timeMillis) {

  public StoredVote {
    requireNonNull(actionId, "actionId is null");
    requireNonNull(approver, "approver is null");
    requireNonNull(decision, "decision is null");
    requireNonNull(reason, "reason is null");
  }
}

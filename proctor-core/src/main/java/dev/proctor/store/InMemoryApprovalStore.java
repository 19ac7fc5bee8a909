package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An {@link ApprovalStore} in memory, for tests and trials: nothing survives the process. */
public final class InMemoryApprovalStore implements ApprovalStore {

  private final Map<String, StoredApproval> approvals = new LinkedHashMap<>();
  private final Map<String, List<StoredVote>> votes = new LinkedHashMap<>();
  private final Map<String, String> usedTokens = new LinkedHashMap<>();

  @Override
  public synchronized boolean add(StoredApproval approval) {
    requireNonNull(approval, "approval is null");
    return approvals.putIfAbsent(approval.actionId(), approval) == null;
  }

  @Override
  public synchronized Optional<StoredApproval> approval(String actionId) {
    return Optional.ofNullable(approvals.get(requireNonNull(actionId, "actionId is null")));
  }

  @Override
  public synchronized List<StoredApproval> open(int limit) {
    return approvals.values().stream()
        .filter(StoredApproval::open)
        .sorted(Comparator.comparingLong(StoredApproval::createdMillis))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized List<StoredApproval> openExpiringBy(long timeMillis, int limit) {
    return approvals.values().stream()
        .filter(a -> a.open() && a.expiresMillis() <= timeMillis)
        .sorted(Comparator.comparingLong(StoredApproval::expiresMillis))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized boolean addVote(StoredVote vote) {
    requireNonNull(vote, "vote is null");
    List<StoredVote> on = votes.computeIfAbsent(vote.actionId(), k -> new ArrayList<>());
    if (on.stream().anyMatch(v -> v.approver().equals(vote.approver()))) {
      return false;
    }
    on.add(vote);
    return true;
  }

  @Override
  public synchronized List<StoredVote> votes(String actionId) {
    return List.copyOf(votes.getOrDefault(requireNonNull(actionId, "actionId is null"), List.of()));
  }

  @Override
  public synchronized boolean useToken(String nonce, String actionId, long timeMillis) {
    requireNonNull(nonce, "nonce is null");
    requireNonNull(actionId, "actionId is null");
    return usedTokens.putIfAbsent(nonce, actionId) == null;
  }

  @Override
  public synchronized boolean settle(String actionId) {
    StoredApproval a = approvals.get(requireNonNull(actionId, "actionId is null"));
    if (a == null || !a.open()) {
      return false;
    }
    approvals.put(
        actionId,
        new StoredApproval(a.actionId(), a.createdMillis(), a.expiresMillis(), a.json(), false));
    return true;
  }

  @Override
  public void close() {}
}

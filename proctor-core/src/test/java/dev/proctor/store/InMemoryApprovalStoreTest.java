package dev.proctor.store;

class InMemoryApprovalStoreTest extends ApprovalStoreContract {

  @Override
  protected ApprovalStore newStore() {
    return new InMemoryApprovalStore();
  }

  @Override
  protected ApprovalStore reopen(ApprovalStore store) {
    return store;
  }

  @Override
  protected ApprovalStore another(ApprovalStore store) {
    return new Shared(store);
  }

  /** The same data through a second handle whose close does not close the first. */
  private record Shared(ApprovalStore inner) implements ApprovalStore {
    @Override
    public boolean add(StoredApproval approval) {
      return inner.add(approval);
    }

    @Override
    public boolean useToken(String nonce, String actionId, long timeMillis) {
      return inner.useToken(nonce, actionId, timeMillis);
    }

    @Override
    public java.util.Optional<StoredApproval> approval(String actionId) {
      return inner.approval(actionId);
    }

    @Override
    public java.util.List<StoredApproval> open(int limit) {
      return inner.open(limit);
    }

    @Override
    public java.util.List<StoredApproval> openExpiringBy(long timeMillis, int limit) {
      return inner.openExpiringBy(timeMillis, limit);
    }

    @Override
    public boolean addVote(StoredVote vote) {
      return inner.addVote(vote);
    }

    @Override
    public java.util.List<StoredVote> votes(String actionId) {
      return inner.votes(actionId);
    }

    @Override
    public boolean settle(String actionId) {
      return inner.settle(actionId);
    }

    @Override
    public void close() {}
  }
}

package dev.proctor.store.jdbc;

import dev.proctor.store.ApprovalStore;
import dev.proctor.store.ApprovalStoreContract;

class PostgresApprovalStoreTest extends ApprovalStoreContract {

  private PostgresStore.Settings settings;

  @Override
  protected ApprovalStore newStore() {
    settings = TestPostgres.freshSchema();
    return PostgresStore.open(settings).approvalStore();
  }

  @Override
  protected ApprovalStore reopen(ApprovalStore store) {
    store.close();
    return PostgresStore.open(settings).approvalStore();
  }

  @Override
  protected ApprovalStore another(ApprovalStore store) {
    return PostgresStore.open(settings).approvalStore();
  }
}

package dev.proctor.store.jdbc;

import dev.proctor.store.ApprovalStore;
import dev.proctor.store.ApprovalStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteApprovalStoreTest extends ApprovalStoreContract {

  @TempDir Path dir;

  @Override
  protected ApprovalStore newStore() {
    return JdbcApprovalStore.sqlite(dir.resolve("proctor.db"));
  }

  @Override
  protected ApprovalStore reopen(ApprovalStore store) {
    store.close();
    return JdbcApprovalStore.sqlite(dir.resolve("proctor.db"));
  }

  @Override
  protected ApprovalStore another(ApprovalStore store) {
    return JdbcApprovalStore.sqlite(dir.resolve("proctor.db"));
  }
}

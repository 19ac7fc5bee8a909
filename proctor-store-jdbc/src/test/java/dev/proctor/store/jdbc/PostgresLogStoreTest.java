package dev.proctor.store.jdbc;

import dev.proctor.store.LogStore;
import dev.proctor.store.LogStoreContract;

class PostgresLogStoreTest extends LogStoreContract {

  private PostgresStore.Settings settings;

  @Override
  protected LogStore newStore() {
    settings = TestPostgres.freshSchema();
    return PostgresStore.open(settings).logStore();
  }

  @Override
  protected LogStore reopen(LogStore store) {
    store.close();
    return PostgresStore.open(settings).logStore();
  }
}

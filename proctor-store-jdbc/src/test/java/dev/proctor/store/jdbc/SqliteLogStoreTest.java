package dev.proctor.store.jdbc;

import dev.proctor.store.LogStore;
import dev.proctor.store.LogStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteLogStoreTest extends LogStoreContract {

  @TempDir Path dir;

  @Override
  protected LogStore newStore() {
    return SqliteLogStore.open(dir.resolve("proctor.db"));
  }

  @Override
  protected LogStore reopen(LogStore store) {
    try {
      store.close();
    } catch (RuntimeException alreadyClosed) {
      // The action log closes the store it owns.
    }
    return SqliteLogStore.open(dir.resolve("proctor.db"));
  }
}

package dev.proctor.store.jdbc;

import dev.proctor.store.IdentityStore;
import dev.proctor.store.IdentityStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteIdentityStoreTest extends IdentityStoreContract {

  @TempDir Path dir;

  @Override
  protected IdentityStore newStore() {
    return SqliteIdentityStore.open(dir.resolve("identity.db"));
  }

  @Override
  protected IdentityStore reopen(IdentityStore store) {
    store.close();
    return SqliteIdentityStore.open(dir.resolve("identity.db"));
  }
}

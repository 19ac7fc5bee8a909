package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.store.IdentityStore;
import dev.proctor.store.IdentityStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
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

  @Test
  void open_fileHoldingTotpSecrets_isOwnerOnly_alsoWhenItWasWider() throws Exception {
    Path f = dir.resolve("wide.db");
    SqliteIdentityStore.open(f).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    SqliteIdentityStore.open(f).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
  }
}

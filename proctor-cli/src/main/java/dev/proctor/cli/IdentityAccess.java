package dev.proctor.cli;

import dev.proctor.server.Identities;
import dev.proctor.store.jdbc.SqliteIdentityStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.NoSuchElementException;

/**
 * What {@code proctor agents} and {@code proctor users} share: the data directory's identity store,
 * opened for one change and closed after it; a refusal is one line and exit code 1.
 */
final class IdentityAccess {

  private IdentityAccess() {}

  /** One change to the identities. */
  @FunctionalInterface
  interface Work {
    int run(Identities identities) throws IOException;
  }

  static int with(DataDirOption data, PrintWriter err, Work work) {
    Identities ids =
        new Identities(SqliteIdentityStore.open(data.resolve().identity()), Clock.systemUTC());
    try {
      return work.run(ids);
    } catch (IOException
        | IllegalArgumentException
        | IllegalStateException
        | NoSuchElementException e) {
      err.println("proctor: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      ids.store().close();
    }
  }
}

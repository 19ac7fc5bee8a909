package dev.proctor.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (embedded binaries from Maven Central, started on first
 * use in 1–2 s, stopped when the JVM exits); each test takes a schema of its own.
 */
public final class TestPostgres {

  private static EmbeddedPostgres server;
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private TestPostgres() {}

  /** The running server, started on first call. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // The JVM is going; the server's directory is temporary.
                    }
                  }));
    }
    return server;
  }

  /** The JDBC URL of the server's {@code postgres} database. */
  public static String url() {
    return "jdbc:postgresql://localhost:" + server().getPort() + "/postgres";
  }

  /** Settings for a schema no other test uses. */
  public static PostgresStore.Settings freshSchema() {
    return PostgresStore.Settings.of(url(), "postgres", "")
        .inSchema("t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet());
  }
}

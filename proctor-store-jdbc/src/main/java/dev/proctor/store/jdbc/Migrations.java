package dev.proctor.store.jdbc;

import dev.proctor.store.LogStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Versioned schema migrations (Flyway) for every store: the scripts live in {@code
 * dev/proctor/store/jdbc/migration/<set>/V<n>__<what>.sql}, one set per database file kind — {@code
 * sqlite-log} ({@code proctor.db}: the log and held actions), {@code sqlite-identity} ({@code
 * identity.db}) and {@code postgresql} (everything in one database).
 *
 * <p>Why a fast path on SQLite: a hook call is a JVM per call, and starting Flyway costs more than
 * the decision. The last script of each SQLite set writes its version into the {@code meta} table;
 * a file at that version is opened without Flyway. Older files (also those made before migrations
 * existed, which Flyway baselines at version 0 — the first scripts only create what is missing) are
 * migrated under an exclusive lock on a file beside the database, so that processes starting at
 * once migrate it once. A file newer than this build is refused. On PostgreSQL Flyway runs on every
 * start and serialises concurrent instances with its own advisory lock.
 */
final class Migrations {

  private Migrations() {}

  /** A migration set and the version its last script leaves. */
  enum Set {
    SQLITE_LOG("sqlite-log", 3),
    SQLITE_IDENTITY("sqlite-identity", 2),
    POSTGRESQL("postgresql", 3);

    final String folder;
    final int latest;

    Set(String folder, int latest) {
      this.folder = folder;
      this.latest = latest;
    }

    String location() {
      return "classpath:dev/proctor/store/jdbc/migration/" + folder;
    }
  }

  /**
   * Brings a SQLite file to the set's latest version, reading its version through {@code c} (an
   * open connection on the file); throws {@link LogStoreException} for a newer or broken file.
   */
  static void sqlite(Path file, Connection c, Set set) {
    if (version(c) == set.latest) {
      return;
    }
    // A file lock is held per JVM, not per thread: threads of one JVM queue here first.
    synchronized (IN_THIS_JVM) {
      migrateLocked(file, c, set);
    }
  }

  private static final Object IN_THIS_JVM = new Object();

  private static void migrateLocked(Path file, Connection c, Set set) {
    Path lock = file.resolveSibling(file.getFileName() + ".migrate-lock");
    try (FileChannel ch =
        FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.lock(); // released when the channel closes
      int now = version(c);
      if (now == set.latest) {
        return;
      }
      if (now > set.latest) {
        throw new LogStoreException(
            file + " has schema version " + now + ", this build reads up to " + set.latest);
      }
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(30_000);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      SQLiteDataSource ds = new SQLiteDataSource(config);
      ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
      migrate(ds, set, null);
      int after = version(c);
      if (after != set.latest) {
        throw new LogStoreException(
            file + " is at schema version " + after + " after migrating, expected " + set.latest);
      }
    } catch (IOException e) {
      throw new LogStoreException("cannot lock " + lock + " to migrate: " + e.getMessage(), e);
    }
  }

  /** Brings a PostgreSQL schema to the latest version. */
  static void postgresql(DataSource ds, String schema) {
    migrate(ds, Set.POSTGRESQL, schema);
  }

  private static void migrate(DataSource ds, Set set, String schema) {
    try {
      var config =
          Flyway.configure(Migrations.class.getClassLoader())
              .dataSource(ds)
              .loggers("slf4j")
              .locations(set.location())
              .baselineOnMigrate(true)
              .baselineVersion("0")
              .cleanDisabled(true)
              .validateOnMigrate(true);
      if (schema != null) {
        config = config.schemas(schema).defaultSchema(schema);
      }
      config.load().migrate();
    } catch (FlywayException e) {
      throw new LogStoreException("schema migration failed: " + e.getMessage(), e);
    }
  }

  /** The version a SQLite file's {@code meta} table records, 0 when it has none. */
  private static int version(Connection c) {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
      return rs.next() ? Integer.parseInt(rs.getString(1)) : 0;
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("no such table")) {
        return 0;
      }
      throw new LogStoreException("cannot read the schema version: " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw new LogStoreException("the schema version is not a number: " + e.getMessage(), e);
    }
  }
}

package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.store.LogStoreException;
import dev.proctor.store.StoredApproval;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files made before versioned migrations are migrated in place; newer files are refused. */
class SqliteMigrationTest {

  @TempDir Path dir;

  /** The log schema as the build before migrations created it, with one receipt. */
  private void oldLogFile(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE receipts (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
              + " action_id TEXT NOT NULL, state TEXT NOT NULL, time_ms INTEGER NOT NULL,"
              + " json TEXT NOT NULL, hash TEXT NOT NULL)");
      s.execute("CREATE INDEX receipts_by_action ON receipts (action_id, seq)");
      s.execute(
          "CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
              + " hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID");
      s.execute(
          "CREATE TABLE checkpoints (size INTEGER NOT NULL, time_ms INTEGER NOT NULL,"
              + " json TEXT NOT NULL)");
      s.execute(
          "CREATE TABLE cosignatures (size INTEGER NOT NULL,"
              + " witness_key_id TEXT NOT NULL, json TEXT NOT NULL)");
      s.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('log_id', 'old-log')");
      s.execute(
          "INSERT INTO receipts VALUES (0, 'r0', 'a', 'requested', 1, '{}', '"
              + "ab".repeat(32)
              + "')");
    }
  }

  @Test
  void open_fileFromBeforeMigrations_keepsItsReceiptsAndGainsApprovals() throws Exception {
    Path file = dir.resolve("proctor.db");
    oldLogFile(file);
    try (SqliteLogStore store = SqliteLogStore.open(file)) {
      assertThat(store.logId()).isEqualTo("old-log");
      assertThat(store.size()).isEqualTo(1);
    }
    try (JdbcApprovalStore approvals = JdbcApprovalStore.sqlite(file)) {
      assertThat(approvals.add(new StoredApproval("a", 1, 2, "{}", true))).isTrue();
    }
  }

  @Test
  void open_newFile_migratesOnceAndReopensWithoutFlyway() throws Exception {
    Path file = dir.resolve("proctor.db");
    SqliteLogStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"
                    + " AND version IS NOT NULL")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.Set.SQLITE_LOG.latest);
    }
    SqliteLogStore.open(file).close();
  }

  @Test
  void open_fileOfANewerBuild_isRefused() throws Exception {
    Path file = dir.resolve("proctor.db");
    SqliteLogStore.open(file).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    }
    assertThatThrownBy(() -> SqliteLogStore.open(file))
        .isInstanceOf(LogStoreException.class)
        .hasMessageContaining("schema version 99");
  }
}

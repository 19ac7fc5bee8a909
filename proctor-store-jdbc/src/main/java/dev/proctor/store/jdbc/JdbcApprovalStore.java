package dev.proctor.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.proctor.store.ApprovalStore;
import dev.proctor.store.LogStoreException;
import dev.proctor.store.StoredApproval;
import dev.proctor.store.StoredVote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * Held actions, votes and used approval tokens in the tables {@code approvals}, {@code
 * approval_votes} and {@code approval_token_uses}, the same SQL on SQLite (in {@code proctor.db}
 * beside the log) and PostgreSQL. Every method is one statement in auto-commit mode, so each change
 * is durable and atomic on its own; races between instances are settled by the database: {@code
 * INSERT … ON CONFLICT DO NOTHING} on the primary keys (one hold per action, one vote per person
 * and action, one use per token nonce) and a conditional {@code UPDATE} for {@link #settle}.
 */
public final class JdbcApprovalStore implements ApprovalStore {

  private static final String COLUMNS = "action_id, created_ms, expires_ms, json, open";

  private final Jdbc db;

  JdbcApprovalStore(Jdbc db) {
    this.db = requireNonNull(db, "db is null");
  }

  /** Opens the held actions in a SQLite log file (creating and migrating it if needed). */
  public static JdbcApprovalStore sqlite(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SQLiteConfig config = new SQLiteConfig();
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(30_000);
      Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
      }
      Migrations.sqlite(file, c, Migrations.Set.SQLITE_LOG);
      return new JdbcApprovalStore(Jdbc.single(c));
    } catch (SQLException | java.io.IOException e) {
      throw new LogStoreException(
          "cannot open the approvals in " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean add(StoredApproval a) {
    requireNonNull(a, "approval is null");
    return db.run(
        "holding action " + a.actionId(),
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO approvals ("
                      + COLUMNS
                      + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (action_id) DO NOTHING")) {
            p.setString(1, a.actionId());
            p.setLong(2, a.createdMillis());
            p.setLong(3, a.expiresMillis());
            p.setString(4, a.json());
            p.setInt(5, a.open() ? 1 : 0);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public Optional<StoredApproval> approval(String actionId) {
    requireNonNull(actionId, "actionId is null");
    List<StoredApproval> found =
        query("SELECT " + COLUMNS + " FROM approvals WHERE action_id = ?", actionId);
    return found.stream().findFirst();
  }

  @Override
  public List<StoredApproval> open(int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM approvals WHERE open = 1 ORDER BY created_ms, action_id LIMIT "
            + Math.max(0, limit));
  }

  @Override
  public List<StoredApproval> openExpiringBy(long timeMillis, int limit) {
    return query(
        "SELECT "
            + COLUMNS
            + " FROM approvals WHERE open = 1 AND expires_ms <= ? ORDER BY expires_ms, action_id"
            + " LIMIT "
            + Math.max(0, limit),
        timeMillis);
  }

  private List<StoredApproval> query(String sql, Object... args) {
    return db.run(
        "reading held actions",
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
              p.setObject(i + 1, args[i]);
            }
            List<StoredApproval> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new StoredApproval(
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getInt(5) == 1));
              }
            }
            return out;
          }
        });
  }

  @Override
  public boolean addVote(StoredVote v) {
    requireNonNull(v, "vote is null");
    return db.run(
        "recording a vote on " + v.actionId(),
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO approval_votes (action_id, approver, decision, reason, time_ms)"
                      + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (action_id, approver) DO NOTHING")) {
            p.setString(1, v.actionId());
            p.setString(2, v.approver());
            p.setString(3, v.decision());
            if (v.reason().isPresent()) {
              p.setString(4, v.reason().get());
            } else {
              p.setNull(4, Types.VARCHAR);
            }
            p.setLong(5, v.timeMillis());
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public List<StoredVote> votes(String actionId) {
    requireNonNull(actionId, "actionId is null");
    return db.run(
        "reading votes",
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT action_id, approver, decision, reason, time_ms FROM approval_votes"
                      + " WHERE action_id = ? ORDER BY time_ms, approver")) {
            p.setString(1, actionId);
            List<StoredVote> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new StoredVote(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Optional.ofNullable(rs.getString(4)),
                        rs.getLong(5)));
              }
            }
            return out;
          }
        });
  }

  @Override
  public boolean useToken(String nonce, String actionId, long timeMillis) {
    requireNonNull(nonce, "nonce is null");
    requireNonNull(actionId, "actionId is null");
    return db.run(
        "using the approval token of " + actionId,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO approval_token_uses (nonce, action_id, used_ms) VALUES (?, ?, ?)"
                      + " ON CONFLICT (nonce) DO NOTHING")) {
            p.setString(1, nonce);
            p.setString(2, actionId);
            p.setLong(3, timeMillis);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean settle(String actionId) {
    requireNonNull(actionId, "actionId is null");
    return db.run(
        "settling " + actionId,
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE approvals SET open = 0 WHERE action_id = ? AND open = 1")) {
            p.setString(1, actionId);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void close() {
    db.close();
  }
}

package dev.proctor.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.store.AgentKey;
import dev.proctor.store.IdentityStore;
import dev.proctor.store.LogStoreException;
import dev.proctor.store.PersonSession;
import dev.proctor.store.TotpEnrollment;
import dev.proctor.store.UserAccount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The identity store in its own SQLite file ({@code identity.db} beside the log), so that logins
 * and key look-ups never wait for the log's writer: WAL journal, {@code synchronous=FULL}, one
 * connection used under a lock. Its schema is migrated by {@link Migrations} (set {@code
 * sqlite-identity}).
 */
public final class SqliteIdentityStore implements IdentityStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Path file;
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteIdentityStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  /**
   * Opens (creating if needed) the store in a SQLite file, readable and writable by its owner only
   * (mode 0600, where the file system has POSIX permissions): it holds people's TOTP secrets.
   */
  public static SqliteIdentityStore open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ownerOnly(file);
      SQLiteConfig config = new SQLiteConfig();
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.setBusyTimeout(10_000);
      Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
      }
      Migrations.sqlite(file, c, Migrations.Set.SQLITE_IDENTITY);
      return new SqliteIdentityStore(file, c);
    } catch (SQLException | IOException e) {
      throw new LogStoreException(
          "cannot open the identity database " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes the database file (and the journal files SQLite creates beside it with the database's
   * mode) owner-only: created 0600, or narrowed to 0600 when it exists.
   */
  private static void ownerOnly(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    var perms = PosixFilePermissions.fromString("rw-------");
    if (Files.notExists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(perms));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another process created it first; narrowed below
      }
    }
    if (!Files.getPosixFilePermissions(file).equals(perms)) {
      Files.setPosixFilePermissions(file, perms);
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T locked(Work<T> work) {
    lock.lock();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new LogStoreException("identity store: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void addAgent(AgentKey key) {
    locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO agent_keys (key_id, name, secret_hash, groups_json, owner, tenant,"
                      + " created_ms, revoked_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, key.keyId());
            p.setString(2, key.name());
            p.setString(3, key.secretHash());
            p.setString(4, json(key.groups()));
            setOptional(p, 5, key.owner());
            setOptional(p, 6, key.tenant());
            p.setLong(7, key.created().toEpochMilli());
            if (key.revoked().isPresent()) {
              p.setLong(8, key.revoked().get().toEpochMilli());
            } else {
              p.setNull(8, Types.INTEGER);
            }
            p.executeUpdate();
          } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
              throw new IllegalStateException(
                  "agent "
                      + key.name()
                      + " has an active key, or key id "
                      + key.keyId()
                      + " exists",
                  e);
            }
            throw e;
          }
          return null;
        });
  }

  @Override
  public Optional<AgentKey> agentKey(String keyId) {
    return locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(AGENT_COLUMNS + " FROM agent_keys WHERE key_id = ?")) {
            p.setString(1, keyId);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.of(agent(rs)) : Optional.empty();
            }
          }
        });
  }

  private static final String AGENT_COLUMNS =
      "SELECT key_id, name, secret_hash, groups_json, owner, tenant, created_ms, revoked_ms";

  @Override
  public List<AgentKey> agents() {
    return locked(
        c -> {
          List<AgentKey> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs =
                  s.executeQuery(AGENT_COLUMNS + " FROM agent_keys ORDER BY created_ms, key_id")) {
            while (rs.next()) {
              out.add(agent(rs));
            }
          }
          return out;
        });
  }

  @Override
  public int revokeAgent(String name, Instant at) {
    return locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE agent_keys SET revoked_ms = ? WHERE name = ? AND revoked_ms IS NULL")) {
            p.setLong(1, at.toEpochMilli());
            p.setString(2, name);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public void addUser(UserAccount user) {
    locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO users (name, password_hash, roles_json, disabled, created_ms)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            p.setString(1, user.name());
            p.setString(2, user.passwordHash());
            p.setString(3, json(user.roles()));
            p.setInt(4, user.disabled() ? 1 : 0);
            p.setLong(5, user.created().toEpochMilli());
            p.executeUpdate();
          } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
              throw new IllegalStateException("user " + user.name() + " exists", e);
            }
            throw e;
          }
          return null;
        });
  }

  private static final String USER_COLUMNS =
      "SELECT name, password_hash, roles_json, disabled, created_ms FROM users";

  @Override
  public Optional<UserAccount> user(String name) {
    return locked(
        c -> {
          try (PreparedStatement p = c.prepareStatement(USER_COLUMNS + " WHERE name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next() ? Optional.of(user(rs)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public List<UserAccount> users() {
    return locked(
        c -> {
          List<UserAccount> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(USER_COLUMNS + " ORDER BY name")) {
            while (rs.next()) {
              out.add(user(rs));
            }
          }
          return out;
        });
  }

  @Override
  public void updateUser(UserAccount user) {
    int n =
        locked(
            c -> {
              try (PreparedStatement p =
                  c.prepareStatement(
                      "UPDATE users SET password_hash = ?, roles_json = ?, disabled = ?"
                          + " WHERE name = ?")) {
                p.setString(1, user.passwordHash());
                p.setString(2, json(user.roles()));
                p.setInt(3, user.disabled() ? 1 : 0);
                p.setString(4, user.name());
                return p.executeUpdate();
              }
            });
    if (n == 0) {
      throw new NoSuchElementException("no user " + user.name());
    }
  }

  @Override
  public void addSession(PersonSession session) {
    locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT OR REPLACE INTO sessions (id_hash, user, created_ms, last_seen_ms)"
                      + " VALUES (?, ?, ?, ?)")) {
            p.setString(1, session.idHash());
            p.setString(2, session.user());
            p.setLong(3, session.created().toEpochMilli());
            p.setLong(4, session.lastSeen().toEpochMilli());
            p.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<PersonSession> session(String idHash) {
    return locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT id_hash, user, created_ms, last_seen_ms FROM sessions WHERE id_hash = ?")) {
            p.setString(1, idHash);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new PersonSession(
                          rs.getString(1),
                          rs.getString(2),
                          Instant.ofEpochMilli(rs.getLong(3)),
                          Instant.ofEpochMilli(rs.getLong(4))))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public void touchSession(String idHash, Instant lastSeen) {
    update(
        "UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ?", lastSeen.toEpochMilli(), idHash);
  }

  @Override
  public void removeSession(String idHash) {
    update("DELETE FROM sessions WHERE id_hash = ?", null, idHash);
  }

  @Override
  public int removeSessionsOf(String user) {
    return update("DELETE FROM sessions WHERE user = ?", null, user);
  }

  private int update(String sql, Long number, String key) {
    return locked(
        c -> {
          try (PreparedStatement p = c.prepareStatement(sql)) {
            int i = 1;
            if (number != null) {
              p.setLong(i++, number);
            }
            p.setString(i, key);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public void putTotp(TotpEnrollment e) {
    locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO totp (user, secret, active, last_step, created_ms)"
                      + " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM users WHERE name = ?)"
                      + " ON CONFLICT (user) DO UPDATE SET secret = excluded.secret,"
                      + " active = excluded.active, last_step = excluded.last_step,"
                      + " created_ms = excluded.created_ms")) {
            p.setString(1, e.user());
            p.setString(2, e.secret());
            p.setInt(3, e.active() ? 1 : 0);
            p.setLong(4, e.lastStep());
            p.setLong(5, e.created().toEpochMilli());
            p.setString(6, e.user());
            if (p.executeUpdate() != 1) {
              throw new NoSuchElementException("no user " + e.user());
            }
          }
          return null;
        });
  }

  @Override
  public Optional<TotpEnrollment> totp(String user) {
    return locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT user, secret, active, last_step, created_ms FROM totp WHERE user = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new TotpEnrollment(
                          rs.getString(1),
                          rs.getString(2),
                          rs.getInt(3) != 0,
                          rs.getLong(4),
                          Instant.ofEpochMilli(rs.getLong(5))))
                  : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean useTotpStep(String user, String secret, long step, boolean activate) {
    return locked(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "UPDATE totp SET last_step = ?, active = 1 WHERE user = ? AND secret = ?"
                      + " AND last_step < ? AND (active = 1 OR ?)")) {
            p.setLong(1, step);
            p.setString(2, user);
            p.setString(3, secret);
            p.setLong(4, step);
            p.setInt(5, activate ? 1 : 0);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new LogStoreException("closing the identity database: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  private static AgentKey agent(ResultSet rs) throws SQLException {
    long revoked = rs.getLong(8);
    boolean active = rs.wasNull();
    return new AgentKey(
        rs.getString(2),
        rs.getString(1),
        rs.getString(3),
        strings(rs.getString(4)),
        Optional.ofNullable(rs.getString(5)),
        Optional.ofNullable(rs.getString(6)),
        Instant.ofEpochMilli(rs.getLong(7)),
        active ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked)));
  }

  private static UserAccount user(ResultSet rs) throws SQLException {
    return new UserAccount(
        rs.getString(1),
        rs.getString(2),
        strings(rs.getString(3)),
        rs.getInt(4) != 0,
        Instant.ofEpochMilli(rs.getLong(5)));
  }

  private static void setOptional(PreparedStatement p, int i, Optional<String> v)
      throws SQLException {
    if (v.isPresent()) {
      p.setString(i, v.get());
    } else {
      p.setNull(i, Types.VARCHAR);
    }
  }

  private static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> strings(String json) throws SQLException {
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new SQLException("a stored list is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}

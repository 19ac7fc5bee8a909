package dev.proctor.store.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.proctor.Proctor;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.store.ApprovalStore;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.LogStore;
import dev.proctor.store.LogStoreException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Proctor's state in one PostgreSQL database, shared by every instance pointed at it: the action
 * log ({@link PostgresLogStore}: one sequence for all) and the held actions with their votes
 * ({@link JdbcApprovalStore}). Opening migrates the schema (Flyway, set {@code postgresql}; several
 * instances starting at once migrate it once) and fixes the log's id on first use.
 *
 * <pre>{@code
 * PostgresStore db = PostgresStore.open(PostgresStore.Settings.of(url, user, password));
 * Proctor proctor = Proctor.builder().logStore(db.logStore()).approvalStore(db.approvalStore())...
 * }</pre>
 *
 * <p>The connection pool is closed when every store it handed out is closed (the log's owner closes
 * the log store).
 */
public final class PostgresStore {

  /** Where the database is and how many connections this instance may hold. */
  public record Settings(
      String jdbcUrl, String user, String password, Optional<String> schema, int poolSize) {
    public Settings {
      requireNonNull(jdbcUrl, "jdbcUrl is null");
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
      requireNonNull(schema, "schema is null");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "a PostgreSQL JDBC URL starts with jdbc:postgresql:, was " + jdbcUrl);
      }
      if (poolSize < 2) {
        throw new IllegalArgumentException("the pool needs at least 2 connections: " + poolSize);
      }
    }

    /** The database's default schema, a pool of 8. */
    public static Settings of(String jdbcUrl, String user, String password) {
      return new Settings(jdbcUrl, user, password, Optional.empty(), 8);
    }

    /** The same, in another schema (created if missing). */
    public Settings inSchema(String name) {
      return new Settings(jdbcUrl, user, password, Optional.of(name), poolSize);
    }
  }

  private final HikariDataSource pool;
  private final String logId;
  private final long lockKey;
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicInteger handedOut = new AtomicInteger();

  private PostgresStore(HikariDataSource pool, String logId, long lockKey) {
    this.pool = pool;
    this.logId = logId;
    this.lockKey = lockKey;
  }

  /** Connects, migrates and returns the store; throws {@link LogStoreException} when it cannot. */
  public static PostgresStore open(Settings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(1);
    config.setPoolName("proctor-store");
    // Fail fast when the database is away: a decision waits at most its deadline anyway.
    config.setConnectionTimeout(2_000);
    config.setValidationTimeout(1_000);
    config.setInitializationFailTimeout(-1);
    settings.schema().ifPresent(config::setSchema);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      String schema = settings.schema().orElse("public");
      Migrations.postgresql(pool, schema);
      String logId = logId(pool);
      return new PostgresStore(pool, logId, ("proctor-log:" + schema).hashCode());
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  private static String logId(HikariDataSource pool) {
    try (Connection c = pool.getConnection()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO meta (key, value) VALUES ('log_id', ?) ON CONFLICT (key) DO NOTHING")) {
        p.setString(1, UUID.randomUUID().toString());
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("SELECT value FROM meta WHERE key = 'log_id'");
          ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new LogStoreException("cannot read the log id: " + e.getMessage(), e);
    }
  }

  /**
   * Points a {@link Proctor} builder at this database for its log and held actions, signing
   * checkpoints with the data directory's key (created on first use). Instances sharing the
   * database each sign with their own key, or share one: a verifier needs every instance's public
   * key. No mirror file: it follows one writer, and the database has several.
   */
  public Proctor.Builder into(Proctor.Builder builder, DataDirectory dir, Consumer<String> notices)
      throws IOException {
    CheckpointSigner signer = SqliteActionLog.ensureSigner(dir, true, notices);
    return builder
        .signer(signer)
        .logStore(logStore())
        .approvalStore(approvalStore())
        .onCheckpoint(SqliteActionLog.keyUseRecorder(dir));
  }

  /** The log's id, the same for every instance on the database. */
  public String logId() {
    return logId;
  }

  /** The action log's store (once per opened store). */
  public LogStore logStore() {
    return new PostgresLogStore(pool, logId, lockKey, once());
  }

  /** The held actions and votes (once per opened store). */
  public ApprovalStore approvalStore() {
    Runnable release = once();
    return new JdbcApprovalStore(
        new Jdbc() {
          private final Jdbc inner = Jdbc.pooled(pool);

          @Override
          public <T> T run(String what, Work<T> work) {
            return inner.run(what, work);
          }

          @Override
          public void close() {
            release.run();
          }
        });
  }

  /** Counts a store handed out; the returned action releases it, once. */
  private Runnable once() {
    if (handedOut.incrementAndGet() > 2) {
      throw new IllegalStateException("a PostgresStore hands out one log and one approval store");
    }
    live.incrementAndGet();
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true) && live.decrementAndGet() == 0) {
        pool.close();
      }
    };
  }

  /** Closes the pool now, whatever was handed out (for a store never handed to a log). */
  public void closeNow() {
    pool.close();
  }
}

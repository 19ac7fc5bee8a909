package dev.proctor.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.proctor.store.LogStore;
import dev.proctor.store.LogStoreException;
import dev.proctor.store.LogTransaction;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.StoredEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The action log in PostgreSQL, shared by every Proctor instance on the database: they all append
 * to one sequence of receipts, one hash chain and one Merkle tree.
 *
 * <p>How: a write is one transaction that first takes a transaction-scoped advisory lock ({@code
 * pg_advisory_xact_lock}, keyed by the schema), then reads the log's size and last hash, appends,
 * and commits; the lock is released by the commit or rollback, also when the instance dies (its
 * connection ends). Under the lock each statement of a READ COMMITTED transaction sees every
 * receipt committed before, so the writer that holds it extends the latest chain — {@code
 * ActionLog} notices another instance's appends (the size it remembered is not the store's) and
 * reloads its Merkle frontier and predecessor hash. The primary keys on {@code seq} and on the
 * Merkle nodes refuse a fork even from a writer that skipped the lock. A commit is durable before
 * {@code write} returns (PostgreSQL's {@code synchronous_commit}, on by default: leave it on).
 *
 * <p>The SQL mirrors {@link SqliteLogStore}'s; checkpoints and co-signatures are ordered by a
 * serial id where SQLite uses its rowid.
 */
public final class PostgresLogStore implements LogStore {

  private static final LogQueries Q = LogQueries.POSTGRES;

  private final DataSource pool;
  private final String logId;
  private final long lockKey;
  private final Runnable onClose;

  PostgresLogStore(DataSource pool, String logId, long lockKey, Runnable onClose) {
    this.pool = requireNonNull(pool, "pool is null");
    this.logId = requireNonNull(logId, "logId is null");
    this.lockKey = lockKey;
    this.onClose = requireNonNull(onClose, "onClose is null");
  }

  @Override
  public String logId() {
    return logId;
  }

  @Override
  public <T> T write(Function<LogTransaction, T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
          p.setLong(1, lockKey);
          p.execute();
        }
        Tx tx = new Tx(c);
        T result = work.apply(tx);
        tx.flush();
        c.commit();
        return result;
      } catch (RuntimeException | SQLException e) {
        try {
          c.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof SQLException) {
          throw new LogStoreException("log write failed: " + e.getMessage(), e);
        }
        throw (RuntimeException) e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new LogStoreException("log write failed: " + e.getMessage(), e);
    }
  }

  private <T> T read(Jdbc.Work<T> f) {
    try (Connection c = pool.getConnection()) {
      return f.run(c);
    } catch (SQLException e) {
      throw new LogStoreException("log read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public long size() {
    return read(Q::size);
  }

  @Override
  public Optional<StoredEntry> entry(long sequence) {
    return read(c -> Q.entry(c, sequence));
  }

  @Override
  public Optional<StoredEntry> entryById(String receiptId) {
    return read(c -> Q.entryById(c, receiptId));
  }

  @Override
  public Optional<String> lastState(String actionId) {
    return lastEntry(actionId).map(StoredEntry::state);
  }

  @Override
  public Optional<StoredEntry> lastEntry(String actionId) {
    return read(c -> Q.lastEntry(c, actionId));
  }

  @Override
  public List<StoredEntry> entriesOf(String actionId, int limit) {
    return read(c -> Q.entriesOf(c, actionId, limit));
  }

  @Override
  public byte[] node(int level, long index) {
    return read(c -> Q.node(c, level, index));
  }

  @Override
  public void scan(long from, long to, Consumer<StoredEntry> sink) {
    long next = from;
    while (next < to) {
      long start = next;
      List<StoredEntry> page = read(c -> Q.range(c, start, Math.min(to, start + 10_000)));
      if (page.isEmpty()) {
        return;
      }
      page.forEach(sink);
      next = page.get(page.size() - 1).sequence() + 1;
    }
  }

  @Override
  public long firstSequenceAtOrAfter(long timeMillis) {
    return read(c -> Q.firstAtOrAfter(c, timeMillis));
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() {
    return read(Q::latestCheckpoint);
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
    return read(c -> Q.checkpoints(c, fromSize, toSize));
  }

  @Override
  public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
    return read(c -> Q.cosignatures(c, fromSize, toSize));
  }

  @Override
  public void close() {
    onClose.run();
  }

  /** One write transaction: inserts are batched until a read or the commit needs them. */
  private static final class Tx implements LogTransaction {
    private final Connection c;
    private final List<StoredEntry> entries = new ArrayList<>();
    private final List<Object[]> nodes = new ArrayList<>();
    private final List<StoredCheckpoint> checkpoints = new ArrayList<>();
    private final List<StoredCosignature> cosignatures = new ArrayList<>();
    private long next = -1;

    Tx(Connection c) {
      this.c = c;
    }

    private <T> T sql(Jdbc.Work<T> f) {
      try {
        flush();
        return f.run(c);
      } catch (SQLException e) {
        throw new LogStoreException("log write failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void addEntry(StoredEntry e) {
      if (next < 0) {
        next = size();
      }
      if (e.sequence() != next) {
        throw new LogStoreException(
            "receipt " + e.sequence() + " out of order: the next is " + next);
      }
      entries.add(e);
      next++;
    }

    @Override
    public void addNode(int level, long index, byte[] hash) {
      if (level < 1) {
        throw new LogStoreException("nodes above the receipts start at level 1, was " + level);
      }
      nodes.add(new Object[] {level, index, hash.clone()});
    }

    @Override
    public void addCheckpoint(StoredCheckpoint checkpoint) {
      checkpoints.add(checkpoint);
    }

    @Override
    public void addCosignature(StoredCosignature cosignature) {
      cosignatures.add(cosignature);
    }

    void flush() throws SQLException {
      if (!entries.isEmpty()) {
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO receipts (seq, id, action_id, state, time_ms, json, hash)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          for (StoredEntry e : entries) {
            p.setLong(1, e.sequence());
            p.setString(2, e.receiptId());
            p.setString(3, e.actionId());
            p.setString(4, e.state());
            p.setLong(5, e.timeMillis());
            p.setString(6, e.json());
            p.setString(7, e.hash());
            p.addBatch();
          }
          p.executeBatch();
        }
        entries.clear();
      }
      if (!nodes.isEmpty()) {
        try (PreparedStatement p =
            c.prepareStatement("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)")) {
          for (Object[] n : nodes) {
            p.setInt(1, (Integer) n[0]);
            p.setLong(2, (Long) n[1]);
            p.setBytes(3, (byte[]) n[2]);
            p.addBatch();
          }
          p.executeBatch();
        }
        nodes.clear();
      }
      if (!checkpoints.isEmpty()) {
        try (PreparedStatement p =
            c.prepareStatement("INSERT INTO checkpoints (size, time_ms, json) VALUES (?, ?, ?)")) {
          for (StoredCheckpoint k : checkpoints) {
            p.setLong(1, k.size());
            p.setLong(2, k.timeMillis());
            p.setString(3, k.json());
            p.addBatch();
          }
          p.executeBatch();
        }
        checkpoints.clear();
      }
      if (!cosignatures.isEmpty()) {
        try (PreparedStatement p =
            c.prepareStatement(
                "INSERT INTO cosignatures (size, witness_key_id, json) VALUES (?, ?, ?)")) {
          for (StoredCosignature k : cosignatures) {
            p.setLong(1, k.size());
            p.setString(2, k.witnessKeyId());
            p.setString(3, k.json());
            p.addBatch();
          }
          p.executeBatch();
        }
        cosignatures.clear();
      }
    }

    @Override
    public String logId() {
      throw new UnsupportedOperationException("read the log id from the store");
    }

    @Override
    public long size() {
      return sql(Q::size);
    }

    @Override
    public Optional<StoredEntry> entry(long sequence) {
      return sql(x -> Q.entry(x, sequence));
    }

    @Override
    public Optional<StoredEntry> entryById(String receiptId) {
      return sql(x -> Q.entryById(x, receiptId));
    }

    @Override
    public Optional<String> lastState(String actionId) {
      return lastEntry(actionId).map(StoredEntry::state);
    }

    @Override
    public Optional<StoredEntry> lastEntry(String actionId) {
      return sql(x -> Q.lastEntry(x, actionId));
    }

    @Override
    public byte[] node(int level, long index) {
      return sql(x -> Q.node(x, level, index));
    }

    @Override
    public void scan(long from, long to, Consumer<StoredEntry> sink) {
      sql(x -> Q.range(x, from, to)).forEach(sink);
    }

    @Override
    public long firstSequenceAtOrAfter(long timeMillis) {
      return sql(x -> Q.firstAtOrAfter(x, timeMillis));
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint() {
      return sql(Q::latestCheckpoint);
    }

    @Override
    public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
      return sql(x -> Q.checkpoints(x, fromSize, toSize));
    }

    @Override
    public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
      return sql(x -> Q.cosignatures(x, fromSize, toSize));
    }
  }
}

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
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
    return read(Queries::size);
  }

  @Override
  public Optional<StoredEntry> entry(long sequence) {
    return read(c -> Queries.entry(c, sequence));
  }

  @Override
  public Optional<StoredEntry> entryById(String receiptId) {
    return read(c -> Queries.one(c, "id = ?", receiptId, false));
  }

  @Override
  public Optional<String> lastState(String actionId) {
    return lastEntry(actionId).map(StoredEntry::state);
  }

  @Override
  public Optional<StoredEntry> lastEntry(String actionId) {
    return read(c -> Queries.one(c, "action_id = ?", actionId, true));
  }

  @Override
  public List<StoredEntry> entriesOf(String actionId, int limit) {
    return read(c -> Queries.entriesOf(c, actionId, limit));
  }

  @Override
  public byte[] node(int level, long index) {
    return read(c -> Queries.node(c, level, index));
  }

  @Override
  public void scan(long from, long to, Consumer<StoredEntry> sink) {
    long next = from;
    while (next < to) {
      long start = next;
      List<StoredEntry> page = read(c -> Queries.range(c, start, Math.min(to, start + 10_000)));
      if (page.isEmpty()) {
        return;
      }
      page.forEach(sink);
      next = page.get(page.size() - 1).sequence() + 1;
    }
  }

  @Override
  public long firstSequenceAtOrAfter(long timeMillis) {
    return read(c -> Queries.firstAtOrAfter(c, timeMillis));
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() {
    return read(Queries::latestCheckpoint);
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
    return read(c -> Queries.checkpoints(c, fromSize, toSize));
  }

  @Override
  public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
    return read(c -> Queries.cosignatures(c, fromSize, toSize));
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
      return sql(Queries::size);
    }

    @Override
    public Optional<StoredEntry> entry(long sequence) {
      return sql(x -> Queries.entry(x, sequence));
    }

    @Override
    public Optional<StoredEntry> entryById(String receiptId) {
      return sql(x -> Queries.one(x, "id = ?", receiptId, false));
    }

    @Override
    public Optional<String> lastState(String actionId) {
      return lastEntry(actionId).map(StoredEntry::state);
    }

    @Override
    public Optional<StoredEntry> lastEntry(String actionId) {
      return sql(x -> Queries.one(x, "action_id = ?", actionId, true));
    }

    @Override
    public byte[] node(int level, long index) {
      return sql(x -> Queries.node(x, level, index));
    }

    @Override
    public void scan(long from, long to, Consumer<StoredEntry> sink) {
      sql(x -> Queries.range(x, from, to)).forEach(sink);
    }

    @Override
    public long firstSequenceAtOrAfter(long timeMillis) {
      return sql(x -> Queries.firstAtOrAfter(x, timeMillis));
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint() {
      return sql(Queries::latestCheckpoint);
    }

    @Override
    public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
      return sql(x -> Queries.checkpoints(x, fromSize, toSize));
    }

    @Override
    public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
      return sql(x -> Queries.cosignatures(x, fromSize, toSize));
    }
  }

  private static final class Queries {
    private Queries() {}

    static final String ENTRY_COLUMNS = "seq, id, action_id, state, time_ms, json, hash";

    static long size(Connection c) throws SQLException {
      try (PreparedStatement p =
              c.prepareStatement("SELECT COALESCE(MAX(seq) + 1, 0) FROM receipts");
          ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }

    static StoredEntry entry(ResultSet rs) throws SQLException {
      return new StoredEntry(
          rs.getLong(1),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4),
          rs.getLong(5),
          rs.getString(6),
          rs.getString(7));
    }

    static Optional<StoredEntry> entry(Connection c, long seq) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM receipts WHERE seq = ?")) {
        p.setLong(1, seq);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
        }
      }
    }

    static Optional<StoredEntry> one(Connection c, String where, String value, boolean last)
        throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT "
                  + ENTRY_COLUMNS
                  + " FROM receipts WHERE "
                  + where
                  + (last ? " ORDER BY seq DESC LIMIT 1" : ""))) {
        p.setString(1, value);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
        }
      }
    }

    static List<StoredEntry> entriesOf(Connection c, String actionId, int limit)
        throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT "
                  + ENTRY_COLUMNS
                  + " FROM receipts WHERE action_id = ? ORDER BY seq LIMIT ?")) {
        p.setString(1, actionId);
        p.setInt(2, limit);
        return list(p);
      }
    }

    static List<StoredEntry> range(Connection c, long from, long to) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT "
                  + ENTRY_COLUMNS
                  + " FROM receipts WHERE seq >= ? AND seq < ? ORDER BY seq")) {
        p.setLong(1, from);
        p.setLong(2, to);
        return list(p);
      }
    }

    private static List<StoredEntry> list(PreparedStatement p) throws SQLException {
      List<StoredEntry> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
      return out;
    }

    static byte[] node(Connection c, int level, long index) throws SQLException {
      if (level == 0) {
        try (PreparedStatement p = c.prepareStatement("SELECT hash FROM receipts WHERE seq = ?")) {
          p.setLong(1, index);
          try (ResultSet rs = p.executeQuery()) {
            if (rs.next()) {
              return HexFormat.of().parseHex(rs.getString(1));
            }
          }
        }
      } else {
        try (PreparedStatement p =
            c.prepareStatement("SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?")) {
          p.setInt(1, level);
          p.setLong(2, index);
          try (ResultSet rs = p.executeQuery()) {
            if (rs.next()) {
              return rs.getBytes(1);
            }
          }
        }
      }
      throw new LogStoreException("no Merkle node at level " + level + " index " + index);
    }

    static long firstAtOrAfter(Connection c, long timeMillis) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT COALESCE(MIN(seq), (SELECT COALESCE(MAX(seq) + 1, 0) FROM receipts))"
                  + " FROM receipts WHERE time_ms >= ?")) {
        p.setLong(1, timeMillis);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }

    static Optional<StoredCheckpoint> latestCheckpoint(Connection c) throws SQLException {
      try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT size, time_ms, json FROM checkpoints ORDER BY size DESC, id DESC"
                      + " LIMIT 1");
          ResultSet rs = p.executeQuery()) {
        return rs.next()
            ? Optional.of(new StoredCheckpoint(rs.getLong(1), rs.getLong(2), rs.getString(3)))
            : Optional.empty();
      }
    }

    static List<StoredCheckpoint> checkpoints(Connection c, long from, long to)
        throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT size, time_ms, json FROM checkpoints WHERE size >= ? AND size <= ?"
                  + " ORDER BY size, id")) {
        p.setLong(1, from);
        p.setLong(2, to);
        List<StoredCheckpoint> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredCheckpoint(rs.getLong(1), rs.getLong(2), rs.getString(3)));
          }
        }
        return out;
      }
    }

    static List<StoredCosignature> cosignatures(Connection c, long from, long to)
        throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT size, witness_key_id, json FROM cosignatures WHERE size >= ? AND size <= ?"
                  + " ORDER BY size, id")) {
        p.setLong(1, from);
        p.setLong(2, to);
        List<StoredCosignature> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new StoredCosignature(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
        return out;
      }
    }
  }
}

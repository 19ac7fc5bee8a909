package dev.proctor.store.jdbc;

import dev.proctor.store.LogStore;
import dev.proctor.store.LogStoreException;
import dev.proctor.store.LogTransaction;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.StoredEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.sqlite.SQLiteConfig;

/**
 * The action log in one SQLite file: WAL journal, {@code synchronous=FULL} so that a committed
 * write survives power loss, and {@code BEGIN IMMEDIATE} so that each write holds the database's
 * write lock from its first read — several processes may share the file safely.
 *
 * <p>Tables: {@code receipts} (sequence number, ids, state, time, canonical JSON, hash), {@code
 * merkle_nodes} (perfect subtree hashes above the receipts, keyed by level and index, so that a
 * proof costs O(log n) primary-key look-ups), {@code checkpoints}, {@code cosignatures} and {@code
 * meta} (schema version, log id); the held actions of {@link SqliteApprovalStore} share the file.
 * The schema is migrated by {@link Migrations} (set {@code sqlite-log}). One connection writes,
 * another reads, each used under its lock.
 */
public final class SqliteLogStore implements LogStore {

  static {
    privateNativeLibraryDirectory();
  }

  /**
   * Gives this process its own directory for SQLite's native library, unless {@code
   * org.sqlite.tmpdir} is set already. Why: sqlite-jdbc extracts the library into the temporary
   * directory and, the first time each process loads it, deletes the copies there that it takes for
   * stale — racing every other process that starts or exits at the same moment (eight hook calls at
   * once), and printing a stack trace on standard error when it loses. A directory of its own
   * leaves it nobody to race. The directory is registered for deletion before the library's files
   * are, so it is removed after them when the process exits.
   */
  private static void privateNativeLibraryDirectory() {
    if (System.getProperty("org.sqlite.tmpdir") != null) {
      return;
    }
    try {
      Path dir = Files.createTempDirectory("proctor-sqlite-");
      dir.toFile().deleteOnExit();
      System.setProperty("org.sqlite.tmpdir", dir.toString());
    } catch (java.io.IOException | SecurityException e) {
      // The library is extracted to the default directory then; only the race above remains.
    }
  }

  private final Path file;
  private final Connection writer;
  private final Connection reader;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final ReentrantLock readLock = new ReentrantLock();
  private final String logId;
  private final WriteStatements statements;

  private SqliteLogStore(
      Path file, Connection writer, Connection reader, String logId, WriteStatements statements) {
    this.file = file;
    this.writer = writer;
    this.reader = reader;
    this.logId = logId;
    this.statements = statements;
  }

  /** Opens (creating if needed) the store in a SQLite file. */
  public static SqliteLogStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Connection w = connect(file);
      try (Statement s = w.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        // A bounded page cache (16 MB) so that the last pages of the indexes stay in memory.
        s.execute("PRAGMA cache_size=-16384");
      }
      Migrations.sqlite(file, w, Migrations.Set.SQLITE_LOG);
      String logId;
      try (Statement s = w.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        s.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('log_id', '"
                + UUID.randomUUID()
                + "')");
        try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'log_id'")) {
          rs.next();
          logId = rs.getString(1);
        }
        s.execute("COMMIT");
      }
      Connection r = connect(file);
      return new SqliteLogStore(file, w, r, logId, new WriteStatements(w));
    } catch (SQLException | java.io.IOException e) {
      throw new LogStoreException(
          "cannot open the log database " + file + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(30_000);
    return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public String logId() {
    return logId;
  }

  @Override
  public <T> T write(Function<LogTransaction, T> work) {
    writeLock.lock();
    try {
      Tx tx = new Tx(writer, statements);
      try {
        tx.begin();
        T result = work.apply(tx);
        tx.flush();
        tx.command("COMMIT");
        return result;
      } catch (RuntimeException | SQLException e) {
        try {
          if (tx.begun) {
            tx.command("ROLLBACK");
          }
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        if (e instanceof LogStoreException l) {
          throw l;
        }
        if (e instanceof SQLException) {
          throw new LogStoreException("log write failed: " + e.getMessage(), e);
        }
        throw (RuntimeException) e;
      } finally {
        // The statements outlive the transaction: what failed work added must not reach the next.
        tx.discard();
      }
    } finally {
      writeLock.unlock();
    }
  }

  private <T> T read(SqlFunction<Connection, T> f) {
    readLock.lock();
    try {
      return f.apply(reader);
    } catch (SQLException e) {
      throw new LogStoreException("log read failed: " + e.getMessage(), e);
    } finally {
      readLock.unlock();
    }
  }

  @FunctionalInterface
  private interface SqlFunction<A, B> {
    B apply(A a) throws SQLException;
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
    return read(c -> Queries.entryById(c, receiptId));
  }

  @Override
  public Optional<String> lastState(String actionId) {
    return read(c -> Queries.lastState(c, actionId));
  }

  @Override
  public Optional<StoredEntry> lastEntry(String actionId) {
    return read(c -> Queries.lastEntry(c, actionId));
  }

  @Override
  public List<StoredEntry> entriesOf(String actionId, int limit) {
    return read(
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "SELECT "
                      + Queries.ENTRY_COLUMNS
                      + " FROM receipts WHERE action_id = ? ORDER BY seq LIMIT ?")) {
            p.setString(1, actionId);
            p.setInt(2, limit);
            List<StoredEntry> out = new ArrayList<>();
            try (ResultSet rs = p.executeQuery()) {
              while (rs.next()) {
                out.add(Queries.entry(rs));
              }
            }
            return out;
          }
        });
  }

  @Override
  public byte[] node(int level, long index) {
    return read(c -> Queries.node(c, level, index));
  }

  @Override
  public void scan(long from, long to, Consumer<StoredEntry> sink) {
    // Pages of 10,000 so that the read lock is not held while the sink works.
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
    writeLock.lock();
    readLock.lock();
    try {
      statements.close();
      writer.close();
      reader.close();
    } catch (SQLException e) {
      throw new LogStoreException("closing " + file + " failed: " + e.getMessage(), e);
    } finally {
      readLock.unlock();
      writeLock.unlock();
    }
  }

  /**
   * The writer connection's statements, prepared once: preparing a statement costs more than
   * running these small inserts and look-ups, and the writer runs them for every receipt.
   */
  private static final class WriteStatements {
    final PreparedStatement insertEntry;
    final PreparedStatement insertNode;
    final PreparedStatement insertCheckpoint;
    final PreparedStatement insertCosignature;
    final PreparedStatement lastState;
    final PreparedStatement size;

    WriteStatements(Connection c) throws SQLException {
      insertEntry =
          c.prepareStatement(
              "INSERT INTO receipts (seq, id, action_id, state, time_ms, json, hash)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?)");
      insertNode =
          c.prepareStatement("INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)");
      insertCheckpoint =
          c.prepareStatement("INSERT INTO checkpoints (size, time_ms, json) VALUES (?, ?, ?)");
      insertCosignature =
          c.prepareStatement(
              "INSERT INTO cosignatures (size, witness_key_id, json) VALUES (?, ?, ?)");
      lastState = c.prepareStatement(Queries.LAST_STATE);
      size = c.prepareStatement(Queries.SIZE);
    }

    void close() throws SQLException {
      for (PreparedStatement p :
          List.of(insertEntry, insertNode, insertCheckpoint, insertCosignature, lastState, size)) {
        p.close();
      }
    }
  }

  /** One write transaction on the writer connection; inserts are batched until flush. */
  private final class Tx implements LogTransaction {
    private final Connection c;
    private final WriteStatements st;
    private long next = -1;
    private int entries;
    private int nodes;
    private int checkpoints;
    private int cosignatures;

    boolean begun;

    Tx(Connection c, WriteStatements st) {
      this.c = c;
      this.st = st;
    }

    void begin() throws SQLException {
      // Autocommit connection, explicit transaction: the write lock is held only inside write().
      command("BEGIN IMMEDIATE");
      begun = true;
    }

    void command(String sql) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
      if (!sql.startsWith("BEGIN")) {
        begun = false;
      }
    }

    private <T> T sql(SqlFunction<Connection, T> f) {
      try {
        flush();
        return f.apply(c);
      } catch (SQLException e) {
        throw new LogStoreException("log write failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void addEntry(StoredEntry e) {
      try {
        if (next < 0) {
          next = Queries.size(st.size) + entries;
        }
        if (e.sequence() != next) {
          throw new LogStoreException(
              "receipt " + e.sequence() + " out of order: the next is " + next);
        }
        PreparedStatement p = st.insertEntry;
        p.setLong(1, e.sequence());
        p.setString(2, e.receiptId());
        p.setString(3, e.actionId());
        p.setString(4, e.state());
        p.setLong(5, e.timeMillis());
        p.setString(6, e.json());
        p.setString(7, e.hash());
        p.addBatch();
        entries++;
        next++;
      } catch (SQLException ex) {
        throw new LogStoreException("log write failed: " + ex.getMessage(), ex);
      }
    }

    @Override
    public void addNode(int level, long index, byte[] hash) {
      if (level < 1) {
        throw new LogStoreException("nodes above the receipts start at level 1, was " + level);
      }
      try {
        st.insertNode.setInt(1, level);
        st.insertNode.setLong(2, index);
        st.insertNode.setBytes(3, hash);
        st.insertNode.addBatch();
        nodes++;
      } catch (SQLException ex) {
        throw new LogStoreException("log write failed: " + ex.getMessage(), ex);
      }
    }

    @Override
    public void addCheckpoint(StoredCheckpoint checkpoint) {
      try {
        st.insertCheckpoint.setLong(1, checkpoint.size());
        st.insertCheckpoint.setLong(2, checkpoint.timeMillis());
        st.insertCheckpoint.setString(3, checkpoint.json());
        st.insertCheckpoint.addBatch();
        checkpoints++;
      } catch (SQLException ex) {
        throw new LogStoreException("log write failed: " + ex.getMessage(), ex);
      }
    }

    @Override
    public void addCosignature(StoredCosignature cosignature) {
      try {
        st.insertCosignature.setLong(1, cosignature.size());
        st.insertCosignature.setString(2, cosignature.witnessKeyId());
        st.insertCosignature.setString(3, cosignature.json());
        st.insertCosignature.addBatch();
        cosignatures++;
      } catch (SQLException ex) {
        throw new LogStoreException("log write failed: " + ex.getMessage(), ex);
      }
    }

    /** Drops inserts added but not flushed. */
    void discard() {
      if (entries + nodes + checkpoints + cosignatures == 0) {
        return;
      }
      try {
        st.insertEntry.clearBatch();
        st.insertNode.clearBatch();
        st.insertCheckpoint.clearBatch();
        st.insertCosignature.clearBatch();
      } catch (SQLException e) {
        throw new LogStoreException("log write failed: " + e.getMessage(), e);
      } finally {
        entries = 0;
        nodes = 0;
        checkpoints = 0;
        cosignatures = 0;
      }
    }

    void flush() throws SQLException {
      try {
        if (entries > 0) {
          st.insertEntry.executeBatch();
        }
        if (nodes > 0) {
          st.insertNode.executeBatch();
        }
        if (checkpoints > 0) {
          st.insertCheckpoint.executeBatch();
        }
        if (cosignatures > 0) {
          st.insertCosignature.executeBatch();
        }
      } finally {
        // A failed batch must not leak into the next transaction.
        discard();
      }
    }

    @Override
    public String logId() {
      return logId;
    }

    @Override
    public long size() {
      return sql(x -> Queries.size(st.size));
    }

    @Override
    public Optional<StoredEntry> entry(long sequence) {
      return sql(x -> Queries.entry(x, sequence));
    }

    @Override
    public Optional<StoredEntry> entryById(String receiptId) {
      return sql(x -> Queries.entryById(x, receiptId));
    }

    @Override
    public Optional<String> lastState(String actionId) {
      return sql(x -> Queries.lastState(st.lastState, actionId));
    }

    @Override
    public Optional<StoredEntry> lastEntry(String actionId) {
      return sql(x -> Queries.lastEntry(x, actionId));
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

  /** The read queries, shared by the reader connection and write transactions. */
  private static final class Queries {
    private Queries() {}

    static final String SIZE = "SELECT COALESCE(MAX(seq) + 1, 0) FROM receipts";

    static final String LAST_STATE =
        "SELECT state FROM receipts WHERE action_id = ? ORDER BY seq DESC LIMIT 1";

    static long size(Connection c) throws SQLException {
      try (PreparedStatement p = c.prepareStatement(SIZE)) {
        return size(p);
      }
    }

    static long size(PreparedStatement p) throws SQLException {
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }

    static final String ENTRY_COLUMNS = "seq, id, action_id, state, time_ms, json, hash";

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

    static Optional<StoredEntry> lastEntry(Connection c, String actionId) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement(
              "SELECT "
                  + ENTRY_COLUMNS
                  + " FROM receipts WHERE action_id = ? ORDER BY seq DESC LIMIT 1")) {
        p.setString(1, actionId);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
        }
      }
    }

    static Optional<StoredEntry> entryById(Connection c, String id) throws SQLException {
      try (PreparedStatement p =
          c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM receipts WHERE id = ?")) {
        p.setString(1, id);
        try (ResultSet rs = p.executeQuery()) {
          return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
        }
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
        List<StoredEntry> out = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(entry(rs));
          }
        }
        return out;
      }
    }

    static Optional<String> lastState(Connection c, String actionId) throws SQLException {
      try (PreparedStatement p = c.prepareStatement(LAST_STATE)) {
        return lastState(p, actionId);
      }
    }

    static Optional<String> lastState(PreparedStatement p, String actionId) throws SQLException {
      p.setString(1, actionId);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
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
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT size, time_ms, json FROM checkpoints ORDER BY size DESC, rowid DESC"
                      + " LIMIT 1")) {
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
                  + " ORDER BY size, rowid")) {
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
                  + " ORDER BY size, rowid")) {
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

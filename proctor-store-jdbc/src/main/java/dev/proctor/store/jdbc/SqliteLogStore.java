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

  private static final LogQueries Q = LogQueries.SQLITE;

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

  private <T> T read(Jdbc.Work<T> f) {
    readLock.lock();
    try {
      return f.run(reader);
    } catch (SQLException e) {
      throw new LogStoreException("log read failed: " + e.getMessage(), e);
    } finally {
      readLock.unlock();
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
    return read(c -> Q.lastState(c, actionId));
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
    // Pages of 10,000 so that the read lock is not held while the sink works.
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
      lastState = c.prepareStatement(LogQueries.LAST_STATE);
      size = c.prepareStatement(LogQueries.SIZE);
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
      try {
        if (next < 0) {
          next = LogQueries.size(st.size);
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
      if (next >= 0) {
        // Known in this transaction, which holds the write lock: what was there plus what it added.
        return next;
      }
      long size = sql(x -> LogQueries.size(st.size));
      next = size + entries;
      return size;
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
      return sql(x -> LogQueries.lastState(st.lastState, actionId));
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

package dev.proctor.store.jdbc;

import dev.proctor.store.LogStoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * Where a JDBC store gets its connection for one unit of work: SQLite's one connection used under a
 * lock (SQLite has one writer anyway), or a pooled PostgreSQL connection.
 */
interface Jdbc extends AutoCloseable {

  /** One unit of work on a connection in auto-commit mode. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs work on a connection; SQL failures become {@link LogStoreException} naming {@code what}.
   */
  <T> T run(String what, Work<T> work);

  @Override
  void close();

  /** One connection, used by one thread at a time; closing closes it. */
  static Jdbc single(Connection connection) {
    ReentrantLock lock = new ReentrantLock();
    return new Jdbc() {
      @Override
      public <T> T run(String what, Work<T> work) {
        lock.lock();
        try {
          return work.run(connection);
        } catch (SQLException e) {
          throw new LogStoreException(what + ": " + e.getMessage(), e);
        } finally {
          lock.unlock();
        }
      }

      @Override
      public void close() {
        lock.lock();
        try {
          connection.close();
        } catch (SQLException e) {
          throw new LogStoreException("closing the connection: " + e.getMessage(), e);
        } finally {
          lock.unlock();
        }
      }
    };
  }

  /** A connection from a pool per unit of work; closing leaves the pool to its owner. */
  static Jdbc pooled(DataSource pool) {
    return new Jdbc() {
      @Override
      public <T> T run(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
          return work.run(c);
        } catch (SQLException e) {
          throw new LogStoreException(what + ": " + e.getMessage(), e);
        }
      }

      @Override
      public void close() {}
    };
  }
}

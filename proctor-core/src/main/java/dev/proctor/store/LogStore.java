package dev.proctor.store;

import java.util.function.Function;

/**
 * Where the action log lives: an embedded SQLite file by default, PostgreSQL or memory otherwise.
 *
 * <p>Writes go through {@link #write}: the work runs holding the store's single write lock (also
 * across processes sharing the store) and its additions become durable together, or not at all,
 * before {@code write} returns. Reads outside a write see committed data only.
 */
public interface LogStore extends LogReader, AutoCloseable {

  /**
   * Runs {@code work} in one atomic, durable transaction and returns its result; throws {@link
   * LogStoreException} (and keeps nothing of the work) when the store cannot commit.
   */
  <T> T write(Function<LogTransaction, T> work);

  /** Releases the store's resources. */
  @Override
  void close();
}

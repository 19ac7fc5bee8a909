package dev.proctor.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A real in-memory store with faults a test switches on: while {@code full} writes fail as on a
 * full disk; while {@code locked} is not counted down they wait as on another process's write lock.
 */
public final class FaultyLogStore implements LogStore {
  public final InMemoryLogStore inner = new InMemoryLogStore();
  public volatile boolean full;

  /** While not null and not counted down, writes wait as on another process's write lock. */
  public volatile CountDownLatch locked;

  @Override
  public <T> T write(Function<LogTransaction, T> work) {
    CountDownLatch l = locked;
    if (l != null) {
      try {
        l.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LogStoreException("interrupted waiting for the write lock");
      }
    }
    if (full) {
      throw new LogStoreException("disk full");
    }
    return inner.write(work);
  }

  @Override
  public void close() {}

  @Override
  public String logId() {
    return inner.logId();
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public Optional<StoredEntry> entry(long sequence) {
    return inner.entry(sequence);
  }

  @Override
  public Optional<StoredEntry> entryById(String receiptId) {
    return inner.entryById(receiptId);
  }

  @Override
  public Optional<String> lastState(String actionId) {
    return inner.lastState(actionId);
  }

  @Override
  public Optional<StoredEntry> lastEntry(String actionId) {
    return inner.lastEntry(actionId);
  }

  @Override
  public byte[] node(int level, long index) {
    return inner.node(level, index);
  }

  @Override
  public void scan(long from, long to, Consumer<StoredEntry> sink) {
    inner.scan(from, to, sink);
  }

  @Override
  public long firstSequenceAtOrAfter(long timeMillis) {
    return inner.firstSequenceAtOrAfter(timeMillis);
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() {
    return inner.latestCheckpoint();
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
    return inner.checkpoints(fromSize, toSize);
  }

  @Override
  public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
    return inner.cosignatures(fromSize, toSize);
  }
}

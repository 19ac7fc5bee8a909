package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A log store in memory, for tests and for runs that need no persistence. A write that throws
 * leaves nothing behind. "Durable" here means only "visible to later reads of this object".
 */
public final class InMemoryLogStore implements LogStore {

  private final String logId;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final List<StoredEntry> entries = new ArrayList<>();
  private final Map<String, Integer> byId = new HashMap<>();
  private final Map<String, Integer> lastByAction = new HashMap<>();
  private final List<List<byte[]>> levels = new ArrayList<>();
  private final List<StoredCheckpoint> checkpoints = new ArrayList<>();
  private final List<StoredCosignature> cosignatures = new ArrayList<>();

  /** A store with a fresh random log id. */
  public InMemoryLogStore() {
    this(UUID.randomUUID().toString());
  }

  /** A store with the given log id. */
  public InMemoryLogStore(String logId) {
    this.logId = requireNonNull(logId, "logId is null");
  }

  @Override
  public <T> T write(Function<LogTransaction, T> work) {
    lock.writeLock().lock();
    try {
      Tx tx = new Tx();
      T result = work.apply(tx);
      tx.commit();
      return result;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String logId() {
    return logId;
  }

  @Override
  public long size() {
    return read(() -> (long) entries.size());
  }

  @Override
  public Optional<StoredEntry> entry(long sequence) {
    return read(() -> entryUnlocked(sequence));
  }

  private Optional<StoredEntry> entryUnlocked(long sequence) {
    return sequence >= 0 && sequence < entries.size()
        ? Optional.of(entries.get((int) sequence))
        : Optional.empty();
  }

  @Override
  public Optional<StoredEntry> entryById(String receiptId) {
    return read(() -> Optional.ofNullable(byId.get(receiptId)).map(entries::get));
  }

  @Override
  public Optional<String> lastState(String actionId) {
    return lastEntry(actionId).map(StoredEntry::state);
  }

  @Override
  public Optional<StoredEntry> lastEntry(String actionId) {
    return read(() -> Optional.ofNullable(lastByAction.get(actionId)).map(entries::get));
  }

  @Override
  public byte[] node(int level, long index) {
    return read(() -> nodeUnlocked(level, index));
  }

  private byte[] nodeUnlocked(int level, long index) {
    if (level == 0) {
      return entryUnlocked(index)
          .map(e -> java.util.HexFormat.of().parseHex(e.hash()))
          .orElseThrow(() -> new LogStoreException("no receipt " + index));
    }
    if (level < levels.size() && index >= 0 && index < levels.get(level).size()) {
      return levels.get(level).get((int) index).clone();
    }
    throw new LogStoreException("no Merkle node at level " + level + " index " + index);
  }

  @Override
  public void scan(long from, long to, Consumer<StoredEntry> sink) {
    List<StoredEntry> slice =
        read(
            () -> {
              long end = Math.min(to, entries.size());
              long start = Math.max(0, from);
              return start >= end
                  ? List.<StoredEntry>of()
                  : List.copyOf(entries.subList((int) start, (int) end));
            });
    slice.forEach(sink);
  }

  @Override
  public long firstSequenceAtOrAfter(long timeMillis) {
    return read(
        () -> {
          for (StoredEntry e : entries) {
            if (e.timeMillis() >= timeMillis) {
              return e.sequence();
            }
          }
          return (long) entries.size();
        });
  }

  @Override
  public Optional<StoredCheckpoint> latestCheckpoint() {
    return read(
        () ->
            checkpoints.isEmpty()
                ? Optional.empty()
                : Optional.of(checkpoints.get(checkpoints.size() - 1)));
  }

  @Override
  public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
    return read(
        () ->
            checkpoints.stream().filter(c -> c.size() >= fromSize && c.size() <= toSize).toList());
  }

  @Override
  public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
    return read(
        () ->
            cosignatures.stream().filter(c -> c.size() >= fromSize && c.size() <= toSize).toList());
  }

  @Override
  public void close() {}

  private <T> T read(java.util.function.Supplier<T> s) {
    lock.readLock().lock();
    try {
      return s.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Buffers additions and applies them on commit, so a failed write leaves nothing. */
  private final class Tx implements LogTransaction {
    private final List<StoredEntry> newEntries = new ArrayList<>();
    private final List<Object[]> newNodes = new ArrayList<>();
    private final List<StoredCheckpoint> newCheckpoints = new ArrayList<>();
    private final List<StoredCosignature> newCosignatures = new ArrayList<>();

    @Override
    public void addEntry(StoredEntry entry) {
      long expected = entries.size() + newEntries.size();
      if (entry.sequence() != expected) {
        throw new LogStoreException(
            "receipt " + entry.sequence() + " out of order: the next is " + expected);
      }
      newEntries.add(entry);
    }

    @Override
    public void addNode(int level, long index, byte[] hash) {
      if (level < 1) {
        throw new LogStoreException("nodes above the receipts start at level 1, was " + level);
      }
      newNodes.add(new Object[] {level, index, hash.clone()});
    }

    @Override
    public void addCheckpoint(StoredCheckpoint checkpoint) {
      newCheckpoints.add(checkpoint);
    }

    @Override
    public void addCosignature(StoredCosignature cosignature) {
      newCosignatures.add(cosignature);
    }

    void commit() {
      Map<Integer, Integer> added = new HashMap<>();
      for (Object[] n : newNodes) {
        int level = (Integer) n[0];
        long index = (Long) n[1];
        int have = level < levels.size() ? levels.get(level).size() : 0;
        int next = have + added.getOrDefault(level, 0);
        if (index != next) {
          throw new LogStoreException("Merkle node " + level + "/" + index + " out of order");
        }
        added.merge(level, 1, Integer::sum);
      }
      for (Object[] n : newNodes) {
        while (levels.size() <= (Integer) n[0]) {
          levels.add(new ArrayList<>());
        }
      }
      for (Object[] n : newNodes) {
        levels.get((Integer) n[0]).add((byte[]) n[2]);
      }
      for (StoredEntry e : newEntries) {
        byId.put(e.receiptId(), entries.size());
        entries.add(e);
        lastByAction.put(e.actionId(), entries.size() - 1);
      }
      checkpoints.addAll(newCheckpoints);
      cosignatures.addAll(newCosignatures);
    }

    @Override
    public String logId() {
      return logId;
    }

    @Override
    public long size() {
      return entries.size() + newEntries.size();
    }

    @Override
    public Optional<StoredEntry> entry(long sequence) {
      Optional<StoredEntry> e = entryUnlocked(sequence);
      if (e.isPresent()) {
        return e;
      }
      long i = sequence - entries.size();
      return i >= 0 && i < newEntries.size()
          ? Optional.of(newEntries.get((int) i))
          : Optional.empty();
    }

    @Override
    public Optional<StoredEntry> entryById(String receiptId) {
      return Optional.ofNullable(byId.get(receiptId)).map(entries::get);
    }

    @Override
    public Optional<String> lastState(String actionId) {
      return lastEntry(actionId).map(StoredEntry::state);
    }

    @Override
    public Optional<StoredEntry> lastEntry(String actionId) {
      return Optional.ofNullable(lastByAction.get(actionId)).map(entries::get);
    }

    @Override
    public byte[] node(int level, long index) {
      return nodeUnlocked(level, index);
    }

    @Override
    public void scan(long from, long to, Consumer<StoredEntry> sink) {
      for (long s = Math.max(0, from); s < Math.min(to, entries.size()); s++) {
        sink.accept(entries.get((int) s));
      }
    }

    @Override
    public long firstSequenceAtOrAfter(long timeMillis) {
      for (StoredEntry e : entries) {
        if (e.timeMillis() >= timeMillis) {
          return e.sequence();
        }
      }
      return entries.size();
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint() {
      return checkpoints.isEmpty()
          ? Optional.empty()
          : Optional.of(checkpoints.get(checkpoints.size() - 1));
    }

    @Override
    public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
      return checkpoints.stream().filter(c -> c.size() >= fromSize && c.size() <= toSize).toList();
    }

    @Override
    public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
      return cosignatures.stream().filter(c -> c.size() >= fromSize && c.size() <= toSize).toList();
    }
  }
}

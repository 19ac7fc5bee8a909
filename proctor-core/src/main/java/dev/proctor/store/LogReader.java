package dev.proctor.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Read access to the stored action log: receipts, Merkle nodes, checkpoints and co-signatures. */
public interface LogReader {

  /** The log's id, fixed when the store was created. */
  String logId();

  /** The number of receipts. */
  long size();

  /** The receipt at a sequence number. */
  Optional<StoredEntry> entry(long sequence);

  /** The receipt with an id. */
  Optional<StoredEntry> entryById(String receiptId);

  /** The state of the latest receipt about an action. */
  Optional<String> lastState(String actionId);

  /** The latest receipt about an action. */
  Optional<StoredEntry> lastEntry(String actionId);

  /**
   * Every receipt about an action, in log order, at most {@code limit}. The default scans the whole
   * log; stores with an index by action override it.
   */
  default List<StoredEntry> entriesOf(String actionId, int limit) {
    List<StoredEntry> out = new ArrayList<>();
    scan(
        0,
        size(),
        e -> {
          if (e.actionId().equals(actionId) && out.size() < limit) {
            out.add(e);
          }
        });
    return out;
  }

  /**
   * The hash of the perfect Merkle subtree at a level (0 is the receipt hash) and index; throws
   * {@link LogStoreException} when the store does not hold it.
   */
  byte[] node(int level, long index);

  /** Streams the receipts with sequence numbers in {@code [from, to)} in order. */
  void scan(long from, long to, Consumer<StoredEntry> sink);

  /** The first sequence number whose time is at or after the given epoch milliseconds, or size. */
  long firstSequenceAtOrAfter(long timeMillis);

  /** The checkpoint covering the most receipts (the latest one). */
  Optional<StoredCheckpoint> latestCheckpoint();

  /** Checkpoints whose sizes lie in {@code [fromSize, toSize]}, smallest size first. */
  List<StoredCheckpoint> checkpoints(long fromSize, long toSize);

  /** The co-signatures of checkpoints whose sizes lie in {@code [fromSize, toSize]}. */
  List<StoredCosignature> cosignatures(long fromSize, long toSize);
}

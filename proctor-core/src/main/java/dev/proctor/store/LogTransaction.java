package dev.proctor.store;

/** One atomic write to the log store; reads inside it see the log as of the write lock. */
public interface LogTransaction extends LogReader {

  /** Adds a receipt; its sequence number must be the current size. */
  void addEntry(StoredEntry entry);

  /** Adds the hash of a completed perfect Merkle subtree above the receipts (level 1 or more). */
  void addNode(int level, long index, byte[] hash);

  /** Adds a signed checkpoint. */
  void addCheckpoint(StoredCheckpoint checkpoint);

  /** Adds a witness's co-signature. */
  void addCosignature(StoredCosignature cosignature);
}

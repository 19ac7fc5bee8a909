package dev.proctor.store;

import static java.util.Objects.requireNonNull;

/**
 * A signed checkpoint as a store keeps it: the tree size it covers, its time in epoch milliseconds
 * and its JSON; or a witness's co-signature of one, with the witness's key id.
 */
public record StoredCheckpoint(long size, long timeMillis, String json) {

  public StoredCheckpoint {
    requireNonNull(json, "json is null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
  }
}

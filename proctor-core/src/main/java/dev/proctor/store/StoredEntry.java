package dev.proctor.store;

import static java.util.Objects.requireNonNull;

/**
 * One receipt as a store keeps it: its sequence number, receipt id, action id, lifecycle state
 * (wire name), time in epoch milliseconds, canonical JSON and receipt hash (lower-case hex). The
 * store treats the JSON as opaque text and never rewrites it.
 */
public record StoredEntry(
    long sequence,
    String receiptId,
    String actionId,
    String state,
    long timeMillis,
    String json,
    String hash) {

  public StoredEntry {
    requireNonNull(receiptId, "receiptId is null");
    requireNonNull(actionId, "actionId is null");
    requireNonNull(state, "state is null");
    requireNonNull(json, "json is null");
    requireNonNull(hash, "hash is null");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative, was " + sequence);
    }
  }
}

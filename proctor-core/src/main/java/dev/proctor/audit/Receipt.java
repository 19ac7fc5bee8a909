package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import dev.proctor.lifecycle.LifecycleState;
import java.nio.charset.StandardCharsets;

/**
 * One durable entry of the log: its sequence number (the Merkle leaf index), its id, the action it
 * is about, the state it records, its canonical JSON and its hash (the RFC 9162 leaf hash of that
 * JSON, lower-case hex), which the next receipt names as {@code prev}.
 */
public record Receipt(
    long sequence, String id, String actionId, LifecycleState state, String json, String hash) {

  public Receipt {
    requireNonNull(id, "id is null");
    requireNonNull(actionId, "actionId is null");
    requireNonNull(state, "state is null");
    requireNonNull(json, "json is null");
    requireNonNull(hash, "hash is null");
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative, was " + sequence);
    }
  }

  /** The canonical UTF-8 bytes the hash is taken over. */
  public byte[] bytes() {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}

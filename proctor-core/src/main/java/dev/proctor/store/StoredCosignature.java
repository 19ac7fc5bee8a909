package dev.proctor.store;

import static java.util.Objects.requireNonNull;

/** A witness's co-signature of the checkpoint of a given size, as JSON, with the witness key id. */
public record StoredCosignature(long size, String witnessKeyId, String json) {

  public StoredCosignature {
    requireNonNull(witnessKeyId, "witnessKeyId is null");
    requireNonNull(json, "json is null");
  }
}

package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A self-contained proof ({@code proctor.consistency/1}) that a log only grew between two signed
 * checkpoints: both checkpoints and the RFC 9162 consistency proof between their sizes. It checks
 * offline with the log's public key alone — no receipts needed.
 */
public record ConsistencyProof(Checkpoint from, Checkpoint to, List<String> proof) {

  /** The schema id of the document. */
  public static final String SCHEMA = "proctor.consistency/1";

  public ConsistencyProof {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    proof = List.copyOf(requireNonNull(proof, "proof is null"));
    for (String h : proof) {
      if (!h.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("proof hashes must be 64 lower-case hex digits: " + h);
      }
    }
  }

  /** Builds the proof from an older checkpoint of a log to a newer one, reading the log's store. */
  public static ConsistencyProof between(ActionLog log, Checkpoint from, Checkpoint to) {
    if (from.size() > to.size()) {
      throw new IllegalArgumentException(
          "the first checkpoint (size " + from.size() + ") is larger than the second");
    }
    return new ConsistencyProof(
        from,
        to,
        log.consistencyProof(from.size(), to.size()).stream()
            .map(HexFormat.of()::formatHex)
            .toList());
  }

  /**
   * Checks both signatures against the ring, that both name the same log, and the proof; throws
   * {@link ProofException} saying what failed.
   */
  public void verify(KeyRing keys) throws ProofException {
    try {
      keys.verify(from);
    } catch (ProofException e) {
      throw new ProofException("first checkpoint: " + e.getMessage());
    }
    try {
      keys.verify(to);
    } catch (ProofException e) {
      throw new ProofException("second checkpoint: " + e.getMessage());
    }
    if (!from.logId().equals(to.logId())) {
      throw new ProofException(
          "the checkpoints are of different logs: " + from.logId() + " and " + to.logId());
    }
    List<byte[]> hashes = new ArrayList<>(proof.size());
    proof.forEach(h -> hashes.add(HexFormat.of().parseHex(h)));
    Merkle.verifyConsistency(from.size(), to.size(), hashes, from.rootBytes(), to.rootBytes());
  }

  /** The proof as one canonical JSON line. */
  public String toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("schema", SCHEMA);
    o.set("from", node(from));
    o.set("to", node(to));
    ArrayNode a = o.putArray("proof");
    proof.forEach(a::add);
    return CanonicalJson.write(o);
  }

  private static JsonNode node(Checkpoint c) {
    try {
      return Json.MAPPER.readTree(c.toJson());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the proof from JSON text; says which field is missing or malformed. */
  public static ConsistencyProof fromJson(String json) {
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("consistency proof is not JSON: " + e.getMessage(), e);
    }
    if (!SCHEMA.equals(n.path("schema").asText())) {
      throw new IllegalArgumentException("not a " + SCHEMA + " object");
    }
    JsonNode p = n.get("proof");
    if (p == null || !p.isArray()) {
      throw new IllegalArgumentException("consistency proof /proof must be an array");
    }
    List<String> proof = new ArrayList<>();
    for (JsonNode h : p) {
      if (!h.isTextual()) {
        throw new IllegalArgumentException("consistency proof /proof holds a non-string");
      }
      proof.add(h.textValue());
    }
    return new ConsistencyProof(checkpoint(n, "from"), checkpoint(n, "to"), proof);
  }

  private static Checkpoint checkpoint(JsonNode n, String field) {
    JsonNode c = n.get(field);
    if (c == null || !c.isObject()) {
      throw new IllegalArgumentException("consistency proof /" + field + " must be a checkpoint");
    }
    try {
      return Checkpoint.fromJson(c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("consistency proof /" + field + ": " + e.getMessage(), e);
    }
  }
}

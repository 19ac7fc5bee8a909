package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A receipt that proves itself: its canonical JSON, its leaf index, the audit path to the root of a
 * signed checkpoint, and that checkpoint. Written as {@code proctor.proof/1}.
 */
public record ReceiptProof(
    String receiptJson, long leafIndex, List<String> path, Checkpoint checkpoint) {

  /** The schema id of a proof file. */
  public static final String SCHEMA = "proctor.proof/1";

  public ReceiptProof {
    requireNonNull(receiptJson, "receiptJson is null");
    path = List.copyOf(requireNonNull(path, "path is null"));
    requireNonNull(checkpoint, "checkpoint is null");
  }

  /** The proof as a canonical JSON document (the receipt embedded as an object). */
  public String toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("schema", SCHEMA);
    try {
      o.set("receipt", Json.MAPPER.readTree(receiptJson));
      o.set("checkpoint", Json.MAPPER.readTree(checkpoint.toJson()));
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON does not parse", e);
    }
    o.put("leafIndex", leafIndex);
    o.put("treeSize", checkpoint.size());
    path.forEach(o.putArray("inclusion")::add);
    return CanonicalJson.write(o);
  }

  /** Reads a proof document. */
  public static ReceiptProof fromJson(JsonNode node) {
    if (!SCHEMA.equals(node.path("schema").asText())) {
      throw new IllegalArgumentException("not a " + SCHEMA + " document");
    }
    JsonNode receipt = node.get("receipt");
    JsonNode index = node.get("leafIndex");
    JsonNode inclusion = node.get("inclusion");
    if (receipt == null || !receipt.isObject()) {
      throw new IllegalArgumentException("proof /receipt must be an object");
    }
    if (index == null || !index.isIntegralNumber()) {
      throw new IllegalArgumentException("proof /leafIndex must be an integer");
    }
    List<String> path = new ArrayList<>();
    if (inclusion != null) {
      if (!inclusion.isArray()) {
        throw new IllegalArgumentException("proof /inclusion must be an array");
      }
      inclusion.forEach(h -> path.add(h.asText()));
    }
    JsonNode checkpoint = node.get("checkpoint");
    if (checkpoint == null) {
      throw new IllegalArgumentException("proof /checkpoint is missing");
    }
    Checkpoint c = Checkpoint.fromJson(checkpoint);
    JsonNode treeSize = node.get("treeSize");
    if (treeSize != null && treeSize.asLong() != c.size()) {
      throw new IllegalArgumentException("proof /treeSize differs from its checkpoint's size");
    }
    return new ReceiptProof(CanonicalJson.write(receipt), index.longValue(), path, c);
  }

  /** Checks the checkpoint's signature and the receipt's inclusion under its root. */
  public void verify(KeyRing keys) throws ProofException {
    keys.verify(checkpoint);
    List<byte[]> hashes = new ArrayList<>(path.size());
    for (String h : path) {
      try {
        hashes.add(HexFormat.of().parseHex(h));
      } catch (IllegalArgumentException e) {
        throw new ProofException("inclusion path element is not hex: " + h);
      }
    }
    byte[] leaf = Merkle.leafHash(receiptJson.getBytes(StandardCharsets.UTF_8));
    Merkle.verifyInclusion(leafIndex, checkpoint.size(), leaf, hashes, checkpoint.rootBytes());
  }
}

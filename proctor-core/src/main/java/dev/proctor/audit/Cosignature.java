package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A witness's co-signature of a checkpoint: the witness saw the log at this size with this root,
 * found it consistent with everything it saw before, and signed (Ed25519, base64) the canonical
 * JSON of the other fields with the key {@code witnessKeyId}.
 */
public record Cosignature(
    String logId, long size, String root, Instant time, String witnessKeyId, String signature) {

  /** The schema id every co-signature carries. */
  public static final String SCHEMA = "proctor.cosignature/1";

  public Cosignature {
    requireNonNull(logId, "logId is null");
    requireNonNull(root, "root is null");
    requireNonNull(time, "time is null");
    requireNonNull(witnessKeyId, "witnessKeyId is null");
    requireNonNull(signature, "signature is null");
  }

  /** The bytes the witness signs. */
  public byte[] signedBytes() {
    return CanonicalJson.bytes(body());
  }

  private ObjectNode body() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("schema", SCHEMA);
    o.put("logId", logId);
    o.put("size", size);
    o.put("root", root);
    o.put("time", ReceiptFormat.time(time));
    o.put("witnessKeyId", witnessKeyId);
    return o;
  }

  /** Signs a checkpoint as a witness. */
  public static Cosignature sign(Checkpoint c, CheckpointSigner witness, Instant time) {
    Cosignature unsigned =
        new Cosignature(c.logId(), c.size(), c.root(), time, witness.keyId(), "");
    return new Cosignature(
        c.logId(),
        c.size(),
        c.root(),
        time,
        witness.keyId(),
        java.util.Base64.getEncoder().encodeToString(witness.sign(unsigned.signedBytes())));
  }

  /** Checks the witness's signature. */
  public void verify(KeyRing witnesses) throws ProofException {
    witnesses.verify(witnessKeyId, signedBytes(), signature);
  }

  /** The co-signature as one canonical JSON line. */
  public String toJson() {
    ObjectNode o = body();
    o.put("signature", signature);
    return CanonicalJson.write(o);
  }

  /** Reads a co-signature from JSON. */
  public static Cosignature fromJson(JsonNode n) {
    if (!SCHEMA.equals(n.path("schema").asText())) {
      throw new IllegalArgumentException("not a " + SCHEMA + " object");
    }
    try {
      return new Cosignature(
          req(n, "logId"),
          n.path("size").asLong(-1),
          req(n, "root"),
          Instant.parse(req(n, "time")),
          req(n, "witnessKeyId"),
          req(n, "signature"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("co-signature /time is not an RFC 3339 time", e);
    }
  }

  private static String req(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("co-signature /" + field + " must be a string");
    }
    return v.textValue();
  }
}

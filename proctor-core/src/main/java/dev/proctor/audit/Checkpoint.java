package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A signed statement of the log's state: log id, tree size, root hash, time, the id of the key that
 * signed it and the Ed25519 signature (base64) over the canonical JSON of the other fields.
 *
 * <p>A <em>handover</em> is a checkpoint that also names the log's next signing key ({@code
 * nextKey}: the base64 X.509 encoding of its public key), signed by the key it replaces: {@code
 * proctor keys rotate} signs one, so that witnesses and verifiers holding the old key follow the
 * rotation without being told to trust the new key.
 */
public record Checkpoint(
    String logId,
    long size,
    String root,
    Instant time,
    String keyId,
    Optional<String> nextKey,
    String signature) {

  /** The schema id every checkpoint carries. */
  public static final String SCHEMA = "proctor.checkpoint/1";

  public Checkpoint {
    requireNonNull(logId, "logId is null");
    requireNonNull(root, "root is null");
    requireNonNull(time, "time is null");
    requireNonNull(keyId, "keyId is null");
    requireNonNull(nextKey, "nextKey is null");
    requireNonNull(signature, "signature is null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, was " + size);
    }
    if (!root.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("root must be 64 lower-case hex digits, was " + root);
    }
    nextKey.ifPresent(Checkpoint::publicKey);
  }

  /** A checkpoint that names no next key. */
  public Checkpoint(
      String logId, long size, String root, Instant time, String keyId, String signature) {
    this(logId, size, root, time, keyId, Optional.empty(), signature);
  }

  /** The bytes the signature covers: canonical JSON of everything but the signature. */
  public byte[] signedBytes() {
    return signedBytes(logId, size, root, time, keyId, nextKey);
  }

  static byte[] signedBytes(
      String logId, long size, String root, Instant time, String keyId, Optional<String> next) {
    return CanonicalJson.bytes(body(logId, size, root, time, keyId, next));
  }

  private static ObjectNode body(
      String logId, long size, String root, Instant time, String keyId, Optional<String> next) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("schema", SCHEMA);
    o.put("logId", logId);
    o.put("size", size);
    o.put("root", root);
    o.put("time", ReceiptFormat.time(time));
    o.put("keyId", keyId);
    next.ifPresent(k -> o.put("nextKey", k));
    return o;
  }

  /** The root hash as bytes. */
  public byte[] rootBytes() {
    return HexFormat.of().parseHex(root);
  }

  /** True when this checkpoint hands the log over to a next signing key. */
  public boolean isHandover() {
    return nextKey.isPresent();
  }

  /** The next signing key this checkpoint hands the log over to, if it is a handover. */
  public Optional<PublicKey> nextPublicKey() {
    return nextKey.map(Checkpoint::publicKey);
  }

  /** The id of the next signing key, if this is a handover. */
  public Optional<String> nextKeyId() {
    return nextPublicKey().map(KeyFiles::keyId);
  }

  /** The {@code nextKey} spelling of a public key: base64 of its X.509 encoding. */
  public static String nextKeyText(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  private static PublicKey publicKey(String base64) {
    try {
      return KeyFactory.getInstance("Ed25519")
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "nextKey must be the base64 X.509 encoding of an Ed25519 public key", e);
    }
  }

  /** The checkpoint as one canonical JSON line. */
  public String toJson() {
    return CanonicalJson.write(
        body(logId, size, root, time, keyId, nextKey).put("signature", signature));
  }

  /** Reads a checkpoint from its JSON; says which field is missing or malformed. */
  public static Checkpoint fromJson(JsonNode node) {
    if (!SCHEMA.equals(text(node, "schema"))) {
      throw new IllegalArgumentException("not a " + SCHEMA + " object");
    }
    JsonNode size = node.get("size");
    if (size == null || !size.isIntegralNumber() || !size.canConvertToLong()) {
      throw new IllegalArgumentException("checkpoint /size must be an integer");
    }
    Optional<String> next = Optional.empty();
    if (node.has("nextKey")) {
      next = Optional.of(text(node, "nextKey"));
    }
    try {
      return new Checkpoint(
          text(node, "logId"),
          size.longValue(),
          text(node, "root"),
          Instant.parse(text(node, "time")),
          text(node, "keyId"),
          next,
          text(node, "signature"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("checkpoint /time is not an RFC 3339 time", e);
    }
  }

  /** Reads a checkpoint from JSON text. */
  public static Checkpoint fromJson(String json) {
    try {
      return fromJson(Json.MAPPER.readTree(json.getBytes(StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("checkpoint is not JSON: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("checkpoint /" + field + " must be a string");
    }
    return v.textValue();
  }
}

package dev.proctor.server.witness;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.JsonInput;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.Cosignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The witness protocol's JSON: a strict mapper (duplicate keys and trailing data refused, integers
 * exact) and readers that name the JSON pointer of what is wrong and refuse unknown fields.
 */
final class WireJson {

  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final Set<String> CHECKPOINT_FIELDS =
      Set.of("schema", "logId", "size", "root", "time", "keyId", "nextKey", "signature");
  private static final Set<String> COSIGNATURE_FIELDS =
      Set.of("schema", "logId", "size", "root", "time", "witnessKeyId", "signature");

  private WireJson() {}

  /** Parses JSON bytes; the message says where parsing stopped. */
  static JsonNode parse(byte[] body) {
    JsonInput.checkText(body);
    try {
      JsonNode n = MAPPER.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new IllegalArgumentException("the body is empty; expected a JSON object");
      }
      return n;
    } catch (IOException e) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().get();
      throw new IllegalArgumentException("the body is not valid JSON: " + m, e);
    }
  }

  /** Parses JSON text. */
  static JsonNode parse(String text) {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Refuses fields of an object outside {@code allowed}; {@code at} is the object's pointer. */
  static void onlyFields(JsonNode object, Set<String> allowed, String at) {
    if (!object.isObject()) {
      throw new IllegalArgumentException((at.isEmpty() ? "the body" : at) + " must be an object");
    }
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException(at + "/" + f + " is not a known field");
      }
    }
  }

  /** Reads a checkpoint object at a pointer. */
  static Checkpoint checkpoint(JsonNode n, String at) {
    if (n == null) {
      throw new IllegalArgumentException(at + " is missing");
    }
    onlyFields(n, CHECKPOINT_FIELDS, at);
    try {
      return Checkpoint.fromJson(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  /** Reads an array of checkpoint objects at a pointer; empty when missing. */
  static List<Checkpoint> checkpoints(JsonNode n, String at) {
    List<Checkpoint> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(at + " must be an array of checkpoints");
    }
    for (int i = 0; i < n.size(); i++) {
      out.add(checkpoint(n.get(i), at + "/" + i));
    }
    return out;
  }

  /** Checkpoints as a JSON array. */
  static ArrayNode array(List<Checkpoint> checkpoints) {
    ArrayNode a = MAPPER.createArrayNode();
    checkpoints.forEach(c -> a.add(object(c)));
    return a;
  }

  /** Reads a co-signature object at a pointer. */
  static Cosignature cosignature(JsonNode n, String at) {
    if (n == null) {
      throw new IllegalArgumentException(at + " is missing");
    }
    onlyFields(n, COSIGNATURE_FIELDS, at);
    try {
      return Cosignature.fromJson(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  /** Reads a non-negative integer at a pointer, or {@code absent} when the field is missing. */
  static long size(JsonNode n, String at, long absent) {
    if (n == null) {
      return absent;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
      throw new IllegalArgumentException(at + " must be a non-negative integer");
    }
    return n.longValue();
  }

  /** Reads a list of 64-digit hex hashes at a pointer; empty when missing. */
  static List<byte[]> hashes(JsonNode n, String at) {
    List<byte[]> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!n.isArray()) {
      throw new IllegalArgumentException(at + " must be an array of hex hashes");
    }
    if (n.size() > 128) {
      throw new IllegalArgumentException(at + " has " + n.size() + " hashes; at most 128 fit");
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode h = n.get(i);
      if (!h.isTextual() || !h.textValue().matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException(at + "/" + i + " must be 64 lower-case hex digits");
      }
      out.add(HexFormat.of().parseHex(h.textValue()));
    }
    return out;
  }

  /** A checkpoint as a JSON object. */
  static ObjectNode object(Checkpoint c) {
    return (ObjectNode) parse(c.toJson());
  }

  /** A co-signature as a JSON object. */
  static ObjectNode object(Cosignature c) {
    return (ObjectNode) parse(c.toJson());
  }

  /** Hashes as an array of hex strings. */
  static ArrayNode hexArray(List<byte[]> hashes) {
    ArrayNode a = MAPPER.createArrayNode();
    hashes.forEach(h -> a.add(HexFormat.of().formatHex(h)));
    return a;
  }
}

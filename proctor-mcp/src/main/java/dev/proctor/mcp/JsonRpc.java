package dev.proctor.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The few JSON-RPC 2.0 facts the gateway needs: reading a message (duplicate member names refused,
 * since two readers of one message must not disagree on the tool it calls; numbers kept exact),
 * telling requests, notifications and responses apart, keying ids, and making the answers the
 * gateway gives itself. Everything else in a message is relayed as it came.
 */
final class JsonRpc {

  /** Invalid JSON was received. */
  static final int PARSE_ERROR = -32700;

  /** The JSON sent is not a valid request object (also: a batch, an oversize message). */
  static final int INVALID_REQUEST = -32600;

  /** Invalid method parameters. */
  static final int INVALID_PARAMS = -32602;

  /** The server ended before it answered (implementation-defined range). */
  static final int SERVER_GONE = -32000;

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxStringLength(Integer.MAX_VALUE)
                .build());
  }

  private JsonRpc() {}

  /** Parses one message; throws on anything that is not exactly one JSON value. */
  static JsonNode parse(byte[] line) throws IOException {
    return MAPPER.readTree(line);
  }

  /** A request or notification's method, when it has a textual one. */
  static Optional<String> method(JsonNode message) {
    JsonNode m = message.get("method");
    return m != null && m.isTextual() ? Optional.of(m.textValue()) : Optional.empty();
  }

  /**
   * The key of a request id: strings and integers are distinct ids (the string {@code "0"} is not
   * the number {@code 0}); anything else is no usable id.
   */
  static Optional<String> idKey(JsonNode id) {
    if (id == null) {
      return Optional.empty();
    }
    if (id.isTextual()) {
      return Optional.of("s:" + id.textValue());
    }
    if (id.isIntegralNumber()) {
      return Optional.of("n:" + id.bigIntegerValue());
    }
    return Optional.empty();
  }

  /**
   * The top-level {@code id} of a message of which only a prefix was kept (an oversize one), read
   * with a streaming parser up to where the prefix ends; empty when it is not there.
   */
  static Optional<JsonNode> idOfPrefix(byte[] prefix) {
    try (JsonParser p = new JsonFactory().createParser(prefix)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("id")) {
          if (value == JsonToken.VALUE_STRING) {
            return Optional.of(JsonNodeFactory.instance.textNode(p.getText()));
          }
          if (value == JsonToken.VALUE_NUMBER_INT) {
            return Optional.of(JsonNodeFactory.instance.numberNode(p.getBigIntegerValue()));
          }
          return Optional.empty();
        }
        p.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      // The prefix ended (or was not JSON) before an id was seen.
    }
    return Optional.empty();
  }

  /** A JSON-RPC error response; {@code id} null when the request's id could not be read. */
  static byte[] error(JsonNode id, int code, String message) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
    ObjectNode error = out.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return bytes(out);
  }

  /**
   * A {@code tools/call} result that reports a refusal the way MCP servers report a tool's own
   * failure: text content and {@code isError: true}, so that the model reads the reason.
   */
  static byte[] toolError(JsonNode id, String text) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("jsonrpc", "2.0");
    out.set("id", id);
    ObjectNode result = out.putObject("result");
    ObjectNode content = result.putArray("content").addObject();
    content.put("type", "text");
    content.put("text", text);
    result.put("isError", true);
    return bytes(out);
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

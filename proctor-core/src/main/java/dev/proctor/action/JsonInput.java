package dev.proctor.action;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads untrusted JSON: at most {@link #MAX_BYTES} bytes, strict UTF-8, nesting at most {@link
 * #MAX_DEPTH} deep, no duplicate member names (two parsers reading one payload differently is how
 * policy gets bypassed), no trailing content. Every refusal is a {@link BadInputException} that
 * names where.
 *
 * <p>Why raw control bytes are refused before anything else: JSON allows none but tab, carriage
 * return and newline outside escapes, and Jackson guesses UTF-16 or UTF-32 from the zero bytes of
 * input without a byte order mark — so {@code {"tool": ...}} in UTF-16 would otherwise be read as
 * JSON that no other reader of the same bytes (a log, a UTF-8 tool) sees the same way.
 */
public final class JsonInput {

  /** The largest payload accepted: 1 MiB. */
  public static final int MAX_BYTES = 1 << 20;

  /** The deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 64;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_BYTES)
                .maxNumberLength(100)
                .build());
  }

  private JsonInput() {}

  /** Reads at most one byte more than the limit from a stream and parses it. */
  public static JsonNode read(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    return parse(bytes);
  }

  /** Parses a payload, refusing anything oversize, non-UTF-8, too deep or malformed. */
  public static JsonNode parse(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new BadInputException(
          "payload", "larger than the limit of " + MAX_BYTES + " bytes (1 MiB)");
    }
    checkText(bytes);
    if (isBlank(bytes)) {
      throw new BadInputException("payload", "empty input, expected a JSON object");
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "payload" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new BadInputException(where, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadInputException("payload", "unreadable JSON: " + e.getMessage());
    }
  }

  /**
   * Refuses bytes that are not UTF-8 text JSON may consist of: raw control bytes other than tab,
   * carriage return and newline (which is also what UTF-16 and UTF-32 look like), and malformed
   * UTF-8; the {@link BadInputException} names the byte offset.
   */
  public static void checkText(byte[] bytes) {
    checkControlBytes(bytes);
    checkUtf8(bytes);
  }

  private static void checkControlBytes(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i] & 0xff;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
        throw new BadInputException(
            "byte " + i,
            String.format(
                "control byte 0x%02x is not allowed (input must be UTF-8 JSON; UTF-16 and UTF-32"
                    + " are refused)",
                b));
      }
    }
  }

  private static void checkUtf8(byte[] bytes) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try {
      decoder.decode(buffer);
    } catch (CharacterCodingException e) {
      throw new BadInputException("byte " + buffer.position(), "input is not valid UTF-8");
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}

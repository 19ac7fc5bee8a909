package dev.proctor.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CanonicalJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static List<Arguments> rfcNumbers() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    try (InputStream in =
        CanonicalJsonTest.class.getResourceAsStream("/action/rfc8785-numbers.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t");
        cases.add(Arguments.of(parts[0], parts[1]));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("rfcNumbers")
  void formatDouble_rfc8785AppendixB_matchesEcmaScript(String bits, String expected) {
    double d = Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16));

    assertThat(CanonicalJson.formatDouble(d)).isEqualTo(expected);
  }

  @Test
  void canonicalize_rfc8785Section32Example_matchesPublishedOutput() {
    String input =
        "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
            + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
            + "  \"literals\": [null, true, false]\n}";

    assertThat(CanonicalJson.canonicalize(input))
        .isEqualTo(
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  }

  @Test
  void canonicalize_rfc8785Section343SortingExample_sortsByUtf16CodeUnits() {
    String input =
        "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\","
            + " \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\","
            + " \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";

    String canonical = CanonicalJson.canonicalize(input);

    assertThat(canonical)
        .isEqualTo(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
                + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
                + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  @Test
  void canonicalize_rfc8785Section33ExampleBytes_matchUtf8OfOutput() {
    // RFC 8785 section 3.2.4 shows the UTF-8 of the example; spot-check the euro sign bytes.
    byte[] bytes = CanonicalJson.bytes(MAPPER.createObjectNode().put("a", "\u20ac"));

    assertThat(bytes).containsExactly('{', '"', 'a', '"', ':', '"', 0xe2, 0x82, 0xac, '"', '}');
  }

  @Test
  void write_largeInteger_keepsEveryDigit() {
    assertThat(CanonicalJson.canonicalize("[9007199254740993, 9007199254740992]"))
        .isEqualTo("[9007199254740993,9007199254740992]");
  }

  @Test
  void write_loneSurrogate_isRefused() {
    assertThatThrownBy(() -> CanonicalJson.write(MAPPER.createObjectNode().put("a", "\ud800x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone surrogate");
  }

  @Test
  void write_randomObjects_roundTripToTheSameCanonicalText() throws IOException {
    Random random = new Random(8785);
    for (int i = 0; i < 500; i++) {
      JsonNode value = randomValue(random, 0);
      String canonical = CanonicalJson.write(value);

      String again = CanonicalJson.write(MAPPER.readTree(canonical));

      assertThat(again).isEqualTo(canonical);
    }
  }

  @Test
  void formatDouble_randomDoubles_readBackExactly() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      double d = Double.longBitsToDouble(random.nextLong());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        continue;
      }

      String text = CanonicalJson.formatDouble(d);

      assertThat(Double.parseDouble(text)).isEqualTo(d == 0 ? 0.0 : d);
    }
  }

  private static JsonNode randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 5 : 7);
    return switch (kind) {
      case 0 -> MAPPER.getNodeFactory().nullNode();
      case 1 -> MAPPER.getNodeFactory().booleanNode(random.nextBoolean());
      case 2 -> MAPPER.getNodeFactory().numberNode(random.nextLong());
      case 3 -> MAPPER.getNodeFactory().numberNode(random.nextDouble() * 1e6);
      case 4 -> MAPPER.getNodeFactory().textNode(randomString(random));
      case 5 -> {
        var array = MAPPER.createArrayNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
      default -> {
        var object = MAPPER.createObjectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.set(randomString(random), randomValue(random, depth + 1));
        }
        yield object;
      }
    };
  }

  private static String randomString(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(6); i > 0; i--) {
      int c = random.nextInt(4) == 0 ? random.nextInt(0x20) : 0x20 + random.nextInt(0x3000);
      if (!Character.isSurrogate((char) c)) {
        s.append((char) c);
      }
    }
    return s.toString();
  }
}

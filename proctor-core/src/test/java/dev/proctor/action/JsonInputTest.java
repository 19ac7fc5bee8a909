package dev.proctor.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonInputTest {

  @Test
  void parse_validObject_returnsTree() {
    assertThat(
            JsonInput.parse("{\"a\": [1, true]}".getBytes(StandardCharsets.UTF_8)).get("a").size())
        .isEqualTo(2);
  }

  @Test
  void parse_malformedJson_namesLineAndColumn() {
    assertThatThrownBy(() -> JsonInput.parse("{\n  \"a\": tru\n}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("line 2, column")
        .hasMessageContaining("malformed JSON");
  }

  @Test
  void parse_overOneMebibyte_isRefused() {
    byte[] big = new byte[JsonInput.MAX_BYTES + 1];
    java.util.Arrays.fill(big, (byte) ' ');

    assertThatThrownBy(() -> JsonInput.parse(big))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("larger than the limit");
  }

  @Test
  void parse_deeplyNested_isRefused() {
    String deep = "[".repeat(1000) + "]".repeat(1000);

    assertThatThrownBy(() -> JsonInput.parse(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void parse_nonUtf8_namesTheByte() {
    byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    assertThatThrownBy(() -> JsonInput.parse(bytes))
        .isInstanceOf(BadInputException.class)
        .hasMessage("byte 6: input is not valid UTF-8");
  }

  @Test
  void parse_duplicateMember_isRefused() {
    assertThatThrownBy(
            () ->
                JsonInput.parse(
                    "{\"tool\": \"Read\", \"tool\": \"Bash\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("Duplicate field 'tool'");
  }

  @Test
  void parse_trailingContent_isRefused() {
    assertThatThrownBy(() -> JsonInput.parse("{} {}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(BadInputException.class);
  }

  @Test
  void parse_empty_isRefused() {
    assertThatThrownBy(() -> JsonInput.parse(new byte[0]))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("empty input");
  }

  @Test
  void parse_utf16WithoutBom_isRefusedNamingTheByte() {
    byte[] utf16 = "{\"tool\": \"Bash\"}".getBytes(StandardCharsets.UTF_16BE);

    assertThatThrownBy(() -> JsonInput.parse(utf16))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("byte 0: control byte 0x00")
        .hasMessageContaining("UTF-8");
  }

  @Test
  void parse_utf16LittleEndianAndUtf32_areRefused() {
    for (String charset : new String[] {"UTF-16LE", "UTF-32BE", "UTF-32LE"}) {
      byte[] bytes = "{\"a\": 1}".getBytes(java.nio.charset.Charset.forName(charset));

      assertThatThrownBy(() -> JsonInput.parse(bytes))
          .as(charset)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("control byte 0x00");
    }
  }

  @Test
  void parse_rawControlByte_isRefusedWithItsOffset() {
    byte[] bytes = "{\"a\": \"x\u0001y\"}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> JsonInput.parse(bytes))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("byte 8: control byte 0x01");
  }

  @Test
  void parse_tabCarriageReturnAndNewline_areAccepted() {
    assertThat(
            JsonInput.parse("{\t\"a\":\r\n 1}".getBytes(StandardCharsets.UTF_8)).get("a").asInt())
        .isEqualTo(1);
  }
}

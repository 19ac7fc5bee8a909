package dev.proctor.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRpcTest {

  private static JsonNode parse(String s) throws IOException {
    return JsonRpc.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void idKey_stringAndNumberAreDistinct_othersUnusable() throws Exception {
    assertThat(JsonRpc.idKey(parse("0"))).hasValue("n:0");
    assertThat(JsonRpc.idKey(parse("\"0\""))).hasValue("s:0");
    assertThat(JsonRpc.idKey(parse("1.5"))).isEmpty();
    assertThat(JsonRpc.idKey(parse("null"))).isEmpty();
    assertThat(JsonRpc.idKey(parse("{}"))).isEmpty();
  }

  @Test
  void parse_duplicateMember_isRefused() {
    assertThatThrownBy(
            () -> parse("{\"method\":\"tools/call\",\"params\":{\"name\":\"a\",\"name\":\"b\"}}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Duplicate field 'name'");
  }

  @Test
  void parse_keepsNumbersExact() throws Exception {
    JsonNode n =
        parse("{\"a\":0.1000000000000000055511151231257827,\"b\":123456789012345678901234}");
    assertThat(JsonRpc.text(JsonRpc.bytes(n)))
        .isEqualTo("{\"a\":0.1000000000000000055511151231257827,\"b\":123456789012345678901234}");
  }

  @Test
  void toolError_isAResultWithIsError() throws Exception {
    JsonNode out = parse(JsonRpc.text(JsonRpc.toolError(parse("3"), "no")));
    assertThat(out.toString())
        .isEqualTo(
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"no\"}],\"isError\":true}}");
  }
}

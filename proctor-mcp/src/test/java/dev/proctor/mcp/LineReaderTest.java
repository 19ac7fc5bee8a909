package dev.proctor.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<LineReader.Line> lines(String text, int limit) throws Exception {
    LineReader r =
        new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), limit);
    List<LineReader.Line> out = new ArrayList<>();
    for (Optional<LineReader.Line> l = r.next(); l.isPresent(); l = r.next()) {
      out.add(l.get());
    }
    return out;
  }

  private static String text(LineReader.Line l) {
    return new String(l.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void next_splitsOnNewlines_dropsCarriageReturns_keepsALastLineWithoutNewline() throws Exception {
    List<LineReader.Line> got = lines("{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}", 100);

    assertThat(got)
        .extracting(LineReaderTest::text)
        .containsExactly("{\"a\":1}", "", "{\"b\":2}", "{\"c\":3}");
    assertThat(got).noneMatch(LineReader.Line::oversize);
  }

  @Test
  void next_lineOverTheLimit_isMarkedOversizeWithItsPrefix_andTheNextLineIsIntact()
      throws Exception {
    String huge = "{\"id\":5,\"x\":\"" + "y".repeat(200_000) + "\"}";
    List<LineReader.Line> got = lines(huge + "\n{\"ok\":true}\n", 1000);

    assertThat(got).hasSize(2);
    assertThat(got.get(0).oversize()).isTrue();
    assertThat(got.get(0).length()).isEqualTo(huge.length());
    assertThat(got.get(0).bytes()).hasSize(1000);
    assertThat(JsonRpc.idOfPrefix(got.get(0).bytes()))
        .hasValueSatisfying(id -> assertThat(id.asInt()).isEqualTo(5));
    assertThat(text(got.get(1))).isEqualTo("{\"ok\":true}");
  }

  @Test
  void next_lineOfExactlyTheLimit_isNotOversize() throws Exception {
    assertThat(lines("x".repeat(64) + "\n", 64).get(0).oversize()).isFalse();
    assertThat(lines("x".repeat(65) + "\n", 64).get(0).oversize()).isTrue();
  }

  @Test
  void next_randomLines_roundTripUnderAnyChunking() throws Exception {
    Random random = new Random(20261203);
    for (int run = 0; run < 50; run++) {
      List<String> want = new ArrayList<>();
      StringBuilder all = new StringBuilder();
      for (int i = random.nextInt(20); i >= 0; i--) {
        String line = "z".repeat(random.nextInt(100_000));
        want.add(line);
        all.append(line).append('\n');
      }
      assertThat(lines(all.toString(), 1 << 20)).extracting(LineReaderTest::text).isEqualTo(want);
    }
  }
}

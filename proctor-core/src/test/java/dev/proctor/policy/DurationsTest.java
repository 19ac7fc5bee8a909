package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "15m, 15m",
    "90m, 90m",
    "60m, 1h",
    "500ms, 500ms",
    "1500ms, 1500ms",
    "30s, 30s",
    "2h, 2h",
    "48h, 2d",
    "0s, 0ms"
  })
  void format_printsAsWrittenInTheLargestWholeUnit_andParsesBack(String written, String printed) {
    Duration d = Durations.parse(written).orElseThrow();

    assertThat(Durations.format(d)).isEqualTo(printed);
    assertThat(Durations.parse(Durations.format(d))).contains(d);
  }
}

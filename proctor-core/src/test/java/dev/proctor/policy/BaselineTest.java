package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import dev.proctor.audit.ReceiptFormat;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import dev.proctor.decision.PolicyRef;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team policy that {@code extends} an organisation baseline: the combining table ({@code
 * extends/combining.tsv}), what decisions and receipts record, and the bad-input corpus {@code
 * bad-extends/CASE/team/policy.yaml}, whose first line says {@code # expect: FILE:LINE:COLUMN:
 * fragment} with FILE relative to the team directory.
 */
class BaselineTest {

  @TempDir Path tmp;

  /** The baseline's rule of each kind; it holds only for requests tagged {@code b}. */
  private static final Map<String, String> BASELINE_RULES =
      Map.of(
          "none", "",
          "allow", "effect: allow",
          "step_up", "effect: step_up",
          "gate", "require_approval: {groups: [org-approvers]}",
          "ask", "effect: ask\n    approval: {groups: [org-approvers]}",
          "defer", "effect: defer",
          "deny", "effect: deny");

  /** The team's rule of each kind, unconditional; {@code none} leaves fs.read to its default. */
  private static final Map<String, String> TEAM_RULES =
      Map.of(
          "none", "",
          "allow", "effect: allow",
          "step_up", "effect: step_up",
          "gate", "require_approval: {groups: [team-leads]}",
          "ask", "effect: ask\n    approval: {groups: [team-leads]}",
          "defer", "effect: defer",
          "deny", "effect: deny");

  @TestFactory
  Stream<DynamicTest> evaluate_baselineAndTeamRules_combineAsTheTableSays()
      throws IOException, URISyntaxException {
    Path table = resource("extends/combining.tsv").resolve("");
    List<String[]> rows =
        Files.readAllLines(table, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .map(l -> l.split("\t"))
            .toList();
    assertThat(rows).hasSize(BASELINE_RULES.size() * TEAM_RULES.size());
    return rows.stream()
        .map(
            row ->
                DynamicTest.dynamicTest(
                    "baseline " + row[0] + " x team " + row[1] + " -> " + row[2],
                    () -> {
                      Policy policy = teamOverBaseline(row[0], row[1]);
                      Decision d = policy.decide(req("fs.read").tool("Read").tag("b").build());
                      assertThat(d.effect().wireName()).isEqualTo(row[2]);
                      List<String> rules =
                          row[3].equals("-") ? List.of() : Arrays.asList(row[3].split(","));
                      assertThat(d.ruleIds()).containsExactlyElementsOf(rules);
                      assertThat(d.policy()).isEqualTo(policy.ref());
                      if (d instanceof Decision.RequireApproval a) {
                        boolean baselineAsks = rules.stream().anyMatch(r -> r.startsWith("b-"));
                        assertThat(a.requirement().approverGroups())
                            .containsExactly(baselineAsks ? "org-approvers" : "team-leads");
                      }
                      // Where the baseline's condition does not hold, the team decides alone.
                      Decision untagged = policy.decide(req("fs.read").tool("Read").build());
                      Effect team =
                          row[1].equals("none")
                              ? Effect.ALLOW
                              : row[1].equals("gate")
                                  ? Effect.ASK
                                  : Effect.fromWireName(row[1]).orElseThrow();
                      assertThat(untagged.effect()).isEqualTo(team);
                    }));
  }

  private Policy teamOverBaseline(String baselineRule, String teamRule)
      throws IOException, PolicyException {
    Path dir = Files.createTempDirectory(tmp, baselineRule + "-" + teamRule);
    Path org = Files.createDirectories(dir.resolve("org"));
    Path team = Files.createDirectories(dir.resolve("team"));
    Files.writeString(
        org.resolve("policy.yaml"),
        "policy: {id: org, version: 1}\nrules:\n"
            + (baselineRule.equals("none")
                ? "  []\n"
                : "  - id: b-"
                    + baselineRule
                    + "\n    match: {class: fs.read}\n    when: '\"b\" in tags'\n    "
                    + BASELINE_RULES.get(baselineRule)
                    + "\n"));
    Files.writeString(
        team.resolve("policy.yaml"),
        "policy: {id: team, version: 1, extends: ../org}\nrules:\n"
            + (teamRule.equals("none")
                ? "  []\n"
                : "  - id: t-"
                    + teamRule
                    + "\n    match: {class: fs.read}\n    "
                    + TEAM_RULES.get(teamRule)
                    + "\n"));
    return Fixtures.loader().load(team);
  }

  @Test
  void load_extends_refRecordsBothPoliciesAndTheDigestCoversTheBaseline() throws Exception {
    Path org = write("org/policy.yaml", "policy: {id: org, version: 4}\nrules: []\n");
    write("team/policy.yaml", "policy: {id: team, version: 2, extends: ../org}\nrules: []\n");
    Path teamDir = tmp.resolve("team");
    Policy team = Fixtures.loader().load(teamDir);
    Policy alone = Fixtures.loader().load(org.getParent());
    String teamFilesOnly = PolicyLoader.digest(PolicyLoader.readPolicyFiles(teamDir));

    assertThat(team.baseline()).map(Policy::digest).hasValue(alone.digest());
    assertThat(team.ref().baseline()).hasValue(alone.ref());
    assertThat(team.digest()).isNotEqualTo(teamFilesOnly);
    assertThat(team.location()).hasValue(teamDir.toRealPath());
    assertThat(team.baseline().orElseThrow().location()).hasValue(org.getParent().toRealPath());

    write("org/policy.yaml", "policy: {id: org, version: 5}\nrules: []\n");
    assertThat(Fixtures.loader().load(teamDir).digest())
        .as("a changed baseline is a changed policy")
        .isNotEqualTo(team.digest());
  }

  @Test
  void policyRef_inReceipts_baselineNestedOnlyWhenPresent() {
    ObjectNode plain = JsonNodeFactory.instance.objectNode();
    ReceiptFormat.policyRef(plain, new PolicyRef("team", "2", "t".repeat(64)));
    ObjectNode nested = JsonNodeFactory.instance.objectNode();
    ReceiptFormat.policyRef(
        nested,
        new PolicyRef(
            "team",
            "2",
            "t".repeat(64),
            java.util.Optional.of(new PolicyRef("org", "4", "o".repeat(64)))));

    assertThat(CanonicalJson.write(plain))
        .as("a policy without a baseline keeps the receipt form old logs have")
        .isEqualTo("{\"digest\":\"" + "t".repeat(64) + "\",\"id\":\"team\",\"version\":\"2\"}");
    assertThat(CanonicalJson.write(nested))
        .isEqualTo(
            "{\"baseline\":{\"digest\":\""
                + "o".repeat(64)
                + "\",\"id\":\"org\",\"version\":\"4\"},\"digest\":\""
                + "t".repeat(64)
                + "\",\"id\":\"team\",\"version\":\"2\"}");
  }

  @Test
  void evaluate_baselineDenyWinsOverATeamAllowThatOnlyMatchesUnderACondition() throws Exception {
    write(
        "org/policy.yaml",
        "policy: {id: org, version: 1}\n"
            + "rules:\n"
            + "  - {id: no-prod-writes, match: {class: fs.write}, when: 'context.env == \"prod\"',"
            + " effect: deny}\n");
    write(
        "team/policy.yaml",
        "policy: {id: team, version: 1, extends: ../org}\n"
            + "rules:\n"
            + "  - {id: writes, match: {class: fs.write}, effect: allow}\n");
    Policy team = Fixtures.loader().load(tmp.resolve("team"));

    Decision prod = team.decide(req("fs.write").tool("Write").context("env", "prod").build());
    Decision dev = team.decide(req("fs.write").tool("Write").context("env", "dev").build());

    assertThat(prod).isInstanceOf(Decision.Deny.class);
    assertThat(prod.ruleIds()).containsExactly("no-prod-writes");
    assertThat(prod.reason()).startsWith("baseline org: ");
    assertThat(dev.effect()).isEqualTo(Effect.ALLOW);
    assertThat(dev.ruleIds()).containsExactly("writes");
  }

  @Test
  void evaluate_classTheBaselineSaysNothingAbout_isTheTeamsToDecide() throws Exception {
    write(
        "org/policy.yaml",
        "policy: {id: org, version: 1}\nrules:\n"
            + "  - {id: no-payments, match: {class: payment}, effect: deny}\n");
    write(
        "team/policy.yaml",
        "policy: {id: team, version: 1, extends: ../org}\nrules:\n"
            + "  - {id: shell, match: {class: shell.exec}, effect: allow}\n");
    Policy team = Fixtures.loader().load(tmp.resolve("team"));

    assertThat(team.decide(req("shell.exec").build()).effect()).isEqualTo(Effect.ALLOW);
    assertThat(team.decide(req("payment").build()).ruleIds()).containsExactly("no-payments");
    assertThat(team.decide(req("db.write").build()).reason())
        .as("the team's own deny of unmatched high-impact actions still holds")
        .contains("unmatched high-impact action");
  }

  @Test
  void load_extendsFromSourcesWithoutADirectory_isRefusedAtTheValue() {
    assertThatThrownBy(
            () -> Fixtures.load("policy: {id: team, version: 1, extends: ../org}\nrules: []\n"))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining(
            "policy.yaml:1:41: extends '../org' cannot be resolved: this policy was not loaded"
                + " from a directory");
  }

  @Test
  void load_extendsASingleFile_loadsItAsTheBaseline() throws Exception {
    write(
        "org.yaml",
        "policy: {id: org, version: 1}\nrules:\n"
            + "  - {id: no-payments, match: {class: payment}, effect: deny}\n");
    write("team/policy.yaml", "policy: {id: team, version: 1, extends: ../org.yaml}\nrules: []\n");
    Policy team = Fixtures.loader().load(tmp.resolve("team"));

    assertThat(team.baseline()).map(Policy::id).hasValue("org");
    assertThat(team.baseline().orElseThrow().rules().get(0).position().toString())
        .isEqualTo("../org.yaml:3:5");
  }

  @TestFactory
  Stream<DynamicTest> load_badExtends_refusedWithExactPosition()
      throws IOException, URISyntaxException {
    Path dir = resource("bad-extends");
    List<Path> cases;
    try (Stream<Path> s = Files.list(dir)) {
      cases = s.sorted().toList();
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(8);
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.getFileName().toString(),
                    () -> {
                      Path team = c.resolve("team");
                      String expect =
                          Files.readAllLines(team.resolve("policy.yaml"), StandardCharsets.UTF_8)
                              .get(0);
                      assertThat(expect).startsWith("# expect: ");
                      String[] parts = expect.substring("# expect: ".length()).split(": ", 2);
                      PolicyException e =
                          catchThrowableOfType(
                              PolicyException.class, () -> Fixtures.loader().load(team));
                      assertThat(e).as("the policy must be refused").isNotNull();
                      assertThat(e.problems())
                          .as(e.getMessage())
                          .anySatisfy(
                              p -> {
                                assertThat(p.file() + ":" + p.line() + ":" + p.column())
                                    .isEqualTo(parts[0]);
                                assertThat(p.message()).contains(parts[1]);
                              });
                    }));
  }

  private Path resource(String name) throws URISyntaxException {
    return Path.of(getClass().getResource("/dev/proctor/policy/" + name).toURI());
  }

  private Path write(String name, String text) throws IOException {
    Path f = tmp.resolve(name);
    Files.createDirectories(f.getParent());
    return Files.writeString(f, text);
  }
}

package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandsTest {

  private static final String POLICY =
      """
      policy: {id: demo, version: '1'}
      rules:
        - id: deny-env
          match: {class: [fs.read]}
          when: 'labels.exists(l, l == "secret")'
          effect: deny
          reason: secrets stay put
        - id: allow-reads
          match: {class: [fs.read]}
          effect: allow
        - id: never-tested
          match: {class: [fs.write]}
          effect: ask
      """;

  private static final String SUITE =
      """
      cases:
        - name: env is denied
          request: {tool: Read, arguments: {file_path: /p/.env}, context: {cwd: /p}}
          expect: {effect: deny, rule: deny-env}
        - name: source is allowed
          request: {tool: Read, arguments: {file_path: /p/a.txt}, context: {cwd: /p}}
          expect: {effect: allow, rule: allow-reads}
      """;

  @Test
  void validate_validPolicy_exitsZeroWithSummary(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);

    CliRun run = CliRun.run("", "policy", "validate", dir.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
    assertThat(run.out()).contains("valid: policy demo").contains("3 rules");
  }

  @Test
  void validate_unknownKey_exitsOneWithFileLineColumn(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"), POLICY.replace("reason: secrets", "raeson: secrets"));

    CliRun run = CliRun.run("", "policy", "validate", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).containsPattern("policy\\.yaml:7:\\d+: .*raeson");
  }

  @Test
  void validate_defaultPackExample_isValid() {
    CliRun run = CliRun.run("", "policy", "validate", "../examples/coding-agent");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
  }

  @Test
  void test_passingSuite_reportsCoverageAndWritesJUnit(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.createDirectories(dir.resolve("tests"));
    Files.writeString(dir.resolve("tests/reads.yaml"), SUITE);
    Path junit = dir.resolve("out/junit.xml");

    CliRun run = CliRun.run("", "test", dir.toString(), "--junit", junit.toString());

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
    assertThat(run.out()).contains("2 passed, 0 failed").contains("never-tested");
    assertThat(Files.readString(junit)).contains("<testsuite").contains("env is denied");
  }

  @Test
  void test_failingCase_exitsOneAndNamesTheCase(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.createDirectories(dir.resolve("tests"));
    Files.writeString(
        dir.resolve("tests/reads.yaml"),
        SUITE.replace("effect: allow, rule", "effect: deny, rule"));

    CliRun run = CliRun.run("", "test", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out())
        .contains("FAIL tests/reads.yaml")
        .contains("source is allowed")
        .contains("1 passed, 1 failed");
  }

  @Test
  void test_noCases_exitsOne(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "policy: {id: empty, version: 1}\n");

    CliRun run = CliRun.run("", "test", dir.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL no test cases");
  }

  @Test
  void validateStrict_shippedPacks_haveNoWarnings() {
    for (String pack : List.of("../examples/coding-agent", "../examples/support-finance")) {
      CliRun run = CliRun.run("", "policy", "validate", "--strict", pack);

      assertThat(run.exitCode()).as(pack + ": " + run.err()).isEqualTo(0);
      assertThat(run.err()).as(pack).doesNotContain("warning:").doesNotContain("error:");
    }
  }

  @Test
  void validate_findings_printWarningsAndExitZero_strictExitsOne(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        POLICY + "  - {id: later-reads, match: {class: fs.read, tool: Read}, effect: allow}\n");

    CliRun lenient = CliRun.run("", "policy", "validate", dir.toString());
    CliRun strict = CliRun.run("", "policy", "validate", "--strict", dir.toString());

    String line =
        "policy.yaml:14:5: rule later-reads is shadowed by rule allow-reads (at policy.yaml:8:5)";
    assertThat(lenient.exitCode()).as(lenient.err()).isEqualTo(0);
    assertThat(lenient.err()).contains("warning: " + line);
    assertThat(lenient.out()).contains("valid: policy demo");
    assertThat(strict.exitCode()).isEqualTo(1);
    assertThat(strict.err())
        .contains("error: " + line)
        .contains("invalid under --strict: 1 warning");
    assertThat(strict.out()).doesNotContain("valid:");
  }

  @Test
  void validateAndTest_policyExtendingABaseline_showTheBaselineAndWhereItIs(@TempDir Path dir)
      throws Exception {
    Path org = Files.createDirectories(dir.resolve("org-baseline"));
    Files.writeString(
        org.resolve("policy.yaml"),
        "policy: {id: org, version: 3}\nrules:\n"
            + "  - {id: no-payments, match: {class: payment}, effect: deny}\n");
    Path team = Files.createDirectories(dir.resolve("team"));
    Files.writeString(
        team.resolve("policy.yaml"),
        POLICY.replace("version: '1'}", "version: '1', extends: ../org-baseline}"));
    Files.createDirectories(team.resolve("tests"));
    Files.writeString(team.resolve("tests/reads.yaml"), SUITE);

    CliRun validate = CliRun.run("", "policy", "validate", team.toString());
    CliRun test = CliRun.run("", "test", team.toString());

    String shown = "extends: baseline org version 3, 1 rules, digest ";
    assertThat(validate.exitCode()).as(validate.err()).isEqualTo(0);
    assertThat(validate.out()).contains(shown).contains("from " + org.toRealPath());
    assertThat(test.out()).contains(shown).contains("from " + org.toRealPath());
  }

  @Test
  void validate_teamRuleWeakeningTheBaseline_exitsOneNamingBothRules(@TempDir Path dir)
      throws Exception {
    Path org = Files.createDirectories(dir.resolve("org"));
    Files.writeString(
        org.resolve("policy.yaml"),
        "policy: {id: org, version: 3}\nrules:\n"
            + "  - {id: no-reads, match: {class: fs.read}, effect: deny}\n");
    Path team = Files.createDirectories(dir.resolve("team"));
    Files.writeString(
        team.resolve("policy.yaml"),
        POLICY.replace("version: '1'}", "version: '1', extends: ../org}"));

    CliRun run = CliRun.run("", "policy", "validate", team.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains(
            "policy.yaml:8:5: rule allow-reads (allow) is weaker than baseline org's rule no-reads"
                + " (deny, at ../org/policy.yaml:3:5)");
  }
}

package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}

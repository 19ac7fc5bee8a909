package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.decision.Effect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyTestRunnerTest {

  private static final String POLICY =
      "policy: {id: runner, version: 1}\n"
          + "rules:\n"
          + "  - {id: read, match: {class: fs.read}, effect: allow}\n"
          + "  - {id: no-secrets, when: '\"secret\" in labels', effect: deny}\n"
          + "  - {id: never-tested, match: {class: vcs.push}, effect: ask}\n";

  private static final String SUITE =
      "suite: basics\n"
          + "cases:\n"
          + "  - name: read a file\n"
          + "    request: {tool: Read, class: fs.read, arguments: {file_path: /w/a.txt}}\n"
          + "    expect: {effect: allow, rule: read}\n"
          + "  - name: read a secret\n"
          + "    request: {tool: Read, class: fs.read, labels: [secret]}\n"
          + "    expect: {effect: deny, rule: no-secrets}\n"
          + "  - name: wrong on purpose\n"
          + "    request: {tool: Bash, class: fs.read}\n"
          + "    expect: {effect: ask}\n";

  @Test
  void run_noCases_isNotOk() throws Exception {
    PolicyTestReport report =
        new PolicyTestRunner(Fixtures.DECLARED).run(Fixtures.load(POLICY), List.of());
    assertThat(report.results()).isEmpty();
    assertThat(report.ok()).isFalse();
  }

  @Test
  void run_ruleThatOnlyMatched_isNotCovered() throws Exception {
    String suite =
        "suite: s\n"
            + "cases:\n"
            + "  - name: a secret read\n"
            + "    request: {tool: Read, class: fs.read, labels: [secret]}\n"
            + "    expect: {effect: deny, rule: no-secrets}\n";
    PolicyTestReport report =
        new PolicyTestRunner(Fixtures.DECLARED)
            .run(
                Fixtures.load(POLICY),
                PolicyTestSuite.parse(List.of(PolicySource.of("tests/s.yaml", suite))));
    // read matched this case too, but no-secrets decided it: no case shows what read does.
    assertThat(report.uncoveredRules()).containsExactly("read", "never-tested");
  }

  @Test
  void run_suiteFromDirectory_reportsFailuresAndUncoveredRules(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), POLICY);
    Files.createDirectory(dir.resolve("tests"));
    Files.writeString(dir.resolve("tests/basics.yaml"), SUITE);
    Policy policy = Fixtures.loader().load(dir);
    List<PolicyTestSuite> suites = PolicyTestSuite.parse(PolicyLoader.readTestFiles(dir));
    PolicyTestReport report = new PolicyTestRunner(Fixtures.DECLARED).run(policy, suites);

    assertThat(report.passed()).isEqualTo(2);
    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.ok()).isFalse();
    assertThat(report.uncoveredRules()).containsExactly("never-tested");
    PolicyTestResult failed = report.results().get(2);
    assertThat(failed.actualEffect()).isEqualTo(Effect.ALLOW);
    assertThat(failed.testCase().position().toString()).isEqualTo("tests/basics.yaml:9:5");
    assertThat(failed.failure())
        .hasValueSatisfying(f -> assertThat(f).startsWith("expected ask, got allow by read"));

    String xml = JUnitXmlWriter.toXml(report);
    assertThat(xml)
        .startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .contains("<testsuites name=\"policy runner\" tests=\"3\" failures=\"1\"")
        .contains(
            "<testsuite name=\"basics\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"0\"")
        .contains(
            "<testcase classname=\"basics\" name=\"read a file\" file=\"tests/basics.yaml\" line=\"3\"")
        .contains("<failure message=\"expected ask, got allow by read")
        .contains("rules no case exercised: never-tested");
    javax.xml.parsers.DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(
            new java.io.ByteArrayInputStream(
                xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void parse_badSuite_refusedWithPosition() {
    String bad = "cases:\n  - name: x\n    request: {tool: Read}\n    expect: {effect: maybe}\n";
    assertThatThrownBy(() -> PolicyTestSuite.parse(List.of(PolicySource.of("tests/bad.yaml", bad))))
        .isInstanceOf(PolicyException.class)
        .hasMessageContaining("tests/bad.yaml:4:22: unknown effect 'maybe'");
  }
}

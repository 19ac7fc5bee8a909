package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The YAML examples in docs/policy-language.md load (policies) or parse and pass (suites). */
class PolicyDocsTest {

  private static List<String> yamlBlocks() throws Exception {
    List<String> blocks = new ArrayList<>();
    StringBuilder current = null;
    for (String line : Files.readAllLines(Path.of("..", "docs", "policy-language.md"))) {
      if (current == null && line.equals("```yaml")) {
        current = new StringBuilder();
      } else if (current != null && line.equals("```")) {
        blocks.add(current.toString());
        current = null;
      } else if (current != null) {
        current.append(line).append('\n');
      }
    }
    return blocks;
  }

  @Test
  void docs_everyYamlExample_loadsOrRuns() throws Exception {
    List<String> blocks = yamlBlocks();
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
    Policy first = null;
    int policies = 0;
    for (String block : blocks) {
      if (block.startsWith("policy:")) {
        Policy p = Fixtures.load(block);
        first = first == null ? p : first;
        policies++;
      } else if (block.startsWith("agents:") || block.startsWith("humans:")) {
        Policy p =
            Fixtures.loader()
                .load(
                    List.of(
                        PolicySource.of("policy.yaml", "policy: {id: docs, version: 1}\n"),
                        PolicySource.of("principals.yaml", block)));
        assertThat(p.principals().isEmpty()).isFalse();
      } else {
        List<PolicyTestSuite> suites =
            PolicyTestSuite.parse(List.of(PolicySource.of("tests/docs.yaml", block)));
        PolicyTestReport report = new PolicyTestRunner(Fixtures.DECLARED).run(first, suites);
        assertThat(report.ok()).as(report.results().toString()).isTrue();
      }
    }
    assertThat(policies).isGreaterThanOrEqualTo(2);
    assertThat(first.examples()).hasSize(2);
  }
}

package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML examples in docs/policy-language.md load (policies) or parse and pass (suites). */
class PolicyDocsTest {

  @TempDir Path tmp;

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
    String previous = null;
    int policies = 0;
    for (String block : blocks) {
      if (block.startsWith("policy:") && block.contains("extends: ")) {
        // A team policy extends the policy of the block before it, at the path it names.
        String path = block.split("extends: ", 2)[1].split("[},\\n]", 2)[0].strip();
        Path team = Files.createDirectories(tmp.resolve("team"));
        Path baseline = team.resolve(path).normalize();
        Files.createDirectories(baseline);
        Files.writeString(baseline.resolve("policy.yaml"), previous);
        Files.writeString(team.resolve("policy.yaml"), block);
        Policy p = Fixtures.loader().load(team);
        assertThat(p.baseline()).isPresent();
        policies++;
      } else if (block.startsWith("policy:")) {
        Policy p = Fixtures.load(block);
        previous = block;
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

package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.Proctor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The second shipped pack, {@code examples/support-finance}: loaded as a policy directory (its
 * principals and taxonomy with it) through the real classifier, every case passes and every rule
 * decides at least one case.
 */
class SupportFinancePackTest {

  private static final Path PACK = Path.of("..", "examples", "support-finance");

  @Test
  void pack_everyCasePasses_everyRuleDecidesOne() throws Exception {
    try (Proctor proctor = Proctor.builder().policyDirectory(PACK).inMemoryLog().build()) {
      List<PolicyTestSuite> suites = PolicyTestSuite.parse(PolicyLoader.readTestFiles(PACK));
      PolicyTestReport report =
          new PolicyTestRunner(proctor.policyLoader().pipeline()).run(proctor.policy(), suites);

      assertThat(report.results()).hasSizeGreaterThanOrEqualTo(25);
      assertThat(report.results())
          .as(report.results().toString())
          .allSatisfy(r -> assertThat(r.failure()).as(r.testCase().name()).isEmpty());
      assertThat(report.uncoveredRules()).isEmpty();
      assertThat(proctor.policy().principals().isEmpty()).isFalse();
    }
  }
}

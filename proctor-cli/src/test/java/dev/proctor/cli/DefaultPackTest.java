package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default pack's own test suites, run through the real classifiers as a user runs them. */
class DefaultPackTest {

  @Test
  void defaultPack_testSuites_allPassWithEveryRuleExercised() {
    CliRun run = CliRun.run("", "test", "../examples/coding-agent");

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
    assertThat(run.out()).contains(" 0 failed").contains("every rule exercised");
  }
}

package dev.proctor.cli;

import dev.proctor.Proctor;
import dev.proctor.policy.JUnitXmlWriter;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyLoader;
import dev.proctor.policy.PolicyTestReport;
import dev.proctor.policy.PolicyTestResult;
import dev.proctor.policy.PolicyTestRunner;
import dev.proctor.policy.PolicyTestSuite;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proctor test}: runs a policy directory's test suites and reports coverage. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Run the test suites of a policy directory (DIR/tests/*.yaml and DIR/*.test.yaml) and its"
          + " inline expect: examples; print failures, a summary and the rules no test exercised.",
      "Exit codes: 0 all passed, 1 a case failed, 2 the policy or a suite does not load."
    })
final class TestCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DIR",
      description = "Policy directory (default: .).")
  Path dir = Path.of(".");

  @Option(
      names = "--taxonomy",
      paramLabel = "FILE",
      description = "User taxonomy file (default: $PROCTOR_TAXONOMY, else none).")
  Path taxonomy;

  @Option(
      names = "--junit",
      paramLabel = "FILE",
      description = "Also write the results as JUnit XML to FILE.")
  Path junit;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    try {
      PolicyOptions options = new PolicyOptions();
      options.policy = dir;
      options.taxonomy = taxonomy;
      List<PolicyTestSuite> suites = PolicyTestSuite.parse(PolicyLoader.readTestFiles(dir));
      PolicyTestReport report;
      Policy policy;
      try (Proctor proctor = Embedded.withoutLog(options)) {
        policy = proctor.policy();
        report = new PolicyTestRunner(proctor.policyLoader().pipeline()).run(policy, suites);
      }
      print(report, out);
      PolicyCommand.printBaselines(policy, out);
      if (junit != null) {
        Path parent = junit.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        try (OutputStream xml = Files.newOutputStream(junit)) {
          JUnitXmlWriter.write(report, xml);
        }
        out.println("JUnit XML written to " + junit);
      }
      return report.ok() ? 0 : 1;
    } catch (Exception | StackOverflowError e) {
      return Failures.report(e, System.err);
    }
  }

  static void print(PolicyTestReport report, PrintStream out) {
    out.printf(
        "policy %s (digest %s): %d cases%n",
        report.policyId(),
        report.policyDigest().substring(0, Math.min(12, report.policyDigest().length())),
        report.results().size());
    for (PolicyTestResult r : report.results()) {
      if (!r.passed()) {
        out.printf(
            "FAIL %s:%d: %s: %s%n",
            r.testCase().position().file(),
            r.testCase().position().line(),
            r.testCase().name(),
            r.failure().orElse(""));
      }
    }
    out.printf("%d passed, %d failed%n", report.passed(), report.failed());
    if (report.results().isEmpty()) {
      out.println(
          "FAIL no test cases: add expect: examples or tests/*.yaml suites (a policy with no cases"
              + " is untested)");
    }
    if (report.uncoveredRules().isEmpty()) {
      out.println("rule coverage: every rule exercised");
    } else {
      out.printf(
          "rule coverage: %d rule(s) decided no case: %s%n",
          report.uncoveredRules().size(), String.join(", ", report.uncoveredRules()));
    }
  }
}

package dev.proctor.cli;

import dev.proctor.Proctor;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyAnalysis;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code proctor policy}: work with policy directories without deciding anything. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Work with policy directories.",
    subcommands = PolicyCommand.Validate.class)
final class PolicyCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /**
   * One line per baseline of the policy's {@code extends:} chain, nearest first: what it is, its
   * digest and where it really lives, so a reader sees which file set the floor.
   */
  static void printBaselines(Policy policy, PrintStream out) {
    String indent = "";
    for (Optional<Policy> b = policy.baseline(); b.isPresent(); b = b.get().baseline()) {
      Policy p = b.get();
      out.printf(
          "%sextends: baseline %s version %s, %d rules, digest %s, from %s%n",
          indent,
          p.id(),
          p.version(),
          p.rules().size(),
          p.digest(),
          p.location().map(Path::toString).orElse("(no directory)"));
      indent += "  ";
    }
  }

  /** {@code proctor policy validate DIR}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Load a policy directory and report every problem as file:line:column: message"
            + " (YAML, unknown keys, wrong types, rule ids, classes, CEL, failing expect: examples,"
            + " a weakened baseline), then semantic findings as warning: file:line:column: message"
            + " (rules that never fire, shadowed rules, a policy or defaults allowing everything,"
            + " budget, rate_limit and breaker blocks nothing enforces).",
        "Exit codes: 0 valid (warnings or not), 1 invalid, or any warning under --strict."
      })
  static final class Validate implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Policy directory.")
    Path dir;

    @Option(
        names = "--taxonomy",
        paramLabel = "FILE",
        description = "User taxonomy file (default: $PROCTOR_TAXONOMY, else none).")
    Path taxonomy;

    @Option(names = "--strict", description = "Treat every warning as an error (exit 1).")
    boolean strict;

    @Override
    public Integer call() {
      try {
        PolicyOptions options = new PolicyOptions();
        options.policy = dir;
        options.taxonomy = taxonomy;
        Policy policy;
        try (Proctor proctor = Embedded.withoutLog(options)) {
          policy = proctor.policy();
        }
        List<PolicyAnalysis.Finding> findings = PolicyAnalysis.findings(policy);
        for (PolicyAnalysis.Finding f : findings) {
          System.err.println((strict ? "error: " : "warning: ") + f.problem());
        }
        if (strict && !findings.isEmpty()) {
          System.err.printf(
              "invalid under --strict: %d warning%s%n",
              findings.size(), findings.size() == 1 ? "" : "s");
          return 1;
        }
        System.out.printf(
            "valid: policy %s version %s, %d rules, %d expect examples, digest %s%n",
            policy.id(),
            policy.version(),
            policy.rules().size(),
            policy.examples().size(),
            policy.digest());
        printBaselines(policy, System.out);
        return 0;
      } catch (Exception | StackOverflowError e) {
        Failures.report(e, System.err);
        return 1;
      }
    }
  }
}

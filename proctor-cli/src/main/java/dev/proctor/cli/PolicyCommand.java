package dev.proctor.cli;

import dev.proctor.Proctor;
import dev.proctor.policy.Policy;
import java.nio.file.Path;
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

  /** {@code proctor policy validate DIR}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Load a policy directory and report every problem as file:line:column: message"
            + " (YAML, unknown keys, wrong types, rule ids, classes, CEL, failing expect: examples).",
        "Exit codes: 0 valid, 1 invalid."
      })
  static final class Validate implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "Policy directory.")
    Path dir;

    @Option(
        names = "--taxonomy",
        paramLabel = "FILE",
        description = "User taxonomy file (default: $PROCTOR_TAXONOMY, else none).")
    Path taxonomy;

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
        System.out.printf(
            "valid: policy %s version %s, %d rules, %d expect examples, digest %s%n",
            policy.id(),
            policy.version(),
            policy.rules().size(),
            policy.examples().size(),
            policy.digest());
        return 0;
      } catch (Exception | StackOverflowError e) {
        Failures.report(e, System.err);
        return 1;
      }
    }
  }
}

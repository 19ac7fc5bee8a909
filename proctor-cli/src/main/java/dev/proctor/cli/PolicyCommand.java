package dev.proctor.cli;

import dev.proctor.Proctor;
import dev.proctor.policy.Policy;
import java.io.PrintStream;
import java.nio.file.Path;
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
        printBaselines(policy, System.out);
        return 0;
      } catch (Exception | StackOverflowError e) {
        Failures.report(e, System.err);
        return 1;
      }
    }
  }
}

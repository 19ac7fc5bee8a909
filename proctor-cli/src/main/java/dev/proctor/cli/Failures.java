package dev.proctor.cli;

import dev.proctor.action.BadInputException;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyProblem;
import java.io.PrintStream;

/** How commands report what stopped them: one line per problem, saying what and where. */
final class Failures {

  /**
   * Exit code for "could not decide": bad input, a policy that does not load, an internal error.
   */
  static final int CANNOT_DECIDE = 2;

  private Failures() {}

  /** Prints a failure to the stream and returns {@link #CANNOT_DECIDE}. */
  static int report(Throwable failure, PrintStream err) {
    err.println(describe(failure));
    return CANNOT_DECIDE;
  }

  /** What stopped a command, in the lines {@link #report} prints. */
  static String describe(Throwable failure) {
    if (failure instanceof PolicyException policy) {
      StringBuilder b = new StringBuilder("proctor: the policy does not load:");
      for (PolicyProblem problem : policy.problems()) {
        b.append(System.lineSeparator()).append("  ").append(problem);
      }
      return b.toString();
    }
    if (failure instanceof TaxonomyException taxonomy) {
      return "proctor: the taxonomy does not load: " + taxonomy.getMessage();
    }
    if (failure instanceof BadInputException bad) {
      return "proctor: bad input at " + bad.getMessage();
    }
    return "proctor: internal error, failing closed: " + failure;
  }
}

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
    if (failure instanceof PolicyException policy) {
      err.println("proctor: the policy does not load:");
      for (PolicyProblem problem : policy.problems()) {
        err.println("  " + problem);
      }
    } else if (failure instanceof TaxonomyException taxonomy) {
      err.println("proctor: the taxonomy does not load: " + taxonomy.getMessage());
    } else if (failure instanceof BadInputException bad) {
      err.println("proctor: bad input at " + bad.getMessage());
    } else {
      err.println("proctor: internal error, failing closed: " + failure);
    }
    return CANNOT_DECIDE;
  }
}

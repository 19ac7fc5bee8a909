package dev.proctor.cli;

import dev.proctor.Proctor;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.policy.PolicyException;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Proctor as the commands run it embedded: the policy and taxonomy the options name (the default
 * pack and the built-in taxonomy otherwise), recording in the data directory's log, which is
 * protected from the agent like the policy and the taxonomy.
 */
final class Embedded {

  private Embedded() {}

  /** Opens Proctor over a data directory's log, creating its signing key on first use. */
  static Proctor open(PolicyOptions options, DataDirectory dir, Duration deadline, PrintStream err)
      throws IOException, PolicyException, TaxonomyException {
    Proctor.Builder b =
        configure(options).protect(dir.root()).protectInstallation().decisionDeadline(deadline);
    return SqliteActionLog.into(b, dir, notice -> err.println("proctor: " + notice)).build();
  }

  /**
   * Loads the policy and taxonomy the options name with a log in memory, for commands that only
   * validate or test a policy and record nothing.
   */
  static Proctor withoutLog(PolicyOptions options) throws PolicyException, TaxonomyException {
    return configure(options).inMemoryLog().build();
  }

  private static Proctor.Builder configure(PolicyOptions options) {
    Proctor.Builder b = Proctor.builder();
    options.policyDir().ifPresent(b::policyDirectory);
    options.taxonomyFile().ifPresent(b::taxonomyFile);
    return b;
  }
}

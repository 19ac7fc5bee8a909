package dev.proctor.store.jdbc;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.store.DataDirectory;
import java.nio.file.Path;

/**
 * A child process of the mirror test: behaves like a run of short hook processes on one data
 * directory — opens the log, records one action, closes it (which signs a checkpoint) — {@code
 * rounds} times.
 */
public final class MirrorChild {

  private MirrorChild() {}

  /** Runs with the data directory, a prefix for action ids and the number of rounds. */
  public static void main(String[] args) throws Exception {
    DataDirectory dir = new DataDirectory(Path.of(args[0]));
    int rounds = Integer.parseInt(args[2]);
    for (int i = 0; i < rounds; i++) {
      try (ActionLog log = SqliteActionLog.open(dir)) {
        log.recordAll(AuditFixtures.allowedAndSucceeded(args[1] + i));
      }
    }
  }
}

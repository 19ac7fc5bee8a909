package dev.proctor.server.witness;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.LogOptions;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;

/** Real SQLite action logs in data directories, and a clock tests move by hand. */
final class TestLogs {

  /** Checkpoints only on demand and on close, so tests decide when one is signed. */
  static final LogOptions ON_DEMAND =
      LogOptions.DEFAULT.withCheckpoints(1_000_000, Duration.ofHours(1));

  private TestLogs() {}

  /** A clock that stands still until a test advances it. */
  static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Creates a data directory with a fresh signing key. */
  static DataDirectory create(Path root) throws IOException {
    DataDirectory dir = new DataDirectory(root);
    KeyFiles.create(dir.signingKey(), dir.publicKeys());
    return dir;
  }

  /** Opens the SQLite log of a data directory. */
  static ActionLog open(DataDirectory dir, Clock clock) throws IOException {
    return SqliteActionLog.open(dir, clock, ON_DEMAND);
  }

  /** Records the four-receipt lifecycle of {@code actions} actions named from a prefix. */
  static void fill(ActionLog log, String prefix, int actions) throws LogUnavailableException {
    for (int i = 0; i < actions; i++) {
      log.recordAll(AuditFixtures.allowedAndSucceeded(prefix + i));
    }
  }

  /**
   * Copies a closed log's database and keys to a new data directory: the copy has the same log id
   * and signing key, so that the two can diverge from a common prefix.
   */
  static DataDirectory copy(DataDirectory from, Path to) {
    DataDirectory dir = new DataDirectory(to);
    try {
      Files.createDirectories(to);
      for (String name : new String[] {"proctor.db", "proctor.db-wal", "proctor.db-shm"}) {
        Path f = from.root().resolve(name);
        if (Files.exists(f)) {
          Files.copy(f, to.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      try (Stream<Path> keys = Files.walk(from.keys())) {
        for (Path p : keys.toList()) {
          Path target = dir.keys().resolve(from.keys().relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}

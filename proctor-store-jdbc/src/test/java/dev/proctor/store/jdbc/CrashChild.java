package dev.proctor.store.jdbc;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.LogOptions;
import dev.proctor.audit.Receipt;
import dev.proctor.store.DataDirectory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The child process of the crash test: appends receipts from eight threads until it is killed,
 * printing {@code ACK <receipt id>} for each receipt only after its append returned (durable).
 */
public final class CrashChild {

  private CrashChild() {}

  /** Runs with the data directory and a prefix for action ids. */
  public static void main(String[] args) throws Exception {
    DataDirectory dir = new DataDirectory(Path.of(args[0]));
    String prefix = args[1];
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    ActionLog log =
        SqliteActionLog.open(
            dir,
            Clock.systemUTC(),
            LogOptions.DEFAULT.withCheckpoints(500, Duration.ofMillis(100)));
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; ; i++) {
                  try {
                    List<Receipt> receipts =
                        log.recordAll(AuditFixtures.allowedAndSucceeded(prefix + id + "-" + i));
                    StringBuilder b = new StringBuilder();
                    for (Receipt r : receipts) {
                      b.append("ACK ").append(r.id()).append('\n');
                    }
                    synchronized (out) {
                      out.print(b);
                      out.flush();
                    }
                  } catch (Exception e) {
                    synchronized (out) {
                      out.println("ERR " + e);
                      out.flush();
                    }
                    return;
                  }
                }
              });
      threads[t].start();
    }
    out.println("READY");
    out.flush();
    for (Thread t : threads) {
      t.join();
    }
  }
}

package dev.proctor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.LogOptions;
import dev.proctor.decision.Decision;
import dev.proctor.decision.PolicyRef;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the log's group-commit window ({@link LogOptions#commitDelay()}) does to the writer: WRITERS
 * threads each record decisions one after another (requested + decided, waiting for each, as a
 * server's request threads do) into a fresh SQLite log, once per window given, in turn, ROUNDS
 * times. Prints decisions per commit, the writer thread's CPU time per decision, the process's, and
 * decisions per second.
 *
 * <p>Run: {@code java -cp proctor-bench/target/benchmarks.jar
 * dev.proctor.bench.GroupCommitBenchmark WRITERS DECISIONS_PER_WRITER WINDOWS_US ROUNDS}, such as
 * {@code 8 500 0,500 2}.
 */
public final class GroupCommitBenchmark {

  private GroupCommitBenchmark() {}

  /** Runs the comparison. */
  public static void main(String[] args) throws Exception {
    int writers = Integer.parseInt(args[0]);
    int perWriter = Integer.parseInt(args[1]);
    String[] windows = args[2].split(",");
    int rounds = Integer.parseInt(args[3]);
    JsonNode arguments = new ObjectMapper().readTree("{\"file_path\":\"/work/project/Main.java\"}");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Decision allow =
        new Decision.Allow(Decision.Basis.of("ok", new PolicyRef("bench", "1", "a".repeat(64))));
    for (int round = 0; round < rounds; round++) {
      for (String w : windows) {
        DataDirectory dir = new DataDirectory(Files.createTempDirectory("proctor-group-commit"));
        KeyFiles.create(dir.signingKey(), dir.publicKeys());
        LogOptions options =
            LogOptions.DEFAULT.withCommitDelay(Duration.ofNanos(Long.parseLong(w) * 1000));
        try (ActionLog log = SqliteActionLog.open(dir, Clock.systemUTC(), options)) {
          AtomicLong commits = new AtomicLong();
          log.onReceipts(receipts -> commits.incrementAndGet());
          Runnable work =
              () -> {
                String prefix = UUID.randomUUID() + "-";
                for (int i = 0; i < perWriter; i++) {
                  ActionRequest r =
                      new ActionRequest(
                          prefix + i,
                          Instant.now(),
                          Principal.agentSession("claude-code", "bench"),
                          "claude-code",
                          "Read",
                          "read",
                          arguments,
                          Classification.of("fs.read"),
                          Set.of(),
                          Map.of());
                  try {
                    log.recordDecision(r, allow, Duration.ofSeconds(30));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              };
          run(work, writers); // warm-up
          long c0 = commits.get();
          long writer0 = writerCpu(mx);
          long process0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          run(work, writers);
          double seconds = (System.nanoTime() - t0) / 1e9;
          long n = (long) writers * perWriter;
          System.out.printf(
              "window %4s us: %d decisions, %.2f decisions per commit, writer CPU %.0f us and"
                  + " process CPU %.0f us per decision, %.0f decisions/s (load %s)%n",
              w,
              n,
              n / (double) (commits.get() - c0),
              (writerCpu(mx) - writer0) / 1e3 / n,
              (os.getProcessCpuTime() - process0) / 1e3 / n,
              n / seconds,
              Files.readString(Path.of("/proc/loadavg")).strip());
        }
      }
    }
  }

  private static void run(Runnable work, int writers) throws InterruptedException {
    Thread[] threads = new Thread[writers];
    for (int i = 0; i < writers; i++) {
      threads[i] = new Thread(work);
      threads[i].start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }

  private static long writerCpu(ThreadMXBean mx) {
    long sum = 0;
    for (ThreadInfo t : mx.dumpAllThreads(false, false)) {
      if (t.getThreadName().startsWith("proctor-action-log-writer")) {
        sum += mx.getThreadCpuTime(t.getThreadId());
      }
    }
    return sum;
  }
}

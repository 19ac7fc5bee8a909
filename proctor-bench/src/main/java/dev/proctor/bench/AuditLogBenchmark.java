package dev.proctor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.ActionRecord;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LifecycleEvent;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogOptions;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.Merkle;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The action log's load benchmark: durable appends on SQLite with group commit from concurrent
 * writers (throughput, acknowledgement latency p50/p99/p99.9, heap after), verification speed of
 * the export, and inclusion proof time on the resulting log. Usage: {@code java -cp benchmarks.jar
 * dev.proctor.bench.AuditLogBenchmark DIR RECEIPTS WRITERS WINDOW [WARMUP [appends]]}: first WARMUP
 * receipts are appended untimed (so that the JIT has compiled the append path, as in a long-running
 * gateway); with {@code appends} only the appends are measured. The machine's load average is
 * printed before and after, since a shared machine changes the figures.
 */
public final class AuditLogBenchmark {

  private AuditLogBenchmark() {}

  /** Runs the benchmark and prints the figures. */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "target/audit-bench");
    long receipts = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    int writers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int window = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    long warmUp = args.length > 4 ? Long.parseLong(args[4]) : 0;
    boolean appendsOnly = args.length > 5 && args[5].equals("appends");
    DataDirectory dir = new DataDirectory(root);
    if (!Files.exists(dir.signingKey())) {
      KeyFiles.create(dir.signingKey(), dir.publicKeys());
    }
    long before;
    try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
      before = store.size();
    }
    if (warmUp > 0) {
      // A gateway is a long-running process: let the JIT compile the append path first.
      System.out.printf("warm-up (not timed): ");
      appends(dir, warmUp, writers, window);
    }
    System.out.println("load average before: " + loadAverage());
    appends(dir, receipts, writers, window);
    System.out.println("load average after: " + loadAverage());
    if (appendsOnly) {
      return;
    }
    long size;
    try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
      size = store.size();
      System.out.printf("log size %,d (appended %,d)%n", size, size - before);
      proofs(store, size);
      Path export = root.resolve("export.jsonl");
      long t0 = System.nanoTime();
      try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(export), 1 << 20)) {
        LogExport.jsonLines(store, 0, Long.MAX_VALUE, o);
      }
      System.out.printf(
          "export: %,d receipts in %.2f s (%,d bytes)%n",
          size, (System.nanoTime() - t0) / 1e9, Files.size(export));
      verify(dir, export, size);
    }
  }

  private static void appends(DataDirectory dir, long receipts, int writers, int window)
      throws Exception {
    ActionRequest request =
        new ActionRequest(
            "bench",
            Instant.parse("2026-11-26T00:00:00Z"),
            Principal.agentSession("claude-code", "bench-session"),
            "claude-code",
            "Bash",
            "exec",
            new ObjectMapper()
                .readTree("{\"command\":\"git status --porcelain\",\"cwd\":\"/work/repo\"}"),
            Classification.of("shell.exec"),
            Set.of(),
            Map.of());
    Recorder latency = new Recorder(3);
    AtomicLong done = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long perWriter = receipts / writers;
    try (ActionLog log = SqliteActionLog.open(dir, Clock.systemUTC(), LogOptions.DEFAULT)) {
      Thread[] threads = new Thread[writers];
      long cpu0 = processCpuNanos();
      long start = System.nanoTime();
      for (int t = 0; t < writers; t++) {
        int w = t;
        threads[t] =
            new Thread(
                () -> {
                  java.util.concurrent.Semaphore inFlight =
                      new java.util.concurrent.Semaphore(window);
                  String prefix = "w" + w + "-" + ThreadLocalRandom.current().nextLong() + "-";
                  for (long i = 0; i < perWriter; i++) {
                    // One receipt per append: each is a separate durable acknowledgement.
                    ActionRecord a =
                        ActionRecord.of(
                            new ActionRequest(
                                prefix + i,
                                request.time(),
                                request.principal(),
                                request.surface(),
                                request.tool(),
                                request.operation(),
                                request.arguments(),
                                request.classification(),
                                Set.of(),
                                Map.of()),
                            List.of());
                    LifecycleEvent e = new LifecycleEvent.Requested(a);
                    // Each writer keeps up to `window` appends in flight, as a server thread
                    // multiplexing requests would; each completion is one durable acknowledgement.
                    inFlight.acquireUninterruptibly();
                    long t0 = System.nanoTime();
                    log.append(List.of(e))
                        .whenComplete(
                            (r, ex) -> {
                              if (ex != null) {
                                failures.incrementAndGet();
                              } else {
                                latency.recordValue((System.nanoTime() - t0) / 1000);
                                done.incrementAndGet();
                              }
                              inFlight.release();
                            });
                  }
                  inFlight.acquireUninterruptibly(window);
                });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuMicrosPerReceipt = (processCpuNanos() - cpu0) / 1e3 / Math.max(1, done.get());
      var h = latency.getIntervalHistogram();
      System.out.printf(
          "durable appends: %,d receipts (%d failed), %d writers x %d in flight, %.2f s,"
              + " %,.0f receipts/s;"
              + " ack latency p50 %d us, p99 %d us, p99.9 %d us, max %d us%n",
          done.get(),
          failures.get(),
          writers,
          window,
          seconds,
          done.get() / seconds,
          h.getValueAtPercentile(50),
          h.getValueAtPercentile(99),
          h.getValueAtPercentile(99.9),
          h.getMaxValue());
      System.out.printf("process CPU time: %.1f us per receipt%n", cpuMicrosPerReceipt);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "heap used after appends: %,d KB%n", (rt.totalMemory() - rt.freeMemory()) / 1024);
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return String.format(
          "%.2f",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static void proofs(SqliteLogStore store, long size) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 2000; i++) {
      Merkle.inclusionProof(store::node, r.nextLong(size), size);
    }
    int n = 10_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Merkle.inclusionProof(store::node, r.nextLong(size), size);
    }
    System.out.printf(
        "inclusion proof on %,d receipts: %.1f us each (mean of %,d)%n",
        size, (System.nanoTime() - t0) / 1e3 / n, n);
  }

  private static void verify(DataDirectory dir, Path export, long size) throws Exception {
    KeyRing keys = KeyFiles.loadPublic(List.of(dir.publicKeys()));
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      VerificationReport report;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(export), 1 << 20)) {
        report = new LogVerifier(keys, List.of()).verify(in);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "verify round %d: %s in %.2f s, %,.0f receipts/s%n",
          round, report.intact() ? "intact" : report.summary(), s, size / s);
    }
  }
}

package dev.proctor.cli;

import dev.proctor.policy.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The time by which a deciding command ({@code check}, a hook) answers and its process has ended,
 * counted from the start of its process (the launcher's, which execs the JVM under the same process
 * id): a harness that waits longer treats the hook as failed and lets the call through, so when the
 * deadline passes the answer is a deny, and the process ends.
 *
 * <p>How. The command's work — reading its input included — runs on its own thread and answers
 * through a gate that lets exactly one answer out. The fail-closed answer is due at the deadline
 * less two reserves: the time a JVM's exit may wait for threads still in native code (a read of a
 * stalled stdin, SQLite waiting for a lock: {@code -XX:UserThreadWaitAttemptsAtExit} × 10 ms, 300
 * ms unless {@code bin/proctor} set it to 0, as it does on JDK 25 and later) and a margin to print
 * the answer and halt. The recording of a decision gets what is left before then, less a margin
 * (the log withdraws receipts it could not take by then, so nothing half-written stays behind).
 * When the fail-closed moment passes before the work answered, the fail-closed answer goes out
 * instead; when it passes while the work is still closing after its answer, the answer stands. In
 * both cases a standalone process then halts at once; and a work that answers so late that closing
 * the log would run past that moment halts right after its answer. A process that lingered would be
 * a hook that timed out.
 */
final class Deadline {

  /** The default: well below the 10 s hook timeout the harness docs suggest. */
  static final Duration DEFAULT = Duration.ofSeconds(5);

  /**
   * Time kept back before the deadline for printing the fail-closed answer and halting (a JVM's
   * exit unmaps its heap and class archive; on a busy machine that alone took 100 ms).
   */
  private static final Duration ANSWER_MARGIN = Duration.ofMillis(250);

  /** Time kept back from the decision's recording before the fail-closed answer is due. */
  private static final Duration RECORD_MARGIN = Duration.ofMillis(150);

  /** An answer later than this before the fail-closed moment halts instead of closing the log. */
  private static final Duration CLOSE_MARGIN = Duration.ofMillis(150);

  /** What a JVM's exit waits for threads in native code unless told otherwise: 30 × 10 ms. */
  private static final Duration DEFAULT_EXIT_WAIT = Duration.ofMillis(300);

  /** True in a standalone {@code proctor} process, which may halt; false when tests call in. */
  static volatile boolean standalone;

  private final Duration limit;
  private final long failNanos;

  /** Whether an answer went out, and its code; guarded by this. */
  private boolean answered;

  private int answeredCode;

  private Deadline(Duration limit, long endNanos, Duration exitWait) {
    this.limit = limit;
    this.failNanos = endNanos - exitWait.toNanos() - ANSWER_MARGIN.toNanos();
  }

  /** The {@code --deadline} option. */
  static final class Option {
    @picocli.CommandLine.Option(
        names = "--deadline",
        paramLabel = "DURATION",
        converter = Converter.class,
        description =
            "Answer within this time from the start of the process; when the decision cannot be"
                + " made and recorded by then the answer is a deny (default: $PROCTOR_DEADLINE,"
                + " else 5s; such as 800ms, 5s, 1m).")
    Duration deadline;

    /**
     * The deadline counted from the start of this process (from now when tests call the command in
     * a JVM that runs many).
     */
    Deadline start() {
      Duration limit = deadline;
      if (limit == null) {
        String env = System.getenv("PROCTOR_DEADLINE");
        limit = env == null || env.isBlank() ? DEFAULT : Converter.parse(env.strip());
      }
      long now = System.nanoTime();
      if (!standalone) {
        return new Deadline(limit, now + limit.toNanos(), Duration.ZERO);
      }
      return new Deadline(limit, now + limit.toNanos() - sinceStart().toNanos(), exitWait());
    }
  }

  /**
   * How long ago this process started: on Linux from {@code /proc} (its start in clock ticks since
   * boot against the time since boot, both to 10 ms, so the launcher's time before it exec'd the
   * JVM counts), elsewhere from the JVM's own start time.
   */
  static Duration sinceStart() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The command name, field 2, is in parentheses and may hold spaces: count after it.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long startTicks = Long.parseLong(fields[19]);
      String uptime = Files.readString(Path.of("/proc/uptime")).trim().split(" ")[0];
      long uptimeMillis = new BigDecimal(uptime).movePointRight(3).longValue();
      // USER_HZ, the unit of /proc's clock ticks, is 100 on every Linux.
      return Duration.ofMillis(Math.max(0, uptimeMillis - startTicks * 10));
    } catch (IOException | RuntimeException e) {
      return Duration.ofMillis(
          Math.max(
              0, System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()));
    }
  }

  /**
   * How long this JVM's exit may wait for threads in native code: {@code
   * -XX:UserThreadWaitAttemptsAtExit} times 10 ms, read from this process's command line ({@code
   * bin/proctor} sets it to 0 on the JDKs that have it); 300 ms where it is not set or cannot be
   * read.
   */
  static Duration exitWait() {
    try {
      String flag = "-XX:UserThreadWaitAttemptsAtExit=";
      Duration wait = DEFAULT_EXIT_WAIT;
      for (String arg : Files.readString(Path.of("/proc/self/cmdline")).split("\0")) {
        if (arg.startsWith(flag)) {
          wait = Duration.ofMillis(10 * Math.max(0, Long.parseLong(arg.substring(flag.length()))));
        }
      }
      return wait;
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EXIT_WAIT;
    }
  }

  /** Reads a positive duration in Proctor's spelling. */
  static final class Converter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parse(value);
    }

    static Duration parse(String text) {
      return Durations.parse(text)
          .filter(d -> !d.isZero())
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "the deadline must be a positive duration such as "
                          + Durations.EXAMPLES
                          + ", was '"
                          + text
                          + "'"));
    }
  }

  /** The whole deadline, as configured. */
  Duration limit() {
    return limit;
  }

  /**
   * The time the decision may take to be recorded: what is left before the fail-closed answer is
   * due, less a margin.
   */
  Duration forDecision() {
    long left = failNanos - System.nanoTime() - RECORD_MARGIN.toNanos();
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50), left));
  }

  /**
   * Lets one answer out: prints it and returns true when no other answer went out first, else
   * prints nothing and returns false. A standalone process that answers too late to close its log
   * before the fail-closed moment halts right after the answer.
   */
  boolean answer(int code, Runnable print) {
    synchronized (this) {
      // The code is set and the answer printed under the lock that the fail-closed path takes:
      // a deadline passing mid-print waits for this answer, and never halts with its code
      // unprinted.
      if (answered) {
        return false;
      }
      answered = true;
      answeredCode = code;
      print.run();
    }
    if (standalone && failNanos - System.nanoTime() < CLOSE_MARGIN.toNanos()) {
      Runtime.getRuntime().halt(code);
    }
    return true;
  }

  /** The work of a command, which answers through {@link Deadline#answer}. */
  interface Work {
    int run() throws Exception;
  }

  /** What a command answers when it cannot decide in time, or its work failed. */
  interface FailClosed {
    /** Prints the fail-closed answer for the reason and returns its exit code. */
    int answer(String why);

    /**
     * Readies the answer while the work runs, printing nothing: runs once what making it takes, so
     * that at the deadline the answer goes out at once rather than after loading the classes (JSON,
     * the harness's serializer) that a cold JVM on a busy machine takes hundreds of milliseconds to
     * load.
     */
    default void prepare() {}
  }

  /**
   * Runs the work; returns its exit code, or — when the deadline passes or the work fails before it
   * answered — the code of the fail-closed answer, which {@code failClosed} gives for the reason
   * (then a standalone process halts right after a missed deadline).
   */
  int run(Work work, FailClosed failClosed, PrintStream out, PrintStream err) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                done.complete(work.run());
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "proctor-command");
    t.setDaemon(true);
    t.start();
    // Readied on a thread of its own, so that the wait below starts now: were readying slow on a
    // busy machine, the fail-closed answer would still be due on time (then made from scratch).
    Thread ready =
        new Thread(
            () -> {
              try {
                failClosed.prepare();
              } catch (RuntimeException | StackOverflowError e) {
                // Readying only loads what the answer needs; the answer is made when it is due.
              }
            },
            "proctor-ready");
    ready.setDaemon(true);
    ready.start();
    try {
      return done.get(Math.max(0, failNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      int code =
          failClosed(
              failClosed,
              "proctor: no decision within the deadline of "
                  + limit.toMillis()
                  + " ms (is another process holding the log's write lock?); failing closed");
      out.flush();
      err.flush();
      if (standalone) {
        Runtime.getRuntime().halt(code);
      }
      return code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failClosed(failClosed, "proctor: interrupted; failing closed");
    } catch (ExecutionException e) {
      return failClosed(failClosed, Failures.describe(e.getCause()));
    }
  }

  /** The fail-closed answer, unless the work answered already (then its answer stands). */
  private synchronized int failClosed(FailClosed failClosed, String why) {
    if (answered) {
      return answeredCode;
    }
    answered = true;
    answeredCode = failClosed.answer(why);
    return answeredCode;
  }
}

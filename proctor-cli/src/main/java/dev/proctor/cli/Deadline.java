package dev.proctor.cli;

import dev.proctor.policy.Durations;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The time by which a deciding command ({@code check}, a hook) answers, counted from the start of
 * its JVM: a harness that waits longer treats the hook as failed and lets the call through, so when
 * the deadline passes the answer is a deny, and the process ends.
 *
 * <p>How. The command's work runs on its own thread and answers through a gate that lets exactly
 * one answer out. The recording of a decision gets the time that is left less a reserve for closing
 * (the log withdraws receipts it could not take by then, so nothing half-written stays behind).
 * When the deadline passes before the work answered, the fail-closed answer goes out instead; when
 * it passes while the work is still closing after its answer, the answer stands. In both cases a
 * standalone process then halts at once: a process that lingered would be a hook that timed out.
 */
final class Deadline {

  /** The default: well below the 10 s hook timeout the harness docs suggest. */
  static final Duration DEFAULT = Duration.ofSeconds(5);

  /** Time kept back from the decision for answering and closing the log. */
  private static final Duration RESERVE = Duration.ofMillis(300);

  /** True in a standalone {@code proctor} process, which may halt; false when tests call in. */
  static volatile boolean standalone;

  private final Duration limit;
  private final long endNanos;
  private final AtomicBoolean answered = new AtomicBoolean();
  private volatile int answeredCode;

  private Deadline(Duration limit, long endNanos) {
    this.limit = limit;
    this.endNanos = endNanos;
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
     * The deadline counted from the start of this JVM (from now when tests call the command in a
     * JVM that runs many).
     */
    Deadline start() {
      Duration limit = deadline;
      if (limit == null) {
        String env = System.getenv("PROCTOR_DEADLINE");
        limit = env == null || env.isBlank() ? DEFAULT : Converter.parse(env.strip());
      }
      long sinceStart =
          standalone
              ? Math.max(
                  0,
                  System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime())
              : 0;
      return new Deadline(
          limit, System.nanoTime() + limit.toNanos() - TimeUnit.MILLISECONDS.toNanos(sinceStart));
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

  /** The time the decision may take to be recorded: what is left, less the reserve. */
  Duration forDecision() {
    long left = endNanos - System.nanoTime() - RESERVE.toNanos();
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(50), left));
  }

  /**
   * Lets one answer out: prints it and returns true when no other answer went out first, else
   * prints nothing and returns false.
   */
  boolean answer(int code, Runnable print) {
    if (!answered.compareAndSet(false, true)) {
      return false;
    }
    answeredCode = code;
    print.run();
    return true;
  }

  /** The work of a command, which answers through {@link Deadline#answer}. */
  interface Work {
    int run() throws Exception;
  }

  /**
   * Runs the work; returns its exit code, or — when the deadline passes or the work fails before it
   * answered — the code of the fail-closed answer, which {@code failClosed} gives for the reason
   * (then a standalone process halts right after a missed deadline).
   */
  int run(Work work, ToIntFunction<String> failClosed, PrintStream out, PrintStream err) {
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
    try {
      return done.get(Math.max(0, endNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
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
  private int failClosed(ToIntFunction<String> failClosed, String why) {
    if (!answered.compareAndSet(false, true)) {
      return answeredCode;
    }
    answeredCode = failClosed.applyAsInt(why);
    return answeredCode;
  }
}

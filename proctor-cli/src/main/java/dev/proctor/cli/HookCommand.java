package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.Proctor;
import dev.proctor.action.JsonInput;
import dev.proctor.hook.Harness;
import dev.proctor.hook.HookAnswer;
import dev.proctor.hook.HookCall;
import dev.proctor.hook.HookEvent;
import dev.proctor.hook.HookMediation;
import dev.proctor.hook.Hooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code proctor hook HARNESS}: one command hook for every harness. It reads the harness's payload
 * on stdin, decides the call, records it, and answers in exactly the harness's own shape (see
 * {@link Harness}) within the deadline. Whatever goes wrong, the answer is the block that harness
 * honours for the event.
 */
@Command(
    name = "hook",
    mixinStandardHelpOptions = true,
    description = {
      "Agent-harness command hook: read the harness's hook payload on stdin, decide and record the"
          + " call, and print the harness's own answer.",
      "HARNESS: claude-code, codex, copilot, cursor, gemini"
          + " (docs/integrations/<harness>.md has the settings snippet).",
      "Exit codes follow each harness: 0 answered (the JSON, or nothing, says what to do); 2 with"
          + " the reason on stderr where that harness reads exit 2 as a block. Copilot and Claude"
          + " Code's PermissionRequest ignore exit 2, so there a deny is always JSON on exit 0."
    })
final class HookCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "HARNESS",
      description = "claude-code, codex, copilot, cursor or gemini")
  String harnessName;

  @Mixin PolicyOptions policy;

  @Mixin DataDirOption dataDir;

  @Mixin Deadline.Option deadlineOption;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "Read the hook payload from FILE instead of stdin (for debugging and replay).")
  Path input;

  @Option(
      names = "--event",
      paramLabel = "EVENT",
      description =
          "The event this hook is configured for, for payloads that do not name it (Copilot's"
              + " camelCase events: preToolUse, permissionRequest, postToolUse).")
  String event;

  /**
   * A command line picocli cannot read ({@code --deadline soon}, an unknown option): the usage
   * error, and — when the harness can be told from the arguments — that harness's block, since a
   * hook that only printed usage would let the call through wherever the harness skips a failed
   * hook (Copilot).
   */
  static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    e.getCommandLine().usage(err);
    err.flush();
    String reason = "proctor: " + e.getMessage();
    for (String arg : args) {
      Optional<Harness> harness = Hooks.harness(arg);
      if (harness.isPresent()) {
        // The answer carries the reason on stderr: printed once, after the usage.
        return print(
            harness.get().cannotDecide(Optional.empty(), reason).withStderr(reason),
            System.out,
            System.err);
      }
    }
    err.println(reason);
    err.flush();
    return Failures.CANNOT_DECIDE;
  }

  @Override
  public Integer call() {
    // A --input file is opened inside the deadline too: a FIFO without a writer blocks its open.
    return run(
        input == null ? () -> System.in : () -> Files.newInputStream(input),
        System.out,
        System.err);
  }

  /** Where the payload comes from, opened when the hook reads it. */
  interface Source {
    InputStream open() throws IOException;
  }

  private int run(Source source, PrintStream out, PrintStream err) {
    Optional<Harness> found = Hooks.harness(harnessName);
    if (found.isEmpty()) {
      err.println(
          "proctor: unknown harness '" + harnessName + "'; expected one of " + Hooks.names());
      return Failures.CANNOT_DECIDE;
    }
    Harness harness = found.get();
    Deadline deadline;
    try {
      deadline = deadlineOption.start();
    } catch (RuntimeException e) {
      return print(harness.cannotDecide(Optional.empty(), Failures.describe(e)), out, err);
    }
    Optional<String> eventName = Optional.ofNullable(event);
    Optional<String> unknown = Hooks.unknownEvent(harness, eventName, "--event");
    if (unknown.isPresent()) {
      // Answered with the block for a call it cannot tell (Copilot: its JSON deny on exit 0).
      return print(harness.cannotDecide(Optional.empty(), "proctor: " + unknown.get()), out, err);
    }
    // The payload is read inside the deadline: a stalled stdin must not hold the answer back.
    Stdin stdin = new Stdin(source);
    AtomicReference<HookCall> parsed = new AtomicReference<>();
    return deadline.run(
        () -> {
          byte[] raw = stdin.readAll();
          Optional<JsonNode> payload = Optional.empty();
          HookCall call;
          try {
            payload = Optional.of(JsonInput.parse(raw));
            call = harness.parse(payload.get(), Hooks.digest(raw), eventName);
          } catch (Exception | StackOverflowError e) {
            Optional<HookEvent> kind = harness.eventOf(Hooks.statedEvent(payload, raw), eventName);
            return answer(deadline, harness.cannotDecide(kind, Failures.describe(e)), out, err);
          }
          parsed.set(call);
          return decide(harness, call, deadline, out, err);
        },
        new Deadline.FailClosed() {
          @Override
          public int answer(String why) {
            String reason =
                stdin.reading()
                    ? "proctor: the hook payload was not read within the deadline of "
                        + deadline.limit().toMillis()
                        + " ms (standard input still open after "
                        + stdin.snapshot().length
                        + " bytes); failing closed"
                    : why;
            return print(failClosed(harness, parsed.get(), stdin, eventName, reason), out, err);
          }

          @Override
          public void prepare() {
            for (HookEvent kind : HookEvent.values()) {
              harness.cannotDecide(Optional.of(kind), "proctor: ready");
            }
            failClosed(harness, null, stdin, eventName, "proctor: ready");
            notRecorded(harness, new HookCall.OtherEvent("Ready", "0"), "proctor: ready");
          }
        },
        out,
        err);
  }

  /**
   * The answer when the work failed or the deadline passed before it answered: no decision for an
   * event Proctor does not decide (the harness carries on, as it would after recording it), else
   * the harness's block for the event, when it can be told from what was read so far.
   */
  private static HookAnswer failClosed(
      Harness harness, HookCall call, Stdin stdin, Optional<String> eventName, String reason) {
    if (call instanceof HookCall.OtherEvent other) {
      return notRecorded(harness, other, reason);
    }
    Optional<HookEvent> kind =
        call instanceof HookCall.ToolEvent tool
            ? Optional.of(tool.event())
            : harness.eventOf(Hooks.statedEvent(Optional.empty(), stdin.snapshot()), eventName);
    return harness.cannotDecide(kind, reason);
  }

  private static HookAnswer notRecorded(Harness harness, HookCall.OtherEvent other, String why) {
    return HookAnswer.nothing()
        .withStderr(
            "proctor: "
                + harness.name()
                + " event '"
                + other.eventName()
                + "' is not one Proctor decides; answered with no decision, not recorded (payload"
                + " sha256:"
                + other.payloadDigest()
                + "): "
                + why.replaceFirst("^proctor: ", ""));
  }

  private int decide(
      Harness harness, HookCall call, Deadline deadline, PrintStream out, PrintStream err)
      throws Exception {
    if (call instanceof HookCall.OtherEvent other) {
      return observe(harness, other, deadline, out, err);
    }
    try (Proctor proctor = Embedded.open(policy, dataDir.resolve(), deadline.forDecision(), err)) {
      HookAnswer answer = HookMediation.handle(harness, call, proctor.mediator());
      // Answered before the log closes: closing signs a checkpoint and may wait for the store.
      return answer(deadline, answer, out, err);
    }
  }

  /**
   * An event Proctor does not decide: recorded as observed when the log can take it, and answered
   * with no decision either way — a failure to record must not change what the harness does.
   */
  private int observe(
      Harness harness,
      HookCall.OtherEvent other,
      Deadline deadline,
      PrintStream out,
      PrintStream err) {
    Proctor proctor;
    try {
      proctor = Embedded.open(policy, dataDir.resolve(), deadline.forDecision(), err);
    } catch (Exception | StackOverflowError e) {
      return answer(deadline, notRecorded(harness, other, Failures.describe(e)), out, err);
    }
    try (proctor) {
      HookMediation.handle(harness, other, proctor.mediator());
      return answer(
          deadline,
          HookAnswer.nothing()
              .withStderr(
                  "proctor: "
                      + harness.name()
                      + " event '"
                      + other.eventName()
                      + "' is not one Proctor decides; answered with no decision and recorded"
                      + " (payload sha256:"
                      + other.payloadDigest()
                      + ")"),
          out,
          err);
    } catch (Exception | StackOverflowError e) {
      return answer(deadline, notRecorded(harness, other, Failures.describe(e)), out, err);
    }
  }

  private static int answer(
      Deadline deadline, HookAnswer answer, PrintStream out, PrintStream err) {
    deadline.answer(answer.exitCode(), () -> print(answer, out, err));
    return answer.exitCode();
  }

  /**
   * The payload read to its end (at most one byte over the payload limit, which the reader then
   * refuses), keeping what arrived so far for a fail-closed answer that must name the event.
   */
  private static final class Stdin {
    private final Source source;
    private byte[] buf = new byte[8192];
    private int size;
    private volatile boolean reading = true;

    Stdin(Source source) {
      this.source = source;
    }

    /** True until the payload was read to its end, or reading it failed. */
    boolean reading() {
      return reading;
    }

    byte[] readAll() throws IOException {
      try {
        InputStream in = source.open();
        int limit = JsonInput.MAX_BYTES + 1;
        while (true) {
          byte[] into;
          int at;
          synchronized (this) {
            if (size == limit) {
              return Arrays.copyOf(buf, size);
            }
            if (size == buf.length) {
              buf = Arrays.copyOf(buf, Math.min(limit, buf.length * 2));
            }
            into = buf;
            at = size;
          }
          // Only this thread writes, and only past size: a snapshot meanwhile reads what came.
          int n = in.read(into, at, into.length - at);
          synchronized (this) {
            if (n < 0) {
              return Arrays.copyOf(buf, size);
            }
            size += n;
          }
        }
      } finally {
        reading = false;
      }
    }

    synchronized byte[] snapshot() {
      return Arrays.copyOf(buf, size);
    }
  }

  private static int print(HookAnswer answer, PrintStream out, PrintStream err) {
    answer.stdout().ifPresent(out::println);
    out.flush();
    answer.stderr().ifPresent(err::println);
    err.flush();
    return answer.exitCode();
  }
}

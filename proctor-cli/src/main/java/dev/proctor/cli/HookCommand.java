package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.Proctor;
import dev.proctor.action.BadInputException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
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

  @Override
  public Integer call() {
    if (input == null) {
      return run(System.in, System.out, System.err);
    }
    try (InputStream in = Files.newInputStream(input)) {
      return run(in, System.out, System.err);
    } catch (IOException e) {
      return Failures.report(e, System.err);
    }
  }

  int run(InputStream in, PrintStream out, PrintStream err) {
    Optional<Harness> found = Hooks.harness(harnessName);
    if (found.isEmpty()) {
      err.println(
          "proctor: unknown harness '" + harnessName + "'; expected one of " + Hooks.names());
      return Failures.CANNOT_DECIDE;
    }
    Harness harness = found.get();
    Optional<String> eventName = Optional.ofNullable(event);
    // The payload is read first, so that every refusal after it has the event's own shape.
    Optional<JsonNode> payload = Optional.empty();
    HookCall call;
    Deadline deadline;
    try {
      deadline = deadlineOption.start();
      byte[] raw = in.readNBytes(JsonInput.MAX_BYTES + 1);
      payload = Optional.of(JsonInput.parse(raw));
      call = harness.parse(payload.get(), Hooks.digest(raw), eventName);
    } catch (Exception | StackOverflowError e) {
      return print(refusal(harness, harness.eventOf(payload, eventName), e), out, err);
    }
    Optional<HookEvent> kind = harness.eventOf(payload, eventName);
    return deadline.run(
        () -> decide(harness, call, deadline, out, err),
        reason -> print(harness.cannotDecide(kind, reason).withStderr(reason), out, err),
        out,
        err);
  }

  private int decide(
      Harness harness, HookCall call, Deadline deadline, PrintStream out, PrintStream err)
      throws Exception {
    try (Proctor proctor = Embedded.open(policy, dataDir.resolve(), deadline.forDecision(), err)) {
      HookAnswer answer = HookMediation.handle(harness, call, proctor.mediator());
      if (call instanceof HookCall.OtherEvent other) {
        err.println(
            "proctor: "
                + harness.name()
                + " event '"
                + other.eventName()
                + "' is not one Proctor decides; answered with no decision and recorded (payload"
                + " sha256:"
                + other.payloadDigest()
                + ")");
      }
      // Answered before the log closes: closing signs a checkpoint and may wait for the store.
      deadline.answer(answer.exitCode(), () -> print(answer, out, err));
      return answer.exitCode();
    }
  }

  /** The harness's block for a failure, with the reason on stderr (bad input says it already). */
  private static HookAnswer refusal(Harness harness, Optional<HookEvent> event, Throwable e) {
    String reason = Failures.describe(e);
    HookAnswer answer = harness.cannotDecide(event, reason);
    return e instanceof BadInputException ? answer : answer.withStderr(reason);
  }

  private static int answer(
      Deadline deadline, HookAnswer answer, PrintStream out, PrintStream err) {
    deadline.answer(answer.exitCode(), () -> print(answer, out, err));
    return answer.exitCode();
  }

  private static int print(HookAnswer answer, PrintStream out, PrintStream err) {
    answer.stdout().ifPresent(out::println);
    out.flush();
    answer.stderr().ifPresent(err::println);
    err.flush();
    return answer.exitCode();
  }
}

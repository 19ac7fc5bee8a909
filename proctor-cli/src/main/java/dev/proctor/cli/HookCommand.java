package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Proctor;
import dev.proctor.Report;
import dev.proctor.action.BadInputException;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.audit.Outcome;
import dev.proctor.hook.Harness;
import dev.proctor.hook.HookAnswer;
import dev.proctor.hook.HookCall;
import dev.proctor.hook.HookEvent;
import dev.proctor.hook.Hooks;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
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
    if (call instanceof HookCall.OtherEvent other) {
      // Not an event Proctor decides on (a lifecycle event, or one added in a newer release):
      // no decision, so the harness carries on; the line names it for the operator.
      err.println(
          "proctor: "
              + harness.name()
              + " event '"
              + other.eventName()
              + "' is not one Proctor decides; answered with no decision (payload sha256:"
              + other.payloadDigest()
              + ")");
      return answer(deadline, HookAnswer.nothing(), out, err);
    }
    HookCall.ToolEvent tool = (HookCall.ToolEvent) call;
    try (Proctor proctor = Embedded.open(policy, dataDir.resolve(), deadline.forDecision(), err)) {
      Mediator mediator = proctor.mediator();
      if (tool.event() == HookEvent.POST_TOOL_USE) {
        return answer(deadline, outcome(harness, tool, mediator), out, err);
      }
      // PermissionRequest follows PreToolUse for the same call: it is decided as its own action.
      Optional<String> id =
          tool.event() == HookEvent.PRE_TOOL_USE ? actionId(tool) : Optional.empty();
      Mediation mediation =
          id.isPresent() ? mediator.mediate(tool.call(), id.get()) : mediator.mediate(tool.call());
      // Answered before the log closes: closing signs a checkpoint and may wait for the store.
      return answer(deadline, harness.answer(tool, mediation.decision()), out, err);
    }
  }

  /**
   * A post-tool event: the call ran. Records how it ended under the decision the pre-tool event put
   * on record, without classifying or deciding it again; a call Proctor never saw is decided now
   * and recorded; one that ran against a deny is reported and not recorded as executed.
   */
  private static HookAnswer outcome(Harness harness, HookCall.ToolEvent tool, Mediator mediator)
      throws Exception {
    ToolCall call = tool.call();
    Optional<String> id = actionId(tool);
    Optional<LifecycleState> state = id.flatMap(mediator::state);
    String actionId;
    if (state.isPresent()) {
      actionId = id.get();
    } else {
      Mediation decided =
          id.isPresent() ? mediator.mediate(call, id.get()) : mediator.mediate(call);
      actionId = decided.actionId();
      state = mediator.state(actionId);
    }
    JsonNode response = tool.toolResponse().orElseThrow();
    Report report =
        new Report(
            end(response),
            Outcome.ofOutput(Optional.empty(), CanonicalJson.bytes(response)),
            state
                .filter(s -> s == LifecycleState.APPROVAL_REQUIRED)
                .map(s -> harness.name() + "-prompt:local-user"));
    try {
      mediator.report(actionId, report);
      return HookAnswer.nothing();
    } catch (IllegalTransitionException | NoSuchElementException e) {
      return harness.cannotDecide(
          Optional.of(HookEvent.POST_TOOL_USE),
          "proctor: the call ran although its decision was '"
              + state.map(LifecycleState::wireName).orElse("not recorded")
              + "' (action "
              + actionId
              + "); it is not recorded as executed");
    }
  }

  /** Succeeded unless the tool response says it was interrupted or failed. */
  private static LifecycleState end(JsonNode response) {
    if (response.path("interrupted").asBoolean(false)) {
      return LifecycleState.INTERRUPTED;
    }
    if (response.path("is_error").asBoolean(false)
        || (response.has("success") && !response.path("success").asBoolean(true))) {
      return LifecycleState.FAILED;
    }
    return LifecycleState.SUCCEEDED;
  }

  /**
   * Names the action across hook events: the harness's tool-use id, scoped to the surface and
   * session and bound to the call's digest, so that a post-tool event reporting other arguments
   * than the ones the pre-tool event decided is not recorded as the outcome of that decision.
   * Harnesses without tool-use ids (Copilot, Gemini) get a new action per event.
   */
  private static Optional<String> actionId(HookCall.ToolEvent tool) {
    return tool.toolUseId()
        .map(
            id ->
                tool.call().surface()
                    + "/"
                    + tool.sessionId()
                    + "/"
                    + id
                    + "/"
                    + tool.call().digest().substring(0, 16));
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

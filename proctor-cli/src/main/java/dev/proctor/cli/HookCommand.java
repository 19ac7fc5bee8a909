package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Decision;
import dev.proctor.hook.Harness;
import dev.proctor.hook.HookAnswer;
import dev.proctor.hook.HookCall;
import dev.proctor.hook.HookEvent;
import dev.proctor.hook.Hooks;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.mediate.Mediation;
import dev.proctor.store.DataDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code proctor hook HARNESS}: one command hook for every harness. It reads the harness's payload
 * on stdin, decides the call, records it, and answers in exactly the harness's own shape (see
 * {@link Harness}). Whatever goes wrong, the answer is the block that harness honours for the
 * event.
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
    Optional<JsonNode> payload = Optional.empty();
    HookAnswer answer;
    try {
      byte[] raw = in.readNBytes(JsonInput.MAX_BYTES + 1);
      payload = Optional.of(JsonInput.parse(raw));
      HookCall call = harness.parse(payload.get(), Hooks.digest(raw), eventName);
      answer = decide(harness, call, err);
    } catch (Exception | StackOverflowError e) {
      ByteArrayOutputStream reason = new ByteArrayOutputStream();
      Failures.report(e, new PrintStream(reason, true, StandardCharsets.UTF_8));
      String text = reason.toString(StandardCharsets.UTF_8).strip();
      answer = harness.cannotDecide(harness.eventOf(payload, eventName), text);
      if (!(e instanceof BadInputException) && answer.stderr().isEmpty()) {
        answer = answer.withStderr(text);
      }
    }
    answer.stdout().ifPresent(out::println);
    out.flush();
    answer.stderr().ifPresent(err::println);
    return answer.exitCode();
  }

  private HookAnswer decide(Harness harness, HookCall call, PrintStream err) throws Exception {
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
      return HookAnswer.nothing();
    }
    HookCall.ToolEvent tool = (HookCall.ToolEvent) call;
    Clock clock = Clock.systemUTC();
    DataDirectory dir = dataDir.resolve();
    Engine engine = Engine.load(policy, List.of(dir.root()), clock);
    try (Recorder recorder = Recorder.open(dir, clock, err)) {
      if (tool.event() == HookEvent.POST_TOOL_USE) {
        return outcome(harness, tool, engine, recorder);
      }
      // PermissionRequest follows PreToolUse for the same call: it is decided as its own action.
      Optional<String> id =
          tool.event() == HookEvent.PRE_TOOL_USE ? actionId(tool) : Optional.empty();
      Mediation mediation = engine.gateway().mediate(tool.call(), id);
      Decision decision = recorder.decision(mediation, engine.policy());
      return harness.answer(tool, decision);
    }
  }

  /**
   * A post-tool event: the call ran. Records how it ended under the action the pre-tool event
   * decided; a call Proctor never saw is decided now and recorded; one that ran against a deny is
   * reported.
   */
  private static HookAnswer outcome(
      Harness harness, HookCall.ToolEvent tool, Engine engine, Recorder recorder) throws Exception {
    ToolCall call = tool.call();
    Mediation mediation = engine.gateway().mediate(call, actionId(tool));
    String actionId = mediation.request().id();
    Optional<LifecycleState> state = recorder.state(actionId);
    if (state.isEmpty()) {
      recorder.decision(mediation, engine.policy());
      state = recorder.state(actionId);
    }
    LifecycleState from = state.orElse(LifecycleState.REQUESTED);
    if (from != LifecycleState.ALLOWED && from != LifecycleState.APPROVAL_REQUIRED) {
      return harness.cannotDecide(
          Optional.of(HookEvent.POST_TOOL_USE),
          "proctor: the call ran although its decision was '"
              + from.wireName()
              + "' (action "
              + actionId
              + "); it is not recorded as executed");
    }
    JsonNode response = tool.toolResponse().orElseThrow();
    recorder.outcome(
        mediation.request(), from, harness.name() + "-prompt:local-user", end(response), response);
    return harness.answer(tool, mediation.decision());
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
}

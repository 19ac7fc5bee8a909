package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Decision;
import dev.proctor.hook.ClaudeCodeHookInput;
import dev.proctor.hook.ClaudeCodeHookOutput;
import dev.proctor.hook.HookEvent;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.mediate.Mediation;
import dev.proctor.store.DataDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proctor hook}: agent-harness hooks that run Proctor embedded. */
@Command(
    name = "hook",
    mixinStandardHelpOptions = true,
    description = "Agent-harness hooks that run Proctor embedded.",
    subcommands = HookCommand.ClaudeCode.class)
final class HookCommand implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code proctor hook claude-code}: the Claude Code command hook. */
  @Command(
      name = "claude-code",
      mixinStandardHelpOptions = true,
      description = {
        "Read a Claude Code hook payload (PreToolUse, PermissionRequest, PostToolUse) on stdin and"
            + " print Claude Code's hook output JSON.",
        "Exit codes: 0 answered (the JSON says allow, deny or ask), 2 could not decide: the reason"
            + " is on stderr and Claude Code blocks the call."
      })
  static final class ClaudeCode implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin PolicyOptions policy;

    @Mixin DataDirOption dataDir;

    @Option(
        names = "--input",
        paramLabel = "FILE",
        description =
            "Read the hook payload from FILE instead of stdin (for debugging and replay).")
    Path input;

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
      try {
        ClaudeCodeHookInput input = ClaudeCodeHookInput.fromJson(JsonInput.read(in));
        Clock clock = Clock.systemUTC();
        DataDirectory dir = dataDir.resolve();
        Engine engine = Engine.load(policy, List.of(dir.root()), clock);
        try (Recorder recorder = Recorder.open(dir, clock, err)) {
          if (input.event() == HookEvent.POST_TOOL_USE) {
            return outcome(input, engine, recorder, err);
          }
          // PermissionRequest follows PreToolUse for the same call: it is decided as its own
          // action.
          ToolCall call = input.toToolCall(Map.of());
          Optional<String> id =
              input.event() == HookEvent.PRE_TOOL_USE ? actionId(input, call) : Optional.empty();
          Mediation mediation = engine.gateway().mediate(call, id);
          Decision decision = recorder.decision(mediation, engine.policy());
          answer(input.event(), decision).ifPresent(out::println);
          out.flush();
          return 0;
        }
      } catch (Exception | StackOverflowError e) {
        return Failures.report(e, err);
      }
    }

    /**
     * PostToolUse: the call ran. Records how it ended under the action PreToolUse decided; a call
     * Proctor never saw is decided now and recorded; one that ran against a deny is reported.
     */
    private static int outcome(
        ClaudeCodeHookInput input, Engine engine, Recorder recorder, PrintStream err)
        throws Exception {
      ToolCall call = input.toToolCall(Map.of());
      Mediation mediation = engine.gateway().mediate(call, actionId(input, call));
      String actionId = mediation.request().id();
      Optional<LifecycleState> state = recorder.state(actionId);
      if (state.isEmpty()) {
        recorder.decision(mediation, engine.policy());
        state = recorder.state(actionId);
      }
      LifecycleState from = state.orElse(LifecycleState.REQUESTED);
      if (from != LifecycleState.ALLOWED && from != LifecycleState.APPROVAL_REQUIRED) {
        err.println(
            "proctor: the call ran although its decision was '"
                + from.wireName()
                + "' (action "
                + actionId
                + "); it is not recorded as executed");
        return Failures.CANNOT_DECIDE;
      }
      JsonNode response = input.toolResponse().orElseThrow();
      recorder.outcome(
          mediation.request(), from, "claude-code-prompt:local-user", end(response), response);
      return 0;
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
     * Names the action across hook events: Claude Code's tool-use id, scoped to the session and
     * bound to the call's digest, so that a PostToolUse reporting other arguments than the ones
     * PreToolUse decided is not recorded as the outcome of that decision.
     */
    private static Optional<String> actionId(ClaudeCodeHookInput input, ToolCall call) {
      return input
          .toolUseId()
          .map(
              id ->
                  "claude-code/"
                      + input.sessionId()
                      + "/"
                      + id
                      + "/"
                      + call.digest().substring(0, 16));
    }

    private static Optional<String> answer(HookEvent event, Decision decision) throws Exception {
      var rendered = ClaudeCodeHookOutput.render(event, decision);
      return rendered.isPresent()
          ? Optional.of(JSON.writeValueAsString(rendered.get()))
          : Optional.empty();
    }
  }
}

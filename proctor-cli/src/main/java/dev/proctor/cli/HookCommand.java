package dev.proctor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.JsonInput;
import dev.proctor.decision.Decision;
import dev.proctor.hook.ClaudeCodeHookInput;
import dev.proctor.hook.ClaudeCodeHookOutput;
import dev.proctor.hook.HookEvent;
import dev.proctor.mediate.Mediation;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code proctor hook}: agent-harness hooks that run Proctor embedded. */
@Command(
    name = "hook",
    mixinStandardHelpOptions = true,
    description = "Agent-harness hooks that run Proctor embedded.",
    subcommands = HookCommand.ClaudeCode.class)
final class HookCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
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

    @picocli.CommandLine.Option(
        names = "--input",
        paramLabel = "FILE",
        description =
            "Read the hook payload from FILE instead of stdin (for debugging and replay).")
    java.nio.file.Path input;

    @Override
    public Integer call() {
      if (input == null) {
        return run(System.in, System.out, System.err);
      }
      try (InputStream in = java.nio.file.Files.newInputStream(input)) {
        return run(in, System.out, System.err);
      } catch (java.io.IOException e) {
        return Failures.report(e, System.err);
      }
    }

    int run(InputStream in, PrintStream out, PrintStream err) {
      try {
        ClaudeCodeHookInput input = ClaudeCodeHookInput.fromJson(JsonInput.read(in));
        Engine engine = Engine.load(policy, List.of(), Clock.systemUTC());
        Mediation mediation = engine.gateway().mediate(input.toToolCall(Map.of()));
        Optional<String> answer = answer(input.event(), mediation.decision());
        answer.ifPresent(out::println);
        out.flush();
        return 0;
      } catch (Exception | StackOverflowError e) {
        return Failures.report(e, err);
      }
    }

    private static Optional<String> answer(HookEvent event, Decision decision) throws Exception {
      var rendered = ClaudeCodeHookOutput.render(event, decision);
      return rendered.isPresent()
          ? Optional.of(JSON.writeValueAsString(rendered.get()))
          : Optional.empty();
    }
  }
}

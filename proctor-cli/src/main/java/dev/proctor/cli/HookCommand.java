package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Proctor;
import dev.proctor.Report;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.audit.Outcome;
import dev.proctor.decision.Decision;
import dev.proctor.decision.PolicyRef;
import dev.proctor.hook.ClaudeCodeHookInput;
import dev.proctor.hook.ClaudeCodeHookOutput;
import dev.proctor.hook.HookEvent;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.DataDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
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

    @Mixin PolicyOptions policy;

    @Mixin DataDirOption dataDir;

    @Mixin Deadline.Option deadlineOption;

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
      Deadline deadline;
      try {
        deadline = deadlineOption.start();
      } catch (RuntimeException e) {
        return Failures.report(e, err);
      }
      AtomicReference<HookEvent> event = new AtomicReference<>();
      return deadline.run(
          () -> hook(in, out, err, deadline, event), () -> failClosed(event.get(), out), out, err);
    }

    /**
     * The answer when no decision could be made: exit 2, which blocks the call — but Claude Code's
     * PermissionRequest ignores exit 2, so there the deny is JSON.
     */
    private static int failClosed(HookEvent event, PrintStream out) {
      if (event == HookEvent.PERMISSION_REQUEST) {
        Decision deny = Decision.Deny.failClosed("no decision could be made", PolicyRef.NONE);
        out.println(answer(event, deny).orElseThrow());
        out.flush();
        return 0;
      }
      return Failures.CANNOT_DECIDE;
    }

    private int hook(
        InputStream in,
        PrintStream out,
        PrintStream err,
        Deadline deadline,
        AtomicReference<HookEvent> event)
        throws Exception {
      ClaudeCodeHookInput input = ClaudeCodeHookInput.fromJson(JsonInput.read(in));
      event.set(input.event());
      DataDirectory dir = dataDir.resolve();
      try (Proctor proctor = Embedded.open(policy, dir, deadline.forDecision(), err)) {
        Mediator mediator = proctor.mediator();
        ToolCall call = input.toToolCall(Map.of());
        if (input.event() == HookEvent.POST_TOOL_USE) {
          int code = outcome(input, call, mediator, err);
          deadline.answer(code, () -> {});
          return code;
        }
        // PermissionRequest follows PreToolUse for the same call: it is decided as its own action.
        Optional<String> id =
            input.event() == HookEvent.PRE_TOOL_USE ? actionId(input, call) : Optional.empty();
        Mediation mediation =
            id.isPresent() ? mediator.mediate(call, id.get()) : mediator.mediate(call);
        Optional<String> answer = answer(input.event(), mediation.decision());
        deadline.answer(
            0,
            () -> {
              answer.ifPresent(out::println);
              out.flush();
            });
        return 0;
      }
    }

    /**
     * PostToolUse: the call ran. Records how it ended under the decision PreToolUse put on record,
     * without classifying or deciding it again; a call Proctor never saw is decided now and
     * recorded; one that ran against a deny is reported and not recorded as executed.
     */
    private static int outcome(
        ClaudeCodeHookInput input, ToolCall call, Mediator mediator, PrintStream err)
        throws Exception {
      String actionId = actionId(input, call).orElse(null);
      Optional<LifecycleState> state =
          actionId == null ? Optional.empty() : mediator.state(actionId);
      if (state.isEmpty()) {
        Mediation decided =
            actionId == null ? mediator.mediate(call) : mediator.mediate(call, actionId);
        actionId = decided.actionId();
        state = mediator.state(actionId);
      }
      JsonNode response = input.toolResponse().orElseThrow();
      Report report =
          new Report(
              end(response),
              Outcome.ofOutput(Optional.empty(), CanonicalJson.bytes(response)),
              state.filter(s -> s == LifecycleState.APPROVAL_REQUIRED).map(s -> PROMPT_APPROVER));
      try {
        mediator.report(actionId, report);
        return 0;
      } catch (IllegalTransitionException e) {
        err.println(
            "proctor: the call ran although its decision was '"
                + state.map(LifecycleState::wireName).orElse("none")
                + "' (action "
                + actionId
                + "); it is not recorded as executed");
        return Failures.CANNOT_DECIDE;
      }
    }

    /** Who approved a held call that ran: the person at Claude Code's own prompt. */
    private static final String PROMPT_APPROVER = "claude-code-prompt:local-user";

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

    private static Optional<String> answer(HookEvent event, Decision decision) {
      return ClaudeCodeHookOutput.render(event, decision).map(ObjectNode::toString);
    }
  }
}

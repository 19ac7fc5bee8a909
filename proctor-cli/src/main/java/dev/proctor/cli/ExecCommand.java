package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Proctor;
import dev.proctor.Report;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.Approvals;
import dev.proctor.approval.HeldAction;
import dev.proctor.audit.ActionRecord;
import dev.proctor.audit.ApprovalRecord;
import dev.proctor.audit.LifecycleEvent;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.audit.ReceiptFormat;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Obligation;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.policy.Durations;
import dev.proctor.store.DataDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code proctor exec -- COMMAND…}: one shell command mediated like an agent's shell tool call —
 * classified, decided, recorded, held for approval when the policy asks for it, and run with the
 * caller's standard streams, working directory and environment only when allowed; its end (exit
 * status, duration, how it ended) is recorded and its exit status is proctor's.
 *
 * <p>What is classified is what runs. The argument vector runs directly, without a shell, and is
 * classified as the command line that a shell would split back into exactly that vector ({@link
 * ShellQuoting}): no word of it can expand, redirect or substitute, so the parse the policy sees
 * has nothing to guess. {@code --shell STRING} classifies the string as written and runs it with
 * {@code bash -c}, the shell the classifier reads. Anything that goes wrong before the command
 * starts is a deny: the command does not run.
 *
 * <p>Signals. SIGINT, SIGTERM and SIGHUP to proctor are passed to the command while it runs (a
 * Ctrl-C at a terminal reaches the command itself, so SIGINT is not sent a second time when proctor
 * is in the terminal's foreground group); proctor then waits for the command and records how it
 * ended. While proctor waits for an approval, they cancel the held action.
 */
@Command(
    name = "exec",
    mixinStandardHelpOptions = true,
    description = {
      "Run one command through Proctor: classify it as a shell command, decide and record it,"
          + " wait for an approval when the policy asks for one, and run it only when allowed,"
          + " with this terminal's standard streams, directory and environment.",
      "  proctor exec [OPTIONS] -- COMMAND [ARG...]   runs the words directly (no shell)",
      "  proctor exec [OPTIONS] --shell 'STRING'      runs the string with bash -c",
      "Exit codes: the command's own; 128+N when it was killed by signal N; "
          + ExecCommand.DENIED
          + " denied or not run (the reason on stderr); 126 or 127 allowed but cannot be"
          + " executed or not found; 2 usage error. docs/exec.md has the details."
    })
final class ExecCommand implements Callable<Integer> {

  /** The exit code of a command that was not run: denied, rejected, expired, canceled, error. */
  static final int DENIED = 77;

  /** Exit code of an allowed command that cannot be executed, as shells use it. */
  static final int CANNOT_EXECUTE = 126;

  /** Exit code of an allowed command that is not found, as shells use it. */
  static final int NOT_FOUND = 127;

  /** How long proctor waits for an approval unless told. */
  static final Duration DEFAULT_WAIT = Duration.ofMinutes(10);

  /** How long a command may take to end after SIGTERM before it gets SIGKILL. */
  static final Duration KILL_GRACE = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Mixin PolicyOptions policy;

  @Mixin DataDirOption dataDir;

  @Option(
      names = "--shell",
      paramLabel = "STRING",
      description =
          "Classify STRING as written and run it with bash -c (pipes, &&, redirections),"
              + " instead of the words after --.")
  String shellString;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = WaitConverter.class,
      description =
          "How long to wait for an approval when the policy holds the command (default: 10m;"
              + " such as 30s, 15m, 2h). When it passes the held action is canceled and the command"
              + " does not run.")
  Duration wait;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = Deadline.Converter.class,
      description =
          "How long the decision may wait for its receipts to become durable before it is a"
              + " deny (default: 5s).")
  Duration deadline;

  @Option(
      names = "--agent",
      paramLabel = "NAME",
      description = "The agent the command is recorded for (default: exec).")
  String agent = "exec";

  @Option(
      names = "--session",
      paramLabel = "ID",
      description = "The session it belongs to (default: $PROCTOR_SESSION, else a new id).")
  String session;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The command and its arguments, after --.")
  List<String> argv = new ArrayList<>();

  /** The command line for {@code proctor exec}: options stop at the command's first word. */
  static CommandLine commandLine() {
    return configure(new CommandLine(new ExecCommand()));
  }

  /** Options end at the first word of the command, so that its own options stay its own. */
  static CommandLine configure(CommandLine exec) {
    exec.setStopAtPositional(true);
    return exec;
  }

  /** How long the decision may wait for its receipts. */
  private Duration recordWithin() {
    return deadline == null ? Proctor.Builder.DEFAULT_DEADLINE : deadline;
  }

  /** What runs: the line classified, and the vector started. */
  record Plan(String line, List<String> argv, boolean shell) {}

  @Override
  public Integer call() {
    Plan plan = plan();
    PrintStream err = System.err;
    Run run = new Run(err);
    run.takeSignals();
    Proctor proctor;
    try {
      proctor = Embedded.open(policy, dataDir.resolve(), recordWithin(), err);
    } catch (Exception | StackOverflowError e) {
      return denied(err, Failures.describe(e).replaceFirst("^proctor: ", ""), Optional.empty());
    }
    try (proctor) {
      return run.mediate(proctor, plan);
    } catch (RuntimeException | StackOverflowError e) {
      // Only the decision path can throw here: once the command started, its end is recorded.
      return denied(err, Failures.describe(e).replaceFirst("^proctor: ", ""), Optional.empty());
    }
  }

  /** The plan the options give, or a usage error. */
  private Plan plan() {
    boolean words = !argv.isEmpty();
    if (shellString != null && words) {
      throw usage("give the command either after -- or with --shell, not both");
    }
    if (shellString == null && !words) {
      throw usage("no command: give it after --, such as: proctor exec -- make test");
    }
    if (words) {
      return new Plan(ShellQuoting.join(argv), List.copyOf(argv), false);
    }
    if (shellString.isBlank()) {
      throw usage("--shell needs a command");
    }
    return new Plan(shellString, List.of(), true);
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** Prints a denial and returns {@link #DENIED}. */
  static int denied(PrintStream err, String reason, Optional<String> actionId) {
    err.println(
        "proctor: denied: "
            + reason
            + actionId.map(id -> " (action " + id + ")").orElse(" (not recorded)"));
    err.flush();
    return DENIED;
  }

  /** The bash that {@code --shell} runs, if this machine has one. */
  static Optional<String> bash() {
    for (String p : List.of("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash")) {
      if (Files.isExecutable(Path.of(p))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The call the shell classifier decides: a {@code Bash} tool call with the command line. */
  ToolCall call(String line) {
    ObjectNode args = JsonNodeFactory.instance.objectNode().put("command", line);
    Map<String, Object> ctx = new LinkedHashMap<>();
    ctx.put("cwd", Path.of("").toAbsolutePath().normalize().toString());
    String home = System.getProperty("user.home");
    if (home != null && home.startsWith("/")) {
      ctx.put("home", home);
    }
    String sessionId = session;
    if (sessionId == null) {
      String env = System.getenv("PROCTOR_SESSION");
      sessionId = env == null || env.isBlank() ? UUID.randomUUID().toString() : env;
    }
    return new ToolCall(
        Principal.agentSession(agent, sessionId),
        "exec",
        "Bash",
        "",
        args,
        Optional.empty(),
        Set.of(),
        ctx);
  }

  /** Where proctor stands, which decides what a signal does. */
  private enum Phase {
    DECIDING,
    WAITING,
    RUNNING,
    DONE
  }

  /**
   * One run: the decision, the wait for an approval and the command, with the signals received on
   * the way. A signal handler thread and the main thread share it under its lock.
   */
  private final class Run {
    private final PrintStream err;
    private final Thread main = Thread.currentThread();
    private Phase phase = Phase.DECIDING;
    private Process child;
    private String signal;
    private int signalNumber;
    private boolean fromTerminal;
    private final List<String> forwardProblems = new ArrayList<>();

    Run(PrintStream err) {
      this.err = err;
    }

    void takeSignals() {
      List<String> failed = Signals.install(this::onSignal);
      if (!failed.isEmpty()) {
        err.println(
            "proctor: cannot pass signals to the command ("
                + String.join(", ", failed)
                + "); a signal to proctor then ends the command with SIGTERM");
      }
    }

    private void onSignal(String name, int number) {
      Process target;
      synchronized (this) {
        if (signal == null) {
          signal = name;
          signalNumber = number;
        }
        if (phase == Phase.WAITING) {
          main.interrupt();
          return;
        }
        if (phase != Phase.RUNNING) {
          return; // before: the command will not start; after: it has ended
        }
        target = child;
      }
      forward(target, name);
    }

    /** Passes a signal to the command, except a terminal's Ctrl-C, which reached it already. */
    private void forward(Process target, String name) {
      if (name.equals("INT") && Signals.inTerminalForeground()) {
        synchronized (this) {
          fromTerminal = true;
        }
        return;
      }
      Optional<String> problem = Signals.send(target, name);
      if (problem.isPresent()) {
        synchronized (this) {
          forwardProblems.add(problem.get());
        }
        // Not passed on as it was: the command must still end, as the signal asked of proctor.
        target.destroy();
      }
    }

    private synchronized Optional<String> signal() {
      return Optional.ofNullable(signal);
    }

    private int signalCode() {
      synchronized (this) {
        return 128 + signalNumber;
      }
    }

    int mediate(Proctor proctor, Plan plan) {
      Optional<String> bash = Optional.empty();
      if (plan.shell()) {
        bash = bash();
        if (bash.isEmpty()) {
          return denied(
              err,
              "--shell runs the string with bash (the shell Proctor's classifier reads), and"
                  + " there is no bash in /bin, /usr/bin or /usr/local/bin; give the words after --"
                  + " instead",
              Optional.empty());
        }
      }
      Mediator mediator = proctor.mediator();
      Mediation m = mediator.mediate(call(plan.line()));
      String id = m.actionId();
      Decision d = m.decision();
      if (d instanceof Decision.RequireApproval ask) {
        if (ask.requirement().answeredAt() != ApprovalRequirement.AnsweredAt.PROCTOR) {
          String why =
              "approval required ("
                  + d.reason()
                  + "), to be answered at an agent harness's prompt, which proctor exec does not"
                  + " have; a rule with approval: {answered_at: proctor} is held in Proctor and"
                  + " waited for";
          closeUnheld(proctor, id, why);
          return denied(err, why, Optional.of(id));
        }
        Optional<String> approved = awaitApproval(proctor, m, ask);
        if (approved.isPresent()) {
          return approved.get().isEmpty() ? run(proctor, m, plan, bash) : ended(approved.get(), id);
        }
        return signalCode();
      }
      if (!d.allows()) {
        String kind = d.kind() == Decision.Kind.DENY ? "" : d.kind().wireName() + ": ";
        return denied(err, kind + d.reason(), m.durable() ? Optional.of(id) : Optional.empty());
      }
      return run(proctor, m, plan, bash);
    }

    private int ended(String reason, String id) {
      return denied(err, reason, Optional.of(id));
    }

    /**
     * Waits for the held action's approval. Returns an empty string when it was approved, the
     * reason it was not otherwise, or empty when a signal ended the wait (the action is then
     * canceled).
     */
    private Optional<String> awaitApproval(
        Proctor proctor, Mediation m, Decision.RequireApproval ask) {
      String id = m.actionId();
      Approvals approvals = proctor.approvals();
      Optional<HeldAction> found = approvals.get(id);
      if (found.isEmpty()) {
        return Optional.of("the action was to be held for approval, but it is not on record");
      }
      HeldAction held = found.get();
      Duration waitFor = wait == null ? DEFAULT_WAIT : wait;
      DataDirectory dir = dataDir.resolve();
      err.println(
          "proctor: action "
              + id
              + " is held for approval: "
              + ask.reason()
              + (ask.ruleIds().isEmpty()
                  ? ""
                  : " (rule " + String.join(", ", ask.ruleIds()) + ")"));
      err.println(
          "proctor: an approver in "
              + String.join(", ", held.requirement().approverGroups())
              + " can decide it: proctor approvals approve "
              + id
              + " --user NAME --data-dir "
              + dir.root()
              + " (or reject), or in the console or the API (POST /v1/approvals/"
              + id
              + "/approve) of a proctor serve on the same data directory");
      Instant expires = held.expires();
      Instant until = Instant.now().plus(waitFor);
      err.println(
          "proctor: waiting up to "
              + Durations.format(waitFor)
              + " (--wait; the approval expires at "
              + expires
              + "); Ctrl-C cancels it");
      err.flush();
      synchronized (this) {
        if (signal != null) {
          cancel(approvals, id, "SIG" + signal + " reached proctor exec before it waited");
          return Optional.empty();
        }
        phase = Phase.WAITING;
      }
      try {
        while (true) {
          Instant now = Instant.now();
          Instant stop = until.isBefore(expires) ? until : expires;
          Duration left = Duration.between(now, stop);
          Optional<LifecycleState> state =
              approvals.await(id, left.isNegative() ? Duration.ZERO : left);
          if (state.isEmpty()) {
            return Optional.of("the held action is no longer on record");
          }
          if (state.get() != LifecycleState.APPROVAL_REQUIRED) {
            return settled(approvals, id, state.get());
          }
          if (!Instant.now().isBefore(expires)) {
            approvals.sweep();
            LifecycleState after = mediatorState(proctor, id);
            if (after == LifecycleState.APPROVAL_REQUIRED) {
              // The sweep could not end it: nobody may approve it any more, so it ends here.
              after =
                  cancel(
                      approvals, id, "expired at " + expires + " and the sweep could not end it");
            }
            return settled(approvals, id, after);
          } else if (!Instant.now().isBefore(until)) {
            String why =
                "proctor exec stopped waiting after " + Durations.format(waitFor) + " (--wait)";
            LifecycleState after = cancel(approvals, id, why);
            return after == LifecycleState.CANCELED
                ? Optional.of(
                    "not approved within " + Durations.format(waitFor) + " (--wait); canceled")
                : settled(approvals, id, after);
          }
        }
      } catch (InterruptedException e) {
        String name;
        synchronized (this) {
          phase = Phase.DONE;
          name = signal == null ? "an interrupt" : "SIG" + signal;
        }
        LifecycleState after =
            cancel(approvals, id, name + " reached proctor exec while it waited");
        err.println(
            "proctor: "
                + name
                + " while waiting: action "
                + id
                + " is "
                + after.wireName()
                + "; the command was not run");
        return Optional.empty();
      } finally {
        synchronized (this) {
          if (phase == Phase.WAITING) {
            phase = Phase.DECIDING;
          }
        }
        Thread.interrupted();
      }
    }

    private LifecycleState mediatorState(Proctor proctor, String id) {
      return proctor.mediator().state(id).orElse(LifecycleState.DENIED);
    }

    /** Cancels a held action; returns the state it is in afterwards (another end may have won). */
    private LifecycleState cancel(Approvals approvals, String id, String why) {
      try {
        return approvals.cancel(id, why);
      } catch (ApprovalException e) {
        return approvals.get(id).map(HeldAction::state).orElse(LifecycleState.CANCELED);
      }
    }

    /** An ended approval: empty string for approved, else why the command does not run. */
    private Optional<String> settled(Approvals approvals, String id, LifecycleState state) {
      if (state == LifecycleState.APPROVED) {
        Optional<HeldAction> held = approvals.get(id);
        String who =
            held.map(
                    h ->
                        String.join(
                            ", ",
                            h.votes().stream()
                                .filter(v -> v.decision().equals("approve"))
                                .map(HeldAction.Vote::approver)
                                .toList()))
                .orElse("");
        err.println("proctor: action " + id + " approved" + (who.isEmpty() ? "" : " by " + who));
        err.flush();
        return Optional.of("");
      }
      String why =
          approvals
              .get(id)
              .flatMap(
                  h ->
                      h.votes().stream()
                          .filter(v -> v.decision().equals("reject"))
                          .findFirst()
                          .map(
                              v ->
                                  "rejected by "
                                      + v.approver()
                                      + v.reason().map(r -> ": " + r).orElse("")))
              .orElse(state.wireName());
      return Optional.of(
          switch (state) {
            case REJECTED -> why;
            case EXPIRED -> "the approval expired before enough approvers approved it";
            case CANCELED -> "the held action was canceled";
            default -> "the held action ended " + state.wireName();
          });
    }

    /** Runs an allowed or approved command and records how it ended. */
    private int run(Proctor proctor, Mediation m, Plan plan, Optional<String> bash) {
      String id = m.actionId();
      Decision d = m.decision();
      List<String> argv = plan.shell() ? List.of(bash.get(), "-c", plan.line()) : plan.argv();
      JsonNode runWith = d.argumentsFor(m.request().arguments());
      String line = runWith.path("command").asText(null);
      if (line == null) {
        return denied(err, "the policy rewrote the command into no command", Optional.of(id));
      }
      if (!line.equals(plan.line())) {
        Optional<String> sh = bash.isPresent() ? bash : bash();
        if (sh.isEmpty()) {
          return denied(
              err,
              "the policy rewrote the command, and there is no bash to run the rewritten line",
              Optional.of(id));
        }
        err.println("proctor: the policy rewrote the command; running: " + line);
        argv = List.of(sh.get(), "-c", line);
      }
      synchronized (this) {
        if (signal != null) {
          phase = Phase.DONE;
          err.println("proctor: SIG" + signal + " before the command started; it was not run");
          return 128 + signalNumber;
        }
      }
      try {
        proctor.mediator().begin(id);
      } catch (LogUnavailableException | RuntimeException e) {
        return denied(
            err,
            "the start of the command could not be recorded: " + e.getMessage(),
            Optional.of(id));
      }
      Optional<Duration> limit = timeLimit(d);
      long started = System.nanoTime();
      Process process;
      try {
        process = new ProcessBuilder(argv).inheritIO().start();
      } catch (IOException e) {
        int code =
            e.getMessage() != null && e.getMessage().contains("error=2,")
                ? NOT_FOUND
                : CANNOT_EXECUTE;
        String why = "cannot run " + argv.get(0) + ": " + cause(e);
        err.println("proctor: " + why);
        record(proctor, id, LifecycleState.FAILED, code, why);
        return code;
      }
      Thread guard = new Thread(() -> stop(process), "proctor-exec-child-guard");
      Runtime.getRuntime().addShutdownHook(guard);
      String pending;
      synchronized (this) {
        child = process;
        phase = Phase.RUNNING;
        pending = signal;
      }
      if (pending != null) {
        forward(process, pending);
      }
      boolean timedOut = false;
      boolean interrupted = false;
      try {
        if (limit.isPresent() && !process.waitFor(limit.get().toNanos(), TimeUnit.NANOSECONDS)) {
          timedOut = true;
          process.destroy();
          if (!process.waitFor(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
          }
        }
        process.waitFor();
      } catch (InterruptedException e) {
        interrupted = true;
        stop(process);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      int code = process.exitValue();
      String sig;
      boolean terminal;
      List<String> problems;
      synchronized (this) {
        phase = Phase.DONE;
        sig = signal;
        terminal = fromTerminal;
        problems = List.copyOf(forwardProblems);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(guard);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting already; the guard finds the command ended.
      }
      StringBuilder detail = new StringBuilder();
      LifecycleState end;
      if (timedOut) {
        end = LifecycleState.INTERRUPTED;
        detail
            .append("the policy's time limit of ")
            .append(Durations.format(limit.get()))
            .append(" passed: proctor sent SIGTERM; ");
      } else if (sig != null) {
        end = LifecycleState.INTERRUPTED;
        detail.append(
            terminal
                ? "SIGINT from the terminal reached the command itself; "
                : "SIG" + sig + " reached proctor and was passed to the command; ");
        problems.forEach(p -> detail.append("(").append(p).append(", so proctor sent SIGTERM) "));
      } else if (interrupted) {
        end = LifecycleState.INTERRUPTED;
        detail.append("proctor was interrupted and ended the command; ");
      } else {
        end = code == 0 ? LifecycleState.SUCCEEDED : LifecycleState.FAILED;
      }
      detail
          .append(status(code, timedOut ? "TERM" : sig))
          .append(" after ")
          .append(millis)
          .append(" ms");
      record(proctor, id, end, code, detail.toString());
      return code;
    }

    private void record(Proctor proctor, String id, LifecycleState end, int code, String detail) {
      Outcome outcome =
          new Outcome(Optional.of((long) code), Optional.empty(), Optional.of(truncate(detail)));
      try {
        proctor.mediator().report(id, new Report(end, outcome, Optional.empty()));
      } catch (LogUnavailableException | RuntimeException e) {
        err.println("proctor: the end of action " + id + " was not recorded: " + e.getMessage());
      }
    }
  }

  /**
   * The exit status in words. The JVM reports a command killed by signal N as status 128+N, as
   * shells do, and cannot tell it from a command that exited with that status itself.
   */
  static String status(int code, String signalSent) {
    if (code > 128 && code < 128 + 65) {
      String name = Signals.describe(code - 128);
      boolean ours = signalSent != null && name.equals("SIG" + signalSent);
      return "ended with status "
          + code
          + (ours
              ? " (killed by " + name + ")"
              : " (killed by "
                  + name
                  + ", or exited with "
                  + code
                  + " itself: the JVM reports both alike)");
    }
    return "exited with status " + code;
  }

  private static Optional<Duration> timeLimit(Decision d) {
    Duration shortest = null;
    for (Obligation o : d.obligations()) {
      if (o instanceof Obligation.TimeLimit t
          && (shortest == null || t.limit().compareTo(shortest) < 0)) {
        shortest = t.limit();
      }
    }
    return Optional.ofNullable(shortest);
  }

  /** Ends a command that proctor leaves: SIGTERM, then SIGKILL after {@link #KILL_GRACE}. */
  static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
        process.destroyForcibly();
        process.waitFor(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * An action the policy asks about at a harness's prompt, which proctor exec has not: it is not
   * held in Proctor, so nobody could approve it; recorded as canceled so that the log does not show
   * it waiting for ever.
   */
  private void closeUnheld(Proctor proctor, String id, String why) {
    try {
      var last = proctor.log().store().lastEntry(id);
      if (last.isEmpty()
          || !last.get().state().equals(LifecycleState.APPROVAL_REQUIRED.wireName())) {
        return;
      }
      ActionRecord action = ReceiptFormat.action(last.get().json());
      proctor
          .log()
          .recordAll(
              List.of(
                  new LifecycleEvent.ApprovalResolved(
                      action,
                      LifecycleState.CANCELED,
                      new ApprovalRecord(List.of(), Optional.of("canceled: " + why)))),
              recordWithin());
    } catch (LogUnavailableException | RuntimeException e) {
      System.err.println(
          "proctor: action " + id + " stays approval_required in the log: " + e.getMessage());
    }
  }

  private static String cause(IOException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int at = m.indexOf("error=");
    return at >= 0 ? m.substring(at) : m;
  }

  private static String truncate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 499) + "…";
  }

  /** Reads {@code --wait}: a positive duration in the policy's spelling. */
  static final class WaitConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value)
          .filter(d -> !d.isZero())
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "--wait must be a positive duration such as "
                          + Durations.EXAMPLES
                          + ", was '"
                          + value
                          + "'"));
    }
  }
}

package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.Proctor;
import dev.proctor.approval.Approver;
import dev.proctor.audit.LogTesting;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.StoredEntry;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code proctor exec} as a user runs it: a real {@code proctor} JVM per test, started in a work
 * directory with a fresh data directory, running real commands; the log is read back from the
 * SQLite file, and verified, afterwards.
 */
class ExecCommandTest {

  private static final Path POLICY = Path.of("src", "test", "resources", "exec").toAbsolutePath();

  private static final Pattern HELD =
      Pattern.compile("proctor: action (\\S+) is held for approval");

  @TempDir Path tmp;

  private Path work;
  private Path data;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void dirs() throws IOException {
    work = Files.createDirectories(tmp.resolve("work"));
    data = tmp.resolve("data");
  }

  @AfterEach
  void stop() {
    started.forEach(Process::destroyForcibly);
  }

  /** A running {@code proctor exec}, its standard streams going to files. */
  private final class Exec {
    final Process process;
    final Path out = tmp.resolve("out-" + started.size());
    final Path err = tmp.resolve("err-" + started.size());

    Exec(boolean examplePolicy, String... args) throws IOException {
      // A generous deadline: on a loaded machine the log's writer may not run for a while.
      List<String> cli =
          new ArrayList<>(List.of("exec", "--data-dir", data.toString(), "--deadline", "60s"));
      if (!examplePolicy) {
        cli.addAll(List.of("--policy", POLICY.toString()));
      }
      cli.addAll(List.of(args));
      process =
          new ProcessBuilder(LogTesting.javaCommand(Main.class, cli.toArray(String[]::new)))
              .directory(work.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      started.add(process);
    }

    int exitCode() throws Exception {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("proctor exec ended").isTrue();
      return process.exitValue();
    }

    String stdout() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Waits until standard error says the action is held, and returns its id. */
    String heldActionId() throws Exception {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < until) {
        Matcher m = HELD.matcher(stderr());
        if (m.find()) {
          return m.group(1);
        }
        assertThat(process.isAlive()).as("proctor exec still running: %s", stderr()).isTrue();
        Thread.sleep(50);
      }
      throw new AssertionError("never held: " + stderr());
    }

    /** Waits until the command inside has written {@code file} (it then runs). */
    void awaitFile(Path file) throws Exception {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!Files.exists(file)) {
        assertThat(process.isAlive()).as("proctor exec still running: %s", stderr()).isTrue();
        assertThat(System.nanoTime()).as("%s written", file).isLessThan(until);
        Thread.sleep(50);
      }
    }

    void signal(String name) throws Exception {
      Process kill =
          new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start();
      assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(kill.exitValue()).isZero();
    }
  }

  private Exec exec(String... args) throws IOException {
    return new Exec(false, args);
  }

  /** The entries of the only action in the data directory's log. */
  private List<StoredEntry> onlyAction() throws IOException {
    List<StoredEntry> all = new ArrayList<>();
    try (SqliteLogStore store = SqliteActionLog.openStore(new DataDirectory(data))) {
      store.scan(0, store.size(), all::add);
    }
    assertThat(all)
        .extracting(StoredEntry::actionId)
        .as("one action")
        .containsOnly(all.get(0).actionId());
    return all;
  }

  private static List<String> states(List<StoredEntry> entries) {
    return entries.stream().map(StoredEntry::state).toList();
  }

  private void assertLogIntact() {
    CliRun verify = CliRun.run("", "audit", "verify", "--data-dir", data.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).startsWith("INTACT");
  }

  @Test
  void exec_allowedEcho_runsWithTheCallersStdoutAndExitsZero() throws Exception {
    Exec run = exec("--", "echo", "hello", "two words");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("hello two words\n");
    List<StoredEntry> entries = onlyAction();
    assertThat(states(entries)).containsExactly("requested", "allowed", "executing", "succeeded");
    assertThat(entries.get(0).json()).contains("\"command\":\"echo hello 'two words'\"");
    assertThat(entries.get(3).json()).contains("\"exitStatus\":0").contains("exited with status 0");
    assertLogIntact();
  }

  @Test
  void exec_commandExitingNonZero_passesItsStatusThroughAndRecordsFailed() throws Exception {
    Exec run = exec("--", "sh", "-c", "exit 3");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(3);
    List<StoredEntry> entries = onlyAction();
    assertThat(states(entries)).containsExactly("requested", "allowed", "executing", "failed");
    assertThat(entries.get(3).json()).contains("\"exitStatus\":3");
  }

  @Test
  void exec_shellString_runsWithBashAndIsClassifiedAsWritten() throws Exception {
    Exec run = exec("--shell", "printf '%s-' a b | tr a-z A-Z; exit 4");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(4);
    assertThat(run.stdout()).isEqualTo("A-B-");
    assertThat(onlyAction().get(0).json())
        .contains("\"command\":\"printf '%s-' a b | tr a-z A-Z; exit 4\"");
  }

  @Test
  void exec_deniedByThePolicy_doesNotRunAndExitsWithTheDenialCode() throws Exception {
    Path marker = work.resolve("denied-marker");
    Exec run = exec("--", "sh", "-c", "touch denied-marker");

    assertThat(run.exitCode()).isEqualTo(ExecCommand.DENIED);
    assertThat(marker).doesNotExist();
    assertThat(run.stderr())
        .matches("(?s).*proctor: denied: the test policy refuses it \\(action [^)]+\\)\n");
    assertThat(states(onlyAction())).containsExactly("requested", "denied");
    assertLogIntact();
  }

  @Test
  void exec_examplePolicyDeniesTouchingProctorsOwnData_commandDoesNotRun() throws Exception {
    Files.createDirectories(data);
    Path marker = data.resolve("marker");
    Exec run = new Exec(true, "--", "touch", marker.toString());

    assertThat(run.exitCode()).isEqualTo(ExecCommand.DENIED);
    assertThat(marker).doesNotExist();
    assertThat(run.stderr()).contains("proctor: denied: ").contains("(action ");
  }

  @Test
  void exec_deniedDeleteOutsideTheProject_doesNotRun() throws Exception {
    // The example policy denies deleting outside the project; were it run, it would only touch.
    Files.createDirectories(data);
    Path marker = work.resolve("ran-marker");
    Exec run = new Exec(true, "--shell", "touch ran-marker; rm -rf /proctor-exec-test-nonexistent");

    assertThat(run.exitCode()).isEqualTo(ExecCommand.DENIED);
    assertThat(marker).doesNotExist();
    assertThat(run.stderr()).contains("deleting files outside the project is not allowed");
  }

  @Test
  void exec_commandKilledBySignal_exits128PlusNAndRecordsHow() throws Exception {
    Exec run = exec("--", "sh", "-c", "kill -KILL $$");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(128 + 9);
    List<StoredEntry> entries = onlyAction();
    assertThat(states(entries)).containsExactly("requested", "allowed", "executing", "failed");
    assertThat(entries.get(3).json()).contains("\"exitStatus\":137").contains("killed by SIGKILL");
  }

  @ParameterizedTest
  @CsvSource({"TERM", "HUP", "INT"})
  void exec_signalToProctorWhileTheCommandRuns_reachesTheCommandAndIsRecorded(String signal)
      throws Exception {
    Path ready = work.resolve("ready");
    Exec run =
        exec(
            "--",
            "sh",
            "-c",
            "trap 'echo got-"
                + signal
                + " > caught; exit 7' "
                + signal
                + "; touch ready;"
                + " while :; do sleep 0.1; done");
    run.awaitFile(ready);

    run.signal(signal);

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(7);
    assertThat(work.resolve("caught")).content().isEqualTo("got-" + signal + "\n");
    List<StoredEntry> entries = onlyAction();
    assertThat(states(entries)).containsExactly("requested", "allowed", "executing", "interrupted");
    assertThat(entries.get(3).json())
        .contains("SIG" + signal + " reached proctor and was passed to the command")
        .contains("\"exitStatus\":7");
    assertLogIntact();
  }

  @Test
  void exec_ctrlCAtATerminal_reachesTheCommandOnceAndIsRecorded() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script makes the terminal");
    List<String> cli =
        new ArrayList<>(
            LogTesting.javaCommand(
                Main.class,
                "exec",
                "--data-dir",
                data.toString(),
                "--deadline",
                "60s",
                "--policy",
                POLICY.toString(),
                "--",
                "sh",
                "-c",
                "trap 'echo int >> caught' INT; touch ready;"
                    + " while [ ! -f stop ]; do sleep 0.1; done; exit 4"));
    // script runs proctor on a new pseudo-terminal, in its foreground process group with the
    // command; a Ctrl-C written to the terminal goes to the whole group.
    Process terminal =
        new ProcessBuilder(
                "script",
                "-qfec",
                "exec " + ShellQuoting.join(cli),
                tmp.resolve("typescript").toString())
            .directory(work.toFile())
            .redirectOutput(tmp.resolve("tty-out").toFile())
            .redirectErrorStream(true)
            .start();
    started.add(terminal);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(work.resolve("ready"))) {
      assertThat(terminal.isAlive()).as(Files.readString(tmp.resolve("tty-out"))).isTrue();
      assertThat(System.nanoTime()).isLessThan(until);
      Thread.sleep(50);
    }
    Thread.sleep(300);

    terminal.getOutputStream().write(3); // Ctrl-C
    terminal.getOutputStream().flush();
    long caught = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(work.resolve("caught")) && System.nanoTime() < caught) {
      Thread.sleep(50);
    }
    Thread.sleep(1000); // time for a second SIGINT, were one passed on
    Files.writeString(work.resolve("stop"), "");

    assertThat(terminal.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(terminal.exitValue()).as(Files.readString(tmp.resolve("tty-out"))).isEqualTo(4);
    assertThat(work.resolve("caught")).content().isEqualTo("int\n");
    List<StoredEntry> entries = onlyAction();
    assertThat(states(entries)).containsExactly("requested", "allowed", "executing", "interrupted");
    assertThat(entries.get(3).json())
        .contains("SIGINT from the terminal reached the command itself; exited with status 4");
  }

  @Test
  void exec_sigtermToACommandThatDoesNotCatchIt_exits143() throws Exception {
    Path ready = work.resolve("ready");
    Exec run = exec("--", "sh", "-c", "touch ready; exec sleep 60");
    run.awaitFile(ready);
    Thread.sleep(200); // the exec of sleep

    run.signal("TERM");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(128 + 15);
    assertThat(onlyAction().get(3).json()).contains("(killed by SIGTERM)");
  }

  @Test
  void exec_timeLimitObligation_endsTheCommandAndRecordsInterrupted() throws Exception {
    Exec run = exec("--shell", "sleep 60 # time-limited");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(128 + 15);
    assertThat(states(onlyAction())).endsWith("interrupted");
    assertThat(onlyAction().get(3).json()).contains("the policy's time limit of 1s passed");
  }

  @Test
  void exec_commandRewrittenByTheCommandsPolicy_runsTheRewrittenLineAndSaysSo() throws Exception {
    Exec run = exec("--", "touch", "rewrite-me");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("rewritten by the policy\n");
    assertThat(work.resolve("rewrite-me")).doesNotExist();
    assertThat(run.stderr())
        .contains("proctor: the policy rewrote the command; running: echo rewritten by the policy");
    assertThat(states(onlyAction()))
        .containsExactly("requested", "allowed", "executing", "succeeded");
  }

  @Test
  void exec_heldCommand_approvedThroughTheStoreFromAnotherProcess_runs() throws Exception {
    Path marker = work.resolve("held-marker");
    Exec run = exec("--wait", "2m", "--", "touch", "held-marker");
    String id = run.heldActionId();
    assertThat(marker).doesNotExist();

    try (Proctor approver = approverSide()) {
      assertThat(approver.approvals().approve(id, new Approver("alice", Set.of("approvers"))))
          .isEqualTo(LifecycleState.APPROVED);
    }

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(marker).exists();
    assertThat(run.stderr())
        .contains("proctor approvals approve " + id)
        .contains("approved by alice");
    assertThat(states(onlyAction()))
        .containsExactly("requested", "approval_required", "approved", "executing", "succeeded");
    assertLogIntact();
  }

  @Test
  void exec_heldCommand_approvedWithTheApprovalsCommand_runs() throws Exception {
    Path password = tmp.resolve("password");
    Files.writeString(password, "correct horse battery staple\n");
    CliRun user =
        CliRun.run(
            "correct horse battery staple\n",
            "users",
            "add",
            "dana",
            "--role",
            "approver",
            "--data-dir",
            data.toString());
    assertThat(user.exitCode()).as(user.err()).isZero();
    Exec run = exec("--", "touch", "held-marker");
    String id = run.heldActionId();

    CliRun vote =
        CliRun.run(
            "",
            "approvals",
            "approve",
            id,
            "--user",
            "dana",
            "--password-file",
            password.toString(),
            "--data-dir",
            data.toString());

    assertThat(vote.exitCode()).as(vote.out() + vote.err()).isZero();
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(work.resolve("held-marker")).exists();
    assertThat(run.stderr()).contains("approved by dana");
    assertLogIntact();
  }

  @Test
  void exec_heldCommand_rejected_doesNotRunAndSaysWhy() throws Exception {
    Path marker = work.resolve("held-marker");
    Exec run = exec("--", "touch", "held-marker");
    String id = run.heldActionId();

    try (Proctor approver = approverSide()) {
      approver.approvals().reject(id, new Approver("alice", Set.of("approvers")), "not today");
    }

    assertThat(run.exitCode()).isEqualTo(ExecCommand.DENIED);
    assertThat(marker).doesNotExist();
    assertThat(run.stderr())
        .contains("proctor: denied: rejected by alice: not today (action " + id + ")");
    assertThat(states(onlyAction())).containsExactly("requested", "approval_required", "rejected");
    assertLogIntact();
  }

  @Test
  void exec_heldCommandNotDecidedWithinTheWait_isCanceledAndDoesNotRun() throws Exception {
    Exec run = exec("--wait", "1s", "--", "touch", "held-marker");

    assertThat(run.exitCode()).isEqualTo(ExecCommand.DENIED);
    assertThat(work.resolve("held-marker")).doesNotExist();
    assertThat(run.stderr()).contains("not approved within 1s (--wait); canceled");
    assertThat(states(onlyAction())).containsExactly("requested", "approval_required", "canceled");
  }

  @Test
  void exec_heldCommandWhoseApprovalExpiresWhileWaiting_isExpiredAndDoesNotRun() throws Exception {
    Exec run = exec("--wait", "2m", "--", "touch", "expiring-marker");

    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(ExecCommand.DENIED);
    assertThat(work.resolve("expiring-marker")).doesNotExist();
    assertThat(run.stderr()).contains("proctor: denied: the approval expired");
    assertThat(states(onlyAction())).containsExactly("requested", "approval_required", "expired");
    assertLogIntact();
  }

  @Test
  void exec_interruptedWhileWaitingForApproval_cancelsTheHeldAction() throws Exception {
    Exec run = exec("--", "touch", "held-marker");
    run.heldActionId();

    run.signal("INT");

    assertThat(run.exitCode()).isEqualTo(128 + 2);
    assertThat(work.resolve("held-marker")).doesNotExist();
    assertThat(run.stderr()).contains("SIGINT while waiting").contains("is canceled");
    assertThat(states(onlyAction())).containsExactly("requested", "approval_required", "canceled");
    assertLogIntact();
  }

  @Test
  void exec_commandNotFound_exits127AndRecordsFailed() throws Exception {
    Exec run = exec("--", "proctor-exec-test-no-such-command");

    assertThat(run.exitCode()).isEqualTo(ExecCommand.NOT_FOUND);
    assertThat(run.stderr()).contains("proctor: cannot run proctor-exec-test-no-such-command");
    assertThat(states(onlyAction())).endsWith("executing", "failed");
  }

  /** Proctor over the same data directory, as an approver's process would open it. */
  private Proctor approverSide() throws Exception {
    return SqliteActionLog.into(
            Proctor.builder().policyDirectory(POLICY).decisionDeadline(Duration.ofSeconds(30)),
            new DataDirectory(data),
            notice -> {})
        .build();
  }

  @Test
  void exec_noCommand_isAUsageError() {
    CliRun run = CliRun.run("", "exec", "--data-dir", data.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no command: give it after --");
    assertThat(data).doesNotExist();
  }

  @Test
  void exec_unknownOption_isAUsageError() {
    CliRun run =
        CliRun.run("", "exec", "--data-dir", data.toString(), "--frobnicate", "--", "true");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--frobnicate'");
  }

  @Test
  void exec_badWaitOrBothForms_areUsageErrors() {
    CliRun soon = CliRun.run("", "exec", "--wait", "soon", "--", "true");
    CliRun both = CliRun.run("", "exec", "--shell", "true", "--", "true");

    assertThat(soon.exitCode()).isEqualTo(2);
    assertThat(soon.err()).contains("--wait must be a positive duration such as");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("either after -- or with --shell, not both");
  }

  @Test
  void exec_optionsAfterTheCommandsFirstWord_areTheCommands() throws Exception {
    Exec run = exec("echo", "--wait", "-n", "x");

    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo("--wait -n x\n");
  }
}

package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A hook always answers within its deadline, counted from the start of its process: while another
 * process holds the log's write lock, or while the harness (or an attacker) leaves stdin open, the
 * hook — a real process — answers the event's block in time and halts; a locked log keeps nothing
 * of the decision. Timings are checked only against the deadline itself, which is long enough for a
 * cold JVM on a busy machine, and the bound allows half a second of scheduling on a loaded one.
 */
class DeadlineTest {

  /**
   * A deadline a cold JVM on a loaded two-core machine meets: its start-up and class loading are
   * well inside it, so that a late answer here is the deadline's own fault.
   */
  private static final Duration LONG_ENOUGH = Duration.ofSeconds(6);

  /**
   * When a hook with that deadline must have ended, as the test measures it: the deadline plus half
   * a second for a loaded machine's scheduling (seen: 0.28 s late with six builds running). That is
   * less than the launcher's one second, so a deadline counted from the JVM's start fails, as does
   * a stdin read outside the deadline (no answer at all).
   */
  private static final Duration DUE = LONG_ENOUGH.plusMillis(500);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String payload(String event, String command, String id) {
    return "{\"session_id\":\"s\",\"transcript_path\":\"/t\",\"cwd\":\"/work/p\","
        + "\"hook_event_name\":\""
        + event
        + "\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\""
        + command
        + "\"},\"tool_use_id\":\""
        + id
        + "\"}";
  }

  private static Process hook(Path home, String payload, String deadline) throws Exception {
    Process p = start(Duration.ZERO, deadline, "claude-code", "--data-dir", home.toString());
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(payload.getBytes(StandardCharsets.UTF_8));
    }
    return p;
  }

  /**
   * Starts {@code proctor hook ARGS… --deadline DEADLINE} as its own process, through a launcher
   * that waits {@code launcherDelay} before it execs the JVM, as {@code bin/proctor}'s shell runs
   * before its JVM: the harness's clock, and so the deadline, starts with the launcher.
   */
  private static Process start(Duration launcherDelay, String deadline, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    if (!launcherDelay.isZero()) {
      command.addAll(
          List.of(
              "sh",
              "-c",
              "sleep " + launcherDelay.toMillis() / 1000.0 + " && exec \"$@\"",
              "launcher"));
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            // As bin/proctor runs a hook: a halt waits for a compile in progress, and C2's are
            // long.
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "hook"));
    command.addAll(List.of(args));
    command.addAll(List.of("--deadline", deadline));
    return new ProcessBuilder(command).start();
  }

  /** The time from {@code start} until the process ended, once it has (waiting at most 60 s). */
  private static Duration endedAfter(Process p, long start) throws Exception {
    long ended = p.onExit().thenApply(x -> System.nanoTime()).get(60, TimeUnit.SECONDS);
    return Duration.ofNanos(ended - start);
  }

  private static String text(InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Runs a Claude Code hook with the long-enough deadline and checks that it ended by then. */
  private static Process hookInTime(Path home, String payload) throws Exception {
    long start = System.nanoTime();
    Process p = hook(home, payload, LONG_ENOUGH.toMillis() + "ms");
    assertThat(endedAfter(p, start)).as(payload).isLessThan(DUE);
    return p;
  }

  private static List<String> actions(Path home) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("proctor.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT action_id FROM receipts")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void hook_logLockedByAnotherProcess_answersEachEventsBlockBeforeTheDeadlineAndWritesNothing(
      @TempDir Path home) throws Exception {
    CliRun first =
        CliRun.run(
            payload("PreToolUse", "ls", "t0"),
            "hook",
            "claude-code",
            "--data-dir",
            home.toString(),
            "--deadline",
            "60s");
    assertThat(first.exitCode()).as(first.err()).isZero();
    int before = actions(home).size();
    try (Connection lock =
        DriverManager.getConnection("jdbc:sqlite:" + home.resolve("proctor.db"))) {
      try (Statement s = lock.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      // One at a time, so that each has the machine a harness would give it.
      Process pre = hookInTime(home, payload("PreToolUse", "ls", "t1"));
      Process permission = hookInTime(home, payload("PermissionRequest", "ls", "t2"));
      Process observed =
          hookInTime(
              home,
              "{\"session_id\":\"s\",\"cwd\":\"/work/p\",\"hook_event_name\":\"SessionStart\"}");

      assertThat(pre.exitValue()).isEqualTo(2);
      assertThat(text(pre.getErrorStream())).contains("deadline");
      JsonNode answer = JSON.readTree(permission.getInputStream().readAllBytes());
      assertThat(permission.exitValue()).isZero();
      assertThat(answer.at("/hookSpecificOutput/decision/behavior").textValue()).isEqualTo("deny");
      // An event Proctor does not decide gets the harness's no-op answer, recorded or not.
      assertThat(observed.exitValue()).isZero();
      assertThat(observed.getInputStream().readAllBytes()).isEmpty();
      assertThat(text(observed.getErrorStream())).contains("SessionStart").contains("not recorded");
      try (Statement s = lock.createStatement()) {
        s.execute("ROLLBACK");
      }
    }

    assertThat(actions(home)).hasSize(before).doesNotContain("t1", "t2");
    CliRun verify = CliRun.run("", "audit", "verify", "--data-dir", home.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  /** A harness whose stdin is left open: what it sent, and the block it must get. */
  enum Stalled {
    CLAUDE_CODE_PERMISSION_REQUEST(
        "{\"session_id\":\"s\",\"hook_event_name\":\"PermissionRequest\",\"tool_name\":\"Bash\",",
        "claude-code") {
      @Override
      void assertBlocked(int exit, String out) throws Exception {
        // PermissionRequest ignores exit 2: the deny is JSON with exactly these members.
        assertThat(exit).isZero();
        JsonNode answer = JSON.readTree(out);
        assertThat(answer.fieldNames()).toIterable().containsExactly("hookSpecificOutput");
        assertThat(answer.get("hookSpecificOutput").fieldNames())
            .toIterable()
            .containsExactly("hookEventName", "decision");
        assertThat(answer.at("/hookSpecificOutput/hookEventName").textValue())
            .isEqualTo("PermissionRequest");
        assertThat(answer.at("/hookSpecificOutput/decision").fieldNames())
            .toIterable()
            .containsExactly("behavior", "message");
        assertThat(answer.at("/hookSpecificOutput/decision/behavior").textValue())
            .isEqualTo("deny");
      }
    },
    CLAUDE_CODE_PRE_TOOL_USE(
        "{\"session_id\":\"s\",\"hook_event_name\":\"PreToolUse\"", "claude-code") {
      @Override
      void assertBlocked(int exit, String out) {
        assertThat(exit).isEqualTo(2);
        assertThat(out).isEmpty();
      }
    },
    NOTHING_SENT("", "codex") {
      @Override
      void assertBlocked(int exit, String out) {
        assertThat(exit).isEqualTo(2);
        assertThat(out).isEmpty();
      }
    },
    COPILOT_PRE_TOOL_USE(
        "{\"sessionId\":\"s\",\"cwd\":\"/work/p\"", "copilot", "--event", "preToolUse") {
      @Override
      void assertBlocked(int exit, String out) throws Exception {
        // Copilot skips a hook that exits non-zero: the deny is JSON on exit 0.
        assertThat(exit).isZero();
        JsonNode answer = JSON.readTree(out);
        assertThat(answer.fieldNames())
            .toIterable()
            .containsExactly("permissionDecision", "permissionDecisionReason");
        assertThat(answer.get("permissionDecision").textValue()).isEqualTo("deny");
      }
    };

    final String sent;
    final String[] args;

    Stalled(String sent, String... args) {
      this.sent = sent;
      this.args = args;
    }

    abstract void assertBlocked(int exit, String out) throws Exception;
  }

  @ParameterizedTest
  @EnumSource(Stalled.class)
  void hook_stdinLeftOpen_answersTheEventsBlockBeforeTheDeadlineFromTheLaunchersStart(
      Stalled stalled, @TempDir Path home) throws Exception {
    List<String> args = new ArrayList<>(List.of(stalled.args));
    args.addAll(List.of("--data-dir", home.toString()));
    long start = System.nanoTime();
    // The launcher takes a second before the JVM starts: the deadline counts that second too.
    Process p =
        start(Duration.ofSeconds(1), LONG_ENOUGH.toMillis() + "ms", args.toArray(String[]::new));
    OutputStream stdin = p.getOutputStream();
    try {
      stdin.write(stalled.sent.getBytes(StandardCharsets.UTF_8));
      stdin.flush();

      assertThat(endedAfter(p, start)).isLessThan(DUE);
      stalled.assertBlocked(p.exitValue(), text(p.getInputStream()));
      assertThat(text(p.getErrorStream()))
          .contains("the hook payload was not read within the deadline")
          .contains("standard input still open after " + stalled.sent.length() + " bytes");
    } finally {
      stdin.close();
      p.destroy();
    }
  }

  @Test
  void deadlineOption_notADuration_isAUsageError() {
    CliRun run = CliRun.run("{}", "check", "--deadline", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("positive duration such as 500ms");
  }
}

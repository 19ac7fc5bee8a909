package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hook always answers within its deadline: while another process holds the log's write lock, the
 * hook — a real process — answers deny in time, halts, and leaves nothing of its decision behind.
 */
class DeadlineTest {

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
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "hook",
                "claude-code",
                "--data-dir",
                home.toString(),
                "--deadline",
                deadline)
            .start();
    try (OutputStream stdin = p.getOutputStream()) {
      stdin.write(payload.getBytes(StandardCharsets.UTF_8));
    }
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
  void hook_logLockedByAnotherProcess_deniesWithinTheDeadlineAndWritesNothing(@TempDir Path home)
      throws Exception {
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
      long start = System.nanoTime();
      Process pre = hook(home, payload("PreToolUse", "ls", "t1"), "3s");
      Process permission = hook(home, payload("PermissionRequest", "ls", "t2"), "3s");
      assertThat(pre.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(permission.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(pre.exitValue()).isEqualTo(2);
      assertThat(new String(pre.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .contains("deadline");
      JsonNode answer = JSON.readTree(permission.getInputStream().readAllBytes());
      assertThat(permission.exitValue()).isZero();
      assertThat(answer.at("/hookSpecificOutput/decision/behavior").textValue()).isEqualTo("deny");
      // Both processes ran at once; each must end by its own 3 s deadline, JVM start included.
      assertThat(millis).isLessThan(6_000);
      try (Statement s = lock.createStatement()) {
        s.execute("ROLLBACK");
      }
    }

    assertThat(actions(home)).hasSize(before).doesNotContain("t1", "t2");
    CliRun verify = CliRun.run("", "audit", "verify", "--data-dir", home.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }

  @Test
  void deadlineOption_notADuration_isAUsageError() {
    CliRun run = CliRun.run("{}", "check", "--deadline", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("positive duration such as 500ms");
  }
}

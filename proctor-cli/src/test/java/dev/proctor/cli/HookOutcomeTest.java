package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostToolUse records the outcome under the decision PreToolUse put on record; it neither
 * classifies nor decides the call again.
 */
class HookOutcomeTest {

  private static final String ALLOW_LS =
      "policy: {id: t, version: 1, description: d}\n"
          + "rules:\n"
          + "  - {id: ls, match: {tool: Bash}, when: 'arguments.command == \"ls\"', effect: allow}\n";

  private static final String DENY_ALL =
      "policy: {id: t, version: 2, description: d}\n"
          + "rules:\n"
          + "  - {id: nothing, effect: deny, reason: everything is denied now}\n";

  private static String event(String name, String extra) {
    return "{\"session_id\":\"s1\",\"transcript_path\":\"/t\",\"cwd\":\"/work/p\","
        + "\"hook_event_name\":\""
        + name
        + "\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"},\"tool_use_id\":\"t1\""
        + extra
        + "}";
  }

  @Test
  void postToolUse_policyChangedSinceTheDecision_recordsTheOutcomeUnderTheRecordedDecision(
      @TempDir Path dir) throws Exception {
    Path home = dir.resolve("home");
    Path policy = dir.resolve("policy");
    Files.createDirectories(policy);
    Files.writeString(policy.resolve("policy.yaml"), ALLOW_LS);
    String[] args = {
      "hook", "claude-code", "--data-dir", home.toString(), "--policy", policy.toString()
    };

    CliRun pre = CliRun.run(event("PreToolUse", ""), args);
    // Were PostToolUse to decide again, this policy would deny the call it reports.
    Files.writeString(policy.resolve("policy.yaml"), DENY_ALL);
    CliRun post = CliRun.run(event("PostToolUse", ",\"tool_response\":{\"stdout\":\"a\"}"), args);
    CliRun export = CliRun.run("", "audit", "export", "--data-dir", home.toString());

    assertThat(pre.out()).contains("\"allow\"");
    assertThat(post.exitCode()).as(post.err()).isZero();
    assertThat(export.out())
        .contains("\"event\":\"allowed\"")
        .contains("\"event\":\"succeeded\"")
        .doesNotContain("\"event\":\"denied\"")
        .doesNotContain("everything is denied now");
  }

  @Test
  void unknownEvent_isAnsweredWithNoDecisionAndRecordedWithoutItsPayload(@TempDir Path home) {
    String payload =
        "{\"session_id\":\"s1\",\"cwd\":\"/work/p\",\"hook_event_name\":\"PreModelSwitch\","
            + "\"prompt\":\"my token is hunter2\",\"new_member\":{\"x\":1}}";

    CliRun run = CliRun.run(payload, "hook", "claude-code", "--data-dir", home.toString());
    CliRun export = CliRun.run("", "audit", "export", "--data-dir", home.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("PreModelSwitch").contains("recorded");
    assertThat(export.out())
        .contains("\"class\":\"harness.event\"")
        .contains("\"tool\":\"PreModelSwitch\"")
        .contains("\"payloadDigest\":\"")
        .doesNotContain("hunter2");
  }

  @Test
  void observedEvent_logCannotBeOpened_answersNothing(@TempDir Path dir) throws Exception {
    // A data directory inside a regular file cannot be made: the log does not open.
    Path file = Files.writeString(dir.resolve("file"), "x");
    String payload =
        "{\"session_id\":\"s1\",\"cwd\":\"/work/p\",\"hook_event_name\":\"SessionStart\"}";

    CliRun run =
        CliRun.run(payload, "hook", "claude-code", "--data-dir", file.resolve("home").toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("SessionStart").contains("not recorded");
  }

  @Test
  void observedEvent_policyDoesNotLoad_answersNothing(@TempDir Path dir) throws Exception {
    Path policy = Files.createDirectories(dir.resolve("policy"));
    Files.writeString(policy.resolve("policy.yaml"), "x: [\n");
    String payload = "{\"sessionId\":\"s1\",\"cwd\":\"/work/p\",\"timestamp\":1}";

    CliRun run =
        CliRun.run(
            payload,
            "hook",
            "copilot",
            "--event",
            "sessionStart",
            "--data-dir",
            dir.resolve("home").toString(),
            "--policy",
            policy.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("sessionStart").contains("not recorded");
  }
}

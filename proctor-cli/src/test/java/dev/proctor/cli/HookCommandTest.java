package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HookCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path home;

  @TestFactory
  List<DynamicTest> hook_corpus_answersAsExpected() throws IOException {
    JsonNode cases;
    try (InputStream in = HookCommandTest.class.getResourceAsStream("/hook/cases.json")) {
      cases = JSON.readTree(in);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases) {
      tests.add(DynamicTest.dynamicTest(c.get("name").textValue(), () -> check(c)));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> hook_everyHarness_answersInItsOwnShape() throws IOException {
    JsonNode cases;
    try (InputStream in = HookCommandTest.class.getResourceAsStream("/hook/harness-cases.json")) {
      cases = JSON.readTree(in);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases) {
      tests.add(DynamicTest.dynamicTest(c.get("name").textValue(), () -> checkHarness(c)));
    }
    return tests;
  }

  private static void checkHarness(JsonNode c) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of("hook", c.get("harness").textValue(), "--data-dir", home.toString()));
    if (c.has("event")) {
      args.add("--event");
      args.add(c.get("event").textValue());
    }
    CliRun run = CliRun.run(JSON.writeValueAsString(c.get("payload")), args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(c.get("exit").intValue());
    if (c.path("stdoutEmpty").asBoolean(false)) {
      assertThat(run.out()).as(run.err()).isEmpty();
    } else {
      JSON.readTree(run.out());
    }
    if (c.has("stdoutContains")) {
      assertThat(run.out()).as(run.err()).contains(c.get("stdoutContains").textValue());
    }
    if (c.has("stderrContains")) {
      assertThat(run.err()).contains(c.get("stderrContains").textValue());
    }
  }

  private static void check(JsonNode c) throws IOException {
    CliRun run =
        CliRun.run(
            JSON.writeValueAsString(c.get("payload")),
            "hook",
            "claude-code",
            "--data-dir",
            home.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(c.get("exit").intValue());
    if (c.has("permissionDecision")) {
      JsonNode out = JSON.readTree(run.out());
      assertThat(out.at("/hookSpecificOutput/permissionDecision").textValue())
          .as(run.out())
          .isEqualTo(c.get("permissionDecision").textValue());
      assertThat(out.at("/hookSpecificOutput/permissionDecisionReason").textValue())
          .startsWith("proctor: ");
    }
    if (c.has("reasonContains")) {
      assertThat(run.out()).contains(c.get("reasonContains").textValue());
    }
    if (c.has("behavior")) {
      assertThat(JSON.readTree(run.out()).at("/hookSpecificOutput/decision/behavior").textValue())
          .isEqualTo(c.get("behavior").textValue());
    }
    if (c.get("exit").intValue() == 2) {
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains(c.get("stderrContains").textValue());
    }
    if (!c.has("permissionDecision") && !c.has("behavior") && c.get("exit").intValue() == 0) {
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void hook_nonUtf8Payload_exitsTwo() {
    byte[] payload = {'{', '"', 's', '"', ':', '"', (byte) 0xFF, '"', '}'};

    CliRun run = CliRun.run(payload, "hook", "claude-code", "--data-dir", home.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("not valid UTF-8");
  }

  @Test
  void hook_payloadOverOneMebibyte_exitsTwo() {
    String big =
        "{\"session_id\":\"s\",\"cwd\":\"/p\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
            + "\"tool_input\":{\"command\":\""
            + "a".repeat(1 << 20)
            + "\"}}";

    CliRun run = CliRun.run(big, "hook", "claude-code", "--data-dir", home.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("larger than the limit");
  }

  @Test
  void hook_deeplyNestedPayload_exitsTwo() {
    String deep =
        "{\"session_id\":\"s\",\"cwd\":\"/p\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
            + "\"tool_input\":{\"x\":"
            + "[".repeat(200)
            + "]".repeat(200)
            + "}}";

    CliRun run = CliRun.run(deep, "hook", "claude-code", "--data-dir", home.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("nesting depth");
  }

  @Test
  void hook_emptyStdin_exitsTwo() {
    assertThat(CliRun.run("", "hook", "claude-code", "--data-dir", home.toString()).exitCode())
        .isEqualTo(2);
  }

  /** Runs {@code proctor hook claude-code} as its own JVM, as Claude Code does, and waits. */
  private static Process hookProcess(String payload) throws Exception {
    Process process =
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
                "60s")
            .start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(payload.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process;
  }

  @Test
  void hook_asARealProcess_blocksMalformedInputWithExitTwo() throws Exception {
    Process process = hookProcess("{not json");

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("malformed JSON");
    assertThat(process.getInputStream().readAllBytes()).isEmpty();
  }

  @Test
  void hook_asARealProcess_deniesADestructiveCommand() throws Exception {
    Process process =
        hookProcess(
            "{\"session_id\":\"s\",\"transcript_path\":\"/t\",\"cwd\":\"/work/p\",\"hook_event_name\":\"PreToolUse\","
                + "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"rm -rf ~\"}}");

    JsonNode out = JSON.readTree(process.getInputStream().readAllBytes());
    assertThat(process.exitValue()).isEqualTo(0);
    assertThat(out.at("/hookSpecificOutput/permissionDecision").textValue()).isEqualTo("deny");
  }

  private static final String LS =
      "{\"session_id\":\"s\",\"transcript_path\":\"/t\",\"cwd\":\"/work/p\","
          + "\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
          + "\"tool_input\":{\"command\":\"ls\"}}";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "claude-code | pretooluse   | PreToolUse        | ",
        "claude-code | PreToolBatch | PermissionRequest | ",
        "codex       | preToolUse   | PreToolUse        | ",
        "gemini      | beforeTool   | BeforeTool        | ",
        // Cursor's own events also read a JSON deny beside exit 2 (Claude Code ignores it).
        "cursor      | PRETOOLUSE   | PreToolUse        | {\"permission\":\"deny\""
      })
  void hook_unknownEventOption_isAUsageErrorThatExitsTwo(
      String harness, String event, String listed, String stdout) {
    // The payload alone would be allowed: the block is the usage error's.
    CliRun run = CliRun.run(LS, "hook", harness, "--event", event, "--data-dir", home.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    if (stdout == null) {
      assertThat(run.out()).isEmpty();
    } else {
      assertThat(run.out()).startsWith(stdout);
    }
    assertThat(run.err())
        .contains("unknown --event '" + event + "' for " + harness)
        .contains(listed);
  }

  @Test
  void hook_copilotUnknownEventOption_isAUsageErrorAnsweredWithCopilotsJsonDeny()
      throws IOException {
    String payload =
        "{\"sessionId\":\"s\",\"cwd\":\"/work/p\",\"toolName\":\"bash\","
            + "\"toolArgs\":{\"command\":\"ls\"}}";

    CliRun run =
        CliRun.run(
            payload, "hook", "copilot", "--event", "PreTooluse", "--data-dir", home.toString());

    // Copilot skips a hook that exits non-zero, so the usage error is its deny on exit 0.
    assertThat(run.exitCode()).isZero();
    JsonNode answer = JSON.readTree(run.out());
    assertThat(answer.fieldNames())
        .toIterable()
        .containsExactly("permissionDecision", "permissionDecisionReason");
    assertThat(answer.get("permissionDecision").textValue()).isEqualTo("deny");
    assertThat(answer.get("permissionDecisionReason").textValue())
        .contains("unknown --event 'PreTooluse' for copilot")
        .contains("preToolUse");
  }

  /** How Proctor fails to decide, and a line of the reason it must print once. */
  static Stream<Arguments> failures() {
    String ok =
        "{\"sessionId\":\"s\",\"cwd\":\"/work/p\",\"toolName\":\"bash\","
            + "\"toolArgs\":{\"command\":\"ls\"}}";
    return Stream.of(
        Arguments.of("{x", List.of(), "malformed JSON"),
        Arguments.of("{\"sessionId\":\"s\",\"cwd\":\"/work/p\"}", List.of(), "/toolName"),
        Arguments.of(ok, List.of("--policy", "BAD_POLICY"), "the policy does not load"),
        Arguments.of(ok, List.of("--deadline", "soon"), "Invalid value for option '--deadline'"),
        Arguments.of(ok, List.of("--event", "pretooluse"), "unknown --event 'pretooluse'"));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void hook_copilotCannotDecide_printsTheReasonOnceOnStderr(
      String payload, List<String> more, String reason, @TempDir Path dir) throws IOException {
    Path badPolicy = dir.resolve("policy");
    Files.createDirectories(badPolicy);
    Files.writeString(badPolicy.resolve("policy.yaml"), "x: [\n");
    List<String> args = new ArrayList<>(List.of("hook", "copilot", "--data-dir", home.toString()));
    if (!more.contains("--event")) {
      args.addAll(List.of("--event", "preToolUse"));
    }
    more.forEach(a -> args.add(a.equals("BAD_POLICY") ? badPolicy.toString() : a));

    CliRun run = CliRun.run(payload, args.toArray(String[]::new));

    assertThat(run.exitCode()).isZero();
    assertThat(JSON.readTree(run.out()).get("permissionDecision").textValue()).isEqualTo("deny");
    assertThat(run.err().split(java.util.regex.Pattern.quote(reason), -1)).as(run.err()).hasSize(2);
  }

  /**
   * What docs/integrations/claude-code.md ("A PermissionRequest payload that cannot be read")
   * promises: the JSON deny when the event can be told — from {@code --event}, or from the raw
   * bytes when all their {@code hook_event_name} members agree — else exit 2, which
   * PermissionRequest ignores (Claude Code then asks its user as if no hook had answered).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"hook_event_name\":\"PermissionRequest\",\"tool_name\":  | -                 | deny",
        "{\"session_id\": 7, \"hook_event_name\": \"PermissionRequest\"} | -           | deny",
        "{garbage                                                  | PermissionRequest | deny",
        "{garbage                                                  | -                 | exit 2",
        "[\"hook_event_name\":\"PermissionRequest\",\"hook_event_name\":\"PreToolUse\" | - | exit 2"
      })
  void hook_permissionRequestPayloadUnreadable_deniesInJsonWhenTheEventCanBeTold(
      String payload, String event, String answer) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("hook", "claude-code", "--data-dir", home.toString()));
    if (!event.equals("-")) {
      args.addAll(List.of("--event", event));
    }

    CliRun run = CliRun.run(payload, args.toArray(String[]::new));

    if (answer.equals("deny")) {
      assertThat(run.exitCode()).as(run.err()).isZero();
      JsonNode out = JSON.readTree(run.out());
      assertThat(out.at("/hookSpecificOutput/hookEventName").textValue())
          .isEqualTo("PermissionRequest");
      assertThat(out.at("/hookSpecificOutput/decision/behavior").textValue()).isEqualTo("deny");
    } else {
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("proctor: bad input");
    }
  }
}

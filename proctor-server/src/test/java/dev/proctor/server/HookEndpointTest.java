package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.store.FaultyLogStore;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hook endpoints through the real port: the harness's own answers, and 200 with the harness's
 * block — never a non-2xx, which a harness would read as "go ahead" — on every failure.
 */
class HookEndpointTest {

  static FaultyLogStore store = new FaultyLogStore();
  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.over(store, TestServer.fastDeadlines(TestServer.config()), Clock.systemUTC());
    // The deadlines are short so that the stalled-store tests end quickly; on a cold, loaded JVM
    // the first decisions may pass them (and are denied, as they should be). Warm up first, so
    // that the tests below see the server's steady state.
    for (int i = 0; i < 50; i++) {
      Http.Answer a =
          t.http.post("/v1/hooks/claude-code").bearer(t.key).json(pre("ls", "warm-" + i)).send();
      if (a.json().at("/hookSpecificOutput/permissionDecision").asText().equals("allow")) {
        break;
      }
    }
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static String pre(String command, String toolUseId) {
    return "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"s1\",\"cwd\":\"/work/p\","
        + "\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\""
        + command
        + "\"},\"tool_use_id\":\""
        + toolUseId
        + "\",\"prompt_id\":\"p\",\"effort\":{\"level\":\"high\"}}";
  }

  private static JsonNode decision(Http.Answer a) {
    return a.json().get("hookSpecificOutput");
  }

  @Test
  void claudeCode_allowAndDeny_areClaudeCodesOwnAnswers() {
    Http.Answer allow =
        t.http.post("/v1/hooks/claude-code").bearer(t.key).json(pre("ls", "a1")).send();
    assertThat(allow.status()).isEqualTo(200);
    assertThat(allow.header("proctor-hook-exit")).contains("0");
    assertThat(decision(allow).get("permissionDecision").asText()).isEqualTo("allow");
    Http.Answer deny =
        t.http.post("/v1/hooks/claude-code").bearer(t.key).json(pre("curl x | sh", "a2")).send();
    assertThat(decision(deny).get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(decision(deny).get("permissionDecisionReason").asText()).contains("fetch-then-exec");
  }

  @Test
  void claudeCode_postToolUse_recordsTheOutcomeUnderTheDecision() {
    t.http.post("/v1/hooks/claude-code").bearer(t.key).json(pre("ls", "p1")).send();
    String post =
        pre("ls", "p1")
            .replace("PreToolUse", "PostToolUse")
            .replace("}", "}")
            .replaceFirst("\\}$", ",\"tool_response\":{\"stdout\":\"a\"}}");
    Http.Answer a = t.http.post("/v1/hooks/claude-code").bearer(t.key).json(post).send();
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEmpty();
    String id = firstActionIdEndingWith("/p1/");
    assertThat(store.inner.lastEntry(id).orElseThrow().state()).isEqualTo("succeeded");
    JsonNode life = t.http.get("/v1/actions/" + id).bearer(t.key).send().json();
    assertThat(life.get("state").asText()).isEqualTo("succeeded");
    assertThat(t.http.get("/v1/actions/" + id).bearer(t.otherKey).send().status()).isEqualTo(403);
  }

  private static String firstActionIdEndingWith(String part) {
    String[] found = {null};
    store.inner.scan(
        0,
        store.inner.size(),
        e -> {
          if (found[0] == null && e.actionId().contains(part)) {
            found[0] = e.actionId();
          }
        });
    return found[0];
  }

  @Test
  void missingOrWrongKey_is200WithTheBlock_andRecorded() {
    int before = t.authReceipts().size();
    Http.Answer none = t.http.post("/v1/hooks/claude-code").json(pre("ls", "k1")).send();
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.header("proctor-hook-exit")).contains("2");
    assertThat(decision(none).get("permissionDecision").asText()).isEqualTo("deny");
    Http.Answer wrong =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer("pk_0123456789abcdef_" + "A".repeat(43))
            .json(pre("ls", "k2"))
            .send();
    assertThat(decision(wrong).get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(t.authReceipts()).hasSize(before + 4);
    assertThat(t.authReceipts().get(t.authReceipts().size() - 1))
        .contains("\"surface\":\"claude-code\"", "0123456789abcdef");
  }

  @Test
  void permissionRequest_withoutKey_isTheJsonPermissionDeny() {
    Http.Answer a =
        t.http
            .post("/v1/hooks/claude-code")
            .json(
                "{\"hook_event_name\":\"PermissionRequest\",\"session_id\":\"s\",\"cwd\":\"/w\",\"tool_name\":\"Bash\",\"tool_input\":{}}")
            .send();
    assertThat(a.status()).isEqualTo(200);
    assertThat(decision(a).get("decision").get("behavior").asText()).isEqualTo("deny");
  }

  @Test
  void malformedAndWrongType_are200WithTheBlock() {
    Http.Answer bad =
        t.http.post("/v1/hooks/claude-code").bearer(t.key).json("{\"hook_event_name\":").send();
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.json().get("decision").asText()).isEqualTo("block");
    Http.Answer missing =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .json("{\"hook_event_name\":\"PreToolUse\"}")
            .send();
    assertThat(decision(missing).get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(missing.header("proctor-hook-reason").orElseThrow()).contains("/session_id");
    Http.Answer type =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .header("Content-Type", "text/plain")
            .body(pre("ls", "t").getBytes())
            .send();
    assertThat(type.status()).isEqualTo(200);
    assertThat(decision(type).get("permissionDecision").asText()).isEqualTo("deny");
    Http.Answer big =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .json(pre("x".repeat(1 << 20), "big"))
            .send();
    assertThat(big.status()).isEqualTo(200);
    // Too large to parse, yet answered in its event's shape: the event is read from its first
    // bytes.
    assertThat(decision(big).get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(big.header("proctor-hook-reason").orElseThrow()).contains("larger than the limit");
    Http.Answer bigPermission =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .json(
                pre("x".repeat(1 << 20), "big").replace("\"PreToolUse\"", "\"PermissionRequest\""))
            .send();
    assertThat(decision(bigPermission).get("decision").get("behavior").asText()).isEqualTo("deny");
  }

  @Test
  void unknownEventParameter_isTheBlockNamingTheEvents() {
    Http.Answer a =
        t.http
            .post("/v1/hooks/claude-code?event=preToolUse")
            .bearer(t.key)
            .json(pre("ls", "ev1"))
            .send();
    assertThat(a.status()).isEqualTo(200);
    assertThat(decision(a).get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(a.header("proctor-hook-reason").orElseThrow())
        .contains("unknown ?event= 'preToolUse'", "PreToolUse");
  }

  @Test
  void otherEvent_isAnsweredWithNothing() {
    Http.Answer a =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .json("{\"hook_event_name\":\"SessionStart\",\"session_id\":\"s\"}")
            .send();
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.body()).isEmpty();
    assertThat(a.header("proctor-hook-exit")).contains("0");
  }

  @Test
  void otherHarnesses_answerInTheirShape() {
    Http.Answer copilot =
        t.http
            .post("/v1/hooks/copilot?event=preToolUse")
            .bearer(t.key)
            .json(
                "{\"timestamp\":1,\"cwd\":\"/work/p\",\"toolName\":\"bash\",\"toolArgs\":\"{\\\"command\\\":\\\"curl x | sh\\\"}\"}")
            .send();
    assertThat(copilot.json().get("permissionDecision").asText()).isEqualTo("deny");
    Http.Answer gemini =
        t.http
            .post("/v1/hooks/gemini")
            .bearer(t.key)
            .json(
                "{\"hook_event_name\":\"BeforeTool\",\"session_id\":\"g\",\"cwd\":\"/work/p\",\"tool_name\":\"run_shell_command\",\"tool_input\":{\"command\":\"ls\"}}")
            .send();
    assertThat(gemini.json().get("decision").asText()).isEqualTo("allow");
    // A mistyped hook URL blocks in Claude Code's shape: a 404 would let the call through.
    for (String path :
        new String[] {"/v1/hooks/nope", "/v1/hooks/claude-code/", "/v1/hooks/Claude-Code"}) {
      Http.Answer typo = t.http.post(path).bearer(t.key).json(pre("ls", "typo")).send();
      assertThat(typo.status()).as(path).isEqualTo(200);
      assertThat(typo.header("proctor-hook-exit")).as(path).contains("2");
      assertThat(decision(typo).get("permissionDecision").asText()).as(path).isEqualTo("deny");
      assertThat(decision(typo).get("permissionDecisionReason").asText())
          .as(path)
          .contains("no hook for harness");
    }
  }

  @Test
  void logStalled_theHookAnswersTheBlockWithinItsDeadline() {
    store.locked = new CountDownLatch(1);
    try {
      long start = System.nanoTime();
      Http.Answer a =
          t.http.post("/v1/hooks/claude-code").bearer(t.key).json(pre("ls", "stall")).send();
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(a.status()).isEqualTo(200);
      assertThat(decision(a).get("permissionDecision").asText()).isEqualTo("deny");
      assertThat(ms).isLessThan(3000);
    } finally {
      store.locked.countDown();
      store.locked = null;
    }
    assertThat(
            t.http
                .post("/v1/hooks/claude-code")
                .bearer(t.key)
                .json(pre("ls", "after"))
                .send()
                .json()
                .toString())
        .contains("allow");
  }
}

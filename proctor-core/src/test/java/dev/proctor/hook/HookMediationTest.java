package dev.proctor.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.Proctor;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.FaultyLogStore;
import dev.proctor.store.StoredEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through the real adapters and the default pack: a held call that ran is recorded as approved at
 * the harness's prompt only when the harness asked there, for a decision on record before the call
 * ran.
 */
class HookMediationTest {

  private final FaultyLogStore store = new FaultyLogStore();
  private Proctor proctor;

  @BeforeEach
  void open() throws Exception {
    proctor = Proctor.builder().logStore(store).build();
  }

  @AfterEach
  void close() {
    proctor.close();
  }

  private static JsonNode payload(String event, String extra) {
    return HookProtocolTest.readTree(
        "{\"session_id\":\"s\",\"transcript_path\":null,\"cwd\":\"/work/p\",\"hook_event_name\":\""
            + event
            + "\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"npm install leftpad\"},"
            + "\"tool_use_id\":\"call_1\""
            + extra
            + "}");
  }

  private HookAnswer handle(String harness, JsonNode payload) throws Exception {
    Harness h = Hooks.harness(harness).orElseThrow();
    return HookMediation.handle(h, h.parse(payload, "d", Optional.empty()), proctor.mediator());
  }

  private List<String> states(String actionId) {
    List<String> out = new ArrayList<>();
    store.inner.scan(
        0,
        store.inner.size(),
        (StoredEntry e) -> {
          if (e.actionId().equals(actionId)) {
            out.add(e.state());
          }
        });
    return out;
  }

  private static String id(String harness, JsonNode payload) {
    Harness h = Hooks.harness(harness).orElseThrow();
    HookCall.ToolEvent tool = (HookCall.ToolEvent) h.parse(payload, "d", Optional.empty());
    return HookMediation.actionId(tool, tool.call()).orElseThrow();
  }

  @Test
  void codexPostToolUse_afterItsHeldCallWasDenied_isNotRecordedAsApprovedAtAPrompt()
      throws Exception {
    JsonNode pre = payload("PreToolUse", "");
    JsonNode post = payload("PostToolUse", ",\"tool_response\":{\"exit_code\":0}");

    HookAnswer denied = handle("codex", pre);
    HookAnswer ran = handle("codex", post);

    assertThat(denied.stdout()).hasValueSatisfying(o -> assertThat(o).contains("\"deny\""));
    assertThat(ran.exitCode()).isEqualTo(2);
    assertThat(ran.stderr())
        .hasValueSatisfying(
            e -> assertThat(e).contains("ran although its decision was 'approval_required'"));
    assertThat(states(id("codex", pre))).containsExactly("requested", "approval_required");
    assertThat(proctor.mediator().state(id("codex", pre)))
        .contains(LifecycleState.APPROVAL_REQUIRED);
  }

  @Test
  void claudeCodePostToolUse_withoutAPreToolUse_heldDecision_isNotRecordedAsApproved()
      throws Exception {
    JsonNode post = payload("PostToolUse", ",\"tool_response\":{\"stdout\":\"\"}");

    HookAnswer ran = handle("claude-code", post);

    assertThat(ran.exitCode()).isEqualTo(2);
    assertThat(ran.stderr())
        .hasValueSatisfying(
            e -> assertThat(e).contains("ran although its decision was 'approval_required'"));
    assertThat(states(id("claude-code", post))).containsExactly("requested", "approval_required");
  }

  @Test
  void claudeCodePostToolUse_afterItAskedAtThePrompt_recordsTheLocalApproval() throws Exception {
    JsonNode pre = payload("PreToolUse", "");
    JsonNode post = payload("PostToolUse", ",\"tool_response\":{\"stdout\":\"\"}");

    HookAnswer asked = handle("claude-code", pre);
    HookAnswer ran = handle("claude-code", post);

    assertThat(asked.stdout()).hasValueSatisfying(o -> assertThat(o).contains("\"ask\""));
    assertThat(ran.exitCode()).isZero();
    assertThat(states(id("claude-code", pre)))
        .containsExactly("requested", "approval_required", "approved", "executing", "succeeded");
  }
}

package dev.proctor.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.PolicyRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClaudeCodeHookTest {

  private static final String PRE =
      """
      {"session_id": "abc", "transcript_path": "/t.jsonl", "cwd": "/work/p",
       "permission_mode": "default", "hook_event_name": "PreToolUse", "tool_name": "Bash",
       "tool_input": {"command": "ls"}, "tool_use_id": "toolu_1"}
      """;

  private static JsonNode json(String text) {
    return JsonInput.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void fromJson_preToolUse_becomesAToolCallOfClaudeCode() {
    ClaudeCodeHookInput input = ClaudeCodeHookInput.fromJson(json(PRE));
    ToolCall call = input.toToolCall(Map.of());

    assertThat(input.event()).isEqualTo(HookEvent.PRE_TOOL_USE);
    assertThat(call.surface()).isEqualTo("claude-code");
    assertThat(call.tool()).isEqualTo("Bash");
    assertThat(call.cwd()).contains("/work/p");
    assertThat(call.principal().session()).contains("abc");
    assertThat(call.principal().agent()).contains("claude-code");
  }

  @Test
  void toToolCall_noHomeGiven_usesTheProcessHome() {
    ToolCall call = ClaudeCodeHookInput.fromJson(json(PRE)).toToolCall(Map.of());

    assertThat(call.context()).containsEntry("home", System.getProperty("user.home"));
  }

  @Test
  void toToolCall_homeGiven_keepsIt() {
    ToolCall call = ClaudeCodeHookInput.fromJson(json(PRE)).toToolCall(Map.of("home", "/home/x"));

    assertThat(call.context()).containsEntry("home", "/home/x");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"hook_event_name\": \"PreToolUse\"|\"hook_event_name\": \"Stop\"|/hook_event_name: unsupported event",
        "\"tool_use_id\": \"toolu_1\"|\"tool_use_id\": \"toolu_1\", \"sneaky\": true|/sneaky: unknown member",
        "\"tool_input\": {\"command\": \"ls\"}|\"tool_input\": \"ls\"|/tool_input: required object",
        "\"cwd\": \"/work/p\"|\"cwd\": \"work/p\"|/cwd: must be an absolute path",
        "\"session_id\": \"abc\"|\"session_id\": 7|/session_id: expected a string",
      })
  void fromJson_badPayload_isRefusedWithThePointer(String from, String to, String message) {
    assertThatThrownBy(() -> ClaudeCodeHookInput.fromJson(json(PRE.replace(from, to))))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(message);
  }

  @Test
  void fromJson_postToolUseWithoutResponse_isRefused() {
    assertThatThrownBy(
            () -> ClaudeCodeHookInput.fromJson(json(PRE.replace("PreToolUse", "PostToolUse"))))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("/tool_response");
  }

  @Test
  void render_preToolUseDeny_printsDenyWithReasonAndRule() {
    Decision deny =
        new Decision.Deny(
            new Decision.Basis(
                "secrets stay put", List.of("no-secrets"), PolicyRef.NONE, List.of()));

    JsonNode out = ClaudeCodeHookOutput.render(HookEvent.PRE_TOOL_USE, deny).orElseThrow();

    assertThat(out.at("/hookSpecificOutput/hookEventName").textValue()).isEqualTo("PreToolUse");
    assertThat(out.at("/hookSpecificOutput/permissionDecision").textValue()).isEqualTo("deny");
    assertThat(out.at("/hookSpecificOutput/permissionDecisionReason").textValue())
        .isEqualTo("proctor: secrets stay put [rule no-secrets]");
  }

  @Test
  void render_preToolUseApproval_asks() {
    Decision ask =
        new Decision.RequireApproval(
            new Decision.Basis("install", List.of("ask-install"), PolicyRef.NONE, List.of()),
            ApprovalRequirement.DEFAULT);

    JsonNode out = ClaudeCodeHookOutput.render(HookEvent.PRE_TOOL_USE, ask).orElseThrow();

    assertThat(out.at("/hookSpecificOutput/permissionDecision").textValue()).isEqualTo("ask");
  }

  @Test
  void render_preToolUseModify_allowsWithUpdatedInput() {
    Decision modify =
        new Decision.Modify(
            new Decision.Basis("capped", List.of("cap"), PolicyRef.NONE, List.of()),
            JsonNodeFactory.instance.objectNode().put("command", "ls -la"));

    JsonNode out = ClaudeCodeHookOutput.render(HookEvent.PRE_TOOL_USE, modify).orElseThrow();

    assertThat(out.at("/hookSpecificOutput/permissionDecision").textValue()).isEqualTo("allow");
    assertThat(out.at("/hookSpecificOutput/updatedInput/command").textValue()).isEqualTo("ls -la");
  }

  @Test
  void render_permissionRequest_allowsDeniesOrLetsTheDialogShow() {
    Decision allow =
        new Decision.Allow(new Decision.Basis("fine", List.of("r"), PolicyRef.NONE, List.of()));
    Decision deny =
        new Decision.Deny(new Decision.Basis("no", List.of("r"), PolicyRef.NONE, List.of()));
    Decision ask =
        new Decision.RequireApproval(
            new Decision.Basis("?", List.of("r"), PolicyRef.NONE, List.of()),
            ApprovalRequirement.DEFAULT);

    assertThat(
            ClaudeCodeHookOutput.render(HookEvent.PERMISSION_REQUEST, allow)
                .orElseThrow()
                .at("/hookSpecificOutput/decision/behavior")
                .textValue())
        .isEqualTo("allow");
    assertThat(
            ClaudeCodeHookOutput.render(HookEvent.PERMISSION_REQUEST, deny)
                .orElseThrow()
                .at("/hookSpecificOutput/decision/message")
                .textValue())
        .isEqualTo("proctor: no [rule r]");
    assertThat(ClaudeCodeHookOutput.render(HookEvent.PERMISSION_REQUEST, ask)).isEmpty();
  }
}

package dev.proctor.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToolCallJsonTest {

  private static ToolCall parse(String json) {
    return ToolCallJson.fromJson(JsonInput.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void fromJson_fullRequest_readsEveryField() {
    ToolCall call =
        parse(
            """
            {"tool": "Bash", "arguments": {"command": "ls"}, "operation": "run",
             "surface": "claude-code", "class": "fs.read", "labels": ["pii"],
             "principal": {"agent": "claude", "session": "s1", "delegationChain": ["root"]},
             "context": {"cwd": "/work/p"}}
            """);

    assertThat(call.tool()).isEqualTo("Bash");
    assertThat(call.arguments().get("command").textValue()).isEqualTo("ls");
    assertThat(call.surface()).isEqualTo("claude-code");
    assertThat(call.declaredClass()).contains("fs.read");
    assertThat(call.labels()).containsExactly("pii");
    assertThat(call.principal().agent()).contains("claude");
    assertThat(call.principal().delegationChain()).containsExactly("root");
    assertThat(call.cwd()).contains("/work/p");
  }

  @Test
  void fromJson_typedContext_keepsNumbersBoolsAndLists() {
    ToolCall call =
        parse(
            "{\"tool\": \"Refund\", \"context\": {\"risk_score\": 72, \"ratio\": 0.5,"
                + " \"vip\": true, \"regions\": [\"eu\", \"us\"], \"cwd\": \"/w\"}}");

    assertThat(call.context())
        .containsEntry("risk_score", 72L)
        .containsEntry("ratio", 0.5)
        .containsEntry("vip", true)
        .containsEntry("regions", java.util.List.of("eu", "us"));
    assertThat(call.cwd()).contains("/w");
  }

  @Test
  void fromJson_onlyTool_defaultsTheRest() {
    ToolCall call = parse("{\"tool\": \"Read\"}");

    assertThat(call.surface()).isEqualTo("api");
    assertThat(call.arguments().isObject()).isTrue();
    assertThat(call.principal()).isEqualTo(Principal.ANONYMOUS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                                           | /tool: required string is missing",
        "{\"tool\": 3}                                | /tool: expected a string, found a number",
        "{\"tool\": \" \"}                            | /tool: must not be blank",
        "{\"tool\": \"x\", \"extra\": 1}              | /extra: unknown member",
        "{\"tool\": \"x\", \"arguments\": []}         | /arguments: expected an object, found an array",
        "{\"tool\": \"x\", \"labels\": [1]}           | /labels/0: expected a string, found a number",
        "{\"tool\": \"x\", \"context\": {\"cwd\": 1}} | /context/cwd: expected a string",
        "{\"tool\": \"x\", \"context\": {\"a\": {}}} | /context/a: expected a string, number, boolean",
        "{\"tool\": \"x\", \"context\": {\"a\": [[1]]}} | /context/a/0: expected a string, number",
        "{\"tool\": \"x\", \"principal\": {\"groups\": [\"admins\"]}} | /principal/groups: a request cannot claim groups",
        "{\"tool\": \"x\", \"principal\": {\"roles\": [\"root\"]}} | /principal/roles: a request cannot claim roles",
        "{\"tool\": \"x\", \"principal\": {\"attributes\": {}}} | /principal/attributes: a request cannot claim",
        "{\"tool\": \"x\", \"principal\": {\"who\": \"me\"}} | /principal/who: unknown member",
        "[1, 2]                                       | /: expected an object, found an array",
      })
  void fromJson_badShape_namesThePointer(String json, String message) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(message);
  }
}

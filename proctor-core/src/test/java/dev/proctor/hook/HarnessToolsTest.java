package dev.proctor.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Taxonomy;
import dev.proctor.classify.ToolClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The inline examples of {@code harness-tools.yaml}: what each harness call maps to, and its class.
 */
class HarnessToolsTest {

  private static final HarnessTools TOOLS = HarnessTools.builtIn();
  private static final Taxonomy TAXONOMY = Taxonomy.builtIn();
  private static final HarnessToolClassifier CLASSIFIER =
      new HarnessToolClassifier(new ToolClassifier(TAXONOMY), TAXONOMY, TOOLS);

  static ToolCall call(String surface, String tool, JsonNode input) {
    return new ToolCall(
        new Principal(
            Optional.empty(),
            Optional.of(surface),
            Optional.empty(),
            Optional.of("s"),
            Optional.empty(),
            List.of()),
        surface,
        tool,
        "",
        input,
        Optional.empty(),
        Set.of(),
        Map.of("cwd", "/work/p", "home", "/home/u"));
  }

  @TestFactory
  List<DynamicTest> examples_mapAndClassifyAsStated() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, JsonNode> harness : TOOLS.tables().properties()) {
      for (JsonNode example : harness.getValue().path("examples")) {
        String name =
            harness.getKey() + " " + example.get("tool").textValue() + " " + example.get("input");
        tests.add(DynamicTest.dynamicTest(name, () -> check(harness.getKey(), example)));
      }
    }
    assertThat(tests).hasSizeGreaterThan(30);
    return tests;
  }

  private static void check(String harness, JsonNode example) {
    ToolCall call = call(harness, example.get("tool").textValue(), example.get("input"));
    Optional<List<ToolCall>> mapped = TOOLS.translate(call);
    if (example.path("unparseable").asBoolean(false)) {
      assertThat(mapped).isEmpty();
    } else if (example.path("same").asBoolean(false)) {
      assertThat(mapped).contains(List.of(call));
    } else {
      assertThat(mapped).isPresent();
      List<JsonNode> got = new ArrayList<>();
      for (ToolCall c : mapped.get()) {
        got.add(
            JsonNodeFactory.instance
                .objectNode()
                .put("tool", c.tool())
                .set("arguments", c.arguments()));
      }
      List<JsonNode> want = new ArrayList<>();
      example.get("calls").forEach(want::add);
      assertThat(got).isEqualTo(want);
      mapped.get().forEach(c -> assertThat(c.surface()).isEqualTo(harness));
      String cwd = example.path("cwd").asText("/work/p");
      mapped.get().forEach(c -> assertThat(c.cwd()).as("cwd of %s", example).contains(cwd));
    }
    assertThat(CLASSIFIER.classify(call).actionClass())
        .as("class of %s", example)
        .isEqualTo(example.get("class").textValue());
  }

  @Test
  void translate_surfaceWithoutTable_keepsTheCall() {
    ToolCall call = call("api", "run_shell_command", JsonNodeFactory.instance.objectNode());

    assertThat(TOOLS.translate(call)).contains(List.of(call));
  }

  @Test
  void classify_multiFilePatch_isGatedAtItsWorstPartAndKeepsEveryTarget() {
    ToolCall call =
        call(
            "codex",
            "apply_patch",
            JsonNodeFactory.instance
                .objectNode()
                .put(
                    "command",
                    "*** Begin Patch\n*** Update File: a.txt\n@@\n-a\n+b\n*** Add File: /etc/cron.d/x\n+x\n"
                        + "*** End Patch"));

    var c = CLASSIFIER.classify(call);

    assertThat(c.actionClass()).isEqualTo("system.modify");
    assertThat(c.classes()).contains("fs.write", "system.modify");
    assertThat(c.targets()).extracting(t -> t.value()).contains("/work/p/a.txt", "/etc/cron.d/x");
  }

  @Test
  void quote_plainWordsStayBareOthersAreSingleQuoted() {
    assertThat(HarnessTools.quote("ls")).isEqualTo("ls");
    assertThat(HarnessTools.quote("a b")).isEqualTo("'a b'");
    assertThat(HarnessTools.quote("it's")).isEqualTo("'it'\\''s'");
    assertThat(HarnessTools.quote("")).isEqualTo("''");
  }
}

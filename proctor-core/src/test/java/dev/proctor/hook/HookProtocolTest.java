package dev.proctor.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.proctor.action.BadInputException;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.PolicyRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every harness adapter against data: {@code inbound.json} (payloads shaped by the harnesses'
 * published types and schemas, plus members no release has yet, plus missing and mistyped members)
 * and {@code golden-cases.json} (each harness, event and decision with the exact answer in {@code
 * golden/}). Codex payloads and answers are validated against the JSON schemas inside Codex
 * 0.171.0; the TypeScript types are checked by {@link HarnessTypesTest}. Run with {@code
 * -Dgolden.write=true} to rewrite the golden files, then review the diff.
 */
class HookProtocolTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Path RESOURCES = Path.of("src/test/resources/dev/proctor/hook");
  static final Path VENDOR = Path.of("src/test/harness-schemas/node_modules/.proctor");

  static JsonNode resource(String name) {
    try (InputStream in = HookProtocolTest.class.getResourceAsStream("/dev/proctor/hook/" + name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Harness harness(String name) {
    return Hooks.harness(name).orElseThrow();
  }

  @TestFactory
  List<DynamicTest> inbound_readLenientlyAndRefuseOnlyWhatTheDecisionNeeds() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : resource("inbound.json")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.get("harness").textValue() + ": " + c.get("name").textValue(), () -> inbound(c)));
    }
    return tests;
  }

  private static void inbound(JsonNode c) {
    Harness h = harness(c.get("harness").textValue());
    JsonNode payload = c.get("payload");
    Optional<String> event = Optional.ofNullable(c.path("event").textValue());
    JsonNode expect = c.get("expect");
    if (expect.has("bad")) {
      assertThatThrownBy(() -> h.parse(payload, "d", event))
          .isInstanceOf(BadInputException.class)
          .satisfies(
              e ->
                  assertThat(((BadInputException) e).where())
                      .isEqualTo(expect.get("bad").textValue()));
      return;
    }
    HookCall call = h.parse(payload, "digest-1", event);
    assertThat(call.payloadDigest()).isEqualTo("digest-1");
    if (expect.has("other")) {
      assertThat(call).isInstanceOf(HookCall.OtherEvent.class);
      assertThat(call.eventName()).isEqualTo(expect.get("other").textValue());
      return;
    }
    HookCall.ToolEvent tool = (HookCall.ToolEvent) call;
    assertThat(tool.event().name()).isEqualTo(expect.get("event").textValue());
    assertThat(tool.call().tool()).isEqualTo(expect.get("tool").textValue());
    assertThat(tool.call().surface()).isEqualTo(expect.path("surface").asText(h.name()));
    assertThat(tool.call().context()).containsEntry(Hooks.PAYLOAD_DIGEST, "digest-1");
    if (expect.has("session")) {
      assertThat(tool.sessionId()).isEqualTo(expect.get("session").textValue());
      assertThat(tool.call().principal().session()).contains(expect.get("session").textValue());
    }
    if (expect.has("toolUseId")) {
      assertThat(tool.toolUseId())
          .isEqualTo(Optional.ofNullable(expect.get("toolUseId").textValue()));
    }
    if (expect.has("agent")) {
      assertThat(tool.call().principal().agent()).contains(expect.get("agent").textValue());
    }
    if (expect.has("cwd")) {
      assertThat(tool.call().cwd()).contains(expect.get("cwd").textValue());
    }
    if (expect.has("arguments")) {
      assertThat(tool.call().arguments()).isEqualTo(expect.get("arguments"));
    }
    if (expect.has("response")) {
      assertThat(tool.toolResponse()).contains(expect.get("response"));
    }
  }

  @TestFactory
  List<DynamicTest> answers_matchTheGoldenFilesExactly() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : resource("golden-cases.json")) {
      tests.add(DynamicTest.dynamicTest(name(c), () -> golden(c)));
    }
    return tests;
  }

  static String name(JsonNode c) {
    String what =
        c.has("cannotDecide")
            ? "cannot decide"
            : c.get("decision").get("effect").textValue() + " " + c.path("tool").asText("");
    return c.get("harness").textValue() + " " + c.path("event").asText("no event") + " " + what;
  }

  /** The answer a golden case describes. */
  static HookAnswer answer(JsonNode c) {
    Harness h = harness(c.get("harness").textValue());
    Optional<HookEvent> event =
        c.get("event").isNull()
            ? Optional.empty()
            : Optional.of(HookEvent.valueOf(c.get("event").textValue()));
    if (c.has("cannotDecide")) {
      return h.cannotDecide(event, c.get("cannotDecide").textValue());
    }
    JsonNode args =
        c.has("arguments")
            ? c.get("arguments")
            : JsonNodeFactory.instance.objectNode().put("command", "ls");
    HookCall.ToolEvent tool =
        new HookCall.ToolEvent(
            event.orElseThrow(),
            "E",
            "d",
            "s",
            Optional.of("t"),
            HarnessToolsTest.call(h.name(), c.path("tool").asText("Bash"), args),
            event.get() == HookEvent.POST_TOOL_USE
                ? Optional.of(JsonNodeFactory.instance.objectNode())
                : Optional.empty());
    return h.answer(tool, decision(c.get("decision")));
  }

  /** Decisions are built here only, so that the tests follow the decision type in one place. */
  static Decision decision(JsonNode d) {
    Decision.Basis b =
        new Decision.Basis("the reason", List.of("rule-a"), PolicyRef.NONE, List.of());
    return switch (d.get("effect").textValue()) {
      case "allow" -> new Decision.Allow(b);
      case "deny" -> new Decision.Deny(b);
      case "modify" -> new Decision.Modify(b, d.get("arguments"));
      case "ask" -> new Decision.RequireApproval(b, ApprovalRequirement.DEFAULT);
      case "step_up" -> new Decision.StepUp(b);
      case "defer" -> new Decision.Defer(b, Duration.ofMinutes(5));
      default -> throw new IllegalArgumentException(d.toString());
    };
  }

  private static void golden(JsonNode c) throws IOException {
    HookAnswer answer = answer(c);
    assertThat(answer.exitCode()).isEqualTo(c.get("exit").intValue());
    if (answer.exitCode() == 2) {
      assertThat(answer.stderr()).isPresent();
    }
    if (c.get("golden").isNull()) {
      assertThat(answer.stdout()).isEmpty();
      return;
    }
    Path file = RESOURCES.resolve("golden").resolve(c.get("golden").textValue());
    assertThat(answer.stdout()).isPresent();
    if (Boolean.getBoolean("golden.write")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, answer.stdout().get() + "\n");
    }
    assertThat(answer.stdout().get() + "\n")
        .as("golden %s", file)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  static Schema codexSchema(String title) throws IOException {
    Path file = VENDOR.resolve("@openai+codex").resolve(title + ".schema.json");
    assertThat(file)
        .as("Codex's schemas are installed by the build (src/test/harness-schemas/install.mjs)")
        .exists();
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
        .getSchema(Files.readString(file));
  }

  @TestFactory
  List<DynamicTest> codex_answersAndSamplePayloadsPassCodexsPublishedSchemas() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : resource("golden-cases.json")) {
      if (c.has("schema")) {
        tests.add(
            DynamicTest.dynamicTest(
                name(c) + " against " + c.get("schema").textValue(),
                () -> {
                  JsonNode out =
                      JSON.readTree(
                          RESOURCES
                              .resolve("golden")
                              .resolve(c.get("golden").textValue())
                              .toFile());
                  assertThat(codexSchema(c.get("schema").textValue()).validate(out)).isEmpty();
                }));
      }
    }
    for (JsonNode c : resource("inbound.json")) {
      if (c.has("schema")) {
        tests.add(
            DynamicTest.dynamicTest(
                c.get("name").textValue() + " against " + c.get("schema").textValue(),
                () ->
                    assertThat(codexSchema(c.get("schema").textValue()).validate(c.get("payload")))
                        .isEmpty()));
      }
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(12);
    return tests;
  }

  @Test
  void codexSchema_rejectsAnUnknownMemberAtEveryLevel_soTheCheckIsNotVacuous() throws IOException {
    ObjectNode deny =
        (ObjectNode)
            JSON.readTree(RESOURCES.resolve("golden/codex/pre-tool-use-deny.json").toFile());
    ObjectNode nested = deny.deepCopy();
    ((ObjectNode) nested.get("hookSpecificOutput")).put("rules", "x");

    Schema schema = codexSchema("pre-tool-use.command.output");

    assertThat(schema.validate(deny.deepCopy().put("rules", "x"))).isNotEmpty();
    assertThat(schema.validate(nested)).isNotEmpty();
  }

  @Test
  void codexPreToolUse_neverAnswersWhatCodex0171RejectsAtRunTime() {
    // Codex 0.171.0 fails open on: ask, allow without updatedInput, deny without a reason.
    for (JsonNode c : resource("golden-cases.json")) {
      if (!c.get("harness").textValue().equals("codex") || c.has("cannotDecide")) {
        continue;
      }
      HookAnswer answer = answer(c);
      if (answer.stdout().isEmpty()) {
        continue;
      }
      JsonNode specific = readTree(answer.stdout().get()).path("hookSpecificOutput");
      String decision = specific.path("permissionDecision").asText("");
      assertThat(decision).isNotEqualTo("ask");
      if (decision.equals("allow")) {
        assertThat(specific.has("updatedInput")).isTrue();
      }
      if (decision.equals("deny")) {
        assertThat(specific.path("permissionDecisionReason").asText("")).isNotBlank();
      }
      assertThat(specific.path("decision").has("updatedInput")).isFalse();
      assertThat(specific.path("decision").has("interrupt")).isFalse();
    }
  }

  static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void eventOf_unreadablePayload_fallsBackToTheEventOption() {
    assertThat(harness("copilot").eventOf(Optional.empty(), Optional.of("permissionRequest")))
        .contains(HookEvent.PERMISSION_REQUEST);
    assertThat(harness("claude-code").eventOf(Optional.empty(), Optional.empty())).isEmpty();
  }
}

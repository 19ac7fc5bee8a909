package dev.proctor.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Type-checks the golden answers and the sample payloads with {@code tsc} against the harnesses'
 * own published TypeScript types: Claude Code's from {@code @anthropic-ai/claude-agent-sdk} ({@code
 * sdk.d.ts}), Gemini CLI's from {@code @google/gemini-cli-core} ({@code hooks/types.d.ts}),
 * Copilot's pre-tool-use answer from {@code @github/copilot-sdk}. Object literals get TypeScript's
 * excess-property check, so an undeclared member fails as surely as a wrong value; one literal that
 * must fail ({@code @ts-expect-error}) shows the check is not vacuous.
 */
class HarnessTypesTest {

  private static final Path SCHEMAS = Path.of("src/test/harness-schemas");

  @Test
  void goldenAnswersAndSamplePayloads_typeCheckAgainstThePublishedTypes() throws Exception {
    Path dir = SCHEMAS.resolve("node_modules/.proctor/check");
    Path tsc = SCHEMAS.resolve("node_modules/typescript/bin/tsc");
    assertThat(tsc).as("installed by the build (src/test/harness-schemas/install.mjs)").exists();
    Files.createDirectories(dir);
    StringBuilder ts = new StringBuilder();
    ts.append(
        """
        import type { SyncHookJSONOutput, PreToolUseHookInput, PermissionRequestHookInput,
          PostToolUseHookInput, PostToolUseFailureHookInput, SessionStartHookInput }
          from '@anthropic-ai/claude-agent-sdk';
        import type { BeforeToolOutput, BeforeToolInput, AfterToolInput }
          from '../@google+gemini-cli-core/types.js';
        import type { SessionHooks } from '../@github+copilot-sdk/index.js';
        type CopilotPreToolUseOutput =
          Exclude<Awaited<ReturnType<NonNullable<SessionHooks['onPreToolUse']>>>, void>;
        """);
    int n = 0;
    for (JsonNode c : HookProtocolTest.resource("golden-cases.json")) {
      if (c.has("types")) {
        String golden =
            Files.readString(
                    HookProtocolTest.RESOURCES
                        .resolve("golden")
                        .resolve(c.get("golden").textValue()))
                .strip();
        ts.append("// ").append(HookProtocolTest.name(c)).append('\n');
        ts.append("export const g").append(n++).append(": ").append(c.get("types").textValue());
        ts.append(" = ").append(golden).append(";\n");
      }
    }
    for (JsonNode c : HookProtocolTest.resource("inbound.json")) {
      if (c.has("types")) {
        ts.append("// ").append(c.get("name").textValue()).append('\n');
        ts.append("export const i").append(n++).append(": ").append(c.get("types").textValue());
        ts.append(" = ").append(c.get("payload")).append(";\n");
      }
    }
    ts.append(
        """
        // A member Claude Code does not declare must fail, or the check above proves nothing.
        // @ts-expect-error
        export const bad: SyncHookJSONOutput = {"hookSpecificOutput": {"hookEventName": "PermissionRequest", "decision": {"behavior": "deny", "rules": []}}};
        """);
    Files.writeString(dir.resolve("check.ts"), ts.toString());
    Files.writeString(
        dir.resolve("tsconfig.json"),
        """
        {"compilerOptions": {"strict": true, "noEmit": true, "skipLibCheck": true, "types": [],
          "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022"},
         "files": ["check.ts"]}
        """);

    Process p =
        new ProcessBuilder("node", tsc.toAbsolutePath().toString(), "-p", "tsconfig.json")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(n).isGreaterThanOrEqualTo(20);
    assertThat(p.exitValue()).as("tsc on %s:%n%s", dir.resolve("check.ts"), out).isZero();
  }

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}

package dev.proctor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.action.Target;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.ActionClass;
import dev.proctor.classify.Classifier;
import dev.proctor.classify.Impact;
import dev.proctor.classify.Reversibility;
import dev.proctor.decision.Effect;
import dev.proctor.policy.ClassCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** What the benchmarks share: the built-in class catalog, Claude Code calls and a pipeline. */
final class BenchFixtures {

  private BenchFixtures() {}

  /** The classes of the built-in taxonomy file. */
  static ClassCatalog catalog() {
    try (InputStream in =
        BenchFixtures.class.getResourceAsStream("/dev/proctor/classify/builtin-taxonomy.yaml")) {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
      List<ActionClass> classes = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : root.get("classes").properties()) {
        JsonNode c = e.getValue();
        classes.add(
            new ActionClass(
                e.getKey(),
                Impact.valueOf(c.get("impact").asText().toUpperCase(Locale.ROOT)),
                Reversibility.valueOf(c.get("reversibility").asText().toUpperCase(Locale.ROOT)),
                Effect.fromWireName(c.get("default").asText()).orElseThrow(),
                c.get("description").asText()));
      }
      return ClassCatalog.of(classes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Claude Code Bash call as the hook receives it. */
  static ToolCall bash(String command) {
    ObjectMapper json = new ObjectMapper();
    return new ToolCall(
        Principal.agentSession("claude-code", "bench-session"),
        "claude-code",
        "Bash",
        "Bash",
        json.createObjectNode().put("command", command),
        Optional.empty(),
        Set.of(),
        Map.of("cwd", "/work/project", "home", "/home/dev"));
  }

  /**
   * A stand-in classifier for the benchmark commands, giving what the shell classifier gives:
   * {@code git status && mvn -q test} is two parts gated at build.run with no targets; {@code cat
   * src/main/App.java} reads one project file.
   */
  static final Classifier FIXED =
      call -> {
        String command = call.arguments().path("command").asText();
        if (command.startsWith("cat ")) {
          return new Classification(
              "fs.read",
              Set.of("fs.read"),
              List.of(Target.path("/work/project/" + command.substring(4))),
              Set.of(),
              Set.of());
        }
        return new Classification(
            "build.run", Set.of("vcs.local", "build.run"), List.of(), Set.of(), Set.of());
      };

  /** Classification followed by building the action request, as the policy loader needs it. */
  static Function<ToolCall, ActionRequest> pipeline(Classifier classifier) {
    return call -> {
      Classification c = classifier.classify(call);
      return new ActionRequest(
          "bench",
          Instant.EPOCH,
          call.principal(),
          call.surface(),
          call.tool(),
          call.operation(),
          call.arguments(),
          c,
          call.labels(),
          call.context());
    };
  }
}

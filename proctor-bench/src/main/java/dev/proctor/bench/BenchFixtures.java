package dev.proctor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Taxonomy;
import dev.proctor.classify.ToolClassifier;
import dev.proctor.mediate.RequestBuilder;
import dev.proctor.policy.ClassCatalog;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the benchmarks share: the built-in taxonomy, the real classifier and Claude Code calls. */
final class BenchFixtures {

  private BenchFixtures() {}

  static final Taxonomy TAXONOMY = Taxonomy.builtIn();

  /** The class catalog of the built-in taxonomy. */
  static ClassCatalog catalog() {
    return ClassCatalog.of(TAXONOMY.classes());
  }

  /**
   * Classification and request building as {@code proctor hook claude-code} wires them (the CLI's
   * {@code Engine}), with one protected path as the CLI passes Proctor's own files.
   */
  static RequestBuilder requests() {
    return new RequestBuilder(
        new ToolClassifier(TAXONOMY, List.of("/home/dev/.proctor")), Clock.systemUTC());
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
}

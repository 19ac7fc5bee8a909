package dev.proctor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.Proctor;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Taxonomy;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.classify.ToolClassifier;
import dev.proctor.policy.ClassCatalog;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** What the benchmarks share: the built-in taxonomy, the real classifier and Claude Code calls. */
final class BenchFixtures {

  private BenchFixtures() {}

  static final Taxonomy TAXONOMY = Taxonomy.builtIn();

  /** The class catalog of the built-in taxonomy. */
  static ClassCatalog catalog() {
    return ClassCatalog.of(TAXONOMY);
  }

  /** The classifier as {@code proctor hook claude-code} wires it, with Proctor's data directory. */
  static ToolClassifier classifier() {
    return new ToolClassifier(TAXONOMY, List.of("/home/dev/.proctor"));
  }

  /**
   * Proctor as {@code proctor hook claude-code} wires it — the default pack, the data directory
   * protected — recording in memory.
   */
  static Proctor proctor() throws PolicyException, TaxonomyException {
    return Proctor.builder().protect(Path.of("/home/dev/.proctor")).inMemoryLog().build();
  }

  /** Classification and request building as the hook does them. */
  static Function<ToolCall, ActionRequest> pipeline() throws PolicyException, TaxonomyException {
    return SHARED.get().policyLoader().pipeline();
  }

  /** A policy loader whose examples run through the hook's classifier. */
  static PolicyLoader loader() throws PolicyException, TaxonomyException {
    return new PolicyLoader(catalog(), pipeline());
  }

  private static final Lazy SHARED = new Lazy();

  /** One Proctor for the loaders of a benchmark process (its log runs on a daemon thread). */
  private static final class Lazy {
    private Proctor proctor;

    synchronized Proctor get() throws PolicyException, TaxonomyException {
      if (proctor == null) {
        proctor = proctor();
      }
      return proctor;
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
}

package dev.proctor.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every deciding command shares: which policy and which taxonomy. */
final class PolicyOptions {

  @Option(
      names = "--policy",
      paramLabel = "DIR",
      description =
          "Policy directory (default: $PROCTOR_POLICY, else the default pack for coding agents"
              + " built into the jar).")
  Path policy;

  @Option(
      names = "--taxonomy",
      paramLabel = "FILE",
      description =
          "User taxonomy file mapping tools and MCP servers to classes (default: $PROCTOR_TAXONOMY, else none).")
  Path taxonomy;

  /** The policy directory named by the option or the environment, if any. */
  Optional<Path> policyDir() {
    return Optional.ofNullable(policy).or(() -> env("PROCTOR_POLICY"));
  }

  /** The taxonomy file named by the option or the environment, if any. */
  Optional<Path> taxonomyFile() {
    return Optional.ofNullable(taxonomy).or(() -> env("PROCTOR_TAXONOMY"));
  }

  private static Optional<Path> env(String name) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
  }
}

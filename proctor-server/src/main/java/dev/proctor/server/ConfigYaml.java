package dev.proctor.server;

import dev.proctor.yaml.YamlFile;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The YAML layer of the configuration loader: the project's one strict YAML reader ({@link
 * YamlFile}: anchors and aliases, duplicate keys and deep nesting refused), so that the
 * configuration reads exactly as policies and taxonomies do. Its problems are handed on with their
 * line and column.
 */
final class ConfigYaml {

  private ConfigYaml() {}

  /** Where a problem is and what it is. */
  @FunctionalInterface
  interface Problems {
    void add(int line, int column, String message);
  }

  /** Parses the text; a problem is reported and nothing returned when it is not acceptable YAML. */
  static Optional<Node> parse(String file, String text, Problems problems) {
    return new YamlFile(
            file,
            text,
            p -> problems.add(Math.max(1, p.line()), Math.max(1, p.column()), p.message()))
        .parseOrNothing(ConfigLoader.MAX_BYTES);
  }
}

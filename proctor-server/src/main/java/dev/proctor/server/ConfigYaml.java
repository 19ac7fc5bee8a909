package dev.proctor.server;

import java.io.StringReader;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The YAML layer of the configuration loader, kept apart so that it moves to the project's one
 * strict YAML reader in a single change: text to a SnakeYAML node tree whose nodes know their
 * positions; aliases, anchors, duplicate keys and deep nesting are refused.
 */
final class ConfigYaml {

  private static final int MAX_DEPTH = 20;

  private ConfigYaml() {}

  /** Parses the text, or reports a problem at its line and column and returns nothing. */
  static Optional<Node> parse(String text, BiConsumer<Mark, String> problem) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    options.setAllowRecursiveKeys(false);
    options.setCodePointLimit(1 << 20);
    options.setNestingDepthLimit(MAX_DEPTH);
    try {
      for (Event e : new Yaml(options).parse(new StringReader(text))) {
        if (e instanceof AliasEvent || (e instanceof NodeEvent n && n.getAnchor() != null)) {
          problem.accept(e.getStartMark(), "aliases and anchors are not allowed");
          return Optional.empty();
        }
      }
      return Optional.ofNullable(new Yaml(options).compose(new StringReader(text)));
    } catch (MarkedYAMLException e) {
      problem.accept(e.getProblemMark(), "malformed YAML: " + e.getProblem());
      return Optional.empty();
    } catch (YAMLException e) {
      problem.accept(null, "malformed YAML: " + e.getMessage());
      return Optional.empty();
    }
  }
}

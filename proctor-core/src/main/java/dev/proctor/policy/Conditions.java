package dev.proctor.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The compiled conditions of one policy load, by expression text. Compiling a CEL condition costs
 * about a millisecond (the type checker rebuilds its environment every time), so a load of 10,000
 * rules spends most of its time here: identical conditions are compiled once, and the conditions
 * found in the parsed YAML are compiled on all cores before the rules are validated one by one. The
 * scan is only a head start: the parser asks for every condition it accepts, and one the scan
 * missed is compiled then.
 */
final class Conditions {

  private final Map<String, PolicyCel.Compiled> compiled = new ConcurrentHashMap<>();

  /** The compiled form of a condition, compiling it on first use. */
  PolicyCel.Compiled compile(String expression) {
    return compiled.computeIfAbsent(expression, PolicyCel::compile);
  }

  /** Compiles, in parallel, the {@code when} text of every rule in these parsed files. */
  void precompile(List<Node> roots) {
    Set<String> texts = new LinkedHashSet<>();
    for (Node root : roots) {
      Node rules = value(root, "rules");
      if (rules instanceof SequenceNode seq) {
        for (Node rule : seq.getValue()) {
          if (value(rule, "when") instanceof ScalarNode s && !s.getValue().isBlank()) {
            texts.add(s.getValue());
          }
        }
      }
    }
    new ArrayList<>(texts).parallelStream().forEach(this::compile);
  }

  private static Node value(Node node, String key) {
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          return t.getValueNode();
        }
      }
    }
    return null;
  }
}

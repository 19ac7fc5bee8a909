package dev.proctor.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * One YAML file read strictly, as a node tree whose nodes know their line and column. Every
 * accessor records a problem naming the place instead of throwing, so one pass reports all faults.
 *
 * <p>Why SnakeYAML nodes rather than a data binder: a binder loses positions, and positions are
 * what make an error useful. Anchors and aliases are refused outright (they are the billion-laughs
 * vector and policies do not need them); nesting depth and size are bounded.
 */
final class YamlFile {

  final String name;
  final String text;
  final List<PolicyProblem> problems;

  YamlFile(PolicySource source, List<PolicyProblem> problems) {
    this.name = source.name();
    this.text = source.text();
    this.problems = problems;
  }

  /** The root node, or empty (with a problem recorded) when the file is not acceptable YAML. */
  Optional<Node> parse(int sizeLimit) {
    if (text.length() > sizeLimit
        || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > sizeLimit) {
      problems.add(
          new PolicyProblem(
              name, 0, 0, "file is larger than the limit of " + sizeLimit + " bytes"));
      return Optional.empty();
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    options.setNestingDepthLimit(40);
    options.setCodePointLimit(sizeLimit);
    options.setAllowRecursiveKeys(false);
    try {
      Composer composer =
          new Composer(
              new ParserImpl(new StreamReader(new StringReader(text)), options),
              new Resolver(),
              options);
      Node root = composer.getSingleNode();
      if (root == null) {
        problems.add(new PolicyProblem(name, 1, 1, "file is empty"));
        return Optional.empty();
      }
      int before = problems.size();
      checkNoAnchors(root, Collections.newSetFromMap(new IdentityHashMap<>()));
      return problems.size() == before ? Optional.of(root) : Optional.empty();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String message = "invalid YAML: " + e.getProblem();
      if (e.getContext() != null) {
        message = "invalid YAML: " + e.getContext() + ", " + e.getProblem();
      }
      problems.add(
          mark == null
              ? new PolicyProblem(name, 0, 0, message)
              : new PolicyProblem(name, mark.getLine() + 1, mark.getColumn() + 1, message));
      return Optional.empty();
    } catch (YAMLException e) {
      problems.add(new PolicyProblem(name, 0, 0, "invalid YAML: " + e.getMessage()));
      return Optional.empty();
    }
  }

  private void checkNoAnchors(Node node, Set<Node> seen) {
    if (!seen.add(node) || node.getAnchor() != null) {
      error(node, "anchors and aliases are not allowed in policy files");
      return;
    }
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        checkNoAnchors(t.getKeyNode(), seen);
        checkNoAnchors(t.getValueNode(), seen);
      }
    } else if (node instanceof SequenceNode s) {
      for (Node child : s.getValue()) {
        checkNoAnchors(child, seen);
      }
    }
  }

  /** Records a problem at a node's start. */
  void error(Node node, String message) {
    Mark m = node.getStartMark();
    problems.add(new PolicyProblem(name, m.getLine() + 1, m.getColumn() + 1, message));
  }

  /** Records a problem at an explicit 1-based line and column. */
  void error(int line, int column, String message) {
    problems.add(new PolicyProblem(name, line, column, message));
  }

  /** Where a node starts, 1-based. */
  SourcePosition position(Node node) {
    Mark m = node.getStartMark();
    return new SourcePosition(name, m.getLine() + 1, m.getColumn() + 1);
  }

  /** The node as a mapping with only the allowed keys, or empty with a problem recorded. */
  Optional<Obj> object(Node node, String what, Set<String> allowed) {
    if (!(node instanceof MappingNode m)) {
      error(node, what + " must be a mapping, found " + kind(node));
      return Optional.empty();
    }
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      Node k = t.getKeyNode();
      if (!(k instanceof ScalarNode ks)) {
        error(k, "keys in " + what + " must be plain strings");
        continue;
      }
      String key = ks.getValue();
      if (entries.containsKey(key)) {
        error(k, "duplicate key '" + key + "' in " + what);
        continue;
      }
      if (allowed != null && !allowed.contains(key)) {
        error(
            k,
            "unknown key '"
                + key
                + "' in "
                + what
                + " (allowed: "
                + String.join(", ", new java.util.TreeSet<>(allowed))
                + ")");
        continue;
      }
      entries.put(key, t);
    }
    return Optional.of(new Obj(m, what, entries));
  }

  /** A string scalar, or empty with a problem recorded. */
  Optional<String> string(Node node, String what) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      return Optional.of(s.getValue());
    }
    String shown = node instanceof ScalarNode s ? " '" + s.getValue() + "'" : "";
    error(node, what + " must be a string, found " + kind(node) + shown);
    return Optional.empty();
  }

  /** Any string, number or boolean scalar as written (for versions such as {@code 3}). */
  Optional<String> scalarText(Node node, String what) {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      return Optional.of(s.getValue());
    }
    error(node, what + " must be a string or a number, found " + kind(node));
    return Optional.empty();
  }

  /** A non-empty string, or empty with a problem recorded. */
  Optional<String> nonEmptyString(Node node, String what) {
    Optional<String> s = string(node, what);
    if (s.isPresent() && s.get().isBlank()) {
      error(node, what + " must not be empty");
      return Optional.empty();
    }
    return s;
  }

  /** One string or a list of strings, as a list; empty list with a problem on a wrong type. */
  List<String> stringList(Node node, String what) {
    List<String> out = new ArrayList<>();
    if (node instanceof ScalarNode) {
      nonEmptyString(node, what).ifPresent(out::add);
    } else if (node instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        nonEmptyString(item, what + " entry").ifPresent(out::add);
      }
    } else {
      error(node, what + " must be a string or a list of strings, found " + kind(node));
    }
    return out;
  }

  /** A sequence's items, or empty with a problem recorded. */
  Optional<List<Node>> list(Node node, String what) {
    if (node instanceof SequenceNode seq) {
      return Optional.of(seq.getValue());
    }
    error(node, what + " must be a list, found " + kind(node));
    return Optional.empty();
  }

  /** A boolean scalar. */
  Optional<Boolean> bool(Node node, String what) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      String v = s.getValue().toLowerCase(Locale.ROOT);
      return Optional.of(v.equals("true") || v.equals("yes") || v.equals("on"));
    }
    error(node, what + " must be true or false, found " + kind(node));
    return Optional.empty();
  }

  /** A whole number within bounds. */
  Optional<Long> integer(Node node, String what, long min, long max) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
      try {
        long v = Long.parseLong(s.getValue().replace("_", ""));
        if (v < min || v > max) {
          error(node, what + " must be between " + min + " and " + max + ", was " + v);
          return Optional.empty();
        }
        return Optional.of(v);
      } catch (NumberFormatException e) {
        error(node, what + " is not a whole number: '" + s.getValue() + "'");
        return Optional.empty();
      }
    }
    error(node, what + " must be a whole number, found " + kind(node));
    return Optional.empty();
  }

  /**
   * A positive duration such as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}.
   */
  Optional<Duration> duration(Node node, String what) {
    Optional<String> s = string(node, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> parsed = Durations.parse(s.get());
    if (parsed.isEmpty()) {
      error(
          node,
          what + " must be a duration such as " + Durations.EXAMPLES + ", was '" + s.get() + "'");
      return Optional.empty();
    }
    Duration d = parsed.get();
    if (d.isZero()) {
      error(node, what + " must be positive, was '" + s.get() + "'");
      return Optional.empty();
    }
    return Optional.of(d);
  }

  /** Converts a node to JSON (for request examples and modify values). */
  Optional<JsonNode> json(Node node, String what) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node instanceof MappingNode) {
      Optional<Obj> o = object(node, what, null);
      if (o.isEmpty()) {
        return Optional.empty();
      }
      ObjectNode out = f.objectNode();
      boolean ok = true;
      for (Map.Entry<String, NodeTuple> e : o.get().entries.entrySet()) {
        Optional<JsonNode> v = json(e.getValue().getValueNode(), what + "." + e.getKey());
        if (v.isPresent()) {
          out.set(e.getKey(), v.get());
        } else {
          ok = false;
        }
      }
      return ok ? Optional.of(out) : Optional.empty();
    }
    if (node instanceof SequenceNode seq) {
      ArrayNode out = f.arrayNode();
      boolean ok = true;
      for (Node item : seq.getValue()) {
        Optional<JsonNode> v = json(item, what + "[]");
        if (v.isPresent()) {
          out.add(v.get());
        } else {
          ok = false;
        }
      }
      return ok ? Optional.of(out) : Optional.empty();
    }
    ScalarNode s = (ScalarNode) node;
    Tag tag = s.getTag();
    String v = s.getValue();
    if (tag.equals(Tag.NULL)) {
      return Optional.of(f.nullNode());
    }
    if (tag.equals(Tag.BOOL)) {
      return bool(node, what).map(f::booleanNode);
    }
    if (tag.equals(Tag.INT)) {
      try {
        return Optional.of(f.numberNode(new BigInteger(v.replace("_", ""))));
      } catch (NumberFormatException e) {
        error(node, what + ": unsupported integer form '" + v + "' (write it in decimal)");
        return Optional.empty();
      }
    }
    if (tag.equals(Tag.FLOAT)) {
      try {
        return Optional.of(f.numberNode(new java.math.BigDecimal(v.replace("_", ""))));
      } catch (NumberFormatException e) {
        error(node, what + ": unsupported number '" + v + "' (quote it to make it a string)");
        return Optional.empty();
      }
    }
    if (tag.equals(Tag.STR)) {
      return Optional.of(f.textNode(v));
    }
    error(node, what + ": unsupported YAML type " + tag.getValue() + " (quote the value)");
    return Optional.empty();
  }

  static String kind(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    Tag tag = node.getTag();
    if (tag.equals(Tag.NULL)) {
      return "nothing (null)";
    }
    if (tag.equals(Tag.BOOL)) {
      return "a boolean";
    }
    if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      return "a number";
    }
    return "a string";
  }

  /** A mapping whose keys were checked; lookups by key name. */
  final class Obj {
    final MappingNode node;
    final String what;
    final Map<String, NodeTuple> entries;

    Obj(MappingNode node, String what, Map<String, NodeTuple> entries) {
      this.node = node;
      this.what = what;
      this.entries = entries;
    }

    Optional<Node> get(String key) {
      NodeTuple t = entries.get(key);
      return t == null ? Optional.empty() : Optional.of(t.getValueNode());
    }

    Optional<Node> required(String key) {
      Optional<Node> n = get(key);
      if (n.isEmpty()) {
        error(node, what + " is missing the required key '" + key + "'");
      }
      return n;
    }

    Node keyNode(String key) {
      return entries.get(key).getKeyNode();
    }
  }
}

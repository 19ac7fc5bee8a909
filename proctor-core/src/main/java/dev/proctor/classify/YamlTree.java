package dev.proctor.classify;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small YAML document tree that keeps the line and column of every node, so that a loader can say
 * exactly where a file is wrong. Read with Jackson's streaming YAML parser; duplicate keys are
 * rejected.
 */
final class YamlTree {

  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private YamlTree() {}

  /** A node with its 1-based position. */
  sealed interface Node permits Scalar, Mapping, Sequence {
    int line();

    int column();

    /** What the node is, for error messages. */
    String kind();
  }

  /** A scalar; {@code token} says whether YAML read it as a string, number, boolean or null. */
  record Scalar(String text, JsonToken token, int line, int column) implements Node {
    @Override
    public String kind() {
      return switch (token) {
        case VALUE_STRING -> "a string";
        case VALUE_NULL -> "null";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        default -> "a number";
      };
    }

    boolean isString() {
      return token == JsonToken.VALUE_STRING;
    }
  }

  /** One key of a mapping with the key's own position. */
  record Entry(String key, int line, int column, Node value) {}

  /** A mapping, entries in file order. */
  record Mapping(List<Entry> entries, int line, int column) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A sequence. */
  record Sequence(List<Node> items, int line, int column) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /**
   * Parses one YAML document; an empty document is an empty mapping at 1:1.
   *
   * @throws TaxonomyException on a syntax error or a duplicate key
   */
  static Node parse(String text, String source) throws TaxonomyException {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new Mapping(List.of(), 1, 1);
      }
      Node root = read(p, source);
      if (p.nextToken() != null) {
        JsonLocation l = p.currentTokenLocation();
        throw new TaxonomyException(
            source, l.getLineNr(), l.getColumnNr(), "only one YAML document is allowed");
      }
      return root;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      int line = l == null ? 1 : Math.max(1, l.getLineNr());
      int col = l == null ? 1 : Math.max(1, l.getColumnNr());
      throw new TaxonomyException(source, line, col, "invalid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new TaxonomyException(source, 1, 1, "cannot read: " + e.getMessage());
    }
  }

  private static Node read(JsonParser p, String source) throws IOException, TaxonomyException {
    JsonLocation l = p.currentTokenLocation();
    int line = l.getLineNr();
    int col = l.getColumnNr();
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          JsonLocation kl = p.currentTokenLocation();
          String key = p.currentName();
          if (!seen.add(key)) {
            throw new TaxonomyException(
                source, kl.getLineNr(), kl.getColumnNr(), "duplicate key '" + key + "'");
          }
          p.nextToken();
          entries.add(new Entry(key, kl.getLineNr(), kl.getColumnNr(), read(p, source)));
        }
        return new Mapping(List.copyOf(entries), line, col);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(read(p, source));
        }
        return new Sequence(List.copyOf(items), line, col);
      }
      default -> {
        return new Scalar(t == JsonToken.VALUE_NULL ? "" : p.getText(), t, line, col);
      }
    }
  }
}

package dev.proctor.yaml;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * One YAML file a user wrote (a policy, a test suite, a taxonomy), read strictly as a node tree
 * whose nodes know their line and column. Every accessor records a problem naming the place instead
 * of throwing, so one pass reports all faults; the caller decides what a problem becomes.
 *
 * <p>Why one reader for every user file: two YAML readers disagree on the corners (an alias {@code
 * *x} read as the string {@code "x"} by one and refused by the other), and a file that means one
 * thing to the loader and another to the person reviewing it is how policy gets bypassed. Why
 * SnakeYAML nodes rather than a data binder: a binder loses positions, and positions are what make
 * an error useful. Anchors and aliases are refused outright (they are the billion-laughs vector and
 * no Proctor file needs them); nesting depth and size are bounded. It lives in its own package
 * because both {@code policy} and {@code classify} read user files and neither may depend on the
 * other's internals.
 */
public final class YamlFile {

  /** The deepest nesting of mappings and lists accepted. */
  public static final int MAX_DEPTH = 40;

  private final String name;
  private final String text;
  private final Consumer<YamlProblem> sink;
  private int problemCount;

  /**
   * A file named {@code name} in problems (a path relative to where the user keeps it), holding
   * {@code text}; every problem found is handed to {@code problems}.
   */
  public YamlFile(String name, String text, Consumer<YamlProblem> problems) {
    this.name = requireNonNull(name, "name is null");
    this.text = requireNonNull(text, "text is null");
    this.sink = requireNonNull(problems, "problems is null");
  }

  /**
   * The bytes of a user's file, at most {@code maxBytes}. It must be a regular file and is opened
   * without following symbolic links: a link — dangling, looping, or pointing inside or outside its
   * directory — is refused, because the protections Proctor gives its own files (the agent may not
   * write the policy) name the path the user gave, not wherever a link leads.
   *
   * @throws IOException whose message says what is wrong with the file, without its name
   */
  public static byte[] read(Path file, int maxBytes) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new IOException("file does not exist", e);
    }
    refuseLink(file, a);
    if (a.isDirectory()) {
      throw new IOException("is a directory, not a file");
    }
    if (!a.isRegularFile()) {
      throw new IOException("is not a regular file");
    }
    String tooLarge = "file is larger than the limit of " + maxBytes + " bytes";
    if (a.size() > maxBytes) {
      throw new IOException(tooLarge);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(maxBytes + 1);
    } catch (IOException e) {
      throw new IOException("cannot be read: " + e, e);
    }
    if (bytes.length > maxBytes) {
      throw new IOException(tooLarge);
    }
    return bytes;
  }

  /**
   * Refuses a directory of user files that is itself a symbolic link (such as a policy's {@code
   * tests/}); the message says where the link leads.
   */
  public static void refuseLink(Path path) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    refuseLink(path, a);
  }

  private static void refuseLink(Path path, BasicFileAttributes a) throws IOException {
    if (!a.isSymbolicLink()) {
      return;
    }
    String where;
    try {
      Path real = path.toRealPath();
      Path dir = path.toAbsolutePath().getParent().toRealPath();
      where = real.startsWith(dir) ? "to " + real : "to " + real + ", outside " + dir;
    } catch (NoSuchFileException e) {
      where = "to '" + Files.readSymbolicLink(path) + "', which does not exist";
    } catch (FileSystemException e) {
      where = loops(path) ? "that loops" : "that cannot be resolved (" + e.getReason() + ")";
    }
    throw new IOException(
        "is a symbolic link "
            + where
            + "; policy and taxonomy files must be regular files (symbolic links are not"
            + " followed)");
  }

  /** True when following a link leads back to a link already passed (or on and on). */
  private static boolean loops(Path link) throws IOException {
    Set<Path> seen = new HashSet<>();
    Path p = link.toAbsolutePath().normalize();
    for (int hops = 0; hops < 64 && Files.isSymbolicLink(p); hops++) {
      if (!seen.add(p)) {
        return true;
      }
      p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
    }
    return Files.isSymbolicLink(p);
  }

  /** The name problems cite the file by. */
  public String name() {
    return name;
  }

  /** The file's text. */
  public String text() {
    return text;
  }

  /** How many problems this file has recorded so far. */
  public int problemCount() {
    return problemCount;
  }

  private void add(YamlProblem problem) {
    problemCount++;
    sink.accept(problem);
  }

  /**
   * The root node, or empty (with a problem recorded) when the file is not acceptable YAML or holds
   * no document.
   */
  public Optional<Node> parse(int sizeLimit) {
    int before = problemCount;
    Optional<Node> root = parseOrNothing(sizeLimit);
    if (root.isEmpty() && problemCount == before) {
      add(new YamlProblem(name, 1, 1, "file is empty"));
    }
    return root;
  }

  /**
   * The root node; empty with a problem recorded when the file is not acceptable YAML, and empty
   * without one when it holds no document (only blank lines or comments).
   */
  public Optional<Node> parseOrNothing(int sizeLimit) {
    if (text.length() > sizeLimit
        || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > sizeLimit) {
      add(new YamlProblem(name, 0, 0, "file is larger than the limit of " + sizeLimit + " bytes"));
      return Optional.empty();
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(0);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(sizeLimit);
    options.setAllowRecursiveKeys(false);
    try {
      Composer composer =
          new Composer(
              new NoAnchors(new ParserImpl(new StreamReader(new StringReader(text)), options)),
              new Resolver(),
              options);
      Node root = composer.getSingleNode();
      if (root == null) {
        return Optional.empty();
      }
      return Optional.of(root);
    } catch (AnchorRefused e) {
      add(new YamlProblem(name, e.mark.getLine() + 1, e.mark.getColumn() + 1, e.getMessage()));
      return Optional.empty();
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String message = "invalid YAML: " + e.getProblem();
      if (e.getContext() != null) {
        message = "invalid YAML: " + e.getContext() + ", " + e.getProblem();
      }
      add(
          mark == null
              ? new YamlProblem(name, 0, 0, message)
              : new YamlProblem(name, mark.getLine() + 1, mark.getColumn() + 1, message));
      return Optional.empty();
    } catch (YAMLException e) {
      add(new YamlProblem(name, 0, 0, "invalid YAML: " + e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Refuses the first anchor or alias as the parser meets it, before the composer resolves (or
   * multiplies) anything: an alias is refused even when its anchor is missing.
   */
  private static final class NoAnchors implements Parser {
    private final Parser in;

    NoAnchors(Parser in) {
      this.in = in;
    }

    @Override
    public boolean checkEvent(Event.ID choice) {
      check(in.peekEvent());
      return in.checkEvent(choice);
    }

    @Override
    public Event peekEvent() {
      return check(in.peekEvent());
    }

    @Override
    public Event getEvent() {
      return check(in.getEvent());
    }

    private static Event check(Event e) {
      if (e instanceof AliasEvent a) {
        throw new AnchorRefused("alias *" + a.getAnchor(), a.getStartMark());
      }
      if (e instanceof NodeEvent n && n.getAnchor() != null) {
        throw new AnchorRefused("anchor &" + n.getAnchor(), n.getStartMark());
      }
      return e;
    }
  }

  private static final class AnchorRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Mark mark;

    AnchorRefused(String what, Mark mark) {
      super("anchors and aliases are not allowed (" + what + ")", null, false, false);
      this.mark = mark;
    }
  }

  /** Records a problem at a node's start. */
  public void error(Node node, String message) {
    add(new YamlProblem(name, line(node), column(node), message));
  }

  /** Records a problem at an explicit 1-based line and column. */
  public void error(int line, int column, String message) {
    add(new YamlProblem(name, line, column, message));
  }

  /** The 1-based line a node starts on. */
  public static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  /** The 1-based column a node starts at. */
  public static int column(Node node) {
    return node.getStartMark().getColumn() + 1;
  }

  /** The node as a mapping with only the allowed keys, or empty with a problem recorded. */
  public Optional<Obj> object(Node node, String what, Set<String> allowed) {
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
                + DidYouMean.hint(key, allowed)
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
  public Optional<String> string(Node node, String what) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
      return Optional.of(s.getValue());
    }
    String shown = node instanceof ScalarNode s ? " '" + s.getValue() + "'" : "";
    error(node, what + " must be a string, found " + kind(node) + shown);
    return Optional.empty();
  }

  /** Any string, number or boolean scalar as written (for versions such as {@code 3}). */
  public Optional<String> scalarText(Node node, String what) {
    if (node instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      return Optional.of(s.getValue());
    }
    error(node, what + " must be a string or a number, found " + kind(node));
    return Optional.empty();
  }

  /** A non-empty string, or empty with a problem recorded. */
  public Optional<String> nonEmptyString(Node node, String what) {
    Optional<String> s = string(node, what);
    if (s.isPresent() && s.get().isBlank()) {
      error(node, what + " must not be empty");
      return Optional.empty();
    }
    return s;
  }

  /** One string or a list of strings, as a list; empty list with a problem on a wrong type. */
  public List<String> stringList(Node node, String what) {
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
  public Optional<List<Node>> list(Node node, String what) {
    if (node instanceof SequenceNode seq) {
      return Optional.of(seq.getValue());
    }
    error(node, what + " must be a list, found " + kind(node));
    return Optional.empty();
  }

  /** A boolean scalar. */
  public Optional<Boolean> bool(Node node, String what) {
    if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
      String v = s.getValue().toLowerCase(Locale.ROOT);
      return Optional.of(v.equals("true") || v.equals("yes") || v.equals("on"));
    }
    error(node, what + " must be true or false, found " + kind(node));
    return Optional.empty();
  }

  /** A whole number within bounds. */
  public Optional<Long> integer(Node node, String what, long min, long max) {
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

  /** Converts a node to JSON (for request examples and modify values). */
  public Optional<JsonNode> json(Node node, String what) {
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

  /** What a node is, for messages: "a mapping", "a list", "a number" … */
  public static String kind(Node node) {
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
  public final class Obj {
    private final MappingNode node;
    private final String what;
    private final Map<String, NodeTuple> entries;

    Obj(MappingNode node, String what, Map<String, NodeTuple> entries) {
      this.node = node;
      this.what = what;
      this.entries = Collections.unmodifiableMap(entries);
    }

    /** The mapping node. */
    public MappingNode node() {
      return node;
    }

    /** The entries by key, in file order. */
    public Map<String, NodeTuple> entries() {
      return entries;
    }

    /** The value of a key, if present. */
    public Optional<Node> get(String key) {
      NodeTuple t = entries.get(key);
      return t == null ? Optional.empty() : Optional.of(t.getValueNode());
    }

    /** The value of a key, or empty with a problem recorded at the mapping. */
    public Optional<Node> required(String key) {
      Optional<Node> n = get(key);
      if (n.isEmpty()) {
        error(node, what + " is missing the required key '" + key + "'");
      }
      return n;
    }

    /** The key node of a present key, for problems about the key itself. */
    public Node keyNode(String key) {
      return entries.get(key).getKeyNode();
    }
  }
}

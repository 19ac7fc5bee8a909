package dev.proctor.classify;

import dev.proctor.action.Target;
import dev.proctor.classify.YamlTree.Entry;
import dev.proctor.classify.YamlTree.Mapping;
import dev.proctor.classify.YamlTree.Node;
import dev.proctor.classify.YamlTree.Scalar;
import dev.proctor.classify.YamlTree.Sequence;
import dev.proctor.decision.Effect;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a taxonomy document strictly: unknown keys, unknown classes, wrong types and bad JSON
 * pointers are errors with the position of the offending node.
 */
final class TaxonomyLoader {

  private static final Set<String> TOP_KEYS = Set.of("classes", "tools", "mcp", "commands");
  private static final Set<String> COMMAND_KEYS =
      Set.of(
          "class",
          "operands",
          "values",
          "reads",
          "writes",
          "exec",
          "environment",
          "subcommands",
          "tags",
          "examples");
  private static final Set<String> SUBCOMMAND_KEYS = Set.of("class", "tags");
  private static final Set<String> EXAMPLE_KEYS = Set.of("command", "class", "tags");
  private static final Set<String> CLASS_KEYS =
      Set.of("impact", "reversibility", "default", "description");
  private static final Set<String> MAPPING_KEYS = Set.of("class", "targets", "labels", "tags");
  private static final Set<String> SERVER_KEYS = Set.of("default", "tools");
  private static final Set<String> TARGET_KEYS = Set.of("kind", "pointer", "form");

  private final String source;
  private final Map<String, ActionClass> known;

  private TaxonomyLoader(String source, Map<String, ActionClass> known) {
    this.source = source;
    this.known = known;
  }

  /** The classes a document defines and its mappings. */
  record Result(
      Map<String, ActionClass> classes, MappingLayer mappings, Map<String, UserCommand> commands) {}

  /** A command the user's file declares, with where its examples are (to report a failing one). */
  record UserCommand(
      CommandSpec spec,
      Set<String> tags,
      Set<String> environmentOptions,
      List<int[]> examplePositions) {}

  static Result load(Node root, String source, Map<String, ActionClass> builtIn, boolean trusted)
      throws TaxonomyException {
    Map<String, ActionClass> known = new LinkedHashMap<>(builtIn);
    TaxonomyLoader l = new TaxonomyLoader(source, known);
    Mapping top = l.mapping(root, "the document");
    l.checkKeys(top, TOP_KEYS);
    Map<String, ActionClass> defined = new LinkedHashMap<>();
    Node classes = value(top, "classes");
    if (classes != null) {
      for (Entry e : l.mapping(classes, "'classes'").entries()) {
        if (!isName(e.key())) {
          throw l.error(e, "class name '" + e.key() + "' must be lower-case words joined by '.'");
        }
        if (known.containsKey(e.key())) {
          throw l.error(e, "class '" + e.key() + "' is built in and cannot be redefined");
        }
        ActionClass c = l.actionClass(e);
        known.put(c.name(), c);
        defined.put(c.name(), c);
      }
    }
    Map<String, ToolMapping> exact = new LinkedHashMap<>();
    List<Map.Entry<String, ToolMapping>> globs = new ArrayList<>();
    Node tools = value(top, "tools");
    if (tools != null) {
      for (Entry e : l.mapping(tools, "'tools'").entries()) {
        String name = e.key();
        if (name.isEmpty()) {
          throw l.error(e, "a tool name must not be empty");
        }
        if (name.startsWith("mcp__")) {
          throw l.error(e, "map MCP tools under 'mcp: {<server>: ...}', not as '" + name + "'");
        }
        if (!trusted && ClaudeCodeTools.isBuiltIn(name)) {
          throw l.error(e, "tool '" + name + "' is classified by Proctor itself");
        }
        ToolMapping m = l.toolMapping(e.value(), "tool '" + name + "'");
        if (Glob.isGlob(name)) {
          globs.add(new AbstractMap.SimpleImmutableEntry<>(name, m));
        } else {
          exact.put(name, m);
        }
      }
    }
    Map<String, MappingLayer.Server> servers = new LinkedHashMap<>();
    Node mcp = value(top, "mcp");
    if (mcp != null) {
      for (Entry e : l.mapping(mcp, "'mcp'").entries()) {
        servers.put(e.key(), l.server(e));
      }
    }
    Map<String, UserCommand> commands = new LinkedHashMap<>();
    Node cmds = value(top, "commands");
    if (cmds != null) {
      for (Entry e : l.mapping(cmds, "'commands'").entries()) {
        commands.put(e.key(), l.command(e));
      }
    }
    return new Result(defined, new MappingLayer(exact, globs, servers), commands);
  }

  /**
   * One entry of {@code commands:}: a command line tool's class, operand role, options and
   * subcommands, in the command table's terms (docs/taxonomy.md, "User commands").
   */
  private UserCommand command(Entry e) throws TaxonomyException {
    String name = e.key();
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf(' ') >= 0) {
      throw error(e, "command name '" + name + "' must be a program name without '/' or spaces");
    }
    Mapping m = mapping(e.value(), "command '" + name + "'");
    checkKeys(m, COMMAND_KEYS);
    Node c = value(m, "class");
    Node subs = value(m, "subcommands");
    if (c == null && subs == null) {
      throw error(m, "command '" + name + "' needs a 'class' or 'subcommands'");
    }
    Optional<String> cls = c == null ? Optional.empty() : Optional.of(className(c));
    CommandSpec.Role role = CommandSpec.Role.NONE;
    Node ops = value(m, "operands");
    if (ops != null) {
      String r = string(ops, "'operands'");
      Optional<CommandSpec.Role> found = CommandSpec.Role.of(r);
      if (found.isEmpty() || found.get().ordinal() > CommandSpec.Role.HOST_FIRST.ordinal()) {
        throw error(
            ops,
            "unknown operands '"
                + r
                + "'; expected one of [read, write, none, pattern-read, filter-read, host-last,"
                + " host-first]");
      }
      role = found.get();
    }
    Set<String> values = options(value(m, "values"), "values");
    Set<String> reads = options(value(m, "reads"), "reads");
    Set<String> writes = options(value(m, "writes"), "writes");
    Set<String> execs = options(value(m, "exec"), "exec");
    Set<String> environment = options(value(m, "environment"), "environment");
    StringBuilder letters = new StringBuilder();
    Set<String> longs = new LinkedHashSet<>();
    for (Set<String> opts : List.of(values, reads, writes, execs, environment)) {
      for (String o : opts) {
        if (o.length() == 2) {
          letters.append(o.charAt(1));
        } else {
          longs.add(o);
        }
      }
    }
    Map<String, CommandSpec.Verb> verbs = new LinkedHashMap<>();
    if (subs != null) {
      for (Entry v : mapping(subs, "'subcommands' of '" + name + "'").entries()) {
        if (v.value() instanceof Scalar) {
          verbs.put(v.key(), new CommandSpec.Verb(className(v.value()), Set.of()));
        } else {
          Mapping vm = mapping(v.value(), "subcommand '" + v.key() + "'");
          checkKeys(vm, SUBCOMMAND_KEYS);
          Node vc = value(vm, "class");
          if (vc == null) {
            throw error(vm, "subcommand '" + v.key() + "' needs a 'class'");
          }
          verbs.put(v.key(), new CommandSpec.Verb(className(vc), words(value(vm, "tags"), "tag")));
        }
      }
    }
    List<CommandSpec.Example> examples = new ArrayList<>();
    List<int[]> positions = new ArrayList<>();
    Node ex = value(m, "examples");
    if (ex != null) {
      for (Node item : sequence(ex, "'examples'").items()) {
        Mapping em = mapping(item, "an example");
        checkKeys(em, EXAMPLE_KEYS);
        Node command = value(em, "command");
        Node ec = value(em, "class");
        if (command == null || ec == null) {
          throw error(em, "an example needs 'command' and 'class'");
        }
        examples.add(
            new CommandSpec.Example(
                string(command, "'command'"),
                className(ec),
                List.copyOf(words(value(em, "tags"), "tag")),
                List.of()));
        positions.add(new int[] {item.line(), item.column()});
      }
    }
    CommandSpec spec =
        new CommandSpec(
            name,
            cls,
            role,
            letters.toString(),
            longs,
            false,
            reads,
            writes,
            execs,
            verbs,
            Optional.empty(),
            Set.of(),
            false,
            examples,
            source + ":" + e.line());
    return new UserCommand(spec, words(value(m, "tags"), "tag"), environment, positions);
  }

  private Set<String> options(Node node, String what) throws TaxonomyException {
    if (node == null) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Node item : sequence(node, "'" + what + "'").items()) {
      String o = string(item, "an option");
      if (!o.matches("-[A-Za-z0-9?]|--?[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw error(item, "option '" + o + "' must look like -x or --name");
      }
      out.add(o);
    }
    return out;
  }

  private MappingLayer.Server server(Entry e) throws TaxonomyException {
    if (e.key().isEmpty() || e.key().contains("__")) {
      throw error(e, "MCP server name '" + e.key() + "' must be non-empty and contain no '__'");
    }
    Mapping m = mapping(e.value(), "MCP server '" + e.key() + "'");
    checkKeys(m, SERVER_KEYS);
    if (m.entries().isEmpty()) {
      throw error(m, "MCP server '" + e.key() + "' needs 'default' or 'tools'");
    }
    Optional<String> def = Optional.empty();
    Node d = value(m, "default");
    if (d != null) {
      def = Optional.of(className(d));
    }
    Map<String, ToolMapping> exact = new LinkedHashMap<>();
    List<Map.Entry<String, ToolMapping>> globs = new ArrayList<>();
    Node tools = value(m, "tools");
    if (tools != null) {
      for (Entry t : mapping(tools, "'tools' of MCP server '" + e.key() + "'").entries()) {
        if (t.key().isEmpty()) {
          throw error(t, "a tool name must not be empty");
        }
        ToolMapping tm = toolMapping(t.value(), "tool '" + t.key() + "'");
        if (Glob.isGlob(t.key())) {
          globs.add(new AbstractMap.SimpleImmutableEntry<>(t.key(), tm));
        } else {
          exact.put(t.key(), tm);
        }
      }
    }
    return new MappingLayer.Server(def, exact, globs);
  }

  private ToolMapping toolMapping(Node node, String what) throws TaxonomyException {
    if (node instanceof Scalar) {
      return ToolMapping.of(className(node));
    }
    Mapping m = mapping(node, what);
    checkKeys(m, MAPPING_KEYS);
    Node c = value(m, "class");
    if (c == null) {
      throw error(m, what + " needs a 'class'");
    }
    String cls = className(c);
    List<TargetPointer> targets = new ArrayList<>();
    Node t = value(m, "targets");
    if (t != null) {
      for (Node item : sequence(t, "'targets'").items()) {
        targets.add(target(item));
      }
    }
    return new ToolMapping(
        cls, targets, words(value(m, "labels"), "label"), words(value(m, "tags"), "tag"));
  }

  private TargetPointer target(Node node) throws TaxonomyException {
    Mapping m = mapping(node, "a target");
    checkKeys(m, TARGET_KEYS);
    Node k = value(m, "kind");
    Node p = value(m, "pointer");
    if (k == null || p == null) {
      throw error(m, "a target needs 'kind' and 'pointer'");
    }
    String kind = string(k, "'kind'");
    Target.Kind found = null;
    for (Target.Kind candidate : Target.Kind.values()) {
      if (candidate.wireName().equals(kind)) {
        found = candidate;
      }
    }
    if (found == null) {
      throw error(k, "unknown target kind '" + kind + "'; expected one of " + kindNames());
    }
    String pointer = string(p, "'pointer'");
    TargetPointer.Form form = TargetPointer.Form.VALUE;
    Node fm = value(m, "form");
    if (fm != null) {
      String name = string(fm, "'form'");
      form = null;
      for (TargetPointer.Form candidate : TargetPointer.Form.values()) {
        if (candidate.wireName().equals(name)) {
          form = candidate;
        }
      }
      if (form == null) {
        throw error(fm, "unknown target form '" + name + "'; expected value or git-revision");
      }
    }
    try {
      return new TargetPointer(found, pointer, form);
    } catch (IllegalArgumentException e) {
      throw error(p, "bad JSON pointer '" + pointer + "': " + e.getMessage());
    }
  }

  private static List<String> kindNames() {
    List<String> names = new ArrayList<>();
    for (Target.Kind k : Target.Kind.values()) {
      names.add(k.wireName());
    }
    return names;
  }

  private Set<String> words(Node node, String what) throws TaxonomyException {
    if (node == null) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Node item : sequence(node, "'" + what + "s'").items()) {
      String w = string(item, "a " + what);
      if (!isWord(w)) {
        throw error(
            item, what + " '" + w + "' must be lower-case letters, digits, '-', '_' or '.'");
      }
      out.add(w);
    }
    return out;
  }

  private ActionClass actionClass(Entry e) throws TaxonomyException {
    Mapping m = mapping(e.value(), "class '" + e.key() + "'");
    checkKeys(m, CLASS_KEYS);
    Node impact = required(m, "impact", e.key());
    Node rev = required(m, "reversibility", e.key());
    Node def = required(m, "default", e.key());
    Node desc = value(m, "description");
    return new ActionClass(
        e.key(),
        enumValue(impact, Impact.class),
        enumValue(rev, Reversibility.class),
        effect(def),
        desc == null ? e.key() : string(desc, "'description'"));
  }

  private Effect effect(Node node) throws TaxonomyException {
    String s = string(node, "'default'");
    Optional<Effect> e = Effect.fromWireName(s);
    if (e.isEmpty()) {
      List<String> names = new ArrayList<>();
      for (Effect x : Effect.values()) {
        names.add(x.wireName());
      }
      throw error(node, "unknown default control '" + s + "'; expected one of " + names);
    }
    return e.get();
  }

  private <E extends Enum<E>> E enumValue(Node node, Class<E> type) throws TaxonomyException {
    String s = string(node, "a value");
    for (E v : type.getEnumConstants()) {
      if (v.name().toLowerCase(Locale.ROOT).equals(s)) {
        return v;
      }
    }
    List<String> names = new ArrayList<>();
    for (E v : type.getEnumConstants()) {
      names.add(v.name().toLowerCase(Locale.ROOT));
    }
    throw error(node, "unknown value '" + s + "'; expected one of " + names);
  }

  private Node required(Mapping m, String key, String cls) throws TaxonomyException {
    Node n = value(m, key);
    if (n == null) {
      throw error(m, "class '" + cls + "' needs '" + key + "'");
    }
    return n;
  }

  private String className(Node node) throws TaxonomyException {
    String s = string(node, "a class name");
    if (!known.containsKey(s)) {
      throw error(node, "unknown class '" + s + "'");
    }
    return s;
  }

  private String string(Node node, String what) throws TaxonomyException {
    if (node instanceof Scalar s && s.isString()) {
      return s.text();
    }
    throw error(node, what + " must be a string, not " + node.kind());
  }

  private Mapping mapping(Node node, String what) throws TaxonomyException {
    if (node instanceof Mapping m) {
      return m;
    }
    throw error(node, what + " must be a mapping, not " + node.kind());
  }

  private Sequence sequence(Node node, String what) throws TaxonomyException {
    if (node instanceof Sequence s) {
      return s;
    }
    throw error(node, what + " must be a list, not " + node.kind());
  }

  private void checkKeys(Mapping m, Set<String> allowed) throws TaxonomyException {
    for (Entry e : m.entries()) {
      if (!allowed.contains(e.key())) {
        throw error(e, "unknown key '" + e.key() + "'; expected one of " + sorted(allowed));
      }
    }
  }

  private static List<String> sorted(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    l.sort(null);
    return l;
  }

  private static Node value(Mapping m, String key) {
    for (Entry e : m.entries()) {
      if (e.key().equals(key)) {
        return e.value();
      }
    }
    return null;
  }

  private TaxonomyException error(Node n, String message) {
    return new TaxonomyException(source, n.line(), n.column(), message);
  }

  private TaxonomyException error(Entry e, String message) {
    return new TaxonomyException(source, e.line(), e.column(), message);
  }

  static boolean isName(String s) {
    if (s.isEmpty() || s.length() > 100) {
      return false;
    }
    boolean segmentStart = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (segmentStart) {
          return false;
        }
        segmentStart = true;
      } else if (c >= 'a' && c <= 'z') {
        segmentStart = false;
      } else if ((c >= '0' && c <= '9') || c == '_' || c == '-') {
        if (segmentStart) {
          return false;
        }
      } else {
        return false;
      }
    }
    return !segmentStart;
  }

  static boolean isWord(String s) {
    if (s.isEmpty() || s.length() > 100) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}

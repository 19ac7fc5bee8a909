package dev.proctor.classify;

import dev.proctor.action.Target;
import dev.proctor.decision.Effect;
import dev.proctor.yaml.YamlFile;
import dev.proctor.yaml.YamlProblem;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a taxonomy document strictly, with the one YAML reader every user file goes through ({@link
 * YamlFile}: no anchors or aliases, no duplicate keys, bounded size and depth): unknown keys,
 * unknown classes, wrong types and bad JSON pointers are errors with the position of the offending
 * node. The first problem stops the load.
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
  private static final Set<String> MAPPING_KEYS =
      Set.of("class", "class_by", "sql", "targets", "labels", "tags");
  private static final Set<String> CLASS_BY_KEYS = Set.of("pointer", "values", "default");
  private static final Set<String> SERVER_KEYS = Set.of("default", "tools");
  private static final Set<String> TARGET_KEYS = Set.of("kind", "pointer", "form");

  private final YamlFile yaml;
  private final List<YamlProblem> problems;
  private final Map<String, ActionClass> known;

  private TaxonomyLoader(
      YamlFile yaml, List<YamlProblem> problems, Map<String, ActionClass> known) {
    this.yaml = yaml;
    this.problems = problems;
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

  /**
   * Reads taxonomy text named {@code source} against the classes known already; {@code trusted}
   * (the built-in files) may map Proctor's own tool names. A document with nothing in it defines
   * nothing.
   */
  static Result read(
      String text, String source, int sizeLimit, Map<String, ActionClass> builtIn, boolean trusted)
      throws TaxonomyException {
    List<YamlProblem> problems = new ArrayList<>();
    YamlFile yaml = new YamlFile(source, text, problems::add);
    TaxonomyLoader l = new TaxonomyLoader(yaml, problems, new LinkedHashMap<>(builtIn));
    Optional<Node> root = yaml.parseOrNothing(sizeLimit);
    l.check();
    if (root.isEmpty()) {
      return new Result(Map.of(), new MappingLayer(Map.of(), List.of(), Map.of()), Map.of());
    }
    return l.load(root.get(), trusted);
  }

  private Result load(Node root, boolean trusted) throws TaxonomyException {
    YamlFile.Obj top = mapping(root, "the document", TOP_KEYS);
    Map<String, ActionClass> defined = new LinkedHashMap<>();
    Optional<Node> classes = top.get("classes");
    if (classes.isPresent()) {
      for (NodeTuple e : mapping(classes.get(), "'classes'", null).entries().values()) {
        String name = key(e);
        if (!isName(name)) {
          throw error(
              e.getKeyNode(), "class name '" + name + "' must be lower-case words joined by '.'");
        }
        if (known.containsKey(name)) {
          throw error(e.getKeyNode(), "class '" + name + "' is built in and cannot be redefined");
        }
        ActionClass c = actionClass(name, e.getValueNode());
        known.put(c.name(), c);
        defined.put(c.name(), c);
      }
    }
    Map<String, ToolMapping> exact = new LinkedHashMap<>();
    List<Map.Entry<String, ToolMapping>> globs = new ArrayList<>();
    Optional<Node> tools = top.get("tools");
    if (tools.isPresent()) {
      for (NodeTuple e : mapping(tools.get(), "'tools'", null).entries().values()) {
        String name = key(e);
        if (name.isEmpty()) {
          throw error(e.getKeyNode(), "a tool name must not be empty");
        }
        if (name.startsWith("mcp__")) {
          throw error(
              e.getKeyNode(), "map MCP tools under 'mcp: {<server>: ...}', not as '" + name + "'");
        }
        if (!trusted && ClaudeCodeTools.isBuiltIn(name)) {
          throw error(e.getKeyNode(), "tool '" + name + "' is classified by Proctor itself");
        }
        add(name, toolMapping(e.getValueNode(), "tool '" + name + "'"), exact, globs);
      }
    }
    Map<String, MappingLayer.Server> servers = new LinkedHashMap<>();
    Optional<Node> mcp = top.get("mcp");
    if (mcp.isPresent()) {
      for (NodeTuple e : mapping(mcp.get(), "'mcp'", null).entries().values()) {
        servers.put(key(e), server(e));
      }
    }
    Map<String, UserCommand> commands = new LinkedHashMap<>();
    Optional<Node> cmds = top.get("commands");
    if (cmds.isPresent()) {
      for (NodeTuple e : mapping(cmds.get(), "'commands'", null).entries().values()) {
        commands.put(key(e), command(e));
      }
    }
    return new Result(defined, new MappingLayer(exact, globs, servers), commands);
  }

  /**
   * One entry of {@code commands:}: a command line tool's class, operand role, options and
   * subcommands, in the command table's terms (docs/taxonomy.md, "User commands").
   */
  private UserCommand command(NodeTuple e) throws TaxonomyException {
    String name = key(e);
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf(' ') >= 0) {
      throw error(
          e.getKeyNode(),
          "command name '" + name + "' must be a program name without '/' or spaces");
    }
    YamlFile.Obj m = mapping(e.getValueNode(), "command '" + name + "'", COMMAND_KEYS);
    Optional<Node> c = m.get("class");
    Optional<Node> subs = m.get("subcommands");
    if (c.isEmpty() && subs.isEmpty()) {
      throw error(m.node(), "command '" + name + "' needs a 'class' or 'subcommands'");
    }
    Optional<String> cls = c.isEmpty() ? Optional.empty() : Optional.of(className(c.get()));
    CommandSpec.Role role = CommandSpec.Role.NONE;
    Optional<Node> ops = m.get("operands");
    if (ops.isPresent()) {
      String r = string(ops.get(), "'operands'");
      Optional<CommandSpec.Role> found = CommandSpec.Role.of(r);
      if (found.isEmpty() || found.get().ordinal() > CommandSpec.Role.HOST_FIRST.ordinal()) {
        throw error(
            ops.get(),
            "unknown operands '"
                + r
                + "'; expected one of [read, write, none, pattern-read, filter-read, host-last,"
                + " host-first]");
      }
      role = found.get();
    }
    Set<String> values = options(m.get("values"), "values");
    Set<String> reads = options(m.get("reads"), "reads");
    Set<String> writes = options(m.get("writes"), "writes");
    Set<String> execs = options(m.get("exec"), "exec");
    Set<String> environment = options(m.get("environment"), "environment");
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
    if (subs.isPresent()) {
      for (NodeTuple v :
          mapping(subs.get(), "'subcommands' of '" + name + "'", null).entries().values()) {
        String verb = key(v);
        if (v.getValueNode() instanceof ScalarNode) {
          verbs.put(verb, new CommandSpec.Verb(className(v.getValueNode()), Set.of()));
        } else {
          YamlFile.Obj vm = mapping(v.getValueNode(), "subcommand '" + verb + "'", SUBCOMMAND_KEYS);
          Node vc =
              vm.get("class")
                  .orElseThrow(() -> error(vm.node(), "subcommand '" + verb + "' needs a 'class'"));
          verbs.put(verb, new CommandSpec.Verb(className(vc), words(vm.get("tags"), "tag")));
        }
      }
    }
    List<CommandSpec.Example> examples = new ArrayList<>();
    List<int[]> positions = new ArrayList<>();
    Optional<Node> ex = m.get("examples");
    if (ex.isPresent()) {
      for (Node item : list(ex.get(), "'examples'")) {
        YamlFile.Obj em = mapping(item, "an example", EXAMPLE_KEYS);
        Optional<Node> command = em.get("command");
        Optional<Node> ec = em.get("class");
        if (command.isEmpty() || ec.isEmpty()) {
          throw error(em.node(), "an example needs 'command' and 'class'");
        }
        examples.add(
            new CommandSpec.Example(
                string(command.get(), "'command'"),
                className(ec.get()),
                List.copyOf(words(em.get("tags"), "tag")),
                List.of()));
        positions.add(new int[] {YamlFile.line(item), YamlFile.column(item)});
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
            yaml.name() + ":" + YamlFile.line(e.getKeyNode()));
    return new UserCommand(spec, words(m.get("tags"), "tag"), environment, positions);
  }

  private Set<String> options(Optional<Node> node, String what) throws TaxonomyException {
    if (node.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Node item : list(node.get(), "'" + what + "'")) {
      String o = string(item, "an option");
      if (!o.matches("-[A-Za-z0-9?]|--?[A-Za-z0-9][A-Za-z0-9._-]*")) {
        throw error(item, "option '" + o + "' must look like -x or --name");
      }
      out.add(o);
    }
    return out;
  }

  private static void add(
      String name,
      ToolMapping m,
      Map<String, ToolMapping> exact,
      List<Map.Entry<String, ToolMapping>> globs) {
    if (Glob.isGlob(name)) {
      globs.add(new AbstractMap.SimpleImmutableEntry<>(name, m));
    } else {
      exact.put(name, m);
    }
  }

  private MappingLayer.Server server(NodeTuple e) throws TaxonomyException {
    String name = key(e);
    if (name.isEmpty() || name.contains("__")) {
      throw error(
          e.getKeyNode(), "MCP server name '" + name + "' must be non-empty and contain no '__'");
    }
    YamlFile.Obj m = mapping(e.getValueNode(), "MCP server '" + name + "'", SERVER_KEYS);
    if (m.entries().isEmpty()) {
      throw error(m.node(), "MCP server '" + name + "' needs 'default' or 'tools'");
    }
    Optional<String> def = Optional.empty();
    Optional<Node> d = m.get("default");
    if (d.isPresent()) {
      def = Optional.of(className(d.get()));
    }
    Map<String, ToolMapping> exact = new LinkedHashMap<>();
    List<Map.Entry<String, ToolMapping>> globs = new ArrayList<>();
    Optional<Node> tools = m.get("tools");
    if (tools.isPresent()) {
      String what = "'tools' of MCP server '" + name + "'";
      for (NodeTuple t : mapping(tools.get(), what, null).entries().values()) {
        String tool = key(t);
        if (tool.isEmpty()) {
          throw error(t.getKeyNode(), "a tool name must not be empty");
        }
        add(tool, toolMapping(t.getValueNode(), "tool '" + tool + "'"), exact, globs);
      }
    }
    return new MappingLayer.Server(def, exact, globs);
  }

  private ToolMapping toolMapping(Node node, String what) throws TaxonomyException {
    if (node instanceof ScalarNode) {
      return ToolMapping.of(className(node));
    }
    YamlFile.Obj m = mapping(node, what, MAPPING_KEYS);
    Optional<ToolMapping.ClassBy> classBy = Optional.empty();
    Optional<String> sql = Optional.empty();
    String cls;
    if (m.get("class_by").isPresent() && m.get("sql").isPresent()) {
      throw error(m.keyNode("sql"), what + ": give class_by or sql, not both");
    }
    if (m.get("sql").isPresent()) {
      if (m.get("class").isPresent()) {
        throw error(m.keyNode("class"), what + ": with sql the statement decides the class");
      }
      sql = Optional.of(pointer(m.get("sql").get(), "'sql'"));
      cls = "db.write";
    } else if (m.get("class_by").isPresent()) {
      if (m.get("class").isPresent()) {
        throw error(
            m.keyNode("class"), what + ": with class_by the class of other values is its default");
      }
      Node byNode = m.get("class_by").get();
      YamlFile.Obj by = mapping(byNode, "'class_by'", CLASS_BY_KEYS);
      String p =
          pointer(
              by.get("pointer").orElseThrow(() -> error(byNode, "class_by needs a 'pointer'")),
              "'pointer'");
      Node valuesNode =
          by.get("values").orElseThrow(() -> error(byNode, "class_by needs 'values'"));
      Map<String, String> values = new LinkedHashMap<>();
      for (NodeTuple t : mapping(valuesNode, "'values'", null).entries().values()) {
        values.put(key(t), className(t.getValueNode()));
      }
      if (values.isEmpty()) {
        throw error(valuesNode, "class_by values must list at least one value");
      }
      Optional<Node> def = by.get("default");
      if (def.isPresent()) {
        cls = className(def.get());
      } else {
        cls = riskiest(values.values());
      }
      classBy = Optional.of(new ToolMapping.ClassBy(p, values));
    } else {
      Node c = m.get("class").orElseThrow(() -> error(node, what + " needs a 'class'"));
      cls = className(c);
    }
    List<TargetPointer> targets = new ArrayList<>();
    Optional<Node> t = m.get("targets");
    if (t.isPresent()) {
      for (Node item : list(t.get(), "'targets'")) {
        targets.add(target(item));
      }
    }
    return new ToolMapping(
        cls, targets, words(m.get("labels"), "label"), words(m.get("tags"), "tag"), classBy, sql);
  }

  /** A JSON pointer into the arguments. */
  private String pointer(Node n, String what) throws TaxonomyException {
    String p = string(n, what);
    try {
      new TargetPointer(Target.Kind.RESOURCE, p);
    } catch (IllegalArgumentException e) {
      throw error(n, "bad JSON pointer '" + p + "': " + e.getMessage());
    }
    return p;
  }

  /** The riskiest of some known classes (impact, then reversibility). */
  private String riskiest(java.util.Collection<String> names) {
    ActionClass best = null;
    for (String n : names) {
      ActionClass c = known.get(n);
      if (c != null && (best == null || ActionClass.BY_RISK.compare(c, best) > 0)) {
        best = c;
      }
    }
    return best == null ? ClassNames.SHELL_UNPARSEABLE : best.name();
  }

  private TargetPointer target(Node node) throws TaxonomyException {
    YamlFile.Obj m = mapping(node, "a target", TARGET_KEYS);
    Optional<Node> k = m.get("kind");
    Optional<Node> p = m.get("pointer");
    if (k.isEmpty() || p.isEmpty()) {
      throw error(node, "a target needs 'kind' and 'pointer'");
    }
    String kind = string(k.get(), "'kind'");
    Target.Kind found = null;
    for (Target.Kind candidate : Target.Kind.values()) {
      if (candidate.wireName().equals(kind)) {
        found = candidate;
      }
    }
    if (found == null) {
      throw error(k.get(), "unknown target kind '" + kind + "'; expected one of " + kindNames());
    }
    String pointer = string(p.get(), "'pointer'");
    TargetPointer.Form form = TargetPointer.Form.VALUE;
    Optional<Node> fm = m.get("form");
    if (fm.isPresent()) {
      String name = string(fm.get(), "'form'");
      form = null;
      for (TargetPointer.Form candidate : TargetPointer.Form.values()) {
        if (candidate.wireName().equals(name)) {
          form = candidate;
        }
      }
      if (form == null) {
        throw error(fm.get(), "unknown target form '" + name + "'; expected value or git-revision");
      }
    }
    try {
      return new TargetPointer(found, pointer, form);
    } catch (IllegalArgumentException e) {
      throw error(p.get(), "bad JSON pointer '" + pointer + "': " + e.getMessage());
    }
  }

  private static List<String> kindNames() {
    List<String> names = new ArrayList<>();
    for (Target.Kind k : Target.Kind.values()) {
      names.add(k.wireName());
    }
    return names;
  }

  private Set<String> words(Optional<Node> node, String what) throws TaxonomyException {
    if (node.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (Node item : list(node.get(), "'" + what + "s'")) {
      String w = string(item, "a " + what);
      if (!isWord(w)) {
        throw error(
            item, what + " '" + w + "' must be lower-case letters, digits, '-', '_' or '.'");
      }
      out.add(w);
    }
    return out;
  }

  private ActionClass actionClass(String name, Node node) throws TaxonomyException {
    YamlFile.Obj m = mapping(node, "class '" + name + "'", CLASS_KEYS);
    Node impact = required(m, "impact", name);
    Node rev = required(m, "reversibility", name);
    Node def = required(m, "default", name);
    Optional<Node> desc = m.get("description");
    return new ActionClass(
        name,
        enumValue(impact, Impact.class),
        enumValue(rev, Reversibility.class),
        effect(def),
        desc.isEmpty() ? name : string(desc.get(), "'description'"));
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

  private Node required(YamlFile.Obj m, String key, String cls) throws TaxonomyException {
    return m.get(key).orElseThrow(() -> error(m.node(), "class '" + cls + "' needs '" + key + "'"));
  }

  private String className(Node node) throws TaxonomyException {
    String s = string(node, "a class name");
    if (!known.containsKey(s)) {
      throw error(node, "unknown class '" + s + "'");
    }
    return s;
  }

  // The reader's accessors record a problem and return empty; here the first problem stops the
  // load, so each one is checked at once.

  private String key(NodeTuple e) {
    return ((ScalarNode) e.getKeyNode()).getValue();
  }

  private String string(Node node, String what) throws TaxonomyException {
    Optional<String> s = yaml.string(node, what);
    check();
    return s.orElseThrow();
  }

  private YamlFile.Obj mapping(Node node, String what, Set<String> allowed)
      throws TaxonomyException {
    Optional<YamlFile.Obj> m = yaml.object(node, what, allowed);
    check();
    return m.orElseThrow();
  }

  private List<Node> list(Node node, String what) throws TaxonomyException {
    Optional<List<Node>> l = yaml.list(node, what);
    check();
    return l.orElseThrow();
  }

  private void check() throws TaxonomyException {
    if (!problems.isEmpty()) {
      YamlProblem p = problems.get(0);
      throw new TaxonomyException(p.file(), p.line(), p.column(), p.message());
    }
  }

  private TaxonomyException error(Node n, String message) {
    return new TaxonomyException(yaml.name(), YamlFile.line(n), YamlFile.column(n), message);
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

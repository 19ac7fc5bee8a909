package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import dev.proctor.yaml.YamlFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The action classes Proctor knows (AWS2-RUN-L1-001) and the mappings that turn tool and MCP server
 * names into classes. The built-in taxonomy comes from {@code builtin-taxonomy.yaml} plus the
 * well-known MCP servers of {@code builtin-mappings.yaml}; a user file adds classes and mappings,
 * and its mappings are consulted before the built-in ones. Immutable and thread-safe.
 */
public final class Taxonomy {

  /** The largest taxonomy file Proctor reads. */
  public static final int MAX_FILE_BYTES = 1 << 20;

  private static final String CLASSES_RESOURCE = "builtin-taxonomy.yaml";
  private static final String MAPPINGS_RESOURCE = "builtin-mappings.yaml";
  private static final Taxonomy BUILT_IN = loadBuiltIn();

  private final Map<String, ActionClass> classes;
  private final List<MappingLayer> layers;
  private final Map<String, TaxonomyLoader.UserCommand> commands;

  private Taxonomy(
      Map<String, ActionClass> classes,
      List<MappingLayer> layers,
      Map<String, TaxonomyLoader.UserCommand> commands) {
    this.classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
    this.layers = List.copyOf(layers);
    this.commands = Map.copyOf(commands);
  }

  /** The commands the user's file declares ({@code commands:}), by name. */
  Map<String, TaxonomyLoader.UserCommand> commands() {
    return commands;
  }

  /** The taxonomy that ships with Proctor. */
  public static Taxonomy builtIn() {
    return BUILT_IN;
  }

  /**
   * The built-in taxonomy extended by a user file.
   *
   * @throws TaxonomyException naming file, line and column when the file cannot be read or is
   *     invalid
   */
  public static Taxonomy load(Path userFile) throws TaxonomyException {
    requireNonNull(userFile, "userFile is null");
    String name = userFile.toString();
    byte[] bytes;
    try {
      bytes = YamlFile.read(userFile, MAX_FILE_BYTES);
    } catch (IOException e) {
      throw new TaxonomyException(name, 1, 1, e.getMessage());
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), name);
  }

  /**
   * The built-in taxonomy extended by user taxonomy text; {@code source} names it in errors.
   *
   * @throws TaxonomyException naming source, line and column when the text is invalid
   */
  public static Taxonomy parse(String yaml, String source) throws TaxonomyException {
    requireNonNull(yaml, "yaml is null");
    requireNonNull(source, "source is null");
    if (yaml.length() > MAX_FILE_BYTES) {
      throw new TaxonomyException(source, 1, 1, "text is longer than " + MAX_FILE_BYTES);
    }
    TaxonomyLoader.Result r =
        TaxonomyLoader.read(yaml, source, MAX_FILE_BYTES, BUILT_IN.classes, false);
    Map<String, ActionClass> all = new LinkedHashMap<>(BUILT_IN.classes);
    all.putAll(r.classes());
    List<MappingLayer> layers = new ArrayList<>();
    layers.add(r.mappings());
    layers.addAll(BUILT_IN.layers);
    Taxonomy t = new Taxonomy(all, layers, r.commands());
    t.checkCommandExamples(source);
    return t;
  }

  /** Each example of a {@code commands:} entry must classify as it says, like a test. */
  private void checkCommandExamples(String source) throws TaxonomyException {
    if (commands.isEmpty()) {
      return;
    }
    ShellClassifier shell = new ShellClassifier(this);
    ClassifyContext ctx = ClassifyContext.of("/project", "/home/user");
    for (TaxonomyLoader.UserCommand uc : commands.values()) {
      List<CommandSpec.Example> examples = uc.spec().examples();
      for (int i = 0; i < examples.size(); i++) {
        CommandSpec.Example e = examples.get(i);
        dev.proctor.action.Classification c = shell.classify(e.command(), ctx);
        String wrong = null;
        if (!c.actionClass().equals(e.actionClass())) {
          wrong = "is " + c.actionClass() + ", not " + e.actionClass();
        } else if (!c.tags().containsAll(e.tags())) {
          wrong = "has tags " + new java.util.TreeSet<>(c.tags()) + ", not all of " + e.tags();
        }
        if (wrong != null) {
          int[] at = uc.examplePositions().get(i);
          throw new TaxonomyException(
              source, at[0], at[1], "example '" + e.command() + "' " + wrong);
        }
      }
    }
  }

  private static Taxonomy loadBuiltIn() {
    try {
      TaxonomyLoader.Result classes =
          TaxonomyLoader.read(
              resource(CLASSES_RESOURCE), CLASSES_RESOURCE, MAX_FILE_BYTES, Map.of(), true);
      TaxonomyLoader.Result mappings =
          TaxonomyLoader.read(
              resource(MAPPINGS_RESOURCE),
              MAPPINGS_RESOURCE,
              MAX_FILE_BYTES,
              classes.classes(),
              true);
      if (!mappings.classes().isEmpty()) {
        throw new IllegalStateException(MAPPINGS_RESOURCE + " must not define classes");
      }
      return new Taxonomy(classes.classes(), List.of(mappings.mappings()), Map.of());
    } catch (TaxonomyException e) {
      throw new IllegalStateException("the built-in taxonomy is invalid: " + e.getMessage(), e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Taxonomy.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + name, e);
    }
  }

  /**
   * The class of a name.
   *
   * @throws IllegalArgumentException if the taxonomy has no such class
   */
  public ActionClass get(String name) {
    ActionClass c = classes.get(requireNonNull(name, "name is null"));
    if (c == null) {
      throw new IllegalArgumentException("unknown action class '" + name + "'");
    }
    return c;
  }

  /** The class of a name, if the taxonomy has it. */
  public Optional<ActionClass> find(String name) {
    return Optional.ofNullable(classes.get(requireNonNull(name, "name is null")));
  }

  /** True if the taxonomy has a class of this name. */
  public boolean contains(String name) {
    return classes.containsKey(name);
  }

  /**
   * The riskiest of some classes by {@link ActionClass#BY_RISK}.
   *
   * @throws IllegalArgumentException if the collection is empty or names an unknown class
   */
  public ActionClass highest(Collection<String> classNames) {
    ActionClass best = null;
    for (String n : classNames) {
      ActionClass c = get(n);
      if (best == null || ActionClass.BY_RISK.compare(c, best) > 0) {
        best = c;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException("no classes to choose from");
    }
    return best;
  }

  /**
   * Every tag a classification under this taxonomy can carry: the classifiers' own (see {@code
   * tags.txt}) and those the taxonomy's mappings declare.
   */
  public java.util.Set<String> tags() {
    java.util.Set<String> out = new java.util.TreeSet<>(TagCatalog.builtIn().keySet());
    for (MappingLayer layer : layers) {
      layer.exactTools().values().forEach(m -> out.addAll(m.tags()));
      layer.globTools().forEach(e -> out.addAll(e.getValue().tags()));
      for (MappingLayer.Server s : layer.servers().values()) {
        s.exactTools().values().forEach(m -> out.addAll(m.tags()));
        s.globTools().forEach(e -> out.addAll(e.getValue().tags()));
      }
    }
    for (TaxonomyLoader.UserCommand uc : commands.values()) {
      out.addAll(uc.tags());
      uc.spec().verbs().values().forEach(v -> out.addAll(v.tags()));
    }
    return java.util.Collections.unmodifiableSet(out);
  }

  /** The known tag closest to an unknown one, to suggest in an error. */
  public static Optional<String> nearestTag(String unknown, Collection<String> known) {
    return TagCatalog.nearest(unknown, known);
  }

  /** Every class, built-in ones first, in file order. */
  public Collection<ActionClass> classes() {
    return classes.values();
  }

  /** The mapping of a tool (not an MCP tool) by its exact name or the first matching glob. */
  Optional<ToolMapping> toolMapping(String tool) {
    requireNonNull(tool, "tool is null");
    for (MappingLayer layer : layers) {
      Optional<ToolMapping> m = layer.tool(tool);
      if (m.isPresent()) {
        return m;
      }
    }
    return Optional.empty();
  }

  /**
   * The mapping of an MCP server's tool: the tool's own entry, else the server's default class,
   * user files first; empty when no file knows the server or the tool.
   */
  Optional<ToolMapping> mcpMapping(String server, String tool) {
    requireNonNull(server, "server is null");
    requireNonNull(tool, "tool is null");
    for (MappingLayer layer : layers) {
      MappingLayer.Server s = layer.servers().get(server);
      if (s != null) {
        Optional<ToolMapping> m = s.tool(tool);
        if (m.isPresent()) {
          return m;
        }
      }
    }
    for (MappingLayer layer : layers) {
      MappingLayer.Server s = layer.servers().get(server);
      if (s != null && s.defaultClass().isPresent()) {
        return Optional.of(ToolMapping.of(s.defaultClass().get()));
      }
    }
    return Optional.empty();
  }
}

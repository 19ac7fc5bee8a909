package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import dev.proctor.yaml.YamlFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Loads a policy atomically: all files are parsed, validated, compiled and their {@code expect:}
 * examples run, and only if nothing is wrong is a {@link Policy} returned. Otherwise a {@link
 * PolicyException} lists every problem with file, line and column.
 *
 * <p>A policy directory holds one or more {@code *.yaml}/{@code *.yml} files (exactly one of them
 * with the {@code policy:} header); files ending in {@code .test.yaml} and the {@code tests/}
 * subdirectory hold test suites and are not policy. Rule ids are unique across files.
 */
public final class PolicyLoader {

  /**
   * The taxonomy a policy directory may carry, so that a policy brings its own tool mappings: it is
   * not a policy file, but it is part of the policy digest.
   */
  public static final String TAXONOMY_FILE = "taxonomy.yaml";

  private final ClassCatalog catalog;
  private final Function<ToolCall, ActionRequest> pipeline;

  /**
   * A loader that resolves class names against a catalog and turns example requests into action
   * requests with a pipeline (the classifier, in production).
   */
  public PolicyLoader(ClassCatalog catalog, Function<ToolCall, ActionRequest> pipeline) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
  }

  /** The catalog class names are resolved against. */
  public ClassCatalog catalog() {
    return catalog;
  }

  /** The pipeline that turns example requests into action requests. */
  public Function<ToolCall, ActionRequest> pipeline() {
    return pipeline;
  }

  /** How many baselines deep a chain of {@code extends} may go. */
  public static final int MAX_BASELINE_DEPTH = 8;

  /**
   * Loads the policy files of a directory and, when its header says {@code extends:}, the baseline
   * it names (a directory or a single file, relative to the directory), recursively.
   */
  public Policy load(Path directory) throws PolicyException {
    return loadPath(directory, "", new ArrayList<>());
  }

  /**
   * Loads a policy from sources (names must be unique). Sources have no directory to resolve an
   * {@code extends:} against, so a header with one is refused.
   */
  public Policy load(List<PolicySource> sources) throws PolicyException {
    return load(sources, null, "", List.of());
  }

  /**
   * The baselines a policy directory's {@code extends:} chain names, resolved, without loading
   * anything: read before the classifier is built, so that the baselines are protected like the
   * policy directory itself. Best effort — it stops at the first file that does not read, and
   * {@link #load(Path)} reports why.
   */
  public static List<Path> baselineLocations(Path directory) {
    List<Path> out = new ArrayList<>();
    Path current = directory;
    while (out.size() <= MAX_BASELINE_DEPTH) {
      Optional<String> next = extendsOf(current);
      if (next.isEmpty()) {
        break;
      }
      Path base = Files.isDirectory(current) ? current : current.toAbsolutePath().getParent();
      Path target = realPath(base.resolve(next.get()).normalize());
      if (out.contains(target) || target.equals(realPath(directory))) {
        break;
      }
      out.add(target);
      current = target;
    }
    return out;
  }

  /** The {@code policy.extends} value of a policy directory or file, if it has one. */
  private static Optional<String> extendsOf(Path target) {
    List<PolicySource> sources;
    try {
      sources =
          Files.isDirectory(target)
              ? readPolicyFiles(target)
              : List.of(
                  new PolicySource(
                      target.getFileName().toString(),
                      YamlFile.read(target, PolicySource.MAX_BYTES)));
    } catch (IOException | PolicyException | RuntimeException e) {
      return Optional.empty();
    }
    for (PolicySource s : sources) {
      YamlFile file = new YamlFile(s.name(), s.text(), p -> {});
      Optional<Node> root = file.parseOrNothing(PolicySource.MAX_BYTES);
      if (root.isEmpty() || !(root.get() instanceof org.yaml.snakeyaml.nodes.MappingNode m)) {
        continue;
      }
      for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k
            && k.getValue().equals("policy")
            && t.getValueNode() instanceof org.yaml.snakeyaml.nodes.MappingNode h) {
          for (org.yaml.snakeyaml.nodes.NodeTuple ht : h.getValue()) {
            if (ht.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode hk
                && hk.getValue().equals("extends")
                && ht.getValueNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode v
                && !v.getValue().isBlank()) {
              return Optional.of(v.getValue());
            }
          }
        }
      }
    }
    return Optional.empty();
  }

  /** One policy of an extends chain: where it really is and how problems name it. */
  private record Layer(Path real, String shown) {}

  /**
   * Loads a directory or a single policy file; {@code prefix} is put before every file name in
   * problems and positions (a baseline's files are cited by their path from the team policy),
   * {@code chain} holds the policies that extend this one, outermost first.
   */
  private Policy loadPath(Path target, String prefix, List<Layer> chain) throws PolicyException {
    List<PolicySource> sources;
    Path base;
    try {
      if (Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        base = target.toAbsolutePath().getParent();
        sources =
            List.of(
                new PolicySource(
                    target.getFileName().toString(),
                    YamlFile.read(target, PolicySource.MAX_BYTES)));
      } else {
        base = target;
        sources = readPolicyFiles(target);
      }
    } catch (IOException e) {
      throw new PolicyException(
          List.of(new PolicyProblem(prefix + target.getFileName(), 0, 0, e.getMessage())));
    } catch (PolicyException e) {
      throw prefixed(e, prefix);
    }
    List<Layer> layers = new ArrayList<>(chain);
    layers.add(new Layer(realPath(target), prefix.isEmpty() ? "." : shown(prefix, target)));
    return load(sources, base, prefix, layers);
  }

  private static String shown(String prefix, Path target) {
    return Files.isDirectory(target)
        ? prefix.substring(0, prefix.length() - 1)
        : prefix + target.getFileName();
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  private static PolicyException prefixed(PolicyException e, String prefix) {
    if (prefix.isEmpty()) {
      return e;
    }
    List<PolicyProblem> out = new ArrayList<>();
    for (PolicyProblem p : e.problems()) {
      out.add(new PolicyProblem(prefix + p.file(), p.line(), p.column(), p.message()));
    }
    return new PolicyException(out);
  }

  private Policy load(List<PolicySource> sources, Path base, String prefix, List<Layer> chain)
      throws PolicyException {
    List<PolicyProblem> problems = new ArrayList<>();
    if (sources.isEmpty()) {
      throw new PolicyException(
          List.of(
              new PolicyProblem(prefix + "(policy)", 0, 0, "no policy files (*.yaml or *.yml)")));
    }
    List<PolicySource> sorted = new ArrayList<>(sources);
    sorted.sort(Comparator.comparing(PolicySource::name));
    List<YamlFile> files = new ArrayList<>();
    List<Node> roots = new ArrayList<>();
    PrincipalDirectory principals = PrincipalDirectory.EMPTY;
    for (PolicySource s : sorted) {
      YamlFile file =
          new YamlFile(prefix + s.name(), s.text(), p -> problems.add(PolicyProblem.of(p)));
      Optional<Node> root = file.parse(PolicySource.MAX_BYTES);
      if (s.name().equals(TAXONOMY_FILE)) {
        if (chain.size() > 1) {
          problems.add(
              new PolicyProblem(
                  prefix + s.name(),
                  0,
                  0,
                  "a baseline's taxonomy is not read (requests are classified once, by the team"
                      + " policy's taxonomy): move its mappings into the taxonomy the team policy"
                      + " uses"));
        }
        continue; // read by the taxonomy loader (Proctor.Builder); part of the digest all the same
      }
      if (root.isPresent() && s.name().equals(PrincipalsParser.FILE)) {
        principals = new PrincipalsParser(file).parse(root.get());
      } else if (root.isPresent()) {
        files.add(file);
        roots.add(root.get());
      }
    }
    Conditions conditions = new Conditions();
    conditions.precompile(roots);
    Map<String, List<String>> lists = new java.util.TreeMap<>();
    for (int i = 0; i < files.size(); i++) {
      PolicyParser.lists(files.get(i), roots.get(i), lists);
    }
    List<PolicyParser.Parsed> parsed = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      parsed.add(new PolicyParser(files.get(i), catalog, conditions, lists).parse(roots.get(i)));
    }
    PolicyParser.Parsed header = null;
    for (PolicyParser.Parsed p : parsed) {
      if (p.headerPosition == null) {
        continue;
      }
      if (header != null) {
        problems.add(
            p.headerPosition.problem(
                "a second policy: header (the first is at " + header.headerPosition + ")"));
      } else {
        header = p;
      }
    }
    if (header == null && problems.isEmpty()) {
      problems.add(
          new PolicyProblem(
              prefix + sorted.get(0).name(), 0, 0, "no file has the policy: header (id, version)"));
    }
    Map<String, SourcePosition> ruleIds = new HashMap<>();
    Map<String, SourcePosition> defaultKeys = new HashMap<>();
    List<CompiledRule> rules = new ArrayList<>();
    Map<String, Effect> defaultPatterns = new LinkedHashMap<>();
    List<String> domains = new ArrayList<>();
    List<String> tools = new ArrayList<>();
    List<String> mcpServers = new ArrayList<>();
    List<String> recipients = new ArrayList<>();
    List<PolicyTestCase> examples = new ArrayList<>();
    for (PolicyParser.Parsed p : parsed) {
      for (PolicyParser.ParsedRule r : p.rules) {
        SourcePosition first = ruleIds.putIfAbsent(r.rule().id(), r.rule().position());
        if (first != null) {
          problems.add(
              r.rule()
                  .position()
                  .problem(
                      "duplicate rule id '"
                          + r.rule().id()
                          + "' (first defined at "
                          + first
                          + ")"));
          continue;
        }
        rules.add(
            new CompiledRule(
                r.rule(), rules.size(), r.classes(), r.exactTools(), r.toolGlobs(), r.condition()));
      }
      for (Map.Entry<String, Effect> d : p.defaults.entrySet()) {
        SourcePosition at = p.defaultPositions.get(d.getKey());
        SourcePosition first = defaultKeys.putIfAbsent(d.getKey(), at);
        if (first != null) {
          problems.add(
              at.problem("default for '" + d.getKey() + "' given twice (first at " + first + ")"));
        } else {
          defaultPatterns.put(d.getKey(), d.getValue());
        }
      }
      domains.addAll(p.domains);
      tools.addAll(p.tools);
      mcpServers.addAll(p.mcpServers);
      recipients.addAll(p.recipients);
      examples.addAll(p.examples);
    }
    Optional<Policy> baseline = Optional.empty();
    if (header != null && header.extendsPath != null) {
      baseline = baseline(header, base, prefix, chain, problems);
    }
    Map<String, String> defaultOrigins = new HashMap<>();
    Map<String, Effect> defaults = resolveDefaults(defaultPatterns, defaultOrigins);
    Map<String, SourcePosition> defaultPositions = new HashMap<>();
    defaultOrigins.forEach((c, pattern) -> defaultPositions.put(c, defaultKeys.get(pattern)));
    if (baseline.isPresent()) {
      Baselines.check(baseline.get(), rules, defaults, defaultPositions, problems);
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(sortProblems(problems));
    }
    Policy policy =
        new Policy(
            header.id,
            header.version,
            header.description,
            baseline.isPresent() ? digest(sorted, baseline.get().digest()) : digest(sorted),
            rules,
            defaults,
            defaultPositions,
            new Allowlists(
                distinct(domains), distinct(tools), distinct(mcpServers), distinct(recipients)),
            examples,
            catalog,
            principals,
            frozen(lists),
            baseline,
            chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(chain.size() - 1).real()));
    for (PolicyTestCase example : examples) {
      checkExample(policy, example).ifPresent(problems::add);
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return policy;
  }

  /** Runs one example; a problem at its position when the policy does not answer as expected. */
  private Optional<PolicyProblem> checkExample(Policy policy, PolicyTestCase example) {
    Optional<String> failure = PolicyTestRunner.check(policy, pipeline, example).failure();
    return failure.map(
        f -> example.position().problem("expect '" + example.name() + "' failed: " + f));
  }

  /**
   * Resolves, loads and returns the baseline a header {@code extends}, adding a problem at the
   * {@code extends:} value when it is missing, closes a cycle, goes too deep or does not load.
   */
  private Optional<Policy> baseline(
      PolicyParser.Parsed header,
      Path base,
      String prefix,
      List<Layer> chain,
      List<PolicyProblem> problems) {
    SourcePosition at = header.extendsPosition;
    if (base == null) {
      problems.add(
          at.problem(
              "extends '"
                  + header.extendsPath
                  + "' cannot be resolved: this policy was not loaded from a directory"));
      return Optional.empty();
    }
    Path target = base.resolve(header.extendsPath).normalize();
    String written =
        Path.of(prefix.isEmpty() ? "." : prefix).resolve(header.extendsPath).normalize().toString();
    String shown = written.isEmpty() ? "." : written;
    if (!Files.exists(target)) {
      problems.add(
          at.problem(
              "extends '"
                  + header.extendsPath
                  + "': no baseline there (resolved to "
                  + target.toAbsolutePath()
                  + ")"));
      return Optional.empty();
    }
    Path real = realPath(target);
    for (int i = 0; i < chain.size(); i++) {
      if (chain.get(i).real().equals(real)) {
        StringBuilder cycle = new StringBuilder();
        for (int j = i; j < chain.size(); j++) {
          cycle.append(chain.get(j).shown()).append(" -> ");
        }
        cycle.append(shown);
        problems.add(
            at.problem(
                "extends '"
                    + header.extendsPath
                    + "' makes a cycle: "
                    + cycle
                    + " ("
                    + real
                    + ")"));
        return Optional.empty();
      }
    }
    if (chain.size() > MAX_BASELINE_DEPTH) {
      problems.add(
          at.problem(
              "extends '"
                  + header.extendsPath
                  + "': more than "
                  + MAX_BASELINE_DEPTH
                  + " baselines deep"));
      return Optional.empty();
    }
    String nextPrefix =
        Files.isDirectory(target)
            ? shown + "/"
            : Optional.ofNullable(Path.of(shown).getParent()).map(p -> p + "/").orElse("");
    try {
      return Optional.of(loadPath(target, nextPrefix, chain));
    } catch (PolicyException e) {
      problems.addAll(e.problems());
      return Optional.empty();
    }
  }

  /**
   * Class defaults with globs resolved: an exact key beats a pattern, a longer pattern a shorter.
   * {@code origins} gets the pattern that decided each class.
   */
  private Map<String, Effect> resolveDefaults(
      Map<String, Effect> patterns, Map<String, String> origins) {
    Map<String, Effect> out = new HashMap<>();
    Map<String, Integer> specificity = new HashMap<>();
    for (Map.Entry<String, Effect> e : patterns.entrySet()) {
      String pattern = e.getKey();
      boolean glob = pattern.indexOf('*') >= 0;
      int weight = glob ? pattern.length() : Integer.MAX_VALUE;
      for (String name : catalog.names()) {
        boolean hit = glob ? CelFunctions.nameMatches(name, pattern) : name.equals(pattern);
        if (hit && weight > specificity.getOrDefault(name, -1)) {
          out.put(name, e.getValue());
          origins.put(name, pattern);
          specificity.put(name, weight);
        }
      }
    }
    return out;
  }

  private static Map<String, List<String>> frozen(Map<String, List<String>> lists) {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    lists.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static List<String> distinct(List<String> values) {
    return List.copyOf(new java.util.LinkedHashSet<>(values));
  }

  /** See {@link Policy#digest()}: with a baseline, over its digest and the files. */
  static String digest(List<PolicySource> sortedSources, String baselineDigest) {
    com.fasterxml.jackson.databind.node.ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("baseline", baselineDigest);
    o.set("files", files(sortedSources));
    return CanonicalJson.sha256Hex(o);
  }

  /** See {@link Policy#digest()}. */
  static String digest(List<PolicySource> sortedSources) {
    return CanonicalJson.sha256Hex(files(sortedSources));
  }

  private static ArrayNode files(List<PolicySource> sortedSources) {
    ArrayNode files = JsonNodeFactory.instance.arrayNode();
    for (PolicySource s : sortedSources) {
      files
          .addObject()
          .put("name", s.name())
          .put("sha256", HexFormat.of().formatHex(CanonicalJson.sha256(s.bytes())));
    }
    return files;
  }

  private static List<PolicyProblem> sortProblems(List<PolicyProblem> problems) {
    List<PolicyProblem> out = new ArrayList<>(problems);
    out.sort(
        Comparator.comparing(PolicyProblem::file)
            .thenComparingInt(PolicyProblem::line)
            .thenComparingInt(PolicyProblem::column));
    return out;
  }

  /**
   * The policy files of a directory: {@code *.yaml} and {@code *.yml} directly inside it, except
   * {@code *.test.yaml}; each at most {@link PolicySource#MAX_BYTES}.
   */
  public static List<PolicySource> readPolicyFiles(Path directory) throws PolicyException {
    return readYaml(directory, directory, false);
  }

  /** The test-suite files of a policy directory: {@code tests/*.yaml} and {@code *.test.yaml}. */
  public static List<PolicySource> readTestFiles(Path directory) throws PolicyException {
    List<PolicySource> out = new ArrayList<>(readYaml(directory, directory, true));
    Path tests = directory.resolve("tests");
    try {
      YamlFile.refuseLink(tests);
    } catch (IOException e) {
      throw new PolicyException(List.of(new PolicyProblem("tests", 0, 0, e.getMessage())));
    }
    if (Files.isDirectory(tests)) {
      out.addAll(readYaml(directory, tests, null));
    }
    return out;
  }

  /**
   * Reads YAML files of {@code dir}; {@code tests}: only test files, only policy files, or all. A
   * YAML-named entry that is not a regular file — a symbolic link above all — is a problem, never
   * skipped.
   */
  private static List<PolicySource> readYaml(Path base, Path dir, Boolean tests)
      throws PolicyException {
    if (!Files.isDirectory(dir)) {
      throw new PolicyException(
          List.of(new PolicyProblem(dir.toString(), 0, 0, "not a directory")));
    }
    List<PolicySource> out = new ArrayList<>();
    List<PolicyProblem> problems = new ArrayList<>();
    List<Path> entries;
    try (Stream<Path> files = Files.list(dir)) {
      entries = files.sorted().toList();
    } catch (IOException e) {
      throw new PolicyException(
          List.of(new PolicyProblem(dir.toString(), 0, 0, "cannot read: " + e.getMessage())));
    }
    for (Path f : entries) {
      String name = f.getFileName().toString();
      if (!(name.endsWith(".yaml") || name.endsWith(".yml"))) {
        continue;
      }
      boolean isTest = name.endsWith(".test.yaml") || name.endsWith(".test.yml");
      if (tests != null && isTest != tests) {
        continue;
      }
      String rel = base.relativize(f).toString().replace('\\', '/');
      try {
        out.add(new PolicySource(rel, YamlFile.read(f, PolicySource.MAX_BYTES)));
      } catch (IOException e) {
        problems.add(new PolicyProblem(rel, 0, 0, e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return out;
  }

  /** Decides an example request, turning pipeline failures into a fail-closed deny. */
  static Evaluation evaluate(
      Policy policy, Function<ToolCall, ActionRequest> pipeline, ToolCall call) {
    ActionRequest request;
    try {
      request = pipeline.apply(call);
    } catch (RuntimeException e) {
      return new Evaluation(
          Decision.Deny.failClosed(
              "the request could not be classified: " + e.getMessage(), policy.ref()),
          0,
          List.of(),
          List.of());
    }
    return policy.evaluate(request);
  }
}

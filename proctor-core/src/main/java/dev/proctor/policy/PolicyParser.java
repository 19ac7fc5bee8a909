package dev.proctor.policy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.ToolCall;
import dev.proctor.action.ToolCallJson;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Effect;
import dev.proctor.decision.Obligation;
import dev.proctor.yaml.YamlFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one policy file into rules, defaults, allowlists and examples, recording every problem with
 * its position. Class patterns are resolved against the catalog and CEL conditions are compiled
 * here, because here is where their positions are known.
 */
final class PolicyParser {

  static final Set<String> TOP_KEYS =
      Set.of("policy", "defaults", "allowlists", "lists", "rules", "expect");
  static final Set<String> HEADER_KEYS = Set.of("id", "version", "description", "extends");
  static final Set<String> ALLOWLIST_KEYS = Set.of("domains", "tools", "mcp_servers", "recipients");
  static final Set<String> RULE_KEYS =
      Set.of(
          "id",
          "description",
          "match",
          "when",
          "effect",
          "reason",
          "mode",
          "approval",
          "require_approval",
          "modify",
          "defer",
          "budget",
          "rate_limit",
          "breaker",
          "obligations");
  static final Set<String> MATCH_KEYS = Set.of("class", "tool", "principal");
  static final Set<String> PRINCIPAL_KEYS =
      Set.of("human", "agent", "service", "session", "tenant", "groups", "roles");
  static final Set<String> APPROVAL_KEYS =
      Set.of(
          "groups",
          "quorum",
          "expiry",
          "separation_of_duties",
          "escalation",
          "answered_at",
          "step_up");
  static final Set<String> ESCALATION_KEYS = Set.of("after", "groups");
  static final Set<String> MODIFY_KEYS = Set.of("set", "remove");
  static final Set<String> DEFER_KEYS = Set.of("timeout");
  static final Set<String> BUDGET_KEYS = Set.of("metric", "limit", "per", "window");
  static final Set<String> RATE_KEYS = Set.of("limit", "per", "window");
  static final Set<String> BREAKER_KEYS =
      Set.of("trip", "threshold", "window", "when_open", "cool_down");
  static final Set<String> OBLIGATION_KEYS = Set.of("redact", "snapshot", "time_limit");
  static final Set<String> EXPECT_KEYS = Set.of("name", "request", "effect", "rule");
  static final Set<String> SCOPES =
      Set.of("principal", "human", "agent", "session", "tenant", "tool");
  static final Set<String> METRICS = Set.of("count", "money", "bytes", "rows");
  static final Set<String> TRIPS = Set.of("denials", "failures", "abuse", "spend");

  private static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");
  private static final Pattern LIST_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
  private static final Pattern LIST_USE =
      Pattern.compile(
          "\\blists\\s*(?:\\.\\s*([A-Za-z_][A-Za-z0-9_]*)|\\[\\s*[\"']([^\"']*)[\"']\\s*\\])");
  private static final Pattern CLASS_PATTERN = Pattern.compile("[a-z0-9_*]+(\\.[a-z0-9_*]+)*");
  private static final Pattern DOMAIN_PATTERN =
      Pattern.compile(
          "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** What one file contributed. */
  static final class Parsed {
    String id;
    String version;
    String description = "";
    SourcePosition headerPosition;

    /** The {@code extends:} path as written, if the header has one, and where it was written. */
    String extendsPath;

    SourcePosition extendsPosition;
    final Map<String, Effect> defaults = new LinkedHashMap<>();
    final Map<String, SourcePosition> defaultPositions = new LinkedHashMap<>();
    final List<String> domains = new ArrayList<>();
    final List<String> tools = new ArrayList<>();
    final List<String> mcpServers = new ArrayList<>();
    final List<String> recipients = new ArrayList<>();
    final List<ParsedRule> rules = new ArrayList<>();
    final List<PolicyTestCase> examples = new ArrayList<>();
  }

  /** A rule with its resolved classes, tool split and compiled condition. */
  record ParsedRule(
      Rule rule,
      Set<String> classes,
      List<String> exactTools,
      List<String> toolGlobs,
      Condition condition) {}

  private final YamlFile yaml;
  private final ClassCatalog catalog;
  private final Conditions conditions;
  private final Map<String, List<String>> lists;

  /** A parser for one file; {@code lists} are the named lists of every file, merged. */
  PolicyParser(
      YamlFile yaml, ClassCatalog catalog, Conditions conditions, Map<String, List<String>> lists) {
    this.yaml = yaml;
    this.catalog = catalog;
    this.conditions = conditions;
    this.lists = lists;
  }

  /**
   * Reads a file's {@code lists:} section into {@code into}: a list named in several files gets the
   * entries of all, in file order, each once.
   */
  static void lists(YamlFile yaml, Node root, Map<String, List<String>> into) {
    if (!(root instanceof org.yaml.snakeyaml.nodes.MappingNode m)) {
      return;
    }
    for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || !k.getValue().equals("lists")) {
        continue;
      }
      yaml.object(t.getValueNode(), "lists", null)
          .ifPresent(
              o -> {
                for (String name : o.entries().keySet()) {
                  if (!LIST_NAME.matcher(name).matches()) {
                    yaml.error(
                        o.keyNode(name),
                        "list name '"
                            + name
                            + "' must be lower-case letters, digits and '_' (conditions read it as"
                            + " lists."
                            + name
                            + ")");
                    continue;
                  }
                  Node v = o.get(name).orElseThrow();
                  if (!(v instanceof org.yaml.snakeyaml.nodes.SequenceNode)) {
                    yaml.error(
                        v,
                        "list " + name + " must be a list of strings, found " + YamlFile.kind(v));
                    continue;
                  }
                  List<String> values = yaml.stringList(v, "list " + name);
                  List<String> merged = into.computeIfAbsent(name, x -> new ArrayList<>());
                  for (String value : values) {
                    if (!merged.contains(value)) {
                      merged.add(value);
                    }
                  }
                }
              });
    }
  }

  /**
   * The values of a match key: a string, a {@code {list: NAME}} reference, or a list of strings and
   * references; a reference stands for the named list's entries.
   */
  private List<String> matchValues(Node node, String what) {
    return matchEntries(node, what).stream().map(Map.Entry::getKey).toList();
  }

  /** Like {@link #matchValues}, each value with the node it was written at. */
  private List<Map.Entry<String, Node>> matchEntries(Node node, String what) {
    List<Map.Entry<String, Node>> out = new ArrayList<>();
    List<Node> items =
        node instanceof org.yaml.snakeyaml.nodes.SequenceNode seq ? seq.getValue() : List.of(node);
    for (Node item : items) {
      if (item instanceof org.yaml.snakeyaml.nodes.MappingNode) {
        yaml.object(item, what + " list reference", Set.of("list"))
            .flatMap(o -> o.required("list"))
            .flatMap(v -> yaml.nonEmptyString(v, what + " list").map(name -> Map.entry(v, name)))
            .ifPresent(
                e -> {
                  List<String> values = lists.get(e.getValue());
                  if (values == null) {
                    yaml.error(e.getKey(), unknownList(e.getValue()));
                  } else {
                    values.forEach(v -> out.add(Map.entry(v, e.getKey())));
                  }
                });
      } else {
        yaml.nonEmptyString(item, what + " entry").ifPresent(v -> out.add(Map.entry(v, item)));
      }
    }
    return out;
  }

  private String unknownList(String name) {
    return "unknown list '"
        + name
        + "'"
        + dev.proctor.classify.Taxonomy.nearestTag(name, lists.keySet())
            .map(n -> " (did you mean '" + n + "'?)")
            .orElse(
                lists.isEmpty()
                    ? " (no file has a lists: section)"
                    : " (lists: " + String.join(", ", new TreeSet<>(lists.keySet())) + ")");
  }

  /**
   * A condition reading {@code lists.NAME} of a list no file declares is an error, at its place.
   */
  private void unknownLists(ScalarNode when, String text, String what) {
    java.util.regex.Matcher m = LIST_USE.matcher(text);
    while (m.find()) {
      int g = m.group(1) != null ? 1 : 2;
      String name = m.group(g);
      if (!lists.containsKey(name)) {
        int start = m.start(g);
        int line = 1 + (int) text.substring(0, start).chars().filter(ch -> ch == '\n').count();
        int column = start - (text.lastIndexOf('\n', start - 1) + 1);
        int[] at = celPosition(when, line, column);
        yaml.error(at[0], at[1], what + ": " + unknownList(name));
      }
    }
  }

  /**
   * A positive duration such as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d}.
   */
  private Optional<Duration> duration(Node node, String what) {
    Optional<String> s = yaml.string(node, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<Duration> parsed = Durations.parse(s.get());
    if (parsed.isEmpty()) {
      yaml.error(
          node,
          what + " must be a duration such as " + Durations.EXAMPLES + ", was '" + s.get() + "'");
      return Optional.empty();
    }
    if (parsed.get().isZero()) {
      yaml.error(node, what + " must be positive, was '" + s.get() + "'");
      return Optional.empty();
    }
    return parsed;
  }

  /** Where a node starts in this file. */
  private SourcePosition position(Node node) {
    return new SourcePosition(yaml.name(), YamlFile.line(node), YamlFile.column(node));
  }

  Parsed parse(Node root) {
    Parsed out = new Parsed();
    Optional<YamlFile.Obj> top = yaml.object(root, "a policy file", TOP_KEYS);
    if (top.isEmpty()) {
      return out;
    }
    top.get().get("policy").ifPresent(n -> header(n, out));
    top.get().get("defaults").ifPresent(n -> defaults(n, out));
    top.get().get("allowlists").ifPresent(n -> allowlists(n, out));
    top.get()
        .get("rules")
        .flatMap(n -> yaml.list(n, "rules"))
        .ifPresent(
            l -> {
              for (Node r : l) {
                rule(r).ifPresent(out.rules::add);
              }
            });
    top.get()
        .get("expect")
        .flatMap(n -> yaml.list(n, "expect"))
        .ifPresent(
            l -> {
              for (Node e : l) {
                example(e).ifPresent(out.examples::add);
              }
            });
    return out;
  }

  private void header(Node n, Parsed out) {
    yaml.object(n, "policy", HEADER_KEYS)
        .ifPresent(
            h -> {
              out.headerPosition = position(n);
              h.required("id")
                  .flatMap(v -> yaml.nonEmptyString(v, "policy id"))
                  .ifPresent(v -> out.id = v);
              h.required("version")
                  .flatMap(v -> yaml.scalarText(v, "policy version"))
                  .ifPresent(v -> out.version = v);
              h.get("description")
                  .flatMap(v -> yaml.string(v, "policy description"))
                  .ifPresent(v -> out.description = v);
              h.get("extends")
                  .ifPresent(
                      v ->
                          yaml.nonEmptyString(v, "policy extends")
                              .ifPresent(
                                  path -> {
                                    out.extendsPath = path;
                                    out.extendsPosition = position(v);
                                  }));
            });
  }

  private void defaults(Node n, Parsed out) {
    yaml.object(n, "defaults", null)
        .ifPresent(
            d -> {
              for (String key : d.entries().keySet()) {
                Node keyNode = d.keyNode(key);
                if (resolveClasses(key, keyNode).isEmpty()) {
                  continue;
                }
                Optional<Effect> e = effect(d.get(key).orElseThrow(), "default for " + key);
                if (e.isEmpty()) {
                  continue;
                }
                if (e.get() == Effect.MODIFY) {
                  yaml.error(
                      d.get(key).orElseThrow(),
                      "a default cannot be modify: only a rule says how to rewrite arguments");
                  continue;
                }
                out.defaults.put(key, e.get());
                out.defaultPositions.put(key, position(keyNode));
              }
            });
  }

  private void allowlists(Node n, Parsed out) {
    yaml.object(n, "allowlists", ALLOWLIST_KEYS)
        .ifPresent(
            a -> {
              a.get("domains")
                  .flatMap(v -> yaml.list(v, "allowlists.domains"))
                  .ifPresent(
                      items -> {
                        for (Node item : items) {
                          yaml.nonEmptyString(item, "domain")
                              .ifPresent(
                                  d -> {
                                    if (!DOMAIN_PATTERN.matcher(d).matches()) {
                                      yaml.error(
                                          item,
                                          "'"
                                              + d
                                              + "' is not a lower-case domain or *.domain pattern");
                                    } else {
                                      out.domains.add(d);
                                    }
                                  });
                        }
                      });
              a.get("tools")
                  .ifPresent(v -> out.tools.addAll(yaml.stringList(v, "allowlists.tools")));
              a.get("mcp_servers")
                  .ifPresent(
                      v -> out.mcpServers.addAll(yaml.stringList(v, "allowlists.mcp_servers")));
              a.get("recipients")
                  .ifPresent(
                      v -> out.recipients.addAll(yaml.stringList(v, "allowlists.recipients")));
            });
  }

  private Optional<ParsedRule> rule(Node n) {
    Optional<YamlFile.Obj> o = yaml.object(n, "a rule", RULE_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    YamlFile.Obj r = o.get();
    int before = yaml.problemCount();
    String id = r.required("id").flatMap(v -> yaml.nonEmptyString(v, "rule id")).orElse(null);
    if (id != null && !RULE_ID.matcher(id).matches()) {
      yaml.error(
          r.get("id").orElseThrow(),
          "rule id '"
              + id
              + "' must be lower-case letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
    String what = id == null ? "rule" : "rule " + id;
    String description =
        r.get("description").flatMap(v -> yaml.string(v, what + " description")).orElse("");
    Optional<Node> gateNode = r.get("require_approval");
    Effect effect;
    if (gateNode.isPresent()) {
      effect = Effect.ASK;
      r.get("effect")
          .ifPresent(
              v ->
                  yaml.error(
                      r.keyNode("effect"),
                      what
                          + ": a rule with require_approval has no effect of its own: it makes"
                          + " approval a condition of what other rules or the default allow (for an"
                          + " approval that stands alone, write effect: ask and approval:)"));
      r.get("approval")
          .ifPresent(
              v ->
                  yaml.error(
                      r.keyNode("approval"),
                      what + ": put the approvers inside require_approval, not in approval"));
    } else {
      effect = r.required("effect").flatMap(v -> effect(v, what + " effect")).orElse(null);
    }

    Set<String> classes = new TreeSet<>();
    List<String> classPatterns = new ArrayList<>();
    List<String> tools = new ArrayList<>();
    Map<String, List<String>> principal = new LinkedHashMap<>();
    r.get("match")
        .flatMap(v -> yaml.object(v, what + " match", MATCH_KEYS))
        .ifPresent(
            m -> {
              m.get("class")
                  .ifPresent(
                      c -> {
                        for (Map.Entry<String, Node> e : matchEntries(c, "match.class")) {
                          String p = e.getKey();
                          Set<String> resolved = resolveClasses(p, e.getValue());
                          if (!resolved.isEmpty()) {
                            classPatterns.add(p);
                            classes.addAll(resolved);
                          }
                        }
                      });
              m.get("tool").ifPresent(t -> tools.addAll(matchValues(t, "match.tool")));
              m.get("principal")
                  .flatMap(p -> yaml.object(p, "match.principal", PRINCIPAL_KEYS))
                  .ifPresent(
                      p -> {
                        for (String key : p.entries().keySet()) {
                          List<String> values =
                              matchValues(p.get(key).orElseThrow(), "match.principal." + key);
                          if (!values.isEmpty()) {
                            principal.put(key, values);
                          }
                        }
                      });
            });

    Optional<String> when = Optional.empty();
    Condition condition = null;
    Optional<Node> whenNode = r.get("when");
    if (whenNode.isPresent()) {
      Optional<String> text = yaml.nonEmptyString(whenNode.get(), what + " when");
      if (text.isPresent()) {
        when = text;
        PolicyCel.Compiled c = conditions.compile(text.get());
        if (c.condition() == null) {
          for (PolicyCel.Issue issue : c.issues()) {
            int[] at = celPosition((ScalarNode) whenNode.get(), issue.line(), issue.column());
            yaml.error(at[0], at[1], what + ": invalid condition: " + issue.message());
          }
        } else {
          condition = c.condition();
          unknownTags((ScalarNode) whenNode.get(), text.get(), what);
          unknownLists((ScalarNode) whenNode.get(), text.get(), what);
        }
      }
    }

    String reason =
        r.get("reason").flatMap(v -> yaml.nonEmptyString(v, what + " reason")).orElse(null);
    if (reason == null) {
      reason =
          !description.isEmpty()
              ? description
              : what + ": " + (effect == null ? "" : effect.wireName());
    }
    Rule.Mode mode = Rule.Mode.ENFORCE;
    Optional<Node> modeNode = r.get("mode");
    if (modeNode.isPresent()) {
      Optional<String> m = yaml.string(modeNode.get(), what + " mode");
      if (m.isPresent()) {
        switch (m.get()) {
          case "enforce" -> mode = Rule.Mode.ENFORCE;
          case "shadow" -> mode = Rule.Mode.SHADOW;
          default ->
              yaml.error(
                  modeNode.get(), what + " mode must be enforce or shadow, was '" + m.get() + "'");
        }
      }
    }

    Optional<Rule.Approval> approval;
    if (gateNode.isPresent()) {
      approval = gate(gateNode.get(), what);
    } else {
      approval = r.get("approval").flatMap(v -> approval(v, what));
      if (approval.isPresent() && effect != null && effect != Effect.ASK) {
        yaml.error(
            r.keyNode("approval"),
            what
                + ": an approval block needs effect ask (to require approval only of what is"
                + " otherwise allowed, use require_approval)");
      }
    }
    Optional<Rule.Modify> modify = r.get("modify").flatMap(v -> modify(v, what));
    if (effect == Effect.MODIFY && r.get("modify").isEmpty()) {
      yaml.error(n, what + ": effect modify needs a modify block (set and/or remove)");
    }
    if (r.get("modify").isPresent() && effect != null && effect != Effect.MODIFY) {
      yaml.error(r.keyNode("modify"), what + ": a modify block needs effect modify");
    }
    Optional<Duration> deferTimeout =
        r.get("defer")
            .flatMap(v -> yaml.object(v, what + " defer", DEFER_KEYS))
            .flatMap(d -> d.required("timeout"))
            .flatMap(v -> duration(v, what + " defer timeout"));
    if (r.get("defer").isPresent() && effect != null && effect != Effect.DEFER) {
      yaml.error(r.keyNode("defer"), what + ": a defer block needs effect defer");
    }
    Optional<Rule.Budget> budget = r.get("budget").flatMap(v -> budget(v, what));
    Optional<Rule.RateLimit> rateLimit = r.get("rate_limit").flatMap(v -> rateLimit(v, what));
    Optional<Rule.Breaker> breaker = r.get("breaker").flatMap(v -> breaker(v, what));
    List<Obligation> obligations =
        r.get("obligations").map(v -> obligations(v, what)).orElse(List.of());

    if (id == null || effect == null || yaml.problemCount() > before) {
      return Optional.empty();
    }
    List<String> exactTools = new ArrayList<>();
    List<String> toolGlobs = new ArrayList<>();
    for (String t : tools) {
      (t.indexOf('*') >= 0 || t.indexOf('?') >= 0 ? toolGlobs : exactTools).add(t);
    }
    Rule rule =
        new Rule(
            id,
            description,
            position(n),
            new Rule.Match(classPatterns, tools, principal),
            when,
            effect,
            reason,
            mode,
            approval,
            modify,
            deferTimeout,
            budget,
            rateLimit,
            breaker,
            obligations,
            gateNode.isPresent());
    return Optional.of(new ParsedRule(rule, classes, exactTools, toolGlobs, condition));
  }

  /**
   * Maps a CEL issue (1-based line, 0-based column in the expression) to the file's 1-based line
   * and column.
   *
   * <p>Why an alignment. The expression CEL reads is the scalar's value, not its text: a literal
   * block ({@code |}) drops the indentation of every line, a folded block ({@code >}) and a plain
   * or quoted scalar spread over lines also turn line breaks into spaces (an empty line into a line
   * break), and quotes and escapes take characters of their own. Every character of the value is
   * still one character of the text, in order, or a line break written as one; so the value is
   * walked against the text from where the content starts (the line after a block's indicator, the
   * character after a quote), each value character taking the next text character equal to it — or,
   * for a space or line break in the value, a line break in the text — and skipping what the
   * scalar's syntax added (indentation, a quote's escape).
   */
  private int[] celPosition(ScalarNode node, int celLine, int celColumn) {
    String value = node.getValue();
    int offset = 0;
    for (int line = 1; line < celLine; line++) {
      int nl = value.indexOf('\n', offset);
      if (nl < 0) {
        break;
      }
      offset = nl + 1;
    }
    offset = Math.min(value.length(), offset + Math.max(0, celColumn));
    String text = yaml.text();
    int fi = offsetOf(text, node.getStartMark().getLine(), node.getStartMark().getColumn());
    int end =
        Math.min(
            text.length(),
            offsetOf(text, node.getEndMark().getLine(), node.getEndMark().getColumn()));
    DumperOptions.ScalarStyle style = node.getScalarStyle();
    if (style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED) {
      int nl = text.indexOf('\n', fi);
      fi = nl < 0 ? text.length() : nl + 1; // content starts on the line after the indicator
    } else if (style == DumperOptions.ScalarStyle.DOUBLE_QUOTED
        || style == DumperOptions.ScalarStyle.SINGLE_QUOTED) {
      fi++;
    }
    for (int vi = 0; vi < offset && fi < end; ) {
      char vc = value.charAt(vi);
      char fc = text.charAt(fi);
      if (vc == fc || ((vc == ' ' || vc == '\n') && fc == '\n')) {
        vi++;
      }
      fi++;
    }
    if (offset < value.length()) {
      // Skip what the syntax added before the character itself (indentation, an escape).
      char target = value.charAt(offset);
      while (fi < end
          && text.charAt(fi) != target
          && !((target == ' ' || target == '\n') && text.charAt(fi) == '\n')) {
        fi++;
      }
    }
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < fi && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new int[] {line, fi - lineStart + 1};
  }

  /** The offset in {@code text} of a 0-based line and column. */
  private static int offsetOf(String text, int line, int column) {
    int at = 0;
    for (int l = 0; l < line; l++) {
      int nl = text.indexOf('\n', at);
      if (nl < 0) {
        return text.length();
      }
      at = nl + 1;
    }
    return Math.min(text.length(), at + column);
  }

  private static final Pattern TAG_TEST =
      Pattern.compile("[\"']([^\"'\\\\]*)[\"']\\s+in\\s+tags\\b");

  /** A condition testing a tag no classifier emits never holds: an error, with a suggestion. */
  private void unknownTags(ScalarNode when, String text, String what) {
    Optional<Set<String>> known = catalog.tags();
    if (known.isEmpty()) {
      return;
    }
    java.util.regex.Matcher m = TAG_TEST.matcher(text);
    while (m.find()) {
      String tag = m.group(1);
      if (!known.get().contains(tag)) {
        String near =
            dev.proctor.classify.Taxonomy.nearestTag(tag, known.get())
                .map(t -> " (did you mean '" + t + "'?)")
                .orElse(" (the tags are listed in docs/taxonomy.md)");
        int line = 1 + (int) text.substring(0, m.start()).chars().filter(ch -> ch == '\n').count();
        int column = m.start() - text.lastIndexOf('\n', m.start() - 1);
        int[] at = celPosition(when, line, column);
        yaml.error(at[0], at[1], what + ": unknown tag '" + tag + "'" + near);
      }
    }
  }

  private Set<String> resolveClasses(String pattern, Node at) {
    if (!CLASS_PATTERN.matcher(pattern).matches()) {
      yaml.error(at, "'" + pattern + "' is not a class name or class pattern such as connector.*");
      return Set.of();
    }
    Set<String> out = new TreeSet<>();
    if (pattern.indexOf('*') < 0) {
      if (catalog.find(pattern).isEmpty()) {
        yaml.error(
            at,
            "unknown action class '"
                + pattern
                + "'"
                + dev.proctor.yaml.DidYouMean.hint(pattern, catalog.names())
                + suggestion(pattern));
        return Set.of();
      }
      out.add(pattern);
      return out;
    }
    for (String name : catalog.names()) {
      if (CelFunctions.glob(name, pattern.replace("**", "*").replace("*", "**"))) {
        out.add(name);
      }
    }
    if (out.isEmpty()) {
      yaml.error(at, "class pattern '" + pattern + "' matches no known class");
    }
    return out;
  }

  private String suggestion(String name) {
    String prefix = name.contains(".") ? name.substring(0, name.indexOf('.') + 1) : name;
    List<String> near = new ArrayList<>();
    for (String n : catalog.names()) {
      if (n.startsWith(prefix)) {
        near.add(n);
      }
    }
    return near.isEmpty() ? "" : " (known: " + String.join(", ", near) + ")";
  }

  private Optional<Effect> effect(Node n, String what) {
    Optional<String> s = yaml.string(n, what);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    Optional<Effect> e = Effect.fromWireName(s.get());
    if (e.isEmpty()) {
      yaml.error(
          n,
          "unknown effect '"
              + s.get()
              + "' in "
              + what
              + " (allowed: allow, deny, modify, ask, step_up, defer)");
    }
    return e;
  }

  /** {@code require_approval: true} (one approver of the default requirement) or a block. */
  private Optional<Rule.Approval> gate(Node n, String what) {
    if (n instanceof ScalarNode) {
      Optional<Boolean> b = yaml.bool(n, what + " require_approval");
      if (b.isPresent() && !b.get()) {
        yaml.error(n, what + ": require_approval: false gates nothing; remove the rule instead");
      }
      return b.filter(x -> x)
          .map(x -> new Rule.Approval(ApprovalRequirement.DEFAULT, Optional.empty()));
    }
    return approval(n, what);
  }

  private Optional<Rule.Approval> approval(Node n, String what) {
    Optional<YamlFile.Obj> o = yaml.object(n, what + " approval", APPROVAL_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    YamlFile.Obj a = o.get();
    int before = yaml.problemCount();
    List<String> groups =
        a.required("groups").map(v -> yaml.stringList(v, "approval groups")).orElse(List.of());
    long quorum =
        a.get("quorum").flatMap(v -> yaml.integer(v, "approval quorum", 1, 100)).orElse(1L);
    Duration expiry =
        a.get("expiry")
            .flatMap(v -> duration(v, "approval expiry"))
            .orElse(ApprovalRequirement.DEFAULT.expiry());
    a.get("separation_of_duties")
        .flatMap(v -> yaml.bool(v, "approval separation_of_duties").map(b -> Map.entry(v, b)))
        .ifPresent(
            e -> {
              if (!e.getValue()) {
                yaml.error(
                    e.getKey(),
                    "separation_of_duties cannot be false: a requester never approves their own"
                        + " action");
              }
            });
    ApprovalRequirement.AnsweredAt at = ApprovalRequirement.AnsweredAt.HARNESS;
    Optional<Node> atNode = a.get("answered_at");
    if (atNode.isPresent()) {
      Optional<String> v = yaml.string(atNode.get(), "approval answered_at");
      if (v.isPresent() && v.get().equals("proctor")) {
        at = ApprovalRequirement.AnsweredAt.PROCTOR;
      } else if (v.isPresent() && !v.get().equals("harness")) {
        yaml.error(atNode.get(), "answered_at must be harness or proctor, was '" + v.get() + "'");
      }
    }
    ApprovalRequirement.StepUp stepUp = ApprovalRequirement.StepUp.NONE;
    Optional<Node> stepNode = a.get("step_up");
    if (stepNode.isPresent()) {
      Optional<String> v = yaml.string(stepNode.get(), "approval step_up");
      if (v.isPresent() && v.get().equals("totp")) {
        stepUp = ApprovalRequirement.StepUp.TOTP;
      } else if (v.isPresent() && !v.get().equals("none")) {
        yaml.error(
            stepNode.get(),
            "step_up must be totp (a fresh TOTP code from each approver) or none, was '"
                + v.get()
                + "'");
      }
      if (stepUp != ApprovalRequirement.StepUp.NONE
          && at != ApprovalRequirement.AnsweredAt.PROCTOR) {
        yaml.error(
            stepNode.get(),
            "step_up needs answered_at: proctor: at the harness's prompt nobody is asked for a"
                + " code");
      }
    }
    Optional<Rule.Escalation> escalation =
        a.get("escalation")
            .flatMap(v -> yaml.object(v, "approval escalation", ESCALATION_KEYS))
            .flatMap(
                e -> {
                  Optional<Duration> after =
                      e.required("after").flatMap(v -> duration(v, "escalation after"));
                  List<String> g =
                      e.required("groups")
                          .map(v -> yaml.stringList(v, "escalation groups"))
                          .orElse(List.of());
                  return after.map(d -> new Rule.Escalation(d, g));
                });
    if (yaml.problemCount() > before || groups.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Rule.Approval(
            new ApprovalRequirement(groups, (int) quorum, expiry, true, at, stepUp), escalation));
  }

  private Optional<Rule.Modify> modify(Node n, String what) {
    Optional<YamlFile.Obj> o = yaml.object(n, what + " modify", MODIFY_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    int before = yaml.problemCount();
    Map<String, JsonNode> set = new LinkedHashMap<>();
    o.get()
        .get("set")
        .flatMap(v -> yaml.object(v, "modify set", null))
        .ifPresent(
            s -> {
              for (String pointer : s.entries().keySet()) {
                if (pointer(pointer, s.keyNode(pointer))) {
                  yaml.json(s.get(pointer).orElseThrow(), "modify set " + pointer)
                      .ifPresent(j -> set.put(pointer, j));
                }
              }
            });
    List<String> remove = new ArrayList<>();
    o.get()
        .get("remove")
        .flatMap(v -> yaml.list(v, "modify remove"))
        .ifPresent(
            items -> {
              for (Node item : items) {
                yaml.string(item, "modify remove entry")
                    .filter(p -> pointer(p, item))
                    .ifPresent(remove::add);
              }
            });
    if (set.isEmpty() && remove.isEmpty() && yaml.problemCount() == before) {
      yaml.error(n, what + ": modify must set or remove something");
    }
    return yaml.problemCount() > before
        ? Optional.empty()
        : Optional.of(new Rule.Modify(set, remove));
  }

  private boolean pointer(String p, Node at) {
    try {
      JsonPointer jp = JsonPointer.compile(p);
      if (jp.matches()) {
        yaml.error(at, "'" + p + "': the whole arguments object cannot be replaced or removed");
        return false;
      }
      return true;
    } catch (IllegalArgumentException e) {
      yaml.error(at, "'" + p + "' is not a JSON pointer such as /command");
      return false;
    }
  }

  private List<String> scopes(Node n, String what) {
    List<String> per = yaml.stringList(n, what);
    for (String s : per) {
      if (!SCOPES.contains(s)) {
        yaml.error(
            n,
            what
                + ": unknown scope '"
                + s
                + "' (allowed: "
                + String.join(", ", new TreeSet<>(SCOPES))
                + ")");
      }
    }
    return per;
  }

  private Optional<Rule.Budget> budget(Node n, String what) {
    Optional<YamlFile.Obj> o = yaml.object(n, what + " budget", BUDGET_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    int before = yaml.problemCount();
    YamlFile.Obj b = o.get();
    String metric =
        b.required("metric").flatMap(v -> oneOf(v, "budget metric", METRICS)).orElse(null);
    Long limit =
        b.required("limit")
            .flatMap(v -> yaml.integer(v, "budget limit", 1, Long.MAX_VALUE))
            .orElse(null);
    List<String> per = b.required("per").map(v -> scopes(v, "budget per")).orElse(List.of());
    Duration window = b.required("window").flatMap(v -> duration(v, "budget window")).orElse(null);
    if (yaml.problemCount() > before) {
      return Optional.empty();
    }
    return Optional.of(new Rule.Budget(metric, limit, per, window));
  }

  private Optional<Rule.RateLimit> rateLimit(Node n, String what) {
    Optional<YamlFile.Obj> o = yaml.object(n, what + " rate_limit", RATE_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    int before = yaml.problemCount();
    YamlFile.Obj b = o.get();
    Long limit =
        b.required("limit")
            .flatMap(v -> yaml.integer(v, "rate_limit limit", 1, Long.MAX_VALUE))
            .orElse(null);
    List<String> per = b.required("per").map(v -> scopes(v, "rate_limit per")).orElse(List.of());
    Duration window =
        b.required("window").flatMap(v -> duration(v, "rate_limit window")).orElse(null);
    if (yaml.problemCount() > before) {
      return Optional.empty();
    }
    return Optional.of(new Rule.RateLimit(limit, per, window));
  }

  private Optional<Rule.Breaker> breaker(Node n, String what) {
    Optional<YamlFile.Obj> o = yaml.object(n, what + " breaker", BREAKER_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    int before = yaml.problemCount();
    YamlFile.Obj b = o.get();
    String trip = b.required("trip").flatMap(v -> oneOf(v, "breaker trip", TRIPS)).orElse(null);
    Long threshold =
        b.required("threshold")
            .flatMap(v -> yaml.integer(v, "breaker threshold", 1, 1_000_000))
            .orElse(null);
    Duration window = b.required("window").flatMap(v -> duration(v, "breaker window")).orElse(null);
    Effect whenOpen =
        b.get("when_open")
            .flatMap(v -> oneOf(v, "breaker when_open", Set.of("deny", "ask")))
            .flatMap(Effect::fromWireName)
            .orElse(Effect.DENY);
    Duration coolDown =
        b.required("cool_down").flatMap(v -> duration(v, "breaker cool_down")).orElse(null);
    if (yaml.problemCount() > before) {
      return Optional.empty();
    }
    return Optional.of(new Rule.Breaker(trip, threshold, window, whenOpen, coolDown));
  }

  private Optional<String> oneOf(Node n, String what, Set<String> allowed) {
    Optional<String> s = yaml.string(n, what);
    if (s.isPresent() && !allowed.contains(s.get())) {
      yaml.error(
          n,
          what
              + " must be one of "
              + String.join(", ", new TreeSet<>(allowed))
              + ", was '"
              + s.get()
              + "'");
      return Optional.empty();
    }
    return s;
  }

  private List<Obligation> obligations(Node n, String what) {
    Optional<YamlFile.Obj> o = yaml.object(n, what + " obligations", OBLIGATION_KEYS);
    if (o.isEmpty()) {
      return List.of();
    }
    List<Obligation> out = new ArrayList<>();
    o.get()
        .get("redact")
        .flatMap(v -> yaml.list(v, "obligations redact"))
        .ifPresent(
            items -> {
              Set<String> pointers = new LinkedHashSet<>();
              for (Node item : items) {
                yaml.string(item, "redact entry")
                    .filter(p -> pointer(p, item))
                    .ifPresent(pointers::add);
              }
              if (!pointers.isEmpty()) {
                out.add(new Obligation.Redact(List.copyOf(pointers)));
              }
            });
    o.get()
        .get("snapshot")
        .flatMap(v -> yaml.bool(v, "obligations snapshot"))
        .filter(b -> b)
        .ifPresent(b -> out.add(new Obligation.Snapshot()));
    o.get()
        .get("time_limit")
        .flatMap(v -> duration(v, "obligations time_limit"))
        .ifPresent(d -> out.add(new Obligation.TimeLimit(d)));
    return out;
  }

  private Optional<PolicyTestCase> example(Node n) {
    return yaml.object(n, "an expect entry", EXPECT_KEYS)
        .flatMap(e -> testCase(e, n, e.get("effect"), e.get("rule"), "expect"));
  }

  /** Reads a case shared by expect entries and test suites. */
  Optional<PolicyTestCase> testCase(
      YamlFile.Obj e, Node at, Optional<Node> effectNode, Optional<Node> ruleNode, String what) {
    int before = yaml.problemCount();
    String name =
        e.required("name").flatMap(v -> yaml.nonEmptyString(v, what + " name")).orElse(null);
    Optional<ToolCall> call = e.required("request").flatMap(v -> request(v, what));
    Effect effect;
    if (effectNode.isPresent()) {
      effect = effect(effectNode.get(), what + " effect").orElse(null);
    } else {
      yaml.error(at, what + " is missing the required key 'effect'");
      effect = null;
    }
    Optional<String> rule = ruleNode.flatMap(v -> yaml.nonEmptyString(v, what + " rule"));
    if (yaml.problemCount() > before || name == null || call.isEmpty() || effect == null) {
      return Optional.empty();
    }
    return Optional.of(new PolicyTestCase(name, position(at), call.get(), effect, rule));
  }

  private Optional<ToolCall> request(Node n, String what) {
    Optional<JsonNode> json = yaml.json(n, what + " request");
    if (json.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ToolCallJson.fromJson(json.get()));
    } catch (IllegalArgumentException e) {
      yaml.error(n, what + " request: " + e.getMessage());
      return Optional.empty();
    }
  }
}

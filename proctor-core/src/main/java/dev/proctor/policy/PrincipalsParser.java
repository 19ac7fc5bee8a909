package dev.proctor.policy;

import dev.proctor.classify.Taxonomy;
import dev.proctor.policy.PrincipalDirectory.Entry;
import dev.proctor.policy.PrincipalDirectory.Kind;
import dev.proctor.yaml.YamlFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads {@code principals.yaml}: sections {@code agents}, {@code humans} and {@code services}, each
 * mapping an id to its groups, roles, typed attributes and (agents, services) sponsoring human.
 * Unknown keys, wrong types and a sponsor who is not a declared human are problems at their
 * position.
 */
final class PrincipalsParser {

  /** The file name a policy directory's principals live in. */
  static final String FILE = "principals.yaml";

  static final Set<String> TOP_KEYS = Set.of("agents", "humans", "services");
  static final Set<String> ENTRY_KEYS =
      Set.of("description", "groups", "roles", "attributes", "sponsor");
  static final Set<String> HUMAN_KEYS = Set.of("description", "groups", "roles", "attributes");

  private static final Pattern ATTRIBUTE = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

  private final YamlFile yaml;

  PrincipalsParser(YamlFile yaml) {
    this.yaml = yaml;
  }

  PrincipalDirectory parse(Node root) {
    Optional<YamlFile.Obj> top = yaml.object(root, "the principals file", TOP_KEYS);
    if (top.isEmpty()) {
      return PrincipalDirectory.EMPTY;
    }
    Map<String, Entry> humans = section(top.get(), "humans", Kind.HUMAN);
    Map<String, Entry> agents = section(top.get(), "agents", Kind.AGENT);
    Map<String, Entry> services = section(top.get(), "services", Kind.SERVICE);
    for (Map<String, Entry> m : List.of(agents, services)) {
      for (Entry e : m.values()) {
        e.sponsor()
            .filter(s -> !humans.containsKey(s))
            .ifPresent(
                s ->
                    yaml.error(
                        sponsorLines.get(e),
                        sponsorColumns.get(e),
                        e.kind().wireName()
                            + " "
                            + e.id()
                            + ": sponsor '"
                            + s
                            + "' is not a human of this file"
                            + Taxonomy.nearestTag(s, humans.keySet())
                                .map(n -> " (did you mean '" + n + "'?)")
                                .orElse("")));
      }
    }
    return new PrincipalDirectory(agents, humans, services);
  }

  private final Map<Entry, Integer> sponsorLines = new java.util.IdentityHashMap<>();
  private final Map<Entry, Integer> sponsorColumns = new java.util.IdentityHashMap<>();

  private Map<String, Entry> section(YamlFile.Obj top, String key, Kind kind) {
    Map<String, Entry> out = new LinkedHashMap<>();
    Optional<Node> n = top.get(key);
    if (n.isEmpty()) {
      return out;
    }
    yaml.object(n.get(), key, null)
        .ifPresent(
            s -> {
              for (String id : s.entries().keySet()) {
                Node idNode = s.keyNode(id);
                if (id.isBlank() || id.codePoints().anyMatch(Character::isISOControl)) {
                  yaml.error(idNode, key + ": an id must be non-empty printable text");
                  continue;
                }
                entry(kind, id, idNode, s.get(id).orElseThrow()).ifPresent(e -> out.put(id, e));
              }
            });
    return out;
  }

  private Optional<Entry> entry(Kind kind, String id, Node idNode, Node n) {
    String what = kind.wireName() + " " + id;
    Optional<YamlFile.Obj> o = yaml.object(n, what, kind == Kind.HUMAN ? HUMAN_KEYS : ENTRY_KEYS);
    if (o.isEmpty()) {
      return Optional.empty();
    }
    int before = yaml.problemCount();
    YamlFile.Obj e = o.get();
    e.get("description").ifPresent(v -> yaml.string(v, what + " description"));
    List<String> groups =
        e.get("groups").map(v -> yaml.stringList(v, what + " groups")).orElse(List.of());
    List<String> roles =
        e.get("roles").map(v -> yaml.stringList(v, what + " roles")).orElse(List.of());
    Map<String, Object> attributes = new LinkedHashMap<>();
    e.get("attributes")
        .flatMap(v -> yaml.object(v, what + " attributes", null))
        .ifPresent(
            a -> {
              for (String name : a.entries().keySet()) {
                if (!ATTRIBUTE.matcher(name).matches()) {
                  yaml.error(
                      a.keyNode(name),
                      what
                          + ": attribute name '"
                          + name
                          + "' must be lower-case letters, digits and '_' (CEL reads it as"
                          + " principal.attributes.NAME)");
                  continue;
                }
                attribute(a.get(name).orElseThrow(), what + " attribute " + name)
                    .ifPresent(v -> attributes.put(name, v));
              }
            });
    Optional<Node> sponsorNode = e.get("sponsor");
    Optional<String> sponsor = sponsorNode.flatMap(v -> yaml.nonEmptyString(v, what + " sponsor"));
    if (yaml.problemCount() > before) {
      return Optional.empty();
    }
    Entry entry =
        new Entry(
            kind,
            id,
            groups,
            roles,
            attributes,
            sponsor,
            new SourcePosition(yaml.name(), YamlFile.line(idNode), YamlFile.column(idNode)));
    sponsorNode.ifPresent(
        s -> {
          sponsorLines.put(entry, YamlFile.line(s));
          sponsorColumns.put(entry, YamlFile.column(s));
        });
    return Optional.of(entry);
  }

  /** A string, whole number, decimal, boolean or list of strings. */
  private Optional<Object> attribute(Node n, String what) {
    if (n instanceof SequenceNode) {
      List<String> items = new ArrayList<>();
      for (Node item : ((SequenceNode) n).getValue()) {
        yaml.string(item, what + " entry").ifPresent(items::add);
      }
      return Optional.of(List.copyOf(items));
    }
    if (n instanceof ScalarNode s) {
      Tag tag = s.getTag();
      if (tag.equals(Tag.STR)) {
        return Optional.of(s.getValue());
      }
      if (tag.equals(Tag.BOOL)) {
        return yaml.bool(n, what).map(b -> b);
      }
      if (tag.equals(Tag.INT)) {
        return yaml.integer(n, what, Long.MIN_VALUE, Long.MAX_VALUE).map(v -> v);
      }
      if (tag.equals(Tag.FLOAT)) {
        try {
          double d = Double.parseDouble(s.getValue().replace("_", ""));
          if (!Double.isInfinite(d) && !Double.isNaN(d)) {
            return Optional.of(d);
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        yaml.error(n, what + ": '" + s.getValue() + "' is not a finite number");
        return Optional.empty();
      }
    }
    yaml.error(
        n,
        what + " must be a string, number, boolean or list of strings, found " + YamlFile.kind(n));
    return Optional.empty();
  }
}

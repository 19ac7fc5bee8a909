package dev.proctor.server;

import dev.proctor.policy.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code proctor serve}'s YAML configuration into a {@link ServerConfig}. Every key is
 * optional and has the default README's table gives; an unknown key, a wrong type or a bad value is
 * a problem naming the file, line, column, key and the value — all problems are reported at once
 * and nothing is silently repaired. Relative paths are resolved against the file's directory.
 * Durations read like {@code 500ms}, {@code 30s}, {@code 15m}; sizes like {@code 1MiB}, {@code
 * 16KiB}, {@code 512} (bytes).
 */
public final class ConfigLoader {

  /** The largest configuration file read. */
  static final int MAX_BYTES = 1 << 20;

  private static final Set<String> TOP =
      Set.of(
          "listen",
          "tls",
          "data_dir",
          "policy_dir",
          "taxonomy",
          "watch_policy",
          "witnesses",
          "limits",
          "decisions",
          "sessions",
          "allowed_hosts",
          "allowed_origins",
          "database",
          "approvals");
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?");

  private final String file;
  private final Path base;
  private final List<ConfigException.Problem> problems = new ArrayList<>();

  private ConfigLoader(String file, Path base) {
    this.file = file;
    this.base = base;
  }

  /** Loads a configuration file. */
  public static ServerConfig load(Path path) throws ConfigException, IOException {
    byte[] bytes = Files.readAllBytes(path);
    Path dir = path.toAbsolutePath().normalize().getParent();
    if (bytes.length > MAX_BYTES) {
      throw new ConfigException(
          List.of(
              new ConfigException.Problem(
                  path.toString(), 1, 1, "(file)", "larger than the limit of 1 MiB")));
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(
          List.of(new ConfigException.Problem(path.toString(), 1, 1, "(file)", "not UTF-8")));
    }
    return parse(path.toString(), dir, text);
  }

  /** Parses configuration text; {@code base} resolves relative paths. */
  public static ServerConfig parse(String file, Path base, String text) throws ConfigException {
    ConfigLoader l = new ConfigLoader(file, base);
    ServerConfig config = l.read(text);
    if (!l.problems.isEmpty()) {
      throw new ConfigException(l.problems);
    }
    return config;
  }

  private ServerConfig read(String text) {
    ServerConfig d = ServerConfig.defaults();
    Optional<Node> root =
        ConfigYaml.parse(
            file,
            text,
            (line, column, message) ->
                problems.add(new ConfigException.Problem(file, line, column, "(file)", message)));
    if (root.isEmpty()) {
      return d;
    }
    Map<String, NodeTuple> top = mapping(root.get(), "(top level)", TOP);
    ServerConfig.Listen listen =
        value(top, "listen", d.listen(), n -> scalar(n, "listen", ServerConfig.Listen::parse));
    Optional<ServerConfig.Tls> tls =
        Optional.ofNullable(top.get("tls")).map(t -> tls(t.getValueNode()));
    Optional<Path> dataDir = optionalPath(top, "data_dir");
    Optional<Path> policyDir = optionalPath(top, "policy_dir");
    Optional<Path> taxonomy = optionalPath(top, "taxonomy");
    boolean watch = value(top, "watch_policy", true, n -> bool(n, "watch_policy"));
    List<ServerConfig.WitnessTarget> witnesses =
        value(top, "witnesses", List.of(), n -> list(n, "witnesses", this::witness));
    ServerConfig.Limits limits = value(top, "limits", d.limits(), n -> limits(n, d.limits()));
    ServerConfig.Decisions decisions =
        value(top, "decisions", d.decisions(), n -> decisions(n, d.decisions()));
    ServerConfig.Sessions sessions =
        value(top, "sessions", d.sessions(), n -> sessions(n, d.sessions()));
    List<String> hosts =
        value(top, "allowed_hosts", List.of(), n -> list(n, "allowed_hosts", this::host));
    List<String> origins =
        value(top, "allowed_origins", List.of(), n -> list(n, "allowed_origins", this::origin));
    Optional<ServerConfig.Database> database =
        Optional.ofNullable(top.get("database")).map(t -> database(t.getValueNode()));
    ServerConfig.Approvals approvals =
        value(top, "approvals", d.approvals(), n -> approvals(n, d.approvals()));
    if (!problems.isEmpty()) {
      return d;
    }
    try {
      return new ServerConfig(
          listen, tls, dataDir, policyDir, taxonomy, watch, witnesses, limits, decisions, sessions,
          hosts, origins, database, approvals);
    } catch (IllegalArgumentException e) {
      problem(
          root.get().getStartMark(),
          e.getMessage().startsWith("approvals.hook_wait") ? "approvals.hook_wait" : "decisions",
          e.getMessage());
      return d;
    }
  }

  private ServerConfig.Tls tls(Node node) {
    Map<String, NodeTuple> m = mapping(node, "tls", Set.of("key_store", "password_file"));
    Path store = requiredPath(m, node, "tls.key_store", "key_store");
    Path password = requiredPath(m, node, "tls.password_file", "password_file");
    return store == null || password == null ? null : new ServerConfig.Tls(store, password);
  }

  private ServerConfig.WitnessTarget witness(Node node, String key) {
    Map<String, NodeTuple> m = mapping(node, key, Set.of("url", "public_key"));
    URI url =
        Optional.ofNullable(m.get("url"))
            .map(t -> scalar(t.getValueNode(), key + ".url", ConfigLoader::httpUri))
            .orElse(null);
    if (!m.containsKey("url")) {
      problem(node.getStartMark(), key + ".url", "required");
    }
    Path publicKey = requiredPath(m, node, key + ".public_key", "public_key");
    return url == null || publicKey == null ? null : new ServerConfig.WitnessTarget(url, publicKey);
  }

  private ServerConfig.Limits limits(Node node, ServerConfig.Limits d) {
    Map<String, NodeTuple> m =
        mapping(
            node,
            "limits",
            Set.of(
                "max_body",
                "max_header",
                "idle_timeout",
                "header_timeout",
                "min_body_rate",
                "max_connections",
                "threads",
                "max_batch",
                "max_feed_subscribers"));
    return build(
        node,
        "limits",
        () ->
            new ServerConfig.Limits(
                value(m, "max_body", d.maxBodyBytes(), n -> size(n, "limits.max_body")),
                (int)
                    (long)
                        value(
                            m,
                            "max_header",
                            (long) d.maxHeaderBytes(),
                            n -> size(n, "limits.max_header")),
                value(m, "idle_timeout", d.idleTimeout(), n -> duration(n, "limits.idle_timeout")),
                value(
                    m,
                    "header_timeout",
                    d.headerTimeout(),
                    n -> duration(n, "limits.header_timeout")),
                value(
                    m,
                    "min_body_rate",
                    d.minBodyBytesPerSecond(),
                    n -> size(n, "limits.min_body_rate")),
                value(
                    m,
                    "max_connections",
                    d.maxConnections(),
                    n -> integer(n, "limits.max_connections")),
                value(m, "threads", d.threads(), n -> integer(n, "limits.threads")),
                value(m, "max_batch", d.maxBatch(), n -> integer(n, "limits.max_batch")),
                value(
                    m,
                    "max_feed_subscribers",
                    d.maxFeedSubscribers(),
                    n -> integer(n, "limits.max_feed_subscribers"))),
        d);
  }

  private ServerConfig.Decisions decisions(Node node, ServerConfig.Decisions d) {
    Map<String, NodeTuple> m = mapping(node, "decisions", Set.of("deadline", "hook_deadline"));
    return build(
        node,
        "decisions",
        () ->
            new ServerConfig.Decisions(
                value(m, "deadline", d.deadline(), n -> duration(n, "decisions.deadline")),
                value(
                    m,
                    "hook_deadline",
                    d.hookDeadline(),
                    n -> duration(n, "decisions.hook_deadline"))),
        d);
  }

  private ServerConfig.Database database(Node node) {
    Map<String, NodeTuple> m =
        mapping(node, "database", Set.of("url", "user", "password_file", "schema", "pool"));
    String url = value(m, "url", "", n -> scalar(n, "database.url", v -> v));
    if (!m.containsKey("url")) {
      problem(node.getStartMark(), "database.url", "is required");
    }
    String user = value(m, "user", "proctor", n -> scalar(n, "database.user", v -> v));
    Optional<Path> password = optionalPath(m, "password_file");
    Optional<String> schema =
        Optional.ofNullable(m.get("schema"))
            .map(t -> scalar(t.getValueNode(), "database.schema", v -> v));
    int pool = value(m, "pool", 8, n -> integer(n, "database.pool"));
    return build(
        node, "database", () -> new ServerConfig.Database(url, user, password, schema, pool), null);
  }

  private ServerConfig.Approvals approvals(Node node, ServerConfig.Approvals d) {
    Map<String, NodeTuple> m = mapping(node, "approvals", Set.of("hook_wait", "max_wait", "sweep"));
    return build(
        node,
        "approvals",
        () ->
            new ServerConfig.Approvals(
                value(m, "hook_wait", d.hookWait(), n -> duration(n, "approvals.hook_wait")),
                value(m, "max_wait", d.maxWait(), n -> duration(n, "approvals.max_wait")),
                value(m, "sweep", d.sweep(), n -> duration(n, "approvals.sweep"))),
        d);
  }

  private ServerConfig.Sessions sessions(Node node, ServerConfig.Sessions d) {
    Map<String, NodeTuple> m =
        mapping(node, "sessions", Set.of("idle", "absolute", "login_failures", "login_window"));
    return build(
        node,
        "sessions",
        () ->
            new ServerConfig.Sessions(
                value(m, "idle", d.idle(), n -> duration(n, "sessions.idle")),
                value(m, "absolute", d.absolute(), n -> duration(n, "sessions.absolute")),
                value(
                    m,
                    "login_failures",
                    d.loginFailures(),
                    n -> integer(n, "sessions.login_failures")),
                value(
                    m, "login_window", d.loginWindow(), n -> duration(n, "sessions.login_window"))),
        d);
  }

  /** Builds a component's record; a value the record refuses is a problem at the component. */
  private <T> T build(Node node, String key, java.util.function.Supplier<T> make, T fallback) {
    int before = problems.size();
    try {
      T t = make.get();
      return problems.size() == before ? t : fallback;
    } catch (IllegalArgumentException | NullPointerException e) {
      if (problems.size() == before) {
        problem(node.getStartMark(), key, String.valueOf(e.getMessage()));
      }
      return fallback;
    }
  }

  private String host(Node node, String key) {
    return scalar(
        node,
        key,
        s -> {
          if (!s.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw new IllegalArgumentException("not a host or host:port");
          }
          return s.toLowerCase(Locale.ROOT);
        });
  }

  private String origin(Node node, String key) {
    return scalar(
        node,
        key,
        s -> {
          URI u = httpUri(s);
          if (u.getPath() != null && !u.getPath().isEmpty()) {
            throw new IllegalArgumentException("an origin has no path");
          }
          return s.toLowerCase(Locale.ROOT);
        });
  }

  private static URI httpUri(String s) {
    try {
      URI u = new URI(s);
      if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
        throw new IllegalArgumentException("expected an http:// or https:// URL");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + e.getReason(), e);
    }
  }

  // --- the node-level readers; each records a problem and returns null on a bad value ---

  private Map<String, NodeTuple> mapping(Node node, String key, Set<String> allowed) {
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    if (!(node instanceof MappingNode m)) {
      problem(node.getStartMark(), key, "expected a mapping");
      return out;
    }
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        problem(t.getKeyNode().getStartMark(), key, "keys must be strings");
        continue;
      }
      if (!allowed.contains(k.getValue())) {
        problem(
            k.getStartMark(),
            key.startsWith("(") ? k.getValue() : key + "." + k.getValue(),
            "unknown key; expected one of " + new java.util.TreeSet<>(allowed));
        continue;
      }
      out.put(k.getValue(), t);
    }
    return out;
  }

  private <T> T value(Map<String, NodeTuple> m, String key, T fallback, Function<Node, T> read) {
    NodeTuple t = m.get(key);
    if (t == null) {
      return fallback;
    }
    T v = read.apply(t.getValueNode());
    return v == null ? fallback : v;
  }

  private <T> T scalar(Node node, String key, Function<String, T> read) {
    if (!(node instanceof ScalarNode s)) {
      problem(node.getStartMark(), key, "expected a single value");
      return null;
    }
    try {
      return read.apply(s.getValue());
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      problem(
          node.getStartMark(),
          key,
          m.contains("'" + s.getValue() + "'") ? m : m + " (was '" + s.getValue() + "')");
      return null;
    }
  }

  private Boolean bool(Node node, String key) {
    return scalar(
        node,
        key,
        s ->
            switch (s) {
              case "true" -> true;
              case "false" -> false;
              default -> throw new IllegalArgumentException("expected true or false");
            });
  }

  private Integer integer(Node node, String key) {
    return scalar(
        node,
        key,
        s -> {
          try {
            return Integer.parseInt(s);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number", e);
          }
        });
  }

  private Duration duration(Node node, String key) {
    return scalar(
        node,
        key,
        s ->
            Durations.parse(s)
                .filter(d -> !d.isZero())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "expected a positive duration such as " + Durations.EXAMPLES)));
  }

  private Long size(Node node, String key) {
    return scalar(
        node,
        key,
        s -> {
          Matcher m = SIZE.matcher(s.strip());
          if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 512, 16KiB, 1MiB");
          }
          long n = Long.parseLong(m.group(1));
          String unit = m.group(2) == null ? "B" : m.group(2);
          long scale =
              switch (unit) {
                case "KiB" -> 1L << 10;
                case "MiB" -> 1L << 20;
                case "GiB" -> 1L << 30;
                default -> 1;
              };
          if (n == 0 || n > Long.MAX_VALUE / scale) {
            throw new IllegalArgumentException("must be positive and not absurdly large");
          }
          return n * scale;
        });
  }

  private <T> List<T> list(
      Node node, String key, java.util.function.BiFunction<Node, String, T> item) {
    if (!(node instanceof SequenceNode s)) {
      problem(node.getStartMark(), key, "expected a list");
      return null;
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < s.getValue().size(); i++) {
      T t = item.apply(s.getValue().get(i), key + "[" + i + "]");
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  private Optional<Path> optionalPath(Map<String, NodeTuple> m, String key) {
    NodeTuple t = m.get(key);
    return t == null ? Optional.empty() : Optional.ofNullable(path(t.getValueNode(), key));
  }

  private Path requiredPath(Map<String, NodeTuple> m, Node parent, String key, String member) {
    NodeTuple t = m.get(member);
    if (t == null) {
      problem(parent.getStartMark(), key, "required");
      return null;
    }
    return path(t.getValueNode(), key);
  }

  private Path path(Node node, String key) {
    return scalar(
        node,
        key,
        s -> {
          if (s.isBlank() || s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("expected a path");
          }
          Path p =
              Path.of(s.startsWith("~/") ? System.getProperty("user.home") + s.substring(1) : s);
          return base.resolve(p).normalize();
        });
  }

  private void problem(Mark mark, String key, String message) {
    int line = mark == null ? 1 : mark.getLine() + 1;
    int column = mark == null ? 1 : mark.getColumn() + 1;
    problems.add(new ConfigException.Problem(file, line, column, key, message));
  }
}

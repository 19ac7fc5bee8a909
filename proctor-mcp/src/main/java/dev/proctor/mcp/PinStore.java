package dev.proctor.mcp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tool definitions an MCP server was first seen with, one file per server under the data
 * directory ({@code mcp/pins/<server>.json}), and the changed definitions seen since, waiting for
 * an operator. A tool is pinned on first sight; a later definition with another hash is never
 * pinned by the gateway — it is kept as a change until {@link #approve} makes it the pin (an MCP
 * "rug pull": OWASP AISVS tool pinning).
 *
 * <p>Why a lock file: the gateway and {@code proctor mcp pins approve} are different processes that
 * both read, change and rewrite the file; each does so under an exclusive lock on {@code
 * <server>.lock}, and writes the new file whole before moving it into place, so that a reader never
 * sees half a file. The file is Proctor's own format, read strictly: an unknown member is an error
 * naming the file, never ignored.
 */
public final class PinStore {

  /** The format name the file carries. */
  static final String FORMAT = "proctor.mcp.pins/1";

  /** What a server name may look like: it is part of {@code mcp__<server>__<tool>}. */
  static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]*(_[A-Za-z0-9.-]+)*");

  private static final Set<String> TOP_MEMBERS = Set.of("format", "server", "pinned", "changed");
  private static final Set<String> PIN_MEMBERS = Set.of("sha256", "at", "definition");

  /** One pinned or changed definition of a tool, and when it was pinned or seen. */
  public record Pin(String tool, String sha256, Instant at, JsonNode definition) {
    public Pin {
      requireNonNull(tool, "tool is null");
      requireNonNull(sha256, "sha256 is null");
      requireNonNull(at, "at is null");
      definition = requireNonNull(definition, "definition is null").deepCopy();
    }
  }

  /** A server's pins and the changed definitions awaiting approval, by tool name. */
  public record Pins(String server, Map<String, Pin> pinned, Map<String, Pin> changed) {
    public Pins {
      requireNonNull(server, "server is null");
      pinned = Map.copyOf(pinned);
      changed = Map.copyOf(changed);
    }
  }

  /** How a tool's definition compares with its pin. */
  enum Status {
    /** Seen for the first time, and pinned now. */
    PINNED_NOW,
    /** The same as its pin. */
    MATCHES,
    /** Different from its pin: the tool is blocked until an operator approves the change. */
    CHANGED
  }

  /**
   * A tool's definition held against its pin: the status, the pin's hash, and whether this change
   * is news (not yet on file), so that the gateway records each rug pull once.
   */
  record Observation(Status status, String pinnedSha256, boolean newChange) {}

  private final Path file;
  private final Path lock;
  private final String server;
  private final Clock clock;

  /**
   * The pin store of one server under a data directory's root.
   *
   * @throws IllegalArgumentException when the server name cannot be part of an MCP tool name
   */
  public PinStore(Path dataRoot, String server, Clock clock) {
    this.server = checkName(server);
    this.clock = requireNonNull(clock, "clock is null");
    Path dir = directory(dataRoot);
    this.file = dir.resolve(server + ".json");
    this.lock = dir.resolve(server + ".lock");
  }

  /** The directory of every server's pins under a data directory's root. */
  public static Path directory(Path dataRoot) {
    return dataRoot.resolve("mcp").resolve("pins");
  }

  /** The servers that have pins under a data directory's root, sorted. */
  public static List<String> servers(Path dataRoot) throws IOException {
    Path dir = directory(dataRoot);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .filter(n -> SERVER_NAME.matcher(n).matches())
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  /**
   * A server name fit for {@code mcp__<server>__<tool>}: letters, digits, dots, hyphens and single
   * underscores (a double underscore would end the server's part of the name).
   */
  public static String checkName(String server) {
    requireNonNull(server, "server is null");
    if (server.length() > 64 || !SERVER_NAME.matcher(server).matches()) {
      throw new IllegalArgumentException(
          "the server name '"
              + server
              + "' is not usable: 1 to 64 letters, digits, '.', '-' and single '_', starting with"
              + " a letter or digit");
    }
    return server;
  }

  /** The file the pins are kept in. */
  public Path file() {
    return file;
  }

  /** The pins on file now (none when the file does not exist yet). */
  public Pins read() throws IOException {
    return load();
  }

  /**
   * Holds the definitions of one {@code tools/list} answer against the pins: pins tools seen for
   * the first time, keeps each changed definition as a change awaiting approval, and returns how
   * each tool compares, by name.
   */
  Map<String, Observation> observe(List<ToolDefinition> tools) throws IOException {
    return locked(
        () -> {
          Pins now = load();
          Map<String, Pin> pinned = new TreeMap<>(now.pinned());
          Map<String, Pin> changed = new TreeMap<>(now.changed());
          Map<String, Observation> out = new TreeMap<>();
          Instant at = clock.instant();
          boolean dirty = false;
          for (ToolDefinition t : tools) {
            Pin pin = pinned.get(t.name());
            if (pin == null) {
              pinned.put(t.name(), new Pin(t.name(), t.sha256(), at, t.definition()));
              out.put(t.name(), new Observation(Status.PINNED_NOW, t.sha256(), false));
              dirty = true;
            } else if (pin.sha256().equals(t.sha256())) {
              out.put(t.name(), new Observation(Status.MATCHES, pin.sha256(), false));
            } else {
              Pin seen = changed.get(t.name());
              boolean news = seen == null || !seen.sha256().equals(t.sha256());
              if (news) {
                changed.put(t.name(), new Pin(t.name(), t.sha256(), at, t.definition()));
                dirty = true;
              }
              out.put(t.name(), new Observation(Status.CHANGED, pin.sha256(), news));
            }
          }
          if (dirty) {
            store(new Pins(server, pinned, changed));
          }
          return out;
        });
  }

  /** The hash a tool is pinned at now, read from the file (another process may have approved). */
  java.util.Optional<String> pinnedHash(String tool) throws IOException {
    Pin pin = load().pinned().get(tool);
    return pin == null ? java.util.Optional.empty() : java.util.Optional.of(pin.sha256());
  }

  /**
   * Makes the changed definition of a tool its pin, as an operator decided; returns the new pin.
   *
   * @throws IllegalArgumentException when no change of that tool awaits approval
   */
  public Pin approve(String tool) throws IOException {
    requireNonNull(tool, "tool is null");
    return locked(
        () -> {
          Pins now = load();
          Pin change = now.changed().get(tool);
          if (change == null) {
            throw new IllegalArgumentException(
                "no changed definition of tool '"
                    + tool
                    + "' awaits approval for server '"
                    + server
                    + "'"
                    + (now.pinned().containsKey(tool) ? " (it matches its pin)" : ""));
          }
          Map<String, Pin> pinned = new TreeMap<>(now.pinned());
          Map<String, Pin> changed = new TreeMap<>(now.changed());
          pinned.put(tool, change);
          changed.remove(tool);
          store(new Pins(server, pinned, changed));
          return change;
        });
  }

  private interface Locked<T> {
    T run() throws IOException;
  }

  private <T> T locked(Locked<T> work) throws IOException {
    Files.createDirectories(file.getParent());
    try (FileChannel ch =
        FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock held = ch.lock();
      try {
        return work.run();
      } finally {
        held.release();
      }
    }
  }

  private Pins load() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Pins(server, Map.of(), Map.of());
    }
    JsonNode root;
    try {
      root = JsonRpc.parse(bytes);
    } catch (IOException e) {
      throw bad("is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (!root.isObject()) {
      throw bad("is not a JSON object");
    }
    only(root, TOP_MEMBERS, "");
    if (!FORMAT.equals(root.path("format").asText(null))) {
      throw bad("has format '" + root.path("format").asText("") + "', expected '" + FORMAT + "'");
    }
    if (!server.equals(root.path("server").asText(null))) {
      throw bad("is for server '" + root.path("server").asText("") + "', not '" + server + "'");
    }
    return new Pins(server, pins(root, "pinned"), pins(root, "changed"));
  }

  private Map<String, Pin> pins(JsonNode root, String member) throws IOException {
    JsonNode node = root.get(member);
    if (node == null || !node.isObject()) {
      throw bad("lacks the object '" + member + "'");
    }
    Map<String, Pin> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String where = member + "." + e.getKey();
      JsonNode p = e.getValue();
      if (!p.isObject()) {
        throw bad("has '" + where + "' that is not an object");
      }
      only(p, PIN_MEMBERS, where + ".");
      JsonNode sha = p.get("sha256");
      JsonNode at = p.get("at");
      JsonNode def = p.get("definition");
      if (sha == null || !sha.isTextual() || !sha.textValue().matches("[0-9a-f]{64}")) {
        throw bad("has '" + where + ".sha256' that is not a SHA-256 in hex");
      }
      if (def == null || !def.isObject()) {
        throw bad("has '" + where + ".definition' that is not an object");
      }
      Instant when;
      try {
        when = Instant.parse(at == null ? "" : at.asText());
      } catch (DateTimeParseException ex) {
        throw bad("has '" + where + ".at' that is not an RFC 3339 time");
      }
      out.put(e.getKey(), new Pin(e.getKey(), sha.textValue(), when, def));
    }
    return out;
  }

  private void only(JsonNode node, Set<String> allowed, String prefix) throws IOException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw bad("has the unknown member '" + prefix + name + "'");
      }
    }
  }

  private IOException bad(String what) {
    return new IOException("the pin file " + file + " " + what + "; fix or remove it");
  }

  private void store(Pins pins) throws IOException {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("format", FORMAT);
    root.put("server", server);
    root.set("pinned", write(pins.pinned()));
    root.set("changed", write(pins.changed()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JsonRpc.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static ObjectNode write(Map<String, Pin> pins) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(pins)
        .forEach(
            (tool, pin) -> {
              ObjectNode p = out.putObject(tool);
              p.put("sha256", pin.sha256());
              p.put("at", pin.at().toString());
              p.set("definition", pin.definition());
            });
    return out;
  }
}

package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * A person's server sessions as {@code proctor login} stores them: one JSON file, {@code
 * $XDG_CONFIG_HOME/proctor/credentials.json} (else {@code ~/.config/proctor/credentials.json}),
 * mode 0600 in a 0700 directory, holding per server URL the user name, the session token, its CSRF
 * token and when it ends. The file is written whole and moved into place; one that others can read
 * is refused rather than used.
 */
final class Credentials {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One server's session. */
  record Session(String server, String user, String token, String csrf, String expires) {}

  private final Path file;

  Credentials(Path file) {
    this.file = file;
  }

  /** The file named by {@code --credentials}, else the one under the user's config directory. */
  static Credentials at(Path given) {
    if (given != null) {
      return new Credentials(given);
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return new Credentials(base.resolve("proctor").resolve("credentials.json"));
  }

  Path file() {
    return file;
  }

  /** A server URL as it is stored: without a trailing slash. */
  static String normalise(String server) {
    String s = server.strip();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw new IllegalArgumentException(
          "--server must be an http:// or https:// URL, was '" + server + "'");
    }
    return s;
  }

  /** The stored session for a server, if there is one. */
  Optional<Session> get(String server) throws IOException {
    JsonNode s = read().path("servers").path(normalise(server));
    if (!s.isObject()) {
      return Optional.empty();
    }
    return Optional.of(
        new Session(
            normalise(server),
            s.path("user").asText(),
            s.path("session").asText(),
            s.path("csrf").asText(),
            s.path("expires").asText()));
  }

  /** Stores (or replaces) a server's session. */
  void put(Session session) throws IOException {
    ObjectNode all = read();
    ObjectNode servers = all.get("servers") instanceof ObjectNode o ? o : all.putObject("servers");
    servers
        .putObject(session.server())
        .put("user", session.user())
        .put("session", session.token())
        .put("csrf", session.csrf())
        .put("expires", session.expires());
    write(all);
  }

  private ObjectNode read() throws IOException {
    if (!Files.exists(file)) {
      return JSON.createObjectNode();
    }
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ)
          || p.contains(PosixFilePermission.OTHERS_READ)
          || p.contains(PosixFilePermission.GROUP_WRITE)
          || p.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException(
            "the credentials file "
                + file
                + " is readable or writable by others ("
                + PosixFilePermissions.toString(p)
                + "); make it 0600 or log in again after removing it");
      }
    }
    JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    if (!(n instanceof ObjectNode o)) {
      throw new IOException("the credentials file " + file + " is not a JSON object");
    }
    return o;
  }

  private void write(ObjectNode all) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = true;
    if (!Files.exists(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                ".credentials",
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, ".credentials", ".tmp");
    try {
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all) + "\n");
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

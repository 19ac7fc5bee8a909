package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where Proctor keeps its state: {@code --data-dir}, else {@code $PROCTOR_HOME}, else {@code
 * ~/.proctor}. Inside: {@code proctor.db} (the SQLite store), {@code identity.db} (agents' keys,
 * people's accounts and sessions, hashed), {@code keys/signing.key} (the log's private key, mode
 * 0600), {@code keys/public/<key id>.pem} (every public key the log has used) and {@code
 * mirror/receipts.jsonl} (the independent copy of the log).
 */
public record DataDirectory(Path root) {

  public DataDirectory {
    root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
  }

  /** Resolves the directory from a command-line flag, the environment and the home directory. */
  public static DataDirectory resolve(
      Optional<Path> flag, Map<String, String> environment, Path userHome) {
    if (flag.isPresent()) {
      return new DataDirectory(flag.get());
    }
    String home = environment.get("PROCTOR_HOME");
    if (home != null && !home.isBlank()) {
      return new DataDirectory(Path.of(home));
    }
    return new DataDirectory(userHome.resolve(".proctor"));
  }

  /** Resolves from the flag, the process environment and {@code user.home}. */
  public static DataDirectory resolve(Optional<Path> flag) {
    return resolve(flag, System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The SQLite database file. */
  public Path database() {
    return root.resolve("proctor.db");
  }

  /** The SQLite database of agents' keys, people's accounts and sessions (hashed secrets only). */
  public Path identity() {
    return root.resolve("identity.db");
  }

  /** The directory of key files. */
  public Path keys() {
    return root.resolve("keys");
  }

  /** The log's current private signing key. */
  public Path signingKey() {
    return keys().resolve("signing.key");
  }

  /** The directory of every public key the log has signed with. */
  public Path publicKeys() {
    return keys().resolve("public");
  }

  /**
   * The directory of key-use records: per key, the largest checkpoint it signed ({@code <key
   * id>.json}), kept beside the keys so that an emptied log shows it was used.
   */
  public Path keyUses() {
    return keys().resolve("used");
  }

  /** The mirror file: every receipt and checkpoint, one JSON line each. */
  public Path mirror() {
    return root.resolve("mirror").resolve("receipts.jsonl");
  }

  /** The witness's own state directory (its key and the checkpoints it has seen). */
  public Path witness() {
    return root.resolve("witness");
  }
}

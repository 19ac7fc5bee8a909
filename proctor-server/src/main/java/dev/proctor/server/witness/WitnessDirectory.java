package dev.proctor.server.witness;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where a witness keeps its state, normally {@code <data dir>/witness}: {@code keys/witness.key}
 * (its private key, mode 0600), {@code keys/public/<key id>.pem} (its public key, to hand to log
 * operators), {@code trusted/} (public keys of the logs it witnesses), {@code logs/<log id>.json}
 * (the latest checkpoint it co-signed per log), {@code forks/} (evidence of refused forks) and
 * {@code log-keys/<log id>.json} (every key that signed each log, or that a handover of the log
 * named) and {@code enrolled/<log id>.json} (log ids an operator enrolled although their key signs
 * another log, or after a refusal).
 */
public record WitnessDirectory(Path root) {

  public WitnessDirectory {
    root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
  }

  /** The witness's private key. */
  public Path signingKey() {
    return root.resolve("keys").resolve("witness.key");
  }

  /** The directory holding the witness's public key as {@code <key id>.pem}. */
  public Path publicKeys() {
    return root.resolve("keys").resolve("public");
  }

  /** The directory of trusted log public keys read at start-up, besides those given as options. */
  public Path trustedLogKeys() {
    return root.resolve("trusted");
  }

  /** The directory of the latest co-signed checkpoint of each log. */
  public Path logs() {
    return root.resolve("logs");
  }

  /** The directory of fork evidence files. */
  public Path forks() {
    return root.resolve("forks");
  }

  /**
   * The directory of the keys of each log the witness holds: those that signed it or were handed
   * it.
   */
  public Path logKeys() {
    return root.resolve("log-keys");
  }

  /** The directory of enrolled log ids. */
  public Path enrolled() {
    return root.resolve("enrolled");
  }
}

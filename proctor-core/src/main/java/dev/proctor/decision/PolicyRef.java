package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

/** Which policy a decision came from: its id, its version and the SHA-256 digest of its text. */
public record PolicyRef(String id, String version, String digest) {

  /** The reference when no policy is loaded: id, version and digest {@code none}. */
  public static final PolicyRef NONE = new PolicyRef("none", "none", "none");

  public PolicyRef {
    requireNonNull(id, "id is null");
    requireNonNull(version, "version is null");
    requireNonNull(digest, "digest is null");
  }
}

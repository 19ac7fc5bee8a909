package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

/** Which policy a decision came from: its id, its version and the SHA-256 digest of its text. */
public record PolicyRef(String id, String version, String digest) {

  public PolicyRef {
    requireNonNull(id, "id is null");
    requireNonNull(version, "version is null");
    requireNonNull(digest, "digest is null");
  }

  /**
   * The reference when no policy was loaded: id and version {@code none}, the decision's digest.
   */
  public static PolicyRef none(String digest) {
    return new PolicyRef("none", "none", digest);
  }
}

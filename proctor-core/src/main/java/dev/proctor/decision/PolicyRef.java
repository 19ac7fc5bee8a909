package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Which policy a decision came from: its id, its version, the SHA-256 digest of its text and, when
 * it {@code extends} an organisation baseline, the baseline's own reference (which may have a
 * baseline in turn). The digest of a policy with a baseline covers the baseline's digest too, so a
 * changed baseline is a changed policy.
 */
public record PolicyRef(String id, String version, String digest, Optional<PolicyRef> baseline) {

  /** The reference when no policy is loaded: id, version and digest {@code none}. */
  public static final PolicyRef NONE = new PolicyRef("none", "none", "none");

  public PolicyRef {
    requireNonNull(id, "id is null");
    requireNonNull(version, "version is null");
    requireNonNull(digest, "digest is null");
    requireNonNull(baseline, "baseline is null");
  }

  /** A reference to a policy that extends no baseline. */
  public PolicyRef(String id, String version, String digest) {
    this(id, version, digest, Optional.empty());
  }
}

package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A person's TOTP authenticator as the identity store keeps it: the shared secret (base32), whether
 * it is active (confirmed with a first valid code; a pending one steps nobody up), the newest time
 * step a code was accepted for ({@link Long#MIN_VALUE} before the first), and when it was enrolled.
 */
public record TotpEnrollment(
    String user, String secret, boolean active, long lastStep, Instant created) {

  public TotpEnrollment {
    requireNonNull(user, "user is null");
    requireNonNull(secret, "secret is null");
    requireNonNull(created, "created is null");
  }
}

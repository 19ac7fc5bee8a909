package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A person's logged-in session as the store keeps it: the SHA-256 of the session token (the token
 * itself lives only in the person's cookie), who, when it began and when it was last used — the
 * server ends it after an idle time and after an absolute time.
 */
public record PersonSession(String idHash, String user, Instant created, Instant lastSeen) {

  public PersonSession {
    requireNonNull(idHash, "idHash is null");
    requireNonNull(user, "user is null");
    requireNonNull(created, "created is null");
    requireNonNull(lastSeen, "lastSeen is null");
  }
}

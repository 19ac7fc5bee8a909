package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/**
 * A person who can log in: name, the password's slow hash in PHC string format (the hash only; the
 * password is never stored), roles, and whether the account is disabled (a disabled account keeps
 * its name, so the log's references to it stay meaningful, and logs nobody in).
 */
public record UserAccount(
    String name, String passwordHash, List<String> roles, boolean disabled, Instant created) {

  public UserAccount {
    requireNonNull(name, "name is null");
    requireNonNull(passwordHash, "passwordHash is null");
    roles = List.copyOf(new TreeSet<>(requireNonNull(roles, "roles is null")));
    requireNonNull(created, "created is null");
  }

  /** The same account with another password hash. */
  public UserAccount withPasswordHash(String hash) {
    return new UserAccount(name, hash, roles, disabled, created);
  }

  /** The same account, disabled. */
  public UserAccount asDisabled() {
    return new UserAccount(name, passwordHash, roles, true, created);
  }
}

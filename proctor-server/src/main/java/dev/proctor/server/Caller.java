package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import dev.proctor.store.AgentKey;
import dev.proctor.store.PersonSession;
import dev.proctor.store.UserAccount;
import java.util.Set;

/** Who an authenticated request comes from: an agent (by its API key) or a logged-in person. */
sealed interface Caller {

  /** The name the caller is recorded under. */
  String name();

  /** True when the caller's roles allow the permission. */
  boolean allows(Role.Permission permission);

  /** An agent, authenticated by its API key; it holds the {@code agent} role only. */
  record Agent(AgentKey key) implements Caller {
    public Agent {
      requireNonNull(key, "key is null");
    }

    @Override
    public String name() {
      return key.name();
    }

    @Override
    public boolean allows(Role.Permission permission) {
      return Role.AGENT.allows(permission);
    }
  }

  /** A person, authenticated by a session cookie; {@code csrf} is the session's CSRF token. */
  record Person(UserAccount user, Set<Role> roles, PersonSession session, String csrf)
      implements Caller {
    public Person {
      requireNonNull(user, "user is null");
      roles = Set.copyOf(requireNonNull(roles, "roles is null"));
      requireNonNull(session, "session is null");
      requireNonNull(csrf, "csrf is null");
    }

    @Override
    public String name() {
      return user.name();
    }

    @Override
    public boolean allows(Role.Permission permission) {
      return roles.stream().anyMatch(r -> r.allows(permission));
    }
  }
}

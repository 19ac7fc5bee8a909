package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import dev.proctor.Proctor;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.WitnessPublisher;
import dev.proctor.policy.PolicyWatcher;
import java.time.Clock;
import java.util.Optional;

/**
 * What a server serves: the one {@link Proctor} every surface decides through, the identities it
 * authenticates against, the policy watcher and witness publisher when configured, the log's public
 * keys (for verification) and the clock. The server owns and closes them.
 */
public record Services(
    Proctor proctor,
    Identities identities,
    Optional<PolicyWatcher> watcher,
    Optional<WitnessPublisher> witnesses,
    KeyRing logKeys,
    Clock clock) {

  public Services {
    requireNonNull(proctor, "proctor is null");
    requireNonNull(identities, "identities is null");
    requireNonNull(watcher, "watcher is null");
    requireNonNull(witnesses, "witnesses is null");
    requireNonNull(logKeys, "logKeys is null");
    requireNonNull(clock, "clock is null");
  }
}

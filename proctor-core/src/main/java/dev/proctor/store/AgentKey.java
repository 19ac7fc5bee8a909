package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An agent's API key as the identity store keeps it — never the key itself, only the SHA-256 of its
 * secret part — with the identity the key binds: the agent's name, its groups, the person who
 * sponsors it ({@code owner}) and its tenant. A revoked key stays listed with the time it was
 * revoked, and authenticates nothing.
 */
public record AgentKey(
    String name,
    String keyId,
    String secretHash,
    List<String> groups,
    Optional<String> owner,
    Optional<String> tenant,
    Instant created,
    Optional<Instant> revoked) {

  public AgentKey {
    requireNonNull(name, "name is null");
    requireNonNull(keyId, "keyId is null");
    requireNonNull(secretHash, "secretHash is null");
    groups = List.copyOf(new TreeSet<>(requireNonNull(groups, "groups is null")));
    requireNonNull(owner, "owner is null");
    requireNonNull(tenant, "tenant is null");
    requireNonNull(created, "created is null");
    requireNonNull(revoked, "revoked is null");
  }

  /** True while the key authenticates: it has not been revoked. */
  public boolean active() {
    return revoked.isEmpty();
  }

  /** The same key, revoked at a time. */
  public AgentKey revokedAt(Instant time) {
    return new AgentKey(name, keyId, secretHash, groups, owner, tenant, created, Optional.of(time));
  }
}

package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.Principal;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who the policy's principals are: the agents, humans and services of {@code principals.yaml} in
 * the policy directory, with their groups, roles, typed attributes and (for agents and services)
 * the human who sponsors them. It is the embedded mode's trusted identity source: a request names
 * only ids, and what the policy reads about an id comes from here, never from the request.
 *
 * <pre>{@code
 * Identity who = policy.principals().resolve(call.principal());
 * boolean refunds = who.roles().contains("refunds");
 * }</pre>
 */
public final class PrincipalDirectory {

  /** The directory of a policy without a principals file: nobody is registered. */
  public static final PrincipalDirectory EMPTY =
      new PrincipalDirectory(Map.of(), Map.of(), Map.of());

  /** What a principal is. */
  public enum Kind {
    AGENT,
    HUMAN,
    SERVICE;

    /** The name used in {@code principals.yaml} and in {@code principal.kind}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One registered principal: groups and roles (sorted), attributes (string, {@code Long}, {@code
   * Double}, boolean, or a list of strings) and the sponsoring human, if any.
   */
  public record Entry(
      Kind kind,
      String id,
      List<String> groups,
      List<String> roles,
      Map<String, Object> attributes,
      Optional<String> sponsor,
      SourcePosition position) {
    public Entry {
      requireNonNull(kind, "kind is null");
      requireNonNull(id, "id is null");
      groups = List.copyOf(new TreeSet<>(requireNonNull(groups, "groups is null")));
      roles = List.copyOf(new TreeSet<>(requireNonNull(roles, "roles is null")));
      attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
      requireNonNull(sponsor, "sponsor is null");
      requireNonNull(position, "position is null");
    }
  }

  /**
   * What the policy knows about the principal of a request: the entry of the acting principal (the
   * agent when the request names one, else the service, else the human), with the groups a trusted
   * binder (an authenticated API key) already gave the principal added to the entry's.
   */
  public record Identity(
      Optional<Entry> entry,
      List<String> groups,
      List<String> roles,
      Map<String, Object> attributes) {
    public Identity {
      requireNonNull(entry, "entry is null");
      groups = sortedSet(requireNonNull(groups, "groups is null"));
      roles = sortedSet(requireNonNull(roles, "roles is null"));
      attributes = Map.copyOf(requireNonNull(attributes, "attributes is null"));
    }

    /** Whether the acting principal is in the principals file. */
    public boolean registered() {
      return entry.isPresent();
    }

    /** The sponsoring human of the acting principal, if it has one. */
    public Optional<String> sponsor() {
      return entry.flatMap(Entry::sponsor);
    }
  }

  /** The identity of an unregistered principal that no binder gave groups. */
  private static final Identity NOBODY =
      new Identity(Optional.empty(), List.of(), List.of(), Map.of());

  private final Map<String, Entry> agents;
  private final Map<String, Entry> humans;
  private final Map<String, Entry> services;

  /**
   * The identity of each entry's principal when no binder added groups — the common case, built
   * once so that a decision does not rebuild it. Read-only after construction.
   */
  private final IdentityHashMap<Entry, Identity> identities = new IdentityHashMap<>();

  PrincipalDirectory(
      Map<String, Entry> agents, Map<String, Entry> humans, Map<String, Entry> services) {
    this.agents = Map.copyOf(agents);
    this.humans = Map.copyOf(humans);
    this.services = Map.copyOf(services);
    for (Map<String, Entry> m : List.of(this.agents, this.humans, this.services)) {
      m.values()
          .forEach(
              e ->
                  identities.put(
                      e, new Identity(Optional.of(e), e.groups(), e.roles(), e.attributes())));
    }
  }

  /**
   * The items sorted, each once, as an immutable list: the list itself when it already is one (as
   * the entries' and the cached identities' lists are), so that no decision sorts them again.
   */
  private static List<String> sortedSet(List<String> items) {
    for (int i = 1; i < items.size(); i++) {
      if (items.get(i - 1).compareTo(items.get(i)) >= 0) {
        return List.copyOf(new TreeSet<>(items));
      }
    }
    return List.copyOf(items);
  }

  /** The registered principal of a kind and id. */
  public Optional<Entry> find(Kind kind, String id) {
    requireNonNull(id, "id is null");
    return Optional.ofNullable(
        switch (requireNonNull(kind, "kind is null")) {
          case AGENT -> agents.get(id);
          case HUMAN -> humans.get(id);
          case SERVICE -> services.get(id);
        });
  }

  /** Whether no principal is registered. */
  public boolean isEmpty() {
    return agents.isEmpty() && humans.isEmpty() && services.isEmpty();
  }

  /** Every group some registered principal is in, sorted. */
  public java.util.Set<String> groups() {
    java.util.Set<String> out = new TreeSet<>();
    for (Map<String, Entry> m : List.of(agents, humans, services)) {
      m.values().forEach(e -> out.addAll(e.groups()));
    }
    return out;
  }

  /** Every role some registered principal has, sorted. */
  public java.util.Set<String> roles() {
    java.util.Set<String> out = new TreeSet<>();
    for (Map<String, Entry> m : List.of(agents, humans, services)) {
      m.values().forEach(e -> out.addAll(e.roles()));
    }
    return out;
  }

  /**
   * What the policy knows about a principal. A sub-agent {@code parent/child} without an entry of
   * its own acts with its parent's entry, which it never exceeds.
   */
  public Identity resolve(Principal principal) {
    Optional<Entry> entry = Optional.empty();
    if (principal.agent().isPresent()) {
      String a = principal.agent().get();
      entry = Optional.ofNullable(agents.get(a));
      int slash = a.indexOf('/');
      if (entry.isEmpty() && slash > 0) {
        entry = Optional.ofNullable(agents.get(a.substring(0, slash)));
      }
    } else if (principal.service().isPresent()) {
      entry = Optional.ofNullable(services.get(principal.service().get()));
    } else if (principal.human().isPresent()) {
      entry = Optional.ofNullable(humans.get(principal.human().get()));
    }
    if (entry.isEmpty()) {
      return principal.groups().isEmpty()
          ? NOBODY
          : new Identity(Optional.empty(), principal.groups(), List.of(), Map.of());
    }
    if (principal.groups().isEmpty()) {
      return identities.get(entry.get());
    }
    TreeSet<String> groups = new TreeSet<>(principal.groups());
    groups.addAll(entry.get().groups());
    return new Identity(entry, List.copyOf(groups), entry.get().roles(), entry.get().attributes());
  }
}

package dev.proctor.action;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who asks for an action: the human behind it, the agent, the service, the session, the tenant, the
 * chain of agents that delegated to this one (outermost first), and the groups a trusted identity
 * source puts the requester in (an authenticated API key; never the request itself), sorted.
 */
public record Principal(
    Optional<String> human,
    Optional<String> agent,
    Optional<String> service,
    Optional<String> session,
    Optional<String> tenant,
    List<String> delegationChain,
    List<String> groups) {

  /** A principal nobody has identified; policies see every field as absent. */
  public static final Principal ANONYMOUS =
      new Principal(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          List.of());

  public Principal {
    requireNonNull(human, "human is null");
    requireNonNull(agent, "agent is null");
    requireNonNull(service, "service is null");
    requireNonNull(session, "session is null");
    requireNonNull(tenant, "tenant is null");
    delegationChain = List.copyOf(requireNonNull(delegationChain, "delegationChain is null"));
    groups = List.copyOf(new TreeSet<>(requireNonNull(groups, "groups is null")));
  }

  /** A principal in no groups. */
  public Principal(
      Optional<String> human,
      Optional<String> agent,
      Optional<String> service,
      Optional<String> session,
      Optional<String> tenant,
      List<String> delegationChain) {
    this(human, agent, service, session, tenant, delegationChain, List.of());
  }

  /** The same principal in another session. */
  public Principal withSession(String newSession) {
    return new Principal(
        human,
        agent,
        service,
        Optional.of(requireNonNull(newSession, "newSession is null")),
        tenant,
        delegationChain,
        groups);
  }

  /** A principal naming only an agent and its session, the common case for a coding agent. */
  public static Principal agentSession(String agent, String session) {
    return new Principal(
        Optional.empty(),
        Optional.of(agent),
        Optional.empty(),
        Optional.of(session),
        Optional.empty(),
        List.of());
  }
}

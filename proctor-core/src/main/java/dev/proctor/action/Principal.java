package dev.proctor.action;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * Who asks for an action: the human behind it, the agent, the service, the session, the tenant, and
 * the chain of agents that delegated to this one (outermost first).
 */
public record Principal(
    Optional<String> human,
    Optional<String> agent,
    Optional<String> service,
    Optional<String> session,
    Optional<String> tenant,
    List<String> delegationChain) {

  /** A principal nobody has identified; policies see every field as absent. */
  public static final Principal ANONYMOUS =
      new Principal(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of());

  public Principal {
    requireNonNull(human, "human is null");
    requireNonNull(agent, "agent is null");
    requireNonNull(service, "service is null");
    requireNonNull(session, "session is null");
    requireNonNull(tenant, "tenant is null");
    delegationChain = List.copyOf(requireNonNull(delegationChain, "delegationChain is null"));
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

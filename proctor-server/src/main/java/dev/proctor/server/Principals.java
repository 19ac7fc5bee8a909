package dev.proctor.server;

import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.store.AgentKey;
import java.util.List;
import java.util.Optional;

/**
 * Binds a call to the identity its API key stands for. The key decides who asks — the agent's name,
 * its sponsor ({@code human}), its tenant and groups; a request's own principal can only narrow
 * that: name a session, or a sub-agent of the key's agent ({@code <agent>/<sub-agent>}, recorded
 * with the agent in the delegation chain). A request that names anyone else is refused.
 */
final class Principals {

  private Principals() {}

  /** The call of an API request under the key's identity; refuses one that claims another. */
  static ToolCall bindRequest(ToolCall call, AgentKey key) throws HttpError {
    Principal p = call.principal();
    same("human", p.human(), key.owner());
    same("tenant", p.tenant(), key.tenant());
    if (p.service().isPresent()) {
      throw claims("service", p.service().get(), key);
    }
    if (!p.delegationChain().isEmpty()) {
      throw claims("delegationChain", String.join(",", p.delegationChain()), key);
    }
    Optional<String> sub = Optional.empty();
    if (p.agent().isPresent() && !p.agent().get().equals(key.name())) {
      String a = p.agent().get();
      if (!a.startsWith(key.name() + "/") || a.length() == key.name().length() + 1) {
        throw claims("agent", a, key);
      }
      sub = Optional.of(a.substring(key.name().length() + 1));
    }
    if (p.session().isPresent() && p.session().get().length() > 256) {
      throw new HttpError(400, "bad-request", "/principal/session: longer than 256 characters");
    }
    return call.withPrincipal(bound(key, sub, p.session()));
  }

  /**
   * The call a harness hook describes under the key's identity: the harness named itself (or one of
   * its sub-agents) as the agent; the key's agent takes its place, the sub-agent kept below it.
   */
  static ToolCall bindHook(ToolCall call, AgentKey key) {
    Optional<String> sub =
        call.principal()
            .agent()
            .filter(a -> a.startsWith(call.surface() + "/"))
            .map(a -> a.substring(call.surface().length() + 1));
    return call.withPrincipal(bound(key, sub, call.principal().session()));
  }

  private static Principal bound(AgentKey key, Optional<String> sub, Optional<String> session) {
    return new Principal(
        key.owner(),
        Optional.of(sub.map(s -> key.name() + "/" + s).orElse(key.name())),
        Optional.empty(),
        session,
        key.tenant(),
        sub.isPresent() ? List.of(key.name()) : List.of(),
        key.groups());
  }

  private static void same(String field, Optional<String> claimed, Optional<String> bound)
      throws HttpError {
    if (claimed.isPresent() && !claimed.equals(bound)) {
      throw HttpError.auth(
          403,
          "principal-mismatch",
          "/principal/"
              + field
              + ": the API key does not let this agent act as '"
              + claimed.get()
              + "'");
    }
  }

  private static HttpError claims(String field, String value, AgentKey key) {
    return HttpError.auth(
        403,
        "principal-mismatch",
        "/principal/"
            + field
            + ": agent '"
            + key.name()
            + "' cannot act as '"
            + value
            + "'; only a session or a sub-agent '"
            + key.name()
            + "/…' may be named");
  }
}

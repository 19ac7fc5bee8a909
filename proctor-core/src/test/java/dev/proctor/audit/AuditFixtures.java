package dev.proctor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Obligation;
import dev.proctor.decision.PolicyRef;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Requests, decisions, policies and keys for audit tests, shared through the test jar. */
public final class AuditFixtures {

  /** A fixed instant for deterministic receipts. */
  public static final Instant T0 = Instant.parse("2026-11-26T10:15:30.120Z");

  /** The policy every fixture decision names. */
  public static final PolicyRef POLICY = new PolicyRef("team-policy", "7", "a".repeat(64));

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AuditFixtures() {}

  /** A shell request with the given id. */
  public static ActionRequest request(String id) {
    return request(
        id, "{\"command\":\"git push origin main\",\"timeout\":1.5,\"token\":\"s3cr3t\"}");
  }

  /** A shell request with the given id and JSON arguments. */
  public static ActionRequest request(String id, String argumentsJson) {
    return new ActionRequest(
        id,
        T0,
        new Principal(
            Optional.of("alice@example.com"),
            Optional.of("claude-code"),
            Optional.empty(),
            Optional.of("sess-1"),
            Optional.of("acme"),
            List.of("planner-agent")),
        "claude-code",
        "Bash",
        "exec",
        json(argumentsJson),
        Classification.of("shell.exec"),
        Set.of(),
        Map.of("scope", "repo:acme/web"));
  }

  /** Parses JSON text. */
  public static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An allow by rule {@code allow-git} that asks to redact {@code /token}. */
  public static Decision allow() {
    return new Decision.Allow(
        new Decision.Basis(
            "git push to main is allowed for this team",
            List.of("allow-git"),
            POLICY,
            List.of(new Obligation.Redact(List.of("/token")))));
  }

  /** A deny by rule {@code no-force}. */
  public static Decision deny() {
    return new Decision.Deny(
        new Decision.Basis("force push is denied", List.of("no-force"), POLICY, List.of()));
  }

  /** A fresh Ed25519 signer. */
  public static CheckpointSigner signer() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new CheckpointSigner(pair.getPrivate(), pair.getPublic());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The full lifecycle of an allowed, executed action, as events. */
  public static List<LifecycleEvent> allowedAndSucceeded(String actionId) {
    ActionRequest r = request(actionId);
    Decision d = allow();
    ActionRecord a = ActionRecord.of(r, d.obligations());
    return List.of(
        new LifecycleEvent.Requested(a),
        new LifecycleEvent.Decided(a, DecisionRecord.of(d)),
        new LifecycleEvent.Executing(a),
        new LifecycleEvent.Finished(
            a,
            dev.proctor.lifecycle.LifecycleState.SUCCEEDED,
            Outcome.ofOutput(
                Optional.of(0L), "ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
  }
}

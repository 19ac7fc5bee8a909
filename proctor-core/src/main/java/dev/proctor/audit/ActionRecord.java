package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.Principal;
import dev.proctor.decision.Obligation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The action part of a receipt: the action's id, time, surface, tool, operation and class, its
 * digest, the requester (human, agent, service, session, tenant, scope and delegation chain) and
 * the parameters as they may be recorded — with each value a redaction obligation names replaced by
 * {@code "[redacted sha256:<hex>]"}, and fractional numbers written as strings so that a receipt
 * holds no floating-point number. {@code parametersDigest} is SHA-256 over the canonical JSON of
 * the original parameters. {@code payloadDigest} is SHA-256 over the raw bytes the surface received
 * (a harness hook's payload, with members Proctor ignores), when the surface gives it.
 */
public record ActionRecord(
    String id,
    Instant time,
    String surface,
    String tool,
    String operation,
    String actionClass,
    String digest,
    Principal requester,
    Optional<String> scope,
    JsonNode parameters,
    String parametersDigest,
    List<String> redacted,
    Optional<String> payloadDigest) {

  public ActionRecord {
    requireNonNull(id, "id is null");
    requireNonNull(time, "time is null");
    requireNonNull(surface, "surface is null");
    requireNonNull(tool, "tool is null");
    requireNonNull(operation, "operation is null");
    requireNonNull(actionClass, "actionClass is null");
    requireNonNull(digest, "digest is null");
    requireNonNull(requester, "requester is null");
    requireNonNull(scope, "scope is null");
    parameters = requireNonNull(parameters, "parameters is null").deepCopy();
    requireNonNull(parametersDigest, "parametersDigest is null");
    redacted = List.copyOf(requireNonNull(redacted, "redacted is null"));
    requireNonNull(payloadDigest, "payloadDigest is null");
  }

  /**
   * The record of a request, redacting what the decision's {@link Obligation.Redact} obligations
   * name (JSON pointers into the arguments; the empty pointer redacts them all). The scope comes
   * from the request context key {@code scope} when present, the payload digest from {@code
   * payload_digest}.
   */
  public static ActionRecord of(ActionRequest request, List<Obligation> obligations) {
    List<String> pointers = new ArrayList<>();
    for (Obligation o : obligations) {
      if (o instanceof Obligation.Redact r) {
        pointers.addAll(r.pointers());
      }
    }
    JsonNode params = withoutFractions(request.arguments());
    List<String> applied = new ArrayList<>();
    for (String pointer : pointers.stream().distinct().sorted().toList()) {
      if (pointer.isEmpty()) {
        params = redaction(request.arguments());
        applied.clear();
        applied.add(pointer);
        break;
      }
      if (redact(params, JsonPointer.compile(pointer), request.arguments())) {
        applied.add(pointer);
      }
    }
    return new ActionRecord(
        request.id(),
        request.time(),
        request.surface(),
        request.tool(),
        request.operation(),
        request.actionClass(),
        request.digest(),
        request.principal(),
        request.contextString("scope"),
        params,
        CanonicalJson.sha256Hex(request.arguments()),
        applied,
        request.contextString("payload_digest"));
  }

  private static boolean redact(JsonNode params, JsonPointer pointer, JsonNode original) {
    JsonNode value = original.at(pointer);
    if (value.isMissingNode()) {
      return false;
    }
    JsonNode parent = params.at(pointer.head());
    String last = pointer.last().getMatchingProperty();
    if (parent instanceof ObjectNode o) {
      o.set(last, redaction(value));
      return true;
    }
    if (parent instanceof ArrayNode a) {
      a.set(pointer.last().getMatchingIndex(), redaction(value));
      return true;
    }
    return false;
  }

  private static TextNode redaction(JsonNode value) {
    return TextNode.valueOf("[redacted sha256:" + CanonicalJson.sha256Hex(value) + "]");
  }

  /** A copy of a JSON value with every non-integer number replaced by its canonical string. */
  static JsonNode withoutFractions(JsonNode node) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (node.isNumber() && !node.isIntegralNumber()) {
      double d = node.isBigDecimal() ? node.decimalValue().doubleValue() : node.doubleValue();
      return f.textNode(CanonicalJson.formatDouble(d));
    }
    if (node.isObject()) {
      ObjectNode o = f.objectNode();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        o.set(e.getKey(), withoutFractions(e.getValue()));
      }
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = f.arrayNode();
      node.forEach(v -> a.add(withoutFractions(v)));
      return a;
    }
    return node.deepCopy();
  }
}

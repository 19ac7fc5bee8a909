package dev.proctor.action;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The one envelope every surface turns an agent's action into: who asks, through which surface,
 * which tool with which arguments, and what the classifiers found (class, targets, labels, tags).
 *
 * <p>The {@link #digest()} covers only the fields that define the action — principal, surface,
 * tool, operation and arguments — so an approval bound to it breaks when any of them changes, while
 * the id and time of a retry do not matter. The arguments node is shared, not copied: treat it as
 * read-only.
 */
public record ActionRequest(
    String id,
    Instant time,
    Principal principal,
    String surface,
    String tool,
    String operation,
    JsonNode arguments,
    Classification classification,
    Set<String> labels,
    Map<String, Object> context) {

  public ActionRequest {
    requireNonNull(id, "id is null");
    requireNonNull(time, "time is null");
    requireNonNull(principal, "principal is null");
    requireNonNull(surface, "surface is null");
    requireNonNull(tool, "tool is null");
    requireNonNull(operation, "operation is null");
    requireNonNull(arguments, "arguments is null");
    requireNonNull(classification, "classification is null");
    labels = Set.copyOf(requireNonNull(labels, "labels is null"));
    context = ContextValues.copy(requireNonNull(context, "context is null"));
  }

  /** The class the action is gated at. */
  public String actionClass() {
    return classification.actionClass();
  }

  /** A context entry that is a string; empty when absent or of another type. */
  public java.util.Optional<String> contextString(String key) {
    return context.get(key) instanceof String s
        ? java.util.Optional.of(s)
        : java.util.Optional.empty();
  }

  /** The fields that define the action, as the JSON object the digest is taken over. */
  public ObjectNode definingFields() {
    return definingFields(principal, surface, tool, operation, arguments);
  }

  /** The fields that define an action, as the JSON object its digest is taken over. */
  static ObjectNode definingFields(
      Principal principal, String surface, String tool, String operation, JsonNode arguments) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode p = f.objectNode();
    principal.human().ifPresent(v -> p.put("human", v));
    principal.agent().ifPresent(v -> p.put("agent", v));
    principal.service().ifPresent(v -> p.put("service", v));
    principal.session().ifPresent(v -> p.put("session", v));
    principal.tenant().ifPresent(v -> p.put("tenant", v));
    if (!principal.delegationChain().isEmpty()) {
      principal.delegationChain().forEach(p.putArray("delegationChain")::add);
    }
    if (!principal.groups().isEmpty()) {
      principal.groups().forEach(p.putArray("groups")::add);
    }
    ObjectNode o = f.objectNode();
    o.set("principal", p);
    o.put("surface", surface);
    o.put("tool", tool);
    o.put("operation", operation);
    o.set("arguments", arguments);
    return o;
  }

  /** SHA-256 (lower-case hex) over the RFC 8785 canonical JSON of {@link #definingFields()}. */
  public String digest() {
    return CanonicalJson.sha256Hex(definingFields());
  }

  /** The same request under another id (a refusal recorded apart from a clashing one). */
  public ActionRequest withId(String newId) {
    return new ActionRequest(
        newId,
        time,
        principal,
        surface,
        tool,
        operation,
        arguments,
        classification,
        labels,
        context);
  }
}

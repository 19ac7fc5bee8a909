package dev.proctor.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CEL variables of one request, computed lazily: a condition that reads only {@code class}
 * never pays for converting the arguments. One view serves every rule evaluated for the request,
 * and caches what it computed. A declared variable the request lacks ({@code cwd} without a working
 * directory) resolves to nothing, which CEL reports as an error: the rule fails closed.
 */
final class RequestView implements CelVariableResolver {

  private final ActionRequest request;
  private final Map<String, List<String>> allowlist;
  private final Map<String, Optional<Object>> cache = new java.util.HashMap<>(8);

  RequestView(ActionRequest request, Map<String, List<String>> allowlist) {
    this.request = request;
    this.allowlist = allowlist;
  }

  @Override
  public Optional<Object> find(String name) {
    Optional<Object> v = cache.get(name);
    if (v == null) {
      v = compute(name);
      cache.put(name, v);
    }
    return v;
  }

  /** Whether a request set of strings ({@code tags}, {@code labels}, {@code classes}) has it. */
  boolean setContains(String list, String value) {
    return switch (list) {
      case "tags" -> request.classification().tags().contains(value);
      case "labels" ->
          request.labels().contains(value) || request.classification().labels().contains(value);
      case "classes" -> request.classification().classes().contains(value);
      default -> throw new IllegalArgumentException("not a request set: " + list);
    };
  }

  /** The class the request is gated at ({@code class}). */
  String actionClass() {
    return request.actionClass();
  }

  /** Whether a request list variable is empty. */
  boolean listIsEmpty(String list) {
    return switch (list) {
      case "tags" -> request.classification().tags().isEmpty();
      case "classes" -> request.classification().classes().isEmpty();
      case "targets" -> request.classification().targets().isEmpty();
      case "delegation_chain" -> request.principal().delegationChain().isEmpty();
      case "labels" -> request.labels().isEmpty() && request.classification().labels().isEmpty();
      case "paths", "urls", "domains", "branches" -> ((List<?>) find(list).orElseThrow()).isEmpty();
      default -> throw new IllegalArgumentException("not a request list: " + list);
    };
  }

  private Optional<Object> compute(String name) {
    return switch (name) {
      case "tool" -> Optional.of(request.tool());
      case "operation" -> Optional.of(request.operation());
      case "surface" -> Optional.of(request.surface());
      case "class" -> Optional.of(request.actionClass());
      case "classes" ->
          Optional.of(List.copyOf(new java.util.TreeSet<>(request.classification().classes())));
      case "arguments" -> Optional.of(toCel(request.arguments()));
      case "targets" -> Optional.of(targets());
      case "paths" -> Optional.of(targetValues(Target.Kind.PATH));
      case "urls" -> Optional.of(targetValues(Target.Kind.URL));
      case "domains" -> Optional.of(domains());
      case "branches" -> Optional.of(targetValues(Target.Kind.BRANCH));
      case "labels" -> Optional.of(labels());
      case "tags" -> Optional.of(List.copyOf(request.classification().tags()));
      case "principal" -> Optional.of(principal());
      case "delegation_chain" -> Optional.of(request.principal().delegationChain());
      case "context" -> Optional.of(request.context());
      case "cwd" -> Optional.ofNullable(request.context().get("cwd"));
      case "home" -> Optional.ofNullable(request.context().get("home"));
      case "allowlist" -> Optional.of(allowlist);
      default -> Optional.empty();
    };
  }

  private List<Map<String, String>> targets() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Target t : request.classification().targets()) {
      out.add(Map.of("kind", t.kind().wireName(), "value", t.value()));
    }
    return out;
  }

  private List<String> targetValues(Target.Kind kind) {
    List<String> out = new ArrayList<>();
    for (Target t : request.classification().targets()) {
      if (t.kind() == kind) {
        out.add(t.value());
      }
    }
    return out;
  }

  private List<String> domains() {
    Set<String> out = new LinkedHashSet<>();
    for (Target t : request.classification().targets()) {
      if (t.kind() == Target.Kind.DOMAIN) {
        out.add(t.value().toLowerCase(java.util.Locale.ROOT));
      } else if (t.kind() == Target.Kind.URL) {
        try {
          out.add(CelFunctions.urlHost(t.value()));
        } catch (IllegalArgumentException e) {
          // A URL without a host contributes no domain; rules that need one read urls.
          continue;
        }
      }
    }
    return List.copyOf(out);
  }

  private List<String> labels() {
    Set<String> out = new java.util.TreeSet<>(request.labels());
    out.addAll(request.classification().labels());
    return List.copyOf(out);
  }

  private Map<String, String> principal() {
    Map<String, String> p = new LinkedHashMap<>();
    request.principal().human().ifPresent(v -> p.put("human", v));
    request.principal().agent().ifPresent(v -> p.put("agent", v));
    request.principal().service().ifPresent(v -> p.put("service", v));
    request.principal().session().ifPresent(v -> p.put("session", v));
    request.principal().tenant().ifPresent(v -> p.put("tenant", v));
    return p;
  }

  /** JSON as CEL values: maps, lists, strings, int64 or double, bool, null. */
  static Object toCel(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          m.put(e.getKey(), toCel(e.getValue()));
        }
        return m;
      }
      case ARRAY -> {
        List<Object> l = new ArrayList<>(node.size());
        for (JsonNode item : node) {
          l.add(toCel(item));
        }
        return l;
      }
      case STRING -> {
        return node.textValue();
      }
      case NUMBER -> {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          return node.longValue();
        }
        return node.doubleValue();
      }
      case BOOLEAN -> {
        return node.booleanValue();
      }
      default -> {
        return NullValue.NULL_VALUE;
      }
    }
  }
}

package dev.proctor.policy;

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
 * and caches what it computed, converted once into values CEL reads without converting them again
 * ({@link RuntimeValues}). A declared variable the request lacks ({@code cwd} without a working
 * directory) resolves to nothing, which CEL reports as an error: the rule fails closed.
 */
final class RequestView implements CelVariableResolver {

  private final ActionRequest request;
  private final RuntimeValues.MapValue allowlist;
  private final RuntimeValues.MapValue lists;
  private final PrincipalDirectory.Identity identity;

  /** Computed variables by {@link #slot} (null: not yet computed). */
  private final Optional<?>[] cache = new Optional<?>[SLOTS.size()];

  /** Each declared variable's position in {@link #cache}. */
  private static final Map<String, Integer> SLOTS = slots();

  private static Map<String, Integer> slots() {
    Map<String, Integer> out = new java.util.HashMap<>();
    for (String name : PolicyCel.VARIABLES.keySet()) {
      out.put(name, out.size());
    }
    return Map.copyOf(out);
  }

  /** The slot of a declared variable, or -1. */
  static int slot(String name) {
    Integer s = SLOTS.get(name);
    return s == null ? -1 : s;
  }

  /**
   * The view of a request under a policy's allowlists and named lists (converted once, by the
   * policy), for the identity the policy's principals give the request's principal.
   */
  RequestView(
      ActionRequest request,
      RuntimeValues.MapValue allowlist,
      RuntimeValues.MapValue lists,
      PrincipalDirectory.Identity identity) {
    this.request = request;
    this.allowlist = allowlist;
    this.lists = lists;
    this.identity = identity;
  }

  /** The view of a request under allowlists given as plain lists, with no principals file. */
  RequestView(ActionRequest request, Map<String, List<String>> allowlist) {
    this(
        request,
        RuntimeValues.map(allowlist),
        RuntimeValues.map(Map.of()),
        PrincipalDirectory.EMPTY.resolve(request.principal()));
  }

  /** The identity of the request's principal. */
  PrincipalDirectory.Identity identity() {
    return identity;
  }

  @Override
  public Optional<Object> find(String name) {
    Integer s = SLOTS.get(name);
    return s == null ? Optional.empty() : find(s, name);
  }

  /** The variable in this slot (named {@code name}), computed on first use. */
  @SuppressWarnings("unchecked") // every slot holds an Optional<Object>
  Optional<Object> find(int slot, String name) {
    Optional<Object> v = (Optional<Object>) cache[slot];
    if (v == null) {
      v = compute(name);
      cache[slot] = v;
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
          Optional.of(
              RuntimeValues.list(new java.util.TreeSet<>(request.classification().classes())));
      case "arguments" -> Optional.of(RuntimeValues.of(request.arguments()));
      case "targets" -> Optional.of(targets());
      case "paths" -> Optional.of(targetValues(Target.Kind.PATH));
      case "urls" -> Optional.of(targetValues(Target.Kind.URL));
      case "domains" -> Optional.of(domains());
      case "branches" -> Optional.of(targetValues(Target.Kind.BRANCH));
      case "labels" -> Optional.of(labels());
      case "tags" -> Optional.of(RuntimeValues.list(request.classification().tags()));
      case "principal" -> Optional.of(principal());
      case "delegation_chain" ->
          Optional.of(RuntimeValues.list(request.principal().delegationChain()));
      case "context" -> Optional.of(RuntimeValues.context(request.context()));
      case "cwd" -> request.contextString("cwd").map(s -> s);
      case "home" -> request.contextString("home").map(s -> s);
      case "allowlist" -> Optional.of(allowlist);
      case "lists" -> Optional.of(lists);
      case "recipients" -> Optional.of(targetValues(Target.Kind.RECIPIENT));
      case "amounts" -> Optional.of(amounts());
      case "targets_by_kind" -> Optional.of(targetsByKind());
      default -> Optional.empty();
    };
  }

  private RuntimeValues.ListValue targets() {
    List<Map<String, String>> out = new ArrayList<>();
    for (Target t : request.classification().targets()) {
      out.add(Map.of("kind", t.kind().wireName(), "value", t.value()));
    }
    return RuntimeValues.list(out);
  }

  private RuntimeValues.ListValue targetValues(Target.Kind kind) {
    List<String> out = new ArrayList<>();
    for (Target t : request.classification().targets()) {
      if (t.kind() == kind) {
        out.add(t.value());
      }
    }
    return RuntimeValues.list(out);
  }

  /** Amount targets as numbers (the classifier only makes amount targets of numbers). */
  private RuntimeValues.ListValue amounts() {
    List<Double> out = new ArrayList<>();
    for (Target t : request.classification().targets()) {
      if (t.kind() == Target.Kind.AMOUNT) {
        out.add(Double.parseDouble(t.value()));
      }
    }
    return RuntimeValues.list(out);
  }

  /** Every target kind, each with the values of its targets (an empty list when it has none). */
  private RuntimeValues.MapValue targetsByKind() {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (Target.Kind k : Target.Kind.values()) {
      out.put(k.wireName(), new ArrayList<>());
    }
    for (Target t : request.classification().targets()) {
      out.get(t.kind().wireName()).add(t.value());
    }
    return RuntimeValues.map(out);
  }

  private RuntimeValues.ListValue domains() {
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
    return RuntimeValues.list(out);
  }

  private RuntimeValues.ListValue labels() {
    Set<String> out = new java.util.TreeSet<>(request.labels());
    out.addAll(request.classification().labels());
    return RuntimeValues.list(out);
  }

  /**
   * The principal's ids as the request names them, and what the principals file says of the acting
   * one: {@code groups}, {@code roles}, {@code attributes}, {@code registered}, and {@code kind}
   * and {@code sponsor} when registered.
   */
  /** The fields of {@code principal} that hold a string or a bool, read without the whole map. */
  static final Set<String> PRINCIPAL_SCALARS =
      Set.of("human", "agent", "service", "session", "tenant", "registered", "kind", "sponsor");

  /**
   * A field of {@link #PRINCIPAL_SCALARS} as {@code principal} holds it, or null where the map has
   * no such key.
   */
  Object principalScalar(String field) {
    return switch (field) {
      case "human" -> request.principal().human().orElse(null);
      case "agent" -> request.principal().agent().orElse(null);
      case "service" -> request.principal().service().orElse(null);
      case "session" -> request.principal().session().orElse(null);
      case "tenant" -> request.principal().tenant().orElse(null);
      case "registered" -> identity.registered();
      case "kind" -> identity.entry().map(e -> e.kind().wireName()).orElse(null);
      case "sponsor" -> identity.sponsor().orElse(null);
      default -> throw new IllegalArgumentException("not a scalar field of principal: " + field);
    };
  }

  private RuntimeValues.MapValue principal() {
    LinkedHashMap<String, Object> p = new LinkedHashMap<>(16);
    request.principal().human().ifPresent(v -> p.put("human", v));
    request.principal().agent().ifPresent(v -> p.put("agent", v));
    request.principal().service().ifPresent(v -> p.put("service", v));
    request.principal().session().ifPresent(v -> p.put("session", v));
    request.principal().tenant().ifPresent(v -> p.put("tenant", v));
    p.put("groups", identity.groups());
    p.put("roles", identity.roles());
    p.put("attributes", identity.attributes());
    p.put("registered", identity.registered());
    identity.entry().ifPresent(e -> p.put("kind", e.kind().wireName()));
    identity.sponsor().ifPresent(s -> p.put("sponsor", s));
    return RuntimeValues.own(p);
  }
}

package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import dev.proctor.action.ActionRequest;
import dev.proctor.classify.ActionClass;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import dev.proctor.decision.Obligation;
import dev.proctor.decision.PolicyRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded, validated and compiled policy: immutable, safe to share between threads, and able to
 * decide any request.
 *
 * <p>How a decision is made. The rule index yields the candidate rules for the request's classes
 * and tool. Each candidate whose principal match holds has its condition evaluated; a condition
 * that fails to evaluate counts as a deny by that rule (fail closed). Then every class of the
 * request (a compound shell command has several) must be covered: its effect is the most
 * restrictive effect of the enforced rules that matched it, or, when none did, the policy default
 * for the class, else deny for a high- or critical-impact class, else the taxonomy's default
 * control. The decision's effect is the most restrictive over all classes, and it names every rule
 * that produced that effect, sorted. Shadow-mode rules are evaluated and reported in the {@link
 * Evaluation}, never enforced.
 */
public final class Policy {

  /** How long a {@code defer} waits for missing context when its rule names no timeout. */
  public static final Duration DEFAULT_DEFER_TIMEOUT = Duration.ofMinutes(5);

  private final String id;
  private final String version;
  private final String description;
  private final String digest;
  private final PolicyRef ref;
  private final List<Rule> rules;
  private final List<CompiledRule> compiled;
  private final Map<String, Effect> defaults;
  private final Allowlists allowlists;
  private final RuntimeValues.MapValue allowlistView;
  private final List<PolicyTestCase> examples;
  private final ClassCatalog catalog;
  private final Map<String, String> defaultReasons = new ConcurrentHashMap<>();
  private final RuleIndex index;
  private final PrincipalDirectory principals;
  private final RuntimeValues.MapValue listView;

  Policy(
      String id,
      String version,
      String description,
      String digest,
      List<CompiledRule> compiled,
      Map<String, Effect> defaults,
      Allowlists allowlists,
      List<PolicyTestCase> examples,
      ClassCatalog catalog,
      PrincipalDirectory principals,
      Map<String, List<String>> lists) {
    this.id = requireNonNull(id, "id is null");
    this.version = requireNonNull(version, "version is null");
    this.description = requireNonNull(description, "description is null");
    this.digest = requireNonNull(digest, "digest is null");
    this.ref = new PolicyRef(id, version, digest);
    this.compiled = List.copyOf(compiled);
    this.rules = this.compiled.stream().map(CompiledRule::rule).toList();
    this.defaults = Map.copyOf(defaults);
    this.allowlists = requireNonNull(allowlists, "allowlists is null");
    this.allowlistView =
        RuntimeValues.map(
            Map.of(
                "domains", allowlists.domains(),
                "tools", allowlists.tools(),
                "mcp_servers", allowlists.mcpServers(),
                "recipients", allowlists.recipients()));
    this.examples = List.copyOf(examples);
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.index = new RuleIndex(this.compiled);
    this.principals = requireNonNull(principals, "principals is null");
    this.lists = Map.copyOf(requireNonNull(lists, "lists is null"));
    this.listView = RuntimeValues.map(this.lists);
  }

  private final Map<String, List<String>> lists;

  /** The principals file's agents, humans and services (empty without one). */
  public PrincipalDirectory principals() {
    return principals;
  }

  /** The named lists of every file's {@code lists:} section, merged. */
  public Map<String, List<String>> lists() {
    return lists;
  }

  /** The policy id from the {@code policy:} header. */
  public String id() {
    return id;
  }

  /** The version from the {@code policy:} header, as written. */
  public String version() {
    return version;
  }

  /** The description from the {@code policy:} header. */
  public String description() {
    return description;
  }

  /**
   * SHA-256 (lower-case hex) identifying exactly the policy text in force: over the RFC 8785
   * canonical JSON array of {@code {"name": <file name>, "sha256": <hex of the file's bytes>}} for
   * every policy file, sorted by name. Test suites are not part of it.
   */
  public String digest() {
    return digest;
  }

  /** The reference decisions under this policy carry: id, version and digest. */
  public PolicyRef ref() {
    return ref;
  }

  /** Every rule, in declaration order (files by name, then position). */
  public List<Rule> rules() {
    return rules;
  }

  /** The rule with this id, if there is one. */
  public Optional<Rule> rule(String ruleId) {
    return rules.stream().filter(r -> r.id().equals(ruleId)).findFirst();
  }

  /** The policy's default effect for each class it names (globs already resolved). */
  public Map<String, Effect> defaults() {
    return defaults;
  }

  /** The allowlists. */
  public Allowlists allowlists() {
    return allowlists;
  }

  /** The inline {@code expect:} examples, all of which passed when the policy loaded. */
  public List<PolicyTestCase> examples() {
    return examples;
  }

  /** Decides a request. Never throws for a well-formed request: errors become denies. */
  public Decision decide(ActionRequest request) {
    return evaluate(request).decision();
  }

  /** Decides a request and says how: candidates, matched rules, shadow hits. */
  public Evaluation evaluate(ActionRequest request) {
    requireNonNull(request, "request is null");
    Set<String> classes = request.classification().classes();
    List<CompiledRule> candidates = index.candidates(classes, request.tool());
    RequestView view = view(request);
    List<Matched> matched = new ArrayList<>(4);
    List<Evaluation.ShadowHit> shadow = List.of();
    for (CompiledRule r : candidates) {
      if (!r.matchesPrincipal(request.principal(), view.identity())) {
        continue;
      }
      Matched m = evaluateCondition(r, view);
      if (m == null) {
        continue;
      }
      if (r.rule().mode() == Rule.Mode.SHADOW) {
        if (shadow.isEmpty()) {
          shadow = new ArrayList<>(2);
        }
        shadow.add(new Evaluation.ShadowHit(r.rule().id(), m.effect, m.reason));
      } else {
        matched.add(m);
      }
    }
    Decision decision = combine(request, classes, matched);
    List<String> matchedIds = new ArrayList<>(matched.size());
    for (Matched m : matched) {
      matchedIds.add(m.rule.rule().id());
    }
    return new Evaluation(decision, candidates.size(), matchedIds, shadow);
  }

  /**
   * Every rule whose fast path ({@link Guard}, {@link Direct}) disagrees with its CEL program on
   * this request, each as "rule ID: what each says". Every rule with a fast path is checked, not
   * only the request's candidates.
   */
  List<String> fastPathDisagreements(ActionRequest request) {
    RequestView view = view(request);
    List<String> out = new ArrayList<>(0);
    for (CompiledRule r : compiled) {
      if (r.condition() != null && r.condition().hasFastPath()) {
        r.condition()
            .disagreement(view)
            .ifPresent(d -> out.add("rule " + r.rule().id() + ": " + d));
      }
    }
    return out;
  }

  /** The CEL view of a request, its principal resolved in this policy's principals. */
  private RequestView view(ActionRequest request) {
    return new RequestView(
        request, allowlistView, listView, principals.resolve(request.principal()));
  }

  /** A rule that matched, with the effect it stands for (deny when its condition failed). */
  private record Matched(CompiledRule rule, Effect effect, String reason, boolean error) {
    /** Whether this is a gate that held: approval of what else allows, granting nothing. */
    boolean gate() {
      return !error && rule.rule().gate();
    }
  }

  /** Whether a class effect lets the action go ahead (after re-authentication, say). */
  private static boolean allowsAfterAll(Effect e) {
    return e == Effect.ALLOW || e == Effect.MODIFY || e == Effect.STEP_UP;
  }

  private static Matched evaluateCondition(CompiledRule r, RequestView view) {
    Rule rule = r.rule();
    if (r.condition() == null) {
      return new Matched(r, rule.effect(), rule.reason(), false);
    }
    Object result;
    try {
      result = r.condition().eval(view);
    } catch (CelEvaluationException | RuntimeException e) {
      return new Matched(
          r,
          Effect.DENY,
          "rule " + rule.id() + ": condition could not be evaluated (" + message(e) + ")",
          true);
    }
    if (Boolean.TRUE.equals(result)) {
      return new Matched(r, rule.effect(), rule.reason(), false);
    }
    if (Boolean.FALSE.equals(result)) {
      return null;
    }
    return new Matched(
        r, Effect.DENY, "rule " + rule.id() + ": condition did not yield a bool", true);
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private Decision combine(ActionRequest request, Set<String> classes, List<Matched> matched) {
    Effect winner = null;
    String defaultReason = null;
    Set<Matched> appliedGates = Set.of();
    for (String c : classes) {
      Effect best = null;
      List<Matched> gates = List.of();
      for (Matched m : matched) {
        if (!(m.error || m.rule.coversClass(c))) {
          continue;
        }
        if (m.gate()) {
          if (gates.isEmpty()) {
            gates = new ArrayList<>(2);
          }
          gates.add(m);
          continue;
        }
        best = best == null ? m.effect : best.mostRestrictive(m.effect);
      }
      if (best == null) {
        Effect d = classDefault(c);
        if (!gates.isEmpty() && allowsAfterAll(d)) {
          d = Effect.ASK;
        } else if (winner == null || d.compareTo(winner) > 0) {
          defaultReason = defaultReason(c);
        }
        best = d;
      }
      if (!gates.isEmpty() && (allowsAfterAll(best) || best == Effect.ASK)) {
        best = Effect.ASK;
        if (appliedGates.isEmpty()) {
          appliedGates = new java.util.HashSet<>(2);
        }
        appliedGates.addAll(gates);
      }
      winner = winner == null ? best : winner.mostRestrictive(best);
    }
    if (winner == null) {
      return Decision.Deny.failClosed("the request has no action class", ref);
    }
    List<Matched> winners = new ArrayList<>(2);
    for (Matched m : matched) {
      if (m.effect == winner && (!m.gate() || appliedGates.contains(m))) {
        winners.add(m);
      }
    }
    List<String> ruleIds = new ArrayList<>(winners.size());
    for (Matched m : winners) {
      ruleIds.add(m.rule.rule().id());
    }
    ruleIds.sort(null);
    String reason = winners.isEmpty() ? defaultReason : reasons(winners);
    Decision.Basis basis = new Decision.Basis(reason, ruleIds, ref, obligations(matched));
    return switch (winner) {
      case ALLOW -> new Decision.Allow(basis);
      case DENY -> new Decision.Deny(basis);
      case STEP_UP -> new Decision.StepUp(basis);
      case ASK -> new Decision.RequireApproval(basis, approval(winners));
      case DEFER -> new Decision.Defer(basis, deferTimeout(winners));
      case MODIFY -> modify(request, basis, winners);
    };
  }

  /**
   * The winners' distinct reasons in order, joined by "; " (no {@code String.join} over a set: on
   * JDK 17 its per-element {@code CharSequence} check is slow, JDK-8180450).
   */
  private static String reasons(List<Matched> winners) {
    if (winners.size() == 1) {
      return winners.get(0).reason;
    }
    // Usually a handful of winners: a scan of the earlier ones finds a repeat sooner than a set.
    Set<String> distinct = winners.size() > 8 ? new HashSet<>() : null;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < winners.size(); i++) {
      String r = winners.get(i).reason;
      if (distinct != null ? !distinct.add(r) : seenBefore(winners, i, r)) {
        continue;
      }
      if (out.length() > 0) {
        out.append("; ");
      }
      out.append(r);
    }
    return out.toString();
  }

  private static boolean seenBefore(List<Matched> winners, int i, String reason) {
    for (int j = 0; j < i; j++) {
      if (winners.get(j).reason.equals(reason)) {
        return true;
      }
    }
    return false;
  }

  private Decision modify(ActionRequest request, Decision.Basis basis, List<Matched> winners) {
    JsonNode args = request.arguments().deepCopy();
    for (Matched m : winners) {
      Optional<Rule.Modify> mod = m.rule.rule().modify();
      if (mod.isEmpty()) {
        continue;
      }
      try {
        args = Patches.apply(args, mod.get());
      } catch (IllegalArgumentException e) {
        return new Decision.Deny(
            new Decision.Basis(
                "rule "
                    + m.rule.rule().id()
                    + ": cannot rewrite the arguments ("
                    + e.getMessage()
                    + ")",
                List.of(m.rule.rule().id()),
                ref,
                basis.obligations()));
      }
    }
    if (!(args instanceof ObjectNode) && !args.isObject()) {
      return Decision.Deny.failClosed("rewritten arguments are not an object", ref);
    }
    return new Decision.Modify(basis, args);
  }

  private static ApprovalRequirement approval(List<Matched> winners) {
    for (Matched m : winners) {
      Optional<Rule.Approval> a = m.rule.rule().approval();
      if (a.isPresent()) {
        return a.get().requirement();
      }
    }
    return ApprovalRequirement.DEFAULT;
  }

  private static Duration deferTimeout(List<Matched> winners) {
    Duration shortest = null;
    for (Matched m : winners) {
      Optional<Duration> t = m.rule.rule().deferTimeout();
      if (t.isPresent() && (shortest == null || t.get().compareTo(shortest) < 0)) {
        shortest = t.get();
      }
    }
    return shortest == null ? DEFAULT_DEFER_TIMEOUT : shortest;
  }

  private static List<Obligation> obligations(List<Matched> matched) {
    List<String> redact = null;
    boolean snapshot = false;
    Duration timeLimit = null;
    for (Matched m : matched) {
      for (Obligation o : m.rule.rule().obligations()) {
        if (o instanceof Obligation.Redact r) {
          if (redact == null) {
            redact = new ArrayList<>();
          }
          for (String p : r.pointers()) {
            if (!redact.contains(p)) {
              redact.add(p);
            }
          }
        } else if (o instanceof Obligation.Snapshot) {
          snapshot = true;
        } else if (o instanceof Obligation.TimeLimit t) {
          timeLimit =
              timeLimit == null || t.limit().compareTo(timeLimit) < 0 ? t.limit() : timeLimit;
        }
      }
    }
    if (redact == null && !snapshot && timeLimit == null) {
      return List.of();
    }
    List<Obligation> out = new ArrayList<>(3);
    if (redact != null) {
      redact.sort(null);
      out.add(new Obligation.Redact(redact));
    }
    if (snapshot) {
      out.add(new Obligation.Snapshot());
    }
    if (timeLimit != null) {
      out.add(new Obligation.TimeLimit(timeLimit));
    }
    return out;
  }

  private Effect classDefault(String actionClass) {
    Effect d = defaults.get(actionClass);
    if (d != null) {
      return d;
    }
    Optional<ActionClass> c = catalog.find(actionClass);
    if (c.isEmpty() || c.get().impact().isHighImpact()) {
      return Effect.DENY;
    }
    return c.get().defaultControl();
  }

  /**
   * Why a class no rule matched gets its default — the same text for every decision, so kept for
   * the classes this policy knows (the set is bounded by the taxonomy and the defaults; a class
   * name a request made up is described afresh each time).
   */
  private String defaultReason(String actionClass) {
    String known = defaultReasons.get(actionClass);
    if (known != null) {
      return known;
    }
    String reason = describeDefault(actionClass, classDefault(actionClass));
    if (defaults.containsKey(actionClass) || catalog.find(actionClass).isPresent()) {
      defaultReasons.putIfAbsent(actionClass, reason);
    }
    return reason;
  }

  private String describeDefault(String actionClass, Effect effect) {
    if (defaults.containsKey(actionClass)) {
      return "no rule matched class " + actionClass + ": policy default " + effect.wireName();
    }
    Optional<ActionClass> c = catalog.find(actionClass);
    if (c.isEmpty()) {
      return "class " + actionClass + " is not in the taxonomy: denied";
    }
    if (c.get().impact().isHighImpact()) {
      return "unmatched high-impact action: no rule matched class "
          + actionClass
          + " ("
          + c.get().impact().wireName()
          + " impact)";
    }
    return "no rule matched class " + actionClass + ": taxonomy default " + effect.wireName();
  }

  /** JSON pointer rewrites for {@code modify}. */
  static final class Patches {
    private Patches() {}

    static JsonNode apply(JsonNode arguments, Rule.Modify modify) {
      if (!arguments.isObject()) {
        throw new IllegalArgumentException("arguments are not an object");
      }
      ObjectNode root = (ObjectNode) arguments;
      for (Map.Entry<String, JsonNode> e : new java.util.TreeMap<>(modify.set()).entrySet()) {
        JsonPointer p = JsonPointer.compile(e.getKey());
        ObjectNode parent = parentOf(root, p, true);
        parent.set(p.last().getMatchingProperty(), e.getValue().deepCopy());
      }
      for (String pointer : modify.remove()) {
        JsonPointer p = JsonPointer.compile(pointer);
        ObjectNode parent = parentOf(root, p, false);
        if (parent != null) {
          parent.remove(p.last().getMatchingProperty());
        }
      }
      return root;
    }

    private static ObjectNode parentOf(ObjectNode root, JsonPointer pointer, boolean create) {
      ObjectNode node = root;
      JsonPointer p = pointer;
      while (!p.tail().matches()) {
        String name = p.getMatchingProperty();
        JsonNode child = node.get(name);
        if (child == null) {
          if (!create) {
            return null;
          }
          child = node.putObject(name);
        }
        if (!child.isObject()) {
          throw new IllegalArgumentException(
              "cannot set " + pointer + ": " + name + " is not an object");
        }
        node = (ObjectNode) child;
        p = p.tail();
      }
      return node;
    }
  }
}

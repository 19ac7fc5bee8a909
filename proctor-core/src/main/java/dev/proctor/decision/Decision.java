package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.lifecycle.LifecycleState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The answer to an action request. A closed set: callers switch over the {@link Kind} and the
 * compiler checks they handled each. Every decision stands on a {@link Basis} — why, the rule ids
 * that produced it, the policy it came from, the obligations — and its kind names it in receipts
 * and lifecycle states, so no caller re-derives either from the type. An evaluation error is a
 * {@link Deny}, never a flag.
 */
public sealed interface Decision {

  /** The validated part every decision has. */
  Basis basis();

  /** Which of the seven decisions this is. */
  Kind kind();

  /** Why, in words a person reads. */
  default String reason() {
    return basis().reason();
  }

  /** The ids of the rules that produced this decision, sorted; empty for a class default. */
  default List<String> ruleIds() {
    return basis().ruleIds();
  }

  /** The policy the decision came from. */
  default PolicyRef policy() {
    return basis().policy();
  }

  /**
   * The same decision on another basis (a policy combining its baseline's decision with its own).
   */
  Decision withBasis(Basis basis);

  /** What the enforcing side must do besides the effect. */
  default List<Obligation> obligations() {
    return basis().obligations();
  }

  /** The effect this decision stands for. */
  default Effect effect() {
    return kind().effect();
  }

  /** True when the action may proceed now: an allow, or a modify with its rewritten arguments. */
  default boolean allows() {
    return kind().state() == LifecycleState.ALLOWED;
  }

  /** The arguments a modify rewrote the request's into; empty for every other kind. */
  default Optional<JsonNode> rewrittenArguments() {
    return Optional.empty();
  }

  /** The arguments the action runs with when it proceeds: the rewritten ones for a modify. */
  default JsonNode argumentsFor(JsonNode requested) {
    return rewrittenArguments().orElse(requested);
  }

  /**
   * How long the enforcing side waits: the timeout of a deferral, the retry-after of a rate limit.
   */
  default Optional<Duration> waitTime() {
    return Optional.empty();
  }

  /**
   * The kinds of decision, each with the name receipts and answers use, the effect it stands for
   * and the lifecycle state it moves an action to. An approval or a step-up (a re-authentication is
   * an approval by the requester's own fresh login) moves it to {@code approval_required}.
   */
  enum Kind {
    ALLOW("allow", Effect.ALLOW, LifecycleState.ALLOWED),
    DENY("deny", Effect.DENY, LifecycleState.DENIED),
    MODIFY("modify", Effect.MODIFY, LifecycleState.ALLOWED),
    REQUIRE_APPROVAL("require_approval", Effect.ASK, LifecycleState.APPROVAL_REQUIRED),
    STEP_UP("step_up", Effect.STEP_UP, LifecycleState.APPROVAL_REQUIRED),
    DEFER("defer", Effect.DEFER, LifecycleState.DEFERRED),
    RATE_LIMITED("rate_limited", Effect.DENY, LifecycleState.RATE_LIMITED);

    private final String wireName;
    private final Effect effect;
    private final LifecycleState state;

    Kind(String wireName, Effect effect, LifecycleState state) {
      this.wireName = wireName;
      this.effect = effect;
      this.state = state;
    }

    /** The name in receipts and JSON answers, such as {@code require_approval}. */
    public String wireName() {
      return wireName;
    }

    /** The effect a decision of this kind stands for. */
    public Effect effect() {
      return effect;
    }

    /** The lifecycle state a decision of this kind moves its action to. */
    public LifecycleState state() {
      return state;
    }

    /** The kind a wire name stands for, if it names one. */
    public static Optional<Kind> fromWireName(String name) {
      for (Kind k : values()) {
        if (k.wireName.equals(name)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** Why a decision was made, by which rules of which policy, and what else it obliges. */
  record Basis(
      String reason, List<String> ruleIds, PolicyRef policy, List<Obligation> obligations) {
    public Basis {
      requireNonNull(reason, "reason is null");
      ruleIds = List.copyOf(requireNonNull(ruleIds, "ruleIds is null"));
      requireNonNull(policy, "policy is null");
      obligations = List.copyOf(requireNonNull(obligations, "obligations is null"));
    }

    /** A basis without rules or obligations: a class default or a fail-closed refusal. */
    public static Basis of(String reason, PolicyRef policy) {
      return new Basis(reason, List.of(), policy, List.of());
    }
  }

  /** Proceed as asked. */
  record Allow(Basis basis) implements Decision {
    public Allow {
      requireNonNull(basis, "basis is null");
    }

    @Override
    public Kind kind() {
      return Kind.ALLOW;
    }

    @Override
    public Allow withBasis(Basis other) {
      return new Allow(other);
    }
  }

  /** Refuse. */
  record Deny(Basis basis) implements Decision {
    public Deny {
      requireNonNull(basis, "basis is null");
    }

    /** A deny caused by an error on the decision path: fail closed, say why. */
    public static Deny failClosed(String reason, PolicyRef policy) {
      return new Deny(Basis.of(reason, policy));
    }

    @Override
    public Kind kind() {
      return Kind.DENY;
    }

    @Override
    public Deny withBasis(Basis other) {
      return new Deny(other);
    }
  }

  /** Proceed with rewritten arguments. */
  record Modify(Basis basis, JsonNode arguments) implements Decision {
    public Modify {
      requireNonNull(basis, "basis is null");
      arguments = requireNonNull(arguments, "arguments is null").deepCopy();
    }

    @Override
    public Kind kind() {
      return Kind.MODIFY;
    }

    @Override
    public Modify withBasis(Basis other) {
      return new Modify(other, arguments);
    }

    @Override
    public Optional<JsonNode> rewrittenArguments() {
      return Optional.of(arguments);
    }
  }

  /** Wait for a human to approve; the requirement says who and how many. */
  record RequireApproval(Basis basis, ApprovalRequirement requirement) implements Decision {
    public RequireApproval {
      requireNonNull(basis, "basis is null");
      requireNonNull(requirement, "requirement is null");
    }

    @Override
    public Kind kind() {
      return Kind.REQUIRE_APPROVAL;
    }

    @Override
    public RequireApproval withBasis(Basis other) {
      return new RequireApproval(other, requirement);
    }
  }

  /** The requester must authenticate again before the action proceeds. */
  record StepUp(Basis basis) implements Decision {
    public StepUp {
      requireNonNull(basis, "basis is null");
    }

    @Override
    public Kind kind() {
      return Kind.STEP_UP;
    }

    @Override
    public StepUp withBasis(Basis other) {
      return new StepUp(other);
    }
  }

  /** Context is missing: wait up to the timeout for it, then deny. */
  record Defer(Basis basis, Duration timeout) implements Decision {
    public Defer {
      requireNonNull(basis, "basis is null");
      requireNonNull(timeout, "timeout is null");
    }

    @Override
    public Kind kind() {
      return Kind.DEFER;
    }

    @Override
    public Defer withBasis(Basis other) {
      return new Defer(other, timeout);
    }

    @Override
    public Optional<Duration> waitTime() {
      return Optional.of(timeout);
    }
  }

  /** Refused because a budget or rate limit is spent; retry after the given time. */
  record RateLimited(Basis basis, Duration retryAfter) implements Decision {
    public RateLimited {
      requireNonNull(basis, "basis is null");
      requireNonNull(retryAfter, "retryAfter is null");
    }

    @Override
    public Kind kind() {
      return Kind.RATE_LIMITED;
    }

    @Override
    public RateLimited withBasis(Basis other) {
      return new RateLimited(other, retryAfter);
    }

    @Override
    public Optional<Duration> waitTime() {
      return Optional.of(retryAfter);
    }
  }
}

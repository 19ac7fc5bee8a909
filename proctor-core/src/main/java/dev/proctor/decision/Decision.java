package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/**
 * The answer to an action request. A closed set: callers switch over the kinds and the compiler
 * checks they handled each. Every decision names the rule ids that produced it and the digest of
 * the policy it came from; an evaluation error is a {@link Deny}, never a flag.
 */
public sealed interface Decision {

  /** Why, in words a person reads. */
  String reason();

  /** The ids of the rules that produced this decision, sorted; empty for a class default. */
  List<String> ruleIds();

  /** SHA-256 of the policy the decision came from, or {@code "none"} when no policy loaded. */
  String policyDigest();

  /** What the enforcing side must do besides the effect. */
  List<Obligation> obligations();

  /** The effect this decision stands for. */
  Effect effect();

  /** Proceed as asked. */
  record Allow(
      String reason, List<String> ruleIds, String policyDigest, List<Obligation> obligations)
      implements Decision {
    public Allow {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
    }

    @Override
    public Effect effect() {
      return Effect.ALLOW;
    }
  }

  /** Refuse. */
  record Deny(
      String reason, List<String> ruleIds, String policyDigest, List<Obligation> obligations)
      implements Decision {
    public Deny {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
    }

    /** A deny caused by an error on the decision path: fail closed, say why. */
    public static Deny failClosed(String reason, String policyDigest) {
      return new Deny(reason, List.of(), policyDigest, List.of());
    }

    @Override
    public Effect effect() {
      return Effect.DENY;
    }
  }

  /** Proceed with rewritten arguments. */
  record Modify(
      String reason,
      List<String> ruleIds,
      String policyDigest,
      List<Obligation> obligations,
      JsonNode arguments)
      implements Decision {
    public Modify {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
      requireNonNull(arguments, "arguments is null");
    }

    @Override
    public Effect effect() {
      return Effect.MODIFY;
    }
  }

  /** Wait for a human to approve; the requirement says who and how many. */
  record RequireApproval(
      String reason,
      List<String> ruleIds,
      String policyDigest,
      List<Obligation> obligations,
      ApprovalRequirement requirement)
      implements Decision {
    public RequireApproval {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
      requireNonNull(requirement, "requirement is null");
    }

    @Override
    public Effect effect() {
      return Effect.ASK;
    }
  }

  /** The requester must authenticate again before the action proceeds. */
  record StepUp(
      String reason, List<String> ruleIds, String policyDigest, List<Obligation> obligations)
      implements Decision {
    public StepUp {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
    }

    @Override
    public Effect effect() {
      return Effect.STEP_UP;
    }
  }

  /** Context is missing: wait up to the timeout for it, then deny. */
  record Defer(
      String reason,
      List<String> ruleIds,
      String policyDigest,
      List<Obligation> obligations,
      Duration timeout)
      implements Decision {
    public Defer {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
      requireNonNull(timeout, "timeout is null");
    }

    @Override
    public Effect effect() {
      return Effect.DEFER;
    }
  }

  /** Refused because a budget or rate limit is spent; retry after the given time. */
  record RateLimited(
      String reason,
      List<String> ruleIds,
      String policyDigest,
      List<Obligation> obligations,
      Duration retryAfter)
      implements Decision {
    public RateLimited {
      ruleIds = List.copyOf(ruleIds);
      obligations = List.copyOf(obligations);
      requireNonNull(reason, "reason is null");
      requireNonNull(policyDigest, "policyDigest is null");
      requireNonNull(retryAfter, "retryAfter is null");
    }

    @Override
    public Effect effect() {
      return Effect.DENY;
    }
  }
}

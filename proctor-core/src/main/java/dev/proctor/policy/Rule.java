package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Effect;
import dev.proctor.decision.Obligation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One policy rule as written: a stable id, what it matches (classes, tools, principal), an optional
 * CEL condition, the effect and its reason, whether it is enforced or only recorded (shadow mode),
 * and the controls attached to it. The control blocks (approval, budget, rate limit, breaker) are
 * parsed and validated now; budgets, rate limits and breakers are enforced by the controls layer.
 *
 * <p>A <em>gate</em> ({@code require_approval:} in the file) has effect {@code ask} but grants
 * nothing: it makes approval a condition of what other rules or the class default allow, and leaves
 * a deny or defer as it is. A plain {@code ask} rule is standalone: it makes an action approvable
 * even when nothing else would allow it.
 */
public record Rule(
    String id,
    String description,
    SourcePosition position,
    Match match,
    Optional<String> when,
    Effect effect,
    String reason,
    Mode mode,
    Optional<Approval> approval,
    Optional<Modify> modify,
    Optional<Duration> deferTimeout,
    Optional<Budget> budget,
    Optional<RateLimit> rateLimit,
    Optional<Breaker> breaker,
    List<Obligation> obligations,
    boolean gate) {

  public Rule {
    requireNonNull(id, "id is null");
    requireNonNull(description, "description is null");
    requireNonNull(position, "position is null");
    requireNonNull(match, "match is null");
    requireNonNull(when, "when is null");
    requireNonNull(effect, "effect is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(approval, "approval is null");
    requireNonNull(modify, "modify is null");
    requireNonNull(deferTimeout, "deferTimeout is null");
    requireNonNull(budget, "budget is null");
    requireNonNull(rateLimit, "rateLimit is null");
    requireNonNull(breaker, "breaker is null");
    obligations = List.copyOf(requireNonNull(obligations, "obligations is null"));
    if (gate && (effect != Effect.ASK || approval.isEmpty())) {
      throw new IllegalArgumentException("a gate has effect ask and an approval requirement");
    }
  }

  /** Whether a rule is enforced or only evaluated and reported. */
  public enum Mode {
    ENFORCE,
    SHADOW
  }

  /**
   * What a rule applies to. An empty list matches anything. Class entries are class names or globs
   * ({@code connector.*}); tool entries are names or globs ({@code mcp__github__*}); principal
   * entries map a principal field (human, agent, service, session, tenant) to accepted values.
   */
  public record Match(
      List<String> classes, List<String> tools, Map<String, List<String>> principal) {
    public Match {
      classes = List.copyOf(requireNonNull(classes, "classes is null"));
      tools = List.copyOf(requireNonNull(tools, "tools is null"));
      principal = Map.copyOf(requireNonNull(principal, "principal is null"));
    }
  }

  /** Who approves an {@code ask} and what happens when nobody answers in time. */
  public record Approval(ApprovalRequirement requirement, Optional<Escalation> escalation) {
    public Approval {
      requireNonNull(requirement, "requirement is null");
      requireNonNull(escalation, "escalation is null");
    }
  }

  /** After {@code after} without an answer, the request also goes to these groups. */
  public record Escalation(Duration after, List<String> groups) {
    public Escalation {
      requireNonNull(after, "after is null");
      groups = List.copyOf(requireNonNull(groups, "groups is null"));
    }
  }

  /** Argument rewrites: JSON pointers set to values, then pointers removed. */
  public record Modify(Map<String, JsonNode> set, List<String> remove) {
    public Modify {
      set = Map.copyOf(requireNonNull(set, "set is null"));
      remove = List.copyOf(requireNonNull(remove, "remove is null"));
    }
  }

  /**
   * A spending limit: at most {@code limit} of {@code metric} (count, money, bytes, rows) per scope
   * over a window.
   */
  public record Budget(String metric, long limit, List<String> per, Duration window) {
    public Budget {
      requireNonNull(metric, "metric is null");
      per = List.copyOf(requireNonNull(per, "per is null"));
      requireNonNull(window, "window is null");
    }
  }

  /** At most {@code limit} actions per scope over a window. */
  public record RateLimit(long limit, List<String> per, Duration window) {
    public RateLimit {
      per = List.copyOf(requireNonNull(per, "per is null"));
      requireNonNull(window, "window is null");
    }
  }

  /**
   * A circuit breaker: trips after {@code threshold} events of a kind (denials, failures, abuse,
   * spend) within a window; while open, matching actions get {@code whenOpen}; half-open after the
   * cool-down.
   */
  public record Breaker(
      String trip, long threshold, Duration window, Effect whenOpen, Duration coolDown) {
    public Breaker {
      requireNonNull(trip, "trip is null");
      requireNonNull(window, "window is null");
      requireNonNull(whenOpen, "whenOpen is null");
      requireNonNull(coolDown, "coolDown is null");
    }
  }
}

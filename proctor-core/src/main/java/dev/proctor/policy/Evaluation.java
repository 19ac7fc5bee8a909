package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import java.util.List;

/**
 * The decision for a request with how it was reached: how many indexed candidates were looked at,
 * which enforced rules matched (winning or not), and what shadow-mode rules would have said.
 */
public record Evaluation(
    Decision decision, int candidates, List<String> matchedRules, List<ShadowHit> shadowHits) {

  public Evaluation {
    requireNonNull(decision, "decision is null");
    matchedRules = List.copyOf(requireNonNull(matchedRules, "matchedRules is null"));
    shadowHits = List.copyOf(requireNonNull(shadowHits, "shadowHits is null"));
  }

  /** A shadow-mode rule that matched (or failed to evaluate): recorded, never enforced. */
  public record ShadowHit(String ruleId, Effect effect, String reason) {
    public ShadowHit {
      requireNonNull(ruleId, "ruleId is null");
      requireNonNull(effect, "effect is null");
      requireNonNull(reason, "reason is null");
    }
  }
}

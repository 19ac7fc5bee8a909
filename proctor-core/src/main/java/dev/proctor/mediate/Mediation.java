package dev.proctor.mediate;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.decision.Decision;

/** One mediated call: the request as classified and the decision on it. */
public record Mediation(ActionRequest request, Decision decision) {
  public Mediation {
    requireNonNull(request, "request is null");
    requireNonNull(decision, "decision is null");
  }
}

package dev.proctor;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.audit.Receipt;
import dev.proctor.decision.Decision;
import java.util.List;

/**
 * One mediated call: the request as classified, the decision to enforce, and the receipts that
 * record it. The decision is the policy's only when its receipts are durable; when they could not
 * be written it is a fail-closed deny that says why, and {@code receipts} is empty.
 */
public record Mediation(ActionRequest request, Decision decision, List<Receipt> receipts) {
  public Mediation {
    requireNonNull(request, "request is null");
    requireNonNull(decision, "decision is null");
    receipts = List.copyOf(requireNonNull(receipts, "receipts is null"));
  }

  /** The id of the action, under which its later events (outcome, approval) are recorded. */
  public String actionId() {
    return request.id();
  }

  /** True when the decision is on record: its receipts are durable. */
  public boolean durable() {
    return !receipts.isEmpty();
  }
}

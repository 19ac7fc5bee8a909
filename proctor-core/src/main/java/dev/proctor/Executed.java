package dev.proctor;

import static java.util.Objects.requireNonNull;

import dev.proctor.audit.Receipt;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Mediator#mediate(dev.proctor.action.ToolCall, Execution)} did with a call: the
 * mediation, how the execution ended ({@code succeeded}, {@code failed} or {@code interrupted};
 * empty when it did not run because the decision did not allow it), the execution's result or
 * failure, and the receipts of the execution ({@code executing} and how it ended).
 */
public record Executed<T>(
    Mediation mediation,
    Optional<LifecycleState> end,
    Optional<T> result,
    Optional<Exception> failure,
    List<Receipt> receipts) {

  public Executed {
    requireNonNull(mediation, "mediation is null");
    requireNonNull(end, "end is null");
    requireNonNull(result, "result is null");
    requireNonNull(failure, "failure is null");
    receipts = List.copyOf(requireNonNull(receipts, "receipts is null"));
  }

  /** The decision that was enforced. */
  public Decision decision() {
    return mediation.decision();
  }

  /** True when the execution ran (whatever its end). */
  public boolean ran() {
    return end.isPresent();
  }
}

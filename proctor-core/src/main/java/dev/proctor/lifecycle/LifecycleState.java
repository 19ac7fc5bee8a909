package dev.proctor.lifecycle;

import java.util.Locale;
import java.util.Optional;

/**
 * The one vocabulary for where an action stands (AWS2-RUN-L2-002): requested, then a decision, then
 * possibly an approval, execution, an outcome and a roll-back. The legal moves between states are
 * in {@link Lifecycle}.
 */
public enum LifecycleState {
  REQUESTED,
  ALLOWED,
  DENIED,
  RATE_LIMITED,
  APPROVAL_REQUIRED,
  DEFERRED,
  APPROVED,
  REJECTED,
  EXPIRED,
  CANCELED,
  EXECUTING,
  SUCCEEDED,
  FAILED,
  INTERRUPTED,
  ROLLED_BACK;

  /** The name receipts and APIs use, such as {@code approval_required}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The state a wire name stands for, if it names one. */
  public static Optional<LifecycleState> fromWireName(String name) {
    for (LifecycleState s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}

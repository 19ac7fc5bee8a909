package dev.proctor.lifecycle;

import static dev.proctor.lifecycle.LifecycleState.ALLOWED;
import static dev.proctor.lifecycle.LifecycleState.APPROVAL_REQUIRED;
import static dev.proctor.lifecycle.LifecycleState.APPROVED;
import static dev.proctor.lifecycle.LifecycleState.CANCELED;
import static dev.proctor.lifecycle.LifecycleState.DEFERRED;
import static dev.proctor.lifecycle.LifecycleState.DENIED;
import static dev.proctor.lifecycle.LifecycleState.EXECUTING;
import static dev.proctor.lifecycle.LifecycleState.EXPIRED;
import static dev.proctor.lifecycle.LifecycleState.FAILED;
import static dev.proctor.lifecycle.LifecycleState.INTERRUPTED;
import static dev.proctor.lifecycle.LifecycleState.RATE_LIMITED;
import static dev.proctor.lifecycle.LifecycleState.REJECTED;
import static dev.proctor.lifecycle.LifecycleState.REQUESTED;
import static dev.proctor.lifecycle.LifecycleState.ROLLED_BACK;
import static dev.proctor.lifecycle.LifecycleState.SUCCEEDED;
import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The table of legal lifecycle transitions, and nothing else: every receipt moves an action from
 * its last recorded state to a new one, and a move that is not in this table throws.
 *
 * <p>Only {@code requested} starts an action. A deferred action is decided again when its context
 * arrives or expires. A denial, rejection, expiry or cancellation ends the action; an outcome can
 * still be rolled back.
 */
public final class Lifecycle {

  private static final Map<LifecycleState, Set<LifecycleState>> TRANSITIONS = table();

  private Lifecycle() {}

  private static Map<LifecycleState, Set<LifecycleState>> table() {
    Map<LifecycleState, Set<LifecycleState>> t = new EnumMap<>(LifecycleState.class);
    for (LifecycleState s : LifecycleState.values()) {
      t.put(s, EnumSet.noneOf(LifecycleState.class));
    }
    t.put(REQUESTED, EnumSet.of(ALLOWED, DENIED, RATE_LIMITED, APPROVAL_REQUIRED, DEFERRED));
    t.put(DEFERRED, EnumSet.of(ALLOWED, DENIED, APPROVAL_REQUIRED, EXPIRED));
    t.put(APPROVAL_REQUIRED, EnumSet.of(APPROVED, REJECTED, EXPIRED, CANCELED));
    t.put(ALLOWED, EnumSet.of(EXECUTING));
    t.put(APPROVED, EnumSet.of(EXECUTING));
    t.put(EXECUTING, EnumSet.of(SUCCEEDED, FAILED, INTERRUPTED));
    t.put(SUCCEEDED, EnumSet.of(ROLLED_BACK));
    t.put(FAILED, EnumSet.of(ROLLED_BACK));
    t.put(INTERRUPTED, EnumSet.of(ROLLED_BACK));
    return t;
  }

  /** True when an action may move from {@code from} (empty: not yet seen) to {@code to}. */
  public static boolean isLegal(Optional<LifecycleState> from, LifecycleState to) {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    return from.map(f -> TRANSITIONS.get(f).contains(to)).orElse(to == REQUESTED);
  }

  /** Checks a move and throws {@link IllegalTransitionException} when the table forbids it. */
  public static void check(String actionId, Optional<LifecycleState> from, LifecycleState to) {
    if (!isLegal(from, to)) {
      throw new IllegalTransitionException(actionId, from, to);
    }
  }

  /** The states an action may move to next from {@code from}. */
  public static Set<LifecycleState> next(LifecycleState from) {
    return Set.copyOf(TRANSITIONS.get(requireNonNull(from, "from is null")));
  }
}

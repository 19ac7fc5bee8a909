package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.Lifecycle;
import dev.proctor.lifecycle.LifecycleState;
import java.util.List;

/**
 * One lifecycle transition of one action, which the log turns into one receipt. A closed set: each
 * kind carries exactly the parts its receipt has.
 */
public sealed interface LifecycleEvent {

  /** The action the event is about. */
  ActionRecord action();

  /** The state the action moves to. */
  LifecycleState state();

  /** The request arrived. */
  record Requested(ActionRecord action) implements LifecycleEvent {
    public Requested {
      requireNonNull(action, "action is null");
    }

    @Override
    public LifecycleState state() {
      return LifecycleState.REQUESTED;
    }
  }

  /** A decision was made. */
  record Decided(ActionRecord action, DecisionRecord decision) implements LifecycleEvent {
    public Decided {
      requireNonNull(action, "action is null");
      requireNonNull(decision, "decision is null");
    }

    @Override
    public LifecycleState state() {
      return decision.state();
    }
  }

  /** A pending approval ended: approved, rejected, expired or canceled. */
  record ApprovalResolved(ActionRecord action, LifecycleState state, ApprovalRecord approval)
      implements LifecycleEvent {
    public ApprovalResolved {
      requireNonNull(action, "action is null");
      requireNonNull(approval, "approval is null");
      if (!Lifecycle.next(LifecycleState.APPROVAL_REQUIRED)
          .contains(requireNonNull(state, "state is null"))) {
        throw new IllegalArgumentException("an approval does not end in " + state.wireName());
      }
    }
  }

  /** The action was handed to execution. */
  record Executing(ActionRecord action) implements LifecycleEvent {
    public Executing {
      requireNonNull(action, "action is null");
    }

    @Override
    public LifecycleState state() {
      return LifecycleState.EXECUTING;
    }
  }

  /** The execution ended: succeeded, failed or interrupted. */
  record Finished(ActionRecord action, LifecycleState state, Outcome outcome)
      implements LifecycleEvent {
    public Finished {
      requireNonNull(action, "action is null");
      requireNonNull(outcome, "outcome is null");
      if (!Lifecycle.next(LifecycleState.EXECUTING)
          .contains(requireNonNull(state, "state is null"))) {
        throw new IllegalArgumentException("an execution does not end in " + state.wireName());
      }
    }
  }

  /** The action's effects were undone; the outcome says how or why not entirely. */
  record RolledBack(ActionRecord action, Outcome outcome) implements LifecycleEvent {
    public RolledBack {
      requireNonNull(action, "action is null");
      requireNonNull(outcome, "outcome is null");
    }

    @Override
    public LifecycleState state() {
      return LifecycleState.ROLLED_BACK;
    }
  }

  /** The {@code requested} event of a request, redacted as the decision's obligations ask. */
  public static Requested requested(ActionRequest request, Decision decision) {
    return new Requested(ActionRecord.of(request, decision.obligations()));
  }

  /** The decision event of a request, redacted as the decision's obligations ask. */
  public static Decided decided(ActionRequest request, Decision decision) {
    return new Decided(
        ActionRecord.of(request, decision.obligations()), DecisionRecord.of(decision));
  }

  /**
   * The {@code requested} and decision events of a request, in that order, sharing one action
   * record (its digests are computed once, not once per event).
   */
  public static List<LifecycleEvent> decision(ActionRequest request, Decision decision) {
    return decision(ActionRecord.of(request, decision.obligations()), decision);
  }

  /** The {@code requested} and decision events of an action record already made for a decision. */
  public static List<LifecycleEvent> decision(ActionRecord action, Decision decision) {
    return List.of(new Requested(action), new Decided(action, DecisionRecord.of(decision)));
  }
}

package dev.proctor.lifecycle;

import java.util.Optional;

/** Thrown when an action is asked to move between two states the lifecycle table does not link. */
public final class IllegalTransitionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** Names the action and both ends of the refused move. */
  public IllegalTransitionException(
      String actionId, Optional<LifecycleState> from, LifecycleState to) {
    super(
        "action "
            + actionId
            + " cannot move from "
            + from.map(LifecycleState::wireName).orElse("(nothing recorded)")
            + " to "
            + to.wireName());
  }
}

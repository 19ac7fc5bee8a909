package dev.proctor;

import static java.util.Objects.requireNonNull;

import dev.proctor.audit.Outcome;
import dev.proctor.lifecycle.Lifecycle;
import dev.proctor.lifecycle.LifecycleState;
import java.util.Optional;

/**
 * How an action that ran outside Proctor ended, as the surface that ran it reports: {@code
 * succeeded}, {@code failed} or {@code interrupted}, with its outcome (output hash, exit status).
 * An action held for approval that the harness's own prompt let through names who answered there
 * ({@code approvedAtPrompt}); that answer is recorded as an approval by that person.
 */
public record Report(LifecycleState end, Outcome outcome, Optional<String> approvedAtPrompt) {

  public Report {
    requireNonNull(end, "end is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(approvedAtPrompt, "approvedAtPrompt is null");
    if (!Lifecycle.next(LifecycleState.EXECUTING).contains(end)) {
      throw new IllegalArgumentException("an execution does not end in " + end.wireName());
    }
  }
}

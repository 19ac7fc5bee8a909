package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Optional;

/**
 * A rule's compiled {@code when}: the planned CEL program, which is the authority, plus two ways to
 * avoid running it that give the same answer — a {@link Guard} that proves the condition false
 * without evaluating it, and a {@link Direct} evaluator for the part of CEL policies use, which
 * hands errors back to the CEL program so that their messages come from CEL.
 */
record Condition(CelRuntime.Program program, Guard guard, Optional<Direct> direct) {

  Condition {
    requireNonNull(program, "program is null");
    requireNonNull(guard, "guard is null");
    requireNonNull(direct, "direct is null");
  }

  /** The condition's value on a request: a Boolean, or another value the caller rejects. */
  Object eval(RequestView view) throws CelEvaluationException {
    if (!guard.mayHold(view)) {
      return Boolean.FALSE;
    }
    if (direct.isPresent()) {
      Object r = direct.get().eval(view);
      if (r instanceof Boolean) {
        return r;
      }
    }
    return program.eval(view);
  }
}

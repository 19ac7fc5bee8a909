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

  /** Whether a fast path may answer instead of the CEL program. */
  boolean hasFastPath() {
    return guard != Guard.ALWAYS || direct.isPresent();
  }

  /**
   * Where the fast paths and CEL disagree on a request, what each says; empty when they agree (an
   * error on both sides counts as agreement, whatever the messages). Run on every {@code expect:}
   * example when a policy loads and on every test case: the fast paths must never change an answer.
   */
  Optional<String> disagreement(RequestView view) {
    if (!guard.mayHold(view)) {
      Object cel = outcome(() -> program.eval(view));
      return Boolean.FALSE.equals(cel)
          ? Optional.empty()
          : Optional.of("the guard says false, CEL says " + cel);
    }
    if (direct.isEmpty()) {
      return Optional.empty();
    }
    Object fast = direct.get().eval(view);
    if (!(fast instanceof Boolean)) {
      return Optional.empty(); // CEL answers
    }
    Object cel = outcome(() -> program.eval(view));
    return fast.equals(cel)
        ? Optional.empty()
        : Optional.of("the direct evaluator says " + fast + ", CEL says " + cel);
  }

  /** An evaluation that may fail. */
  interface Eval {
    Object run() throws CelEvaluationException;
  }

  /** The value, or {@code "error (<message>)"} when the evaluation failed. */
  static Object outcome(Eval e) {
    try {
      return e.run();
    } catch (CelEvaluationException | RuntimeException x) {
      return "error (" + x.getMessage() + ")";
    }
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

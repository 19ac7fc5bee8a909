package dev.proctor.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy (or policy test suite) was refused. It carries every problem found, each naming its
 * file, line and column; nothing was changed by the attempt.
 */
public final class PolicyException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<PolicyProblem> problems;

  /** A refusal for these problems; there is at least one. */
  public PolicyException(List<PolicyProblem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
    if (this.problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
  }

  /** Every problem found, in file order. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  private static String summary(List<PolicyProblem> problems) {
    return problems.size()
        + (problems.size() == 1 ? " problem" : " problems")
        + ":\n"
        + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n"));
  }
}

package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

/** Where something was written: file name, 1-based line and column. */
public record SourcePosition(String file, int line, int column) {

  public SourcePosition {
    requireNonNull(file, "file is null");
  }

  /** A problem at this position. */
  public PolicyProblem problem(String message) {
    return new PolicyProblem(file, line, column, message);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}

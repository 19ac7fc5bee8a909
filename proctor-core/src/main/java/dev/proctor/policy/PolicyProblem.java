package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.yaml.YamlProblem;

/**
 * One thing wrong with a policy or test file, with its place: file name, 1-based line and 1-based
 * column ({@code 0} for either when the problem concerns the whole file).
 */
public record PolicyProblem(String file, int line, int column, String message) {

  public PolicyProblem {
    requireNonNull(file, "file is null");
    requireNonNull(message, "message is null");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must not be negative");
    }
  }

  /** A problem the YAML reader found. */
  public static PolicyProblem of(YamlProblem p) {
    return new PolicyProblem(p.file(), p.line(), p.column(), p.message());
  }

  /** The problem as {@code file:line:column: message}, the form editors and CI logs link. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}

package dev.proctor.yaml;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a YAML file, with its place: file name, 1-based line and 1-based column
 * ({@code 0} for either when the problem concerns the whole file).
 */
public record YamlProblem(String file, int line, int column, String message) {

  public YamlProblem {
    requireNonNull(file, "file is null");
    requireNonNull(message, "message is null");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must not be negative");
    }
  }

  /** The problem as {@code file:line:column: message}. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}

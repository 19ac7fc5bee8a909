package dev.proctor.action;

import static java.util.Objects.requireNonNull;

/**
 * Input that Proctor refuses: malformed, oversize, of the wrong type or shape. The message says
 * what is wrong and {@link #where()} says where (a JSON pointer, or line:column in the text).
 */
public final class BadInputException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String where;

  public BadInputException(String where, String problem) {
    super(
        requireNonNull(where, "where is null") + ": " + requireNonNull(problem, "problem is null"));
    this.where = where;
  }

  /** Where the problem is: a JSON pointer such as {@code /tool_input/command} or line:column. */
  public String where() {
    return where;
  }
}

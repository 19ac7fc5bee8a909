package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

/**
 * A taxonomy file that cannot be used, with the place that is wrong: the message reads {@code
 * file:line:column: what is wrong}.
 */
public final class TaxonomyException extends Exception {

  private final String source;
  private final int line;
  private final int column;
  private final String detail;

  /** An error at a line and column (both 1-based) of a named source. */
  public TaxonomyException(String source, int line, int column, String detail) {
    super(requireNonNull(source, "source is null") + ":" + line + ":" + column + ": " + detail);
    this.source = source;
    this.line = line;
    this.column = column;
    this.detail = requireNonNull(detail, "detail is null");
  }

  /** The file or resource the error is in. */
  public String source() {
    return source;
  }

  /** The 1-based line of the error. */
  public int line() {
    return line;
  }

  /** The 1-based column of the error. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position. */
  public String detail() {
    return detail;
  }
}

package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A configuration file that does not load: every problem, each naming file, line, column, key. */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  /** One problem: where, which key, what is wrong (with the bad value). */
  public record Problem(String file, int line, int column, String key, String message) {
    public Problem {
      requireNonNull(file, "file is null");
      requireNonNull(key, "key is null");
      requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
      return file + ":" + line + ":" + column + ": " + key + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    this(sorted(problems), true);
  }

  private ConfigException(List<Problem> sorted, boolean unused) {
    super(summary(sorted));
    this.problems = sorted;
  }

  private static List<Problem> sorted(List<Problem> problems) {
    return problems.stream()
        .sorted(java.util.Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
        .toList();
  }

  /** Every problem found, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    StringBuilder b = new StringBuilder("the configuration does not load:");
    for (Problem p : problems) {
      b.append(System.lineSeparator()).append("  ").append(p);
    }
    return b.toString();
  }
}

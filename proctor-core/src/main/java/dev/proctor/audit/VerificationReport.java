package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What {@code audit verify} found: how many receipts, checkpoints and co-signatures were checked,
 * how many receipts at the end no signed checkpoint covers ({@code unsigned}; 0 when verification
 * stopped at an earlier problem), the log id and root, warnings that do not break integrity, and
 * the first problem if any — naming the receipt's sequence number (or -1 when the problem is not
 * one receipt's) and the line.
 */
public record VerificationReport(
    long receipts,
    long checkpoints,
    long cosignatures,
    long unsigned,
    Optional<String> logId,
    String root,
    List<String> warnings,
    Optional<Problem> problem) {

  /** The first thing found wrong. */
  public record Problem(long sequence, long line, String message) {
    public Problem {
      requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
      return (sequence >= 0 ? "receipt " + sequence + " (line " + line + ")" : "line " + line)
          + ": "
          + message;
    }
  }

  /** The same report, found broken for this problem (a check made beside the verifier's). */
  public VerificationReport broken(long sequence, long line, String message) {
    return new VerificationReport(
        receipts,
        checkpoints,
        cosignatures,
        unsigned,
        logId,
        root,
        warnings,
        Optional.of(new Problem(sequence, line, message)));
  }

  public VerificationReport {
    requireNonNull(logId, "logId is null");
    requireNonNull(root, "root is null");
    warnings = List.copyOf(requireNonNull(warnings, "warnings is null"));
    requireNonNull(problem, "problem is null");
  }

  /** True when nothing was found wrong. */
  public boolean intact() {
    return problem.isEmpty();
  }

  /** A few lines for people. */
  public String summary() {
    StringBuilder b = new StringBuilder();
    b.append(intact() ? "INTACT" : "BROKEN").append(": ");
    b.append(receipts).append(" receipts, ");
    b.append(checkpoints).append(" signed checkpoints, ");
    b.append(cosignatures).append(" witness co-signatures");
    logId.ifPresent(id -> b.append(", log ").append(id));
    b.append(", root ").append(root);
    problem.ifPresent(p -> b.append("\nfirst bad entry: ").append(p));
    warnings.forEach(w -> b.append("\nwarning: ").append(w));
    return b.toString();
  }
}

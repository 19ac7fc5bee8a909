package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.util.HexFormat;
import java.util.Optional;

/**
 * The execution part of a receipt: an exit status when there is one, the SHA-256 of the output when
 * it was seen, and a short detail (such as why an execution was interrupted).
 */
public record Outcome(
    Optional<Long> exitStatus, Optional<String> outputHash, Optional<String> detail) {

  /** An outcome with nothing known. */
  public static final Outcome NONE =
      new Outcome(Optional.empty(), Optional.empty(), Optional.empty());

  public Outcome {
    requireNonNull(exitStatus, "exitStatus is null");
    requireNonNull(outputHash, "outputHash is null");
    requireNonNull(detail, "detail is null");
    outputHash.ifPresent(
        h -> {
          if (!h.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("outputHash must be 64 lower-case hex digits: " + h);
          }
        });
  }

  /** An outcome with the SHA-256 of the given output bytes. */
  public static Outcome ofOutput(Optional<Long> exitStatus, byte[] output) {
    return new Outcome(
        exitStatus,
        Optional.of(HexFormat.of().formatHex(Merkle.sha256().digest(output))),
        Optional.empty());
  }
}

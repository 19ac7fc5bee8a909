package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * An independent place a log's checkpoints are pushed to, such as an HTTP witness that checks each
 * one is consistent with the last it saw and co-signs it. Core knows only this interface; the HTTP
 * client lives in {@code proctor-server}.
 */
public interface CheckpointSink {

  /** A name for messages, such as the witness's URL. */
  String name();

  /**
   * Submits a checkpoint, asking {@code log} for the consistency proof the sink needs; throws
   * {@link IOException} when the sink cannot be reached or answers with something unusable.
   */
  Submission submit(Checkpoint checkpoint, ConsistencySource log) throws IOException;

  /**
   * Where a sink gets what it needs from the log: consistency proofs between two sizes, and the
   * log's handovers to new signing keys (for a witness that holds a checkpoint signed by an older
   * key).
   */
  @FunctionalInterface
  interface ConsistencySource {

    /** The RFC 9162 consistency proof from tree size {@code from} to tree size {@code to}. */
    List<byte[]> consistencyProof(long from, long to);

    /** The log's handovers, oldest first (see {@link ActionLog#handovers()}); none by default. */
    default List<Checkpoint> handovers() {
      return List.of();
    }
  }

  /** What a sink answered. */
  sealed interface Submission permits Cosigned, Refused, Ahead {}

  /** The sink accepted the checkpoint and co-signed it. */
  record Cosigned(Cosignature cosignature) implements Submission {
    public Cosigned {
      requireNonNull(cosignature, "cosignature is null");
    }
  }

  /**
   * The sink refused the checkpoint: {@code reason} is a stable code ({@code fork}, {@code
   * rollback}, {@code untrusted_key} …), {@code witnessed} the checkpoint it holds instead, if any.
   */
  record Refused(String reason, String message, Optional<Checkpoint> witnessed)
      implements Submission {
    public Refused {
      requireNonNull(reason, "reason is null");
      requireNonNull(message, "message is null");
      requireNonNull(witnessed, "witnessed is null");
    }
  }

  /**
   * The sink has already seen a larger checkpoint of this log, so nothing was submitted; the caller
   * checks that its own log reproduces {@code witnessed}.
   */
  record Ahead(Checkpoint witnessed) implements Submission {
    public Ahead {
      requireNonNull(witnessed, "witnessed is null");
    }
  }
}

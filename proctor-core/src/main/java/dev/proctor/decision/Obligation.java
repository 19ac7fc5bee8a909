package dev.proctor.decision;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Something the enforcing side must do besides the effect: redact, snapshot, time-limit. */
public sealed interface Obligation {

  /** Record the digest of these arguments (JSON pointers) instead of their values. */
  record Redact(List<String> pointers) implements Obligation {
    public Redact {
      pointers = List.copyOf(requireNonNull(pointers, "pointers is null"));
    }
  }

  /** Snapshot the target before the action so that it can be rolled back. */
  record Snapshot() implements Obligation {}

  /** Interrupt the execution when it runs longer than this. */
  record TimeLimit(java.time.Duration limit) implements Obligation {
    public TimeLimit {
      requireNonNull(limit, "limit is null");
    }
  }
}

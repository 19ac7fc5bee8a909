package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the log commits and signs: at most {@code maxBatch} appends per group commit, a signed
 * checkpoint once {@code checkpointEvery} receipts or {@code checkpointInterval} have passed since
 * the last one (whichever comes first), and one more when the log closes if {@code
 * checkpointOnClose}; {@code queueCapacity} appends may wait before new ones are refused.
 *
 * <p>{@code commitDelay} is a group-commit window: when appends are arriving concurrently (the
 * batch being written, or the one before it, held more than one), the writer waits this long after
 * the first append of a batch before it commits, so that one fsync covers more receipts. Each
 * commit with data costs ~0.3 ms of CPU on the measured machine, most of it the fsync, whatever the
 * number of receipts in it; a lone caller (one agent, one hook at a time) never waits. Zero (the
 * default) turns the window off.
 */
public record LogOptions(
    int maxBatch,
    long checkpointEvery,
    Duration checkpointInterval,
    boolean checkpointOnClose,
    int queueCapacity,
    Duration commitDelay) {

  /**
   * Batches of up to 1,024, a checkpoint per 10,000 receipts or second, one on close, and a 0.5 ms
   * group-commit window under concurrent appends.
   */
  public static final LogOptions DEFAULT =
      new LogOptions(1024, 10_000, Duration.ofSeconds(1), true, 65_536, Duration.ZERO);

  public LogOptions {
    requireNonNull(checkpointInterval, "checkpointInterval is null");
    requireNonNull(commitDelay, "commitDelay is null");
    if (commitDelay.isNegative() || commitDelay.compareTo(Duration.ofSeconds(1)) > 0) {
      throw new IllegalArgumentException(
          "commitDelay must be between 0 and 1s, was " + commitDelay);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException(
          "checkpointEvery must be at least 1, was " + checkpointEvery);
    }
    if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
      throw new IllegalArgumentException(
          "checkpointInterval must be positive, was " + checkpointInterval);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queueCapacity must be at least 1, was " + queueCapacity);
    }
  }

  /** These options with another checkpoint cadence. */
  public LogOptions withCheckpoints(long every, Duration interval) {
    return new LogOptions(maxBatch, every, interval, checkpointOnClose, queueCapacity, commitDelay);
  }

  /** These options with another group-commit window (zero: commit at once). */
  public LogOptions withCommitDelay(Duration delay) {
    return new LogOptions(
        maxBatch, checkpointEvery, checkpointInterval, checkpointOnClose, queueCapacity, delay);
  }
}

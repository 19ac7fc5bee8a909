package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the log commits and signs: at most {@code maxBatch} appends per group commit, a signed
 * checkpoint once {@code checkpointEvery} receipts or {@code checkpointInterval} have passed since
 * the last one (whichever comes first), and one more when the log closes if {@code
 * checkpointOnClose}; {@code queueCapacity} appends may wait before new ones are refused.
 */
public record LogOptions(
    int maxBatch,
    long checkpointEvery,
    Duration checkpointInterval,
    boolean checkpointOnClose,
    int queueCapacity) {

  /** Batches of up to 1,024, a checkpoint per 10,000 receipts or second, and one on close. */
  public static final LogOptions DEFAULT =
      new LogOptions(1024, 10_000, Duration.ofSeconds(1), true, 65_536);

  public LogOptions {
    requireNonNull(checkpointInterval, "checkpointInterval is null");
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
    return new LogOptions(maxBatch, every, interval, checkpointOnClose, queueCapacity);
  }
}

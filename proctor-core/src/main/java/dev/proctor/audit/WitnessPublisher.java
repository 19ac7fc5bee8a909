package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import dev.proctor.store.StoredCosignature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes an action log's checkpoints to witnesses ({@link CheckpointSink}s) and stores the
 * co-signatures they return in the log's store, so that an operator of the store cannot rewrite
 * history without the witnesses noticing.
 *
 * <p>Why it works off the decision path: a witness is a remote service that may be slow or down,
 * and a receipt is durable without it. {@link #attach} hooks the publisher to the log's new
 * checkpoints; each one is handed to a single background thread, and while a push is running only
 * the newest waiting checkpoint is kept (a witness needs the latest, not every one). A refusal —
 * the witness saw a checkpoint this log contradicts — is logged as an error and counted ({@link
 * #refusals()}); an unreachable witness is logged as a warning and counted ({@link #failures()}).
 */
public final class WitnessPublisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WitnessPublisher.class);

  private final ActionLog log;
  private final List<CheckpointSink> sinks;
  private final KeyRing witnessKeys;
  private final ExecutorService executor;
  private final AtomicReference<Checkpoint> pending = new AtomicReference<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong cosigned = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile Optional<String> lastProblem = Optional.empty();

  /** What pushing one checkpoint to one sink came to. */
  public enum Status {
    /** The witness co-signed; the co-signature is stored. */
    COSIGNED,
    /** The witness has seen a larger checkpoint already, and this log reproduces it. */
    AHEAD_CONSISTENT,
    /** The witness refused the checkpoint, or holds one this log contradicts: a fork. */
    REFUSED,
    /** The witness could not be reached or gave an unusable answer. */
    FAILED
  }

  /** The result of pushing a checkpoint to one sink. */
  public record Result(
      String sink, Status status, String message, Optional<Cosignature> cosignature) {
    public Result {
      requireNonNull(sink, "sink is null");
      requireNonNull(status, "status is null");
      requireNonNull(message, "message is null");
      requireNonNull(cosignature, "cosignature is null");
    }
  }

  /**
   * A publisher for a log; co-signatures are accepted only from keys on {@code witnessKeys}.
   * Nothing is pushed until {@link #attach} or {@link #push} is called.
   */
  public WitnessPublisher(ActionLog log, List<CheckpointSink> sinks, KeyRing witnessKeys) {
    this.log = requireNonNull(log, "log is null");
    this.sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
    this.witnessKeys = requireNonNull(witnessKeys, "witnessKeys is null");
    if (this.sinks.isEmpty()) {
      throw new IllegalArgumentException("no witness to publish to");
    }
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "proctor-witness-publisher");
              t.setDaemon(true);
              return t;
            });
  }

  /** Creates a publisher that pushes every checkpoint the log signs from now on, in background. */
  public static WitnessPublisher attach(
      ActionLog log, List<CheckpointSink> sinks, KeyRing witnessKeys) {
    WitnessPublisher p = new WitnessPublisher(log, sinks, witnessKeys);
    log.onCheckpoint(p::offer);
    return p;
  }

  /** Queues a checkpoint for pushing in the background; returns at once. */
  public void offer(Checkpoint checkpoint) {
    requireNonNull(checkpoint, "checkpoint is null");
    pending.accumulateAndGet(checkpoint, (a, b) -> a == null || b.size() >= a.size() ? b : a);
    if (scheduled.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        LOG.warn(
            "witness publisher is closed; checkpoint of size {} not pushed", checkpoint.size());
      }
    }
  }

  private void drain() {
    scheduled.set(false);
    Checkpoint c = pending.getAndSet(null);
    if (c != null) {
      push(c);
    }
  }

  /** Pushes a checkpoint to every sink now, stores the co-signatures, and returns the results. */
  public synchronized List<Result> push(Checkpoint checkpoint) {
    CheckpointSink.ConsistencySource source =
        new CheckpointSink.ConsistencySource() {
          @Override
          public List<byte[]> consistencyProof(long from, long to) {
            return log.consistencyProof(from, to);
          }

          @Override
          public List<Checkpoint> handovers() {
            return log.handovers();
          }
        };
    List<Result> results = new ArrayList<>(sinks.size());
    for (CheckpointSink sink : sinks) {
      Result r;
      try {
        r = handle(sink, checkpoint, sink.submit(checkpoint, source));
      } catch (IOException | RuntimeException e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        r = new Result(sink.name(), Status.FAILED, why, Optional.empty());
      }
      switch (r.status()) {
        case COSIGNED -> cosigned.incrementAndGet();
        case AHEAD_CONSISTENT -> LOG.debug("witness {}: {}", r.sink(), r.message());
        case REFUSED -> {
          refusals.incrementAndGet();
          lastProblem = Optional.of(r.sink() + ": " + r.message());
          LOG.error("WITNESS REFUSED the log {}: {}: {}", log.logId(), r.sink(), r.message());
        }
        case FAILED -> {
          failures.incrementAndGet();
          lastProblem = Optional.of(r.sink() + ": " + r.message());
          LOG.warn(
              "checkpoint of size {} not witnessed by {}: {}",
              checkpoint.size(),
              r.sink(),
              r.message());
        }
      }
      results.add(r);
    }
    return results;
  }

  private Result handle(CheckpointSink sink, Checkpoint c, CheckpointSink.Submission s) {
    if (s instanceof CheckpointSink.Cosigned ok) {
      Cosignature k = ok.cosignature();
      if (!k.logId().equals(c.logId()) || k.size() != c.size() || !k.root().equals(c.root())) {
        return new Result(
            sink.name(),
            Status.FAILED,
            "the witness co-signed log "
                + k.logId()
                + " at size "
                + k.size()
                + ", not the checkpoint pushed",
            Optional.empty());
      }
      try {
        k.verify(witnessKeys);
      } catch (ProofException e) {
        return new Result(
            sink.name(), Status.FAILED, "co-signature rejected: " + e.getMessage(), Optional.of(k));
      }
      store(k);
      return new Result(
          sink.name(),
          Status.COSIGNED,
          "co-signed size " + k.size() + " by witness key " + k.witnessKeyId(),
          Optional.of(k));
    }
    if (s instanceof CheckpointSink.Refused no) {
      String seen =
          no.witnessed()
              .filter(w -> w.logId().equals(c.logId()))
              .map(w -> " (the witness holds size " + w.size() + ", root " + w.root() + ")")
              .orElse("");
      return new Result(
          sink.name(), Status.REFUSED, no.reason() + ": " + no.message() + seen, Optional.empty());
    }
    Checkpoint w = ((CheckpointSink.Ahead) s).witnessed();
    boolean reproduced =
        w.logId().equals(log.logId())
            && w.size() <= log.size()
            && HexFormat.of().formatHex(log.root(w.size())).equals(w.root());
    if (reproduced) {
      return new Result(
          sink.name(),
          Status.AHEAD_CONSISTENT,
          "the witness has seen size " + w.size() + " already, which this log reproduces",
          Optional.empty());
    }
    return new Result(
        sink.name(),
        Status.REFUSED,
        "fork: the witness holds a checkpoint of size "
            + w.size()
            + " with root "
            + w.root()
            + " that this log (size "
            + log.size()
            + ") does not reproduce",
        Optional.empty());
  }

  private void store(Cosignature k) {
    boolean known =
        log.store().cosignatures(k.size(), k.size()).stream()
            .anyMatch(s -> s.witnessKeyId().equals(k.witnessKeyId()));
    if (!known) {
      log.store()
          .write(
              tx -> {
                tx.addCosignature(new StoredCosignature(k.size(), k.witnessKeyId(), k.toJson()));
                return null;
              });
    }
  }

  /** Co-signatures received and stored so far. */
  public long cosigned() {
    return cosigned.get();
  }

  /** Refusals so far: a non-zero count means a witness saw a fork or rollback of this log. */
  public long refusals() {
    return refusals.get();
  }

  /** Pushes that failed because a witness could not be reached or answered nonsense. */
  public long failures() {
    return failures.get();
  }

  /** The last refusal or failure, if any. */
  public Optional<String> lastProblem() {
    return lastProblem;
  }

  /** Stops the background thread after the push in progress, if any. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}

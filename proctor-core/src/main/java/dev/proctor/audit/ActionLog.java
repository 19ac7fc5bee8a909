package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.Lifecycle;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.store.LogStore;
import dev.proctor.store.LogTransaction;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper-evident action log (AWS2-RUN-L3-003): turns lifecycle events into hash-chained
 * receipts, leaves of an RFC 9162 Merkle tree, and signs checkpoints of the tree.
 *
 * <p>Why a single writer: every receipt names its predecessor's hash and takes the next sequence
 * number, so appends are serialised anyway. Callers on any thread build their receipts' ids and
 * bodies (all but {@code seq}, {@code prev} and {@code time}) and enqueue; one writer thread drains
 * the queue, writes the whole batch in one store transaction (one fsync for many receipts: group
 * commit), then completes the callers' futures. A future completes only once its receipts are
 * durable, and fails — never completes normally — when they are not: a caller that waits for it
 * cannot act on a decision whose receipt is not on disk. The mirror file, when there is one, is
 * written after the acknowledgement by a {@code MirrorFollower}. The writer keeps only the Merkle
 * frontier (at most 64 hashes) in memory; the store keeps the perfect subtree hashes that proofs
 * need.
 *
 * <p>Each append also checks the lifecycle table against the action's last recorded state; a
 * refused transition fails only that append. The log takes ownership of the store and mirror.
 */
public final class ActionLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActionLog.class);

  private final LogStore store;
  private final Optional<CheckpointSigner> signer;
  private final Optional<MirrorFile> mirror;
  private final Clock clock;
  private final LogOptions options;
  private final String logId;
  private final BlockingQueue<Pending> queue;
  private final Thread writer;
  private final Optional<MirrorFollower> follower;
  private volatile boolean closed;
  private volatile Optional<Checkpoint> latest;
  private final List<Consumer<Checkpoint>> checkpointListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<List<Receipt>>> receiptListeners = new CopyOnWriteArrayList<>();

  // Writer-thread state.
  private Frontier frontier;
  private String lastHash;
  private long lastCheckpointSize;
  private Instant lastCheckpointTime;
  private boolean mirrorLagging = true;
  private long timeMillis = Long.MIN_VALUE;
  private String timeText = "";

  /** An event with its receipt id and body, built on the caller's thread. */
  private record Prepared(LifecycleEvent event, String id, ReceiptFormat.Body body) {}

  /**
   * Events waiting for the writer. The writer takes each inside its transaction, holding the
   * store's write lock; a caller whose deadline passes first withdraws it, and then nothing of it
   * is written. Exactly one of the two wins.
   */
  private record Pending(
      List<Prepared> events,
      boolean checkpoint,
      Optional<PublicKey> handoverTo,
      CompletableFuture<List<Receipt>> future,
      AtomicInteger claim) {
    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int WITHDRAWN = 2;

    Pending(List<Prepared> events, boolean checkpoint) {
      this(events, checkpoint, Optional.empty());
    }

    Pending(List<Prepared> events, boolean checkpoint, Optional<PublicKey> handoverTo) {
      this(events, checkpoint, handoverTo, new CompletableFuture<>(), new AtomicInteger(QUEUED));
    }

    boolean take() {
      return claim.compareAndSet(QUEUED, TAKEN);
    }

    boolean withdraw() {
      return claim.compareAndSet(QUEUED, WITHDRAWN);
    }
  }

  /** How long a caller whose deadline passed still waits for events the writer already took. */
  private static final Duration COMMIT_GRACE = Duration.ofMillis(500);

  private static final Pending STOP = new Pending(List.of(), false);

  private ActionLog(
      LogStore store,
      Optional<CheckpointSigner> signer,
      Optional<MirrorFile> mirror,
      Clock clock,
      LogOptions options) {
    this.store = requireNonNull(store, "store is null");
    this.signer = requireNonNull(signer, "signer is null");
    this.mirror = requireNonNull(mirror, "mirror is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.options = requireNonNull(options, "options is null");
    this.logId = store.logId();
    this.queue = new LinkedBlockingQueue<>(options.queueCapacity());
    this.latest = store.latestCheckpoint().map(c -> Checkpoint.fromJson(c.json()));
    this.lastCheckpointSize = latest.map(Checkpoint::size).orElse(-1L);
    this.lastCheckpointTime = latest.map(Checkpoint::time).orElse(Instant.EPOCH);
    this.writer = new Thread(this::run, "proctor-action-log-writer");
    this.writer.setDaemon(true);
    this.follower = mirror.map(m -> new MirrorFollower(m, store));
  }

  /**
   * Opens the log over a store; checkpoints are signed when a signer is given, and every receipt
   * and checkpoint is also appended to the mirror when one is given.
   */
  public static ActionLog open(
      LogStore store,
      Optional<CheckpointSigner> signer,
      Optional<MirrorFile> mirror,
      Clock clock,
      LogOptions options) {
    ActionLog log = new ActionLog(store, signer, mirror, clock, options);
    log.follower.ifPresent(MirrorFollower::start);
    log.writer.start();
    return log;
  }

  /** The log's id. */
  public String logId() {
    return logId;
  }

  /** The number of durable receipts. */
  public long size() {
    return store.size();
  }

  /** The store behind the log, for reading. */
  public LogStore store() {
    return store;
  }

  /** The latest signed checkpoint this log knows. */
  public Optional<Checkpoint> latestCheckpoint() {
    return latest;
  }

  /**
   * Appends events as consecutive receipts; the future completes once they are durable, and fails
   * with {@link LogUnavailableException} when they cannot be written or with {@link
   * IllegalTransitionException} when the lifecycle table forbids one of them (then none is
   * written).
   */
  public CompletableFuture<List<Receipt>> append(List<LifecycleEvent> events) {
    return submit(events).future();
  }

  private Pending submit(List<LifecycleEvent> events) {
    List<LifecycleEvent> copy = List.copyOf(events);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("nothing to append");
    }
    // The receipts' ids and bodies are built here, so that callers share the work the single
    // writer would otherwise do alone; the writer only splices in seq, prev and time.
    List<Prepared> prepared = new ArrayList<>(copy.size());
    try {
      for (LifecycleEvent e : copy) {
        prepared.add(new Prepared(e, ReceiptIds.next(clock.instant()), ReceiptFormat.body(e)));
      }
    } catch (RuntimeException e) {
      Pending failed = new Pending(List.of(), false);
      failed.future().completeExceptionally(e);
      return failed;
    }
    Pending p = new Pending(List.copyOf(prepared), false);
    enqueue(p);
    return p;
  }

  private CompletableFuture<List<Receipt>> enqueue(Pending p) {
    if (closed) {
      p.future().completeExceptionally(unavailable("the action log is closed", null));
    } else if (!queue.offer(p)) {
      p.future().completeExceptionally(unavailable("the action log queue is full", null));
    } else if (closed && queue.remove(p)) {
      p.future().completeExceptionally(unavailable("the action log is closed", null));
    }
    return p.future();
  }

  /** Appends one event and waits until its receipt is durable. */
  public Receipt record(LifecycleEvent event) throws LogUnavailableException {
    return recordAll(List.of(event)).get(0);
  }

  /** Appends events as consecutive receipts and waits until they are durable. */
  public List<Receipt> recordAll(List<LifecycleEvent> events) throws LogUnavailableException {
    return await(append(events));
  }

  /**
   * Appends events as consecutive receipts and waits until they are durable, but not past the
   * deadline: when it passes before the writer has taken them, they are withdrawn — nothing of them
   * is ever written — and {@link LogUnavailableException} says so. Events the writer already took
   * are being committed; they get a short grace, after which the exception says their fate is
   * unknown.
   */
  public List<Receipt> recordAll(List<LifecycleEvent> events, Duration timeout)
      throws LogUnavailableException {
    return awaitUntil(submit(events), System.nanoTime() + Math.max(0, timeout.toNanos()), timeout);
  }

  /**
   * Appends several independent units — each a list of events written as consecutive receipts — and
   * waits for all of them, but not past the deadline, with the rules of {@link #recordAll(List,
   * Duration)} for each unit. Every unit is queued before the first wait, so that they share group
   * commits; each succeeds or fails on its own, in the order given.
   */
  public List<Recorded> recordEach(List<List<LifecycleEvent>> units, Duration timeout) {
    long end = System.nanoTime() + Math.max(0, timeout.toNanos());
    List<Pending> pending = new ArrayList<>(units.size());
    for (List<LifecycleEvent> unit : units) {
      pending.add(submit(unit));
    }
    List<Recorded> out = new ArrayList<>(units.size());
    for (Pending p : pending) {
      try {
        out.add(new Recorded(awaitUntil(p, end, timeout), Optional.empty()));
      } catch (LogUnavailableException | RuntimeException e) {
        out.add(new Recorded(List.of(), Optional.of(e)));
      }
    }
    return out;
  }

  /** The receipts of one unit of {@link #recordEach}, or why it was not recorded. */
  public record Recorded(List<Receipt> receipts, Optional<Exception> failure) {
    public Recorded {
      receipts = List.copyOf(requireNonNull(receipts, "receipts is null"));
      requireNonNull(failure, "failure is null");
    }
  }

  private static List<Receipt> awaitUntil(Pending p, long endNanos, Duration timeout)
      throws LogUnavailableException {
    try {
      return await(p.future(), Math.max(0, endNanos - System.nanoTime()));
    } catch (TimeoutException e) {
      if (p.withdraw()) {
        p.future().completeExceptionally(unavailable("withdrawn at the deadline", null));
        throw unavailable(
            "the action log did not take the receipts within "
                + timeout.toMillis()
                + " ms (is another process holding the store's write lock?); nothing was written",
            null);
      }
      try {
        return await(p.future(), COMMIT_GRACE.toNanos());
      } catch (TimeoutException again) {
        throw unavailable(
            "the action log was still committing the receipts at the deadline; they may be"
                + " written, but this caller cannot wait for them",
            again);
      }
    }
  }

  /**
   * Records a decision — the {@code requested} receipt and the decision's, both redacted as the
   * decision's obligations ask — atomically, waiting at most until the deadline (see {@link
   * #recordAll(List, Duration)}).
   */
  public List<Receipt> recordDecision(ActionRequest request, Decision decision, Duration timeout)
      throws LogUnavailableException {
    return recordAll(
        List.of(
            LifecycleEvent.requested(request, decision), LifecycleEvent.decided(request, decision)),
        timeout);
  }

  /**
   * Signs a checkpoint of the log as it is now (unless the latest one covers it) and returns it.
   */
  public Checkpoint checkpoint() throws LogUnavailableException {
    if (signer.isEmpty()) {
      throw new IllegalStateException("this log has no signing key");
    }
    await(enqueue(new Pending(List.of(), true)));
    return latest.orElseThrow(() -> new IllegalStateException("no checkpoint was signed"));
  }

  /**
   * Signs a handover with the log's current key — a checkpoint of the log as it is now that names
   * {@code next} as its next signing key — and returns it. {@code proctor keys rotate} signs one
   * before it replaces the key, so that a witness or verifier that knows the old key accepts the
   * new one for this log, and for this log only.
   */
  public Checkpoint handOver(PublicKey next) throws LogUnavailableException {
    requireNonNull(next, "next is null");
    if (signer.isEmpty()) {
      throw new IllegalStateException("this log has no signing key");
    }
    if (KeyFiles.keyId(next).equals(signer.get().keyId())) {
      throw new IllegalArgumentException("a key cannot hand the log over to itself");
    }
    long before = store.size();
    await(enqueue(new Pending(List.of(), true, Optional.of(next))));
    String text = Checkpoint.nextKeyText(next);
    List<StoredCheckpoint> since = store.checkpoints(before, store.size());
    for (int i = since.size() - 1; i >= 0; i--) {
      Checkpoint c = Checkpoint.fromJson(since.get(i).json());
      if (c.nextKey().filter(text::equals).isPresent()) {
        return c;
      }
    }
    throw new IllegalStateException("the handover was not stored");
  }

  /**
   * The handovers this log holds, oldest first: the checkpoints that named a next signing key. A
   * witness that holds a checkpoint signed by an older key needs them to accept the newer one.
   */
  public List<Checkpoint> handovers() {
    List<Checkpoint> out = new ArrayList<>();
    long size = store.size();
    // Windows of sizes keep memory bounded however many checkpoints the log has.
    for (long from = 0; from <= size; from += HANDOVER_SCAN_WINDOW) {
      for (StoredCheckpoint s :
          store.checkpoints(from, Math.min(size, from + HANDOVER_SCAN_WINDOW - 1))) {
        if (s.json().contains("\"nextKey\"")) {
          Checkpoint c = Checkpoint.fromJson(s.json());
          if (c.isHandover()) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }

  private static final long HANDOVER_SCAN_WINDOW = 65_536;

  /**
   * The proof for a receipt: its audit path to the root of the latest checkpoint, signing one first
   * when none covers the receipt yet.
   */
  public ReceiptProof prove(String receiptId) throws LogUnavailableException {
    StoredEntry e =
        store
            .entryById(receiptId)
            .orElseThrow(() -> new NoSuchElementException("no receipt " + receiptId));
    Checkpoint c =
        store
            .latestCheckpoint()
            .map(s -> Checkpoint.fromJson(s.json()))
            .filter(k -> k.size() > e.sequence())
            .orElse(null);
    if (c == null) {
      c = checkpoint();
    }
    List<String> path =
        Merkle.inclusionProof(store::node, e.sequence(), c.size()).stream()
            .map(HexFormat.of()::formatHex)
            .toList();
    return new ReceiptProof(e.json(), e.sequence(), path, c);
  }

  /**
   * Calls {@code listener} with every checkpoint signed from now on, on the writer thread once the
   * checkpoint is durable and before the appends of its batch complete; it must return at once
   * (hand the work to another thread) and a failure in it is logged and ignored. Witness publishing
   * hooks in here.
   */
  public void onCheckpoint(Consumer<Checkpoint> listener) {
    checkpointListeners.add(requireNonNull(listener, "listener is null"));
  }

  /**
   * Calls {@code listener} with the receipts of every batch committed from now on, in log order, on
   * the writer thread once they are durable and before the appends of the batch complete; like a
   * checkpoint listener it must return at once, and a failure in it is logged and ignored. Live
   * feeds and metrics hook in here.
   */
  public void onReceipts(Consumer<List<Receipt>> listener) {
    receiptListeners.add(requireNonNull(listener, "listener is null"));
  }

  private void announceReceipts(List<List<Receipt>> units) {
    if (receiptListeners.isEmpty()) {
      return;
    }
    List<Receipt> all = new ArrayList<>();
    units.forEach(all::addAll);
    if (all.isEmpty()) {
      return;
    }
    List<Receipt> view = List.copyOf(all);
    for (Consumer<List<Receipt>> l : receiptListeners) {
      try {
        l.accept(view);
      } catch (RuntimeException e) {
        LOG.warn("a receipt listener failed: {}", e.toString());
      }
    }
  }

  private void announce(Optional<Checkpoint> checkpoint) {
    checkpoint.ifPresent(
        c -> {
          for (Consumer<Checkpoint> l : checkpointListeners) {
            try {
              l.accept(c);
            } catch (RuntimeException e) {
              LOG.warn("a checkpoint listener failed: {}", e.toString());
            }
          }
        });
  }

  /** The consistency proof between two tree sizes of this log. */
  public List<byte[]> consistencyProof(long first, long second) {
    if (second > store.size()) {
      throw new IllegalArgumentException("the log has only " + store.size() + " receipts");
    }
    return Merkle.consistencyProof(store::node, first, second);
  }

  /** The root hash of the log's first {@code size} receipts. */
  public byte[] root(long size) {
    return Merkle.root(store::node, size);
  }

  /** Stops accepting appends, writes what is queued, signs a last checkpoint, and closes. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      queue.put(STOP);
      writer.join();
      if (follower.isPresent()) {
        follower.get().stop();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      mirror.ifPresent(
          m -> {
            try {
              m.close();
            } catch (IOException e) {
              LOG.warn("closing the mirror file failed: {}", e.getMessage());
            }
          });
      store.close();
    }
  }

  private static List<Receipt> await(CompletableFuture<List<Receipt>> f)
      throws LogUnavailableException {
    try {
      return await(f, Long.MAX_VALUE);
    } catch (TimeoutException e) {
      throw new IllegalStateException("an unbounded wait timed out", e);
    }
  }

  private static List<Receipt> await(CompletableFuture<List<Receipt>> f, long nanos)
      throws LogUnavailableException, TimeoutException {
    try {
      return nanos == Long.MAX_VALUE ? f.get() : f.get(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted while waiting for the receipt to be durable", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LogUnavailableException u) {
        throw new LogUnavailableException(u.getMessage(), u);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw unavailable("receipt not durable: " + cause, cause);
    }
  }

  private static LogUnavailableException unavailable(String message, Throwable cause) {
    return new LogUnavailableException(message, cause);
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(options.maxBatch());
    boolean stop = false;
    while (!stop) {
      try {
        Pending first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          if (checkpointDue(false, currentSize())) {
            process(List.of(new Pending(List.of(), true)));
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, options.maxBatch() - 1);
        for (int i = 0; i < batch.size(); i++) {
          if (batch.get(i) == STOP) {
            stop = true;
            batch.subList(i, batch.size()).clear();
            break;
          }
        }
        if (!batch.isEmpty()) {
          process(batch);
        }
      } catch (InterruptedException e) {
        stop = true;
      } catch (RuntimeException e) {
        LOG.error("action log writer failed", e);
        batch.forEach(p -> p.future().completeExceptionally(unavailable(e.toString(), e)));
      } finally {
        batch.clear();
      }
    }
    if (signer.isPresent() && options.checkpointOnClose()) {
      process(List.of(new Pending(List.of(), true)));
    }
    for (Pending p; (p = queue.poll()) != null; ) {
      p.future().completeExceptionally(unavailable("the action log is closed", null));
    }
  }

  private long pollMillis() {
    return Math.max(1, options.checkpointInterval().toMillis());
  }

  private long currentSize() {
    return frontier == null ? store.size() : frontier.size();
  }

  private boolean checkpointDue(boolean forced, long size) {
    if (signer.isEmpty() || size <= lastCheckpointSize) {
      return false;
    }
    return forced
        || size - Math.max(0, lastCheckpointSize) >= options.checkpointEvery()
        || Duration.between(lastCheckpointTime, clock.instant())
                .compareTo(options.checkpointInterval())
            >= 0;
  }

  /** What one committed batch produced. */
  private record Written(
      Frontier frontier,
      String lastHash,
      List<List<Receipt>> receipts,
      List<RuntimeException> refusals,
      Optional<Checkpoint> checkpoint,
      long first,
      List<String> lines) {}

  private void process(List<Pending> batch) {
    if (mirror.isPresent() && (mirrorLagging || follower.get().failed())) {
      // The first batch, or the mirror failed: catch it up here, or refuse the batch.
      try {
        mirror.get().catchUp(store);
        follower.get().recovered();
        mirrorLagging = false;
      } catch (IOException | RuntimeException e) {
        fail(batch, unavailable("the mirror file cannot be written: " + e.getMessage(), e));
        return;
      }
    }
    Written w;
    try {
      w = store.write(tx -> write(tx, batch));
    } catch (RuntimeException e) {
      frontier = null;
      fail(batch, unavailable("receipts not durable: " + e.getMessage(), e));
      return;
    }
    frontier = w.frontier();
    lastHash = w.lastHash();
    w.checkpoint()
        .ifPresent(
            c -> {
              latest = Optional.of(c);
              lastCheckpointSize = c.size();
              lastCheckpointTime = c.time();
            });
    if (follower.isPresent() && !w.lines().isEmpty()) {
      // The receipts are durable in the store: acknowledge now; the mirror follows on its thread.
      follower.get().follow(w.first(), w.frontier().size(), w.lines(), w.checkpoint().isPresent());
    }
    announce(w.checkpoint());
    announceReceipts(w.receipts());
    for (int i = 0; i < batch.size(); i++) {
      RuntimeException refusal = w.refusals().get(i);
      if (refusal != null) {
        batch.get(i).future().completeExceptionally(refusal);
      } else {
        batch.get(i).future().complete(w.receipts().get(i));
      }
    }
  }

  /** The receipt spelling of a time; receipts of one batch mostly share a millisecond. */
  private String timeText(Instant time) {
    long ms = time.toEpochMilli();
    if (ms != timeMillis) {
      timeText = ReceiptFormat.time(time);
      timeMillis = ms;
    }
    return timeText;
  }

  private static void fail(List<Pending> batch, LogUnavailableException e) {
    batch.forEach(p -> p.future().completeExceptionally(e));
  }

  private Written write(LogTransaction tx, List<Pending> batch) {
    long size = tx.size();
    Frontier base = frontier;
    String prev = lastHash;
    if (base == null || base.size() != size) {
      // First batch, a failed one before, or another process appended: reload from the store.
      base = Frontier.load(tx::node, size);
      prev = size == 0 ? ReceiptFormat.GENESIS_PREV : tx.entry(size - 1).orElseThrow().hash();
      tx.latestCheckpoint()
          .map(c -> Checkpoint.fromJson(c.json()))
          .ifPresent(
              c -> {
                lastCheckpointSize = Math.max(lastCheckpointSize, c.size());
                if (c.time().isAfter(lastCheckpointTime)) {
                  lastCheckpointTime = c.time();
                }
              });
    }
    long first = size;
    String batchStartPrev = prev;
    Frontier f = base.copy();
    Map<String, LifecycleState> states = new HashMap<>();
    List<List<Receipt>> receipts = new ArrayList<>(batch.size());
    List<RuntimeException> refusals = new ArrayList<>(batch.size());
    List<String> lines = new ArrayList<>();
    List<StoredEntry> entries = new ArrayList<>();
    List<long[]> nodeKeys = new ArrayList<>();
    List<byte[]> nodeHashes = new ArrayList<>();
    boolean forced = false;
    Optional<PublicKey> handoverTo = Optional.empty();
    for (Pending p : batch) {
      if (!p.take()) {
        receipts.add(List.of());
        refusals.add(new IllegalStateException("withdrawn by its caller at its deadline"));
        continue;
      }
      forced |= p.checkpoint();
      if (p.handoverTo().isPresent()) {
        handoverTo = p.handoverTo();
      }
      Frontier trial = f.copy();
      Map<String, LifecycleState> trialStates = new HashMap<>();
      List<Receipt> unit = new ArrayList<>(p.events().size());
      int entryMark = entries.size();
      int nodeMark = nodeKeys.size();
      try {
        for (Prepared prepared : p.events()) {
          LifecycleEvent event = prepared.event();
          String actionId = event.action().id();
          Optional<LifecycleState> from =
              Optional.ofNullable(trialStates.get(actionId))
                  .or(() -> Optional.ofNullable(states.get(actionId)))
                  .or(() -> tx.lastState(actionId).flatMap(LifecycleState::fromWireName));
          Lifecycle.check(actionId, from, event.state());
          Instant time = clock.instant();
          String id = prepared.id();
          long seq = trial.size();
          String json = prepared.body().complete(id, seq, prev, timeText(time));
          byte[] leaf = Merkle.leafHash(json.getBytes(StandardCharsets.UTF_8));
          trial.append(
              leaf,
              (level, index, hash) -> {
                if (level > 0) {
                  nodeKeys.add(new long[] {level, index});
                  nodeHashes.add(hash);
                }
              });
          String hash = HexFormat.of().formatHex(leaf);
          entries.add(
              new StoredEntry(
                  seq, id, actionId, event.state().wireName(), time.toEpochMilli(), json, hash));
          unit.add(new Receipt(seq, id, actionId, event.state(), json, hash));
          trialStates.put(actionId, event.state());
          prev = hash;
        }
      } catch (RuntimeException e) {
        entries.subList(entryMark, entries.size()).clear();
        nodeKeys.subList(nodeMark, nodeKeys.size()).clear();
        nodeHashes.subList(nodeMark, nodeHashes.size()).clear();
        prev = entries.isEmpty() ? batchStartPrev : entries.get(entries.size() - 1).hash();
        receipts.add(List.of());
        refusals.add(e);
        continue;
      }
      f = trial;
      states.putAll(trialStates);
      receipts.add(unit);
      refusals.add(null);
    }
    for (StoredEntry e : entries) {
      tx.addEntry(e);
      lines.add(e.json());
    }
    for (int i = 0; i < nodeKeys.size(); i++) {
      tx.addNode((int) nodeKeys.get(i)[0], nodeKeys.get(i)[1], nodeHashes.get(i));
    }
    Optional<Checkpoint> checkpoint = Optional.empty();
    if (handoverTo.isPresent()
        || checkpointDue(forced, f.size())
        || (forced && signer.isPresent() && lastCheckpointSize < 0)) {
      String root = HexFormat.of().formatHex(f.root());
      Checkpoint c =
          handoverTo.isPresent()
              ? signer.get().handOver(logId, f.size(), root, clock.instant(), handoverTo.get())
              : signer.get().sign(logId, f.size(), root, clock.instant());
      tx.addCheckpoint(new StoredCheckpoint(c.size(), c.time().toEpochMilli(), c.toJson()));
      lines.add(c.toJson());
      checkpoint = Optional.of(c);
    }
    return new Written(f, prev, receipts, refusals, checkpoint, first, lines);
  }
}

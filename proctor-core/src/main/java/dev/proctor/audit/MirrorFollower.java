package dev.proctor.audit;

import dev.proctor.store.LogReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes committed batches to the mirror file on its own thread, so that the mirror's fsync
 * overlaps the next batch's store transaction instead of delaying every acknowledgement.
 *
 * <p>Why this keeps the mirror complete: a batch reaches the follower only after the store
 * committed it, and {@link MirrorFile} copies from the store whatever it is missing before it
 * appends. When the follower falls behind by more than {@link #MAX_PENDING_LINES} lines it keeps no
 * more lines in memory and copies them from the store instead, so memory stays bounded. When a
 * write fails the follower reports it through {@link #failed()}; the log then catches the mirror up
 * itself before its next batch, or refuses that batch.
 */
final class MirrorFollower {

  /**
   * The shortest time between two mirror writes: batches that arrive meanwhile share one write and
   * one fsync. With writers that wait for each acknowledgement the store commits every millisecond
   * or so, and an fsync per commit would double the I/O; the mirror lags by at most this much more.
   */
  static final long MIN_WRITE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** Lines held in memory for the mirror at most (about 700 bytes each). */
  static final int MAX_PENDING_LINES = 32_768;

  private static final Logger LOG = LoggerFactory.getLogger(MirrorFollower.class);

  /** A committed batch: lines for receipts {@code [first, end)} and maybe a checkpoint. */
  private record Batch(long first, long end, List<String> lines) {}

  private static final Batch CATCH_UP = new Batch(-1, -1, List.of());
  private static final Batch STOP = new Batch(-2, -2, List.of());

  private final MirrorFile mirror;
  private final LogReader store;
  private final int maxPendingLines;
  private final LinkedBlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final AtomicLong pendingLines = new AtomicLong();
  private final Thread thread;
  private volatile boolean failed;

  MirrorFollower(MirrorFile mirror, LogReader store) {
    this(mirror, store, MAX_PENDING_LINES);
  }

  MirrorFollower(MirrorFile mirror, LogReader store, int maxPendingLines) {
    this.mirror = mirror;
    this.store = store;
    this.maxPendingLines = maxPendingLines;
    this.thread = new Thread(this::run, "proctor-action-log-mirror");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** True when the last mirror write failed and nothing has caught the mirror up since. */
  boolean failed() {
    return failed;
  }

  /** The log caught the mirror up itself. */
  void recovered() {
    failed = false;
  }

  /** Hands over the lines of a batch the store has committed. */
  void follow(long first, long end, List<String> lines, boolean endsWithCheckpoint) {
    // The mirror tells checkpoint lines from receipts itself; the flag is not needed any more.
    follow(first, end, lines);
  }

  /** Hands over the lines of a batch the store has committed: receipts, then checkpoints. */
  void follow(long first, long end, List<String> lines) {
    if (pendingLines.addAndGet(lines.size()) > maxPendingLines) {
      pendingLines.addAndGet(-lines.size());
      queue.add(CATCH_UP);
    } else {
      queue.add(new Batch(first, end, lines));
    }
  }

  /** Writes what is queued and stops the thread. */
  void stop() throws InterruptedException {
    queue.add(STOP);
    thread.join();
  }

  private void run() {
    List<Batch> jobs = new ArrayList<>();
    boolean stop = false;
    long lastWrite = System.nanoTime() - MIN_WRITE_INTERVAL_NANOS;
    while (!stop) {
      try {
        jobs.add(queue.take());
        long wait = lastWrite + MIN_WRITE_INTERVAL_NANOS - System.nanoTime();
        if (wait > 0 && jobs.get(0) != STOP) {
          LockSupport.parkNanos(wait);
        }
        queue.drainTo(jobs);
        for (int i = 0; i < jobs.size(); i++) {
          if (jobs.get(i) == STOP) {
            stop = true;
            jobs.subList(i, jobs.size()).clear();
            break;
          }
        }
        write(jobs);
        lastWrite = System.nanoTime();
      } catch (InterruptedException e) {
        return;
      } finally {
        jobs.clear();
      }
    }
  }

  /** Writes consecutive batches with one append (one fsync); a gap or overflow reads the store. */
  private void write(List<Batch> jobs) {
    int i = 0;
    while (i < jobs.size()) {
      Batch head = jobs.get(i);
      if (head == CATCH_UP) {
        attempt(() -> mirror.catchUp(store));
        i++;
        continue;
      }
      List<String> lines = new ArrayList<>(head.lines());
      long end = head.end();
      int j = i + 1;
      while (j < jobs.size() && jobs.get(j) != CATCH_UP && jobs.get(j).first() == end) {
        lines.addAll(jobs.get(j).lines());
        end = jobs.get(j).end();
        j++;
      }
      long from = head.first();
      long to = end;
      attempt(() -> mirror.append(from, to, lines, store));
      pendingLines.addAndGet(-lines.size());
      i = j;
    }
  }

  @FunctionalInterface
  private interface MirrorWrite {
    void run() throws IOException;
  }

  private void attempt(MirrorWrite w) {
    try {
      w.run();
      failed = false;
    } catch (IOException | RuntimeException e) {
      // The receipts are durable in the store; the log catches the mirror up or refuses appends.
      failed = true;
      LOG.warn("mirror file {} lags the log: {}", mirror.path(), e.getMessage());
    }
  }
}

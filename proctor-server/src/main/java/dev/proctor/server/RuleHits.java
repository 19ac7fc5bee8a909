package dev.proctor.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Receipt;
import dev.proctor.lifecycle.LifecycleState;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How often each rule decided since the server started, counted from the durable decision receipts
 * of every surface (API, batches, hooks): a receipt's {@code decision.ruleIds} each get one hit.
 * The policy view shows them beside the rules.
 *
 * <p>Why from the log and on a thread of its own: the log is the one place every decision passes
 * once it is durable, whichever surface made it; its writer calls the listener and must not wait,
 * so the listener only hands the batch over and this thread reads the receipts. Should it fall
 * {@link #QUEUE} batches behind, the batches it drops are counted and the counts are reported as a
 * lower bound rather than slowing the log.
 */
final class RuleHits implements AutoCloseable {

  private static final int QUEUE = 4096;

  private static final Set<LifecycleState> DECISIONS =
      EnumSet.of(
          LifecycleState.ALLOWED,
          LifecycleState.DENIED,
          LifecycleState.RATE_LIMITED,
          LifecycleState.APPROVAL_REQUIRED,
          LifecycleState.DEFERRED);

  /** One rule's count and when it last decided. */
  record Count(long hits, Optional<Instant> last) {}

  private static final class Counter {
    final LongAdder hits = new LongAdder();
    final AtomicLong lastMillis = new AtomicLong();
  }

  private final Map<String, Counter> counts = new ConcurrentHashMap<>();
  private final BlockingQueue<List<Receipt>> batches = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Instant since;
  private final Thread counter;
  private volatile boolean closed;

  RuleHits(ActionLog log, Clock clock) {
    this.since = clock.instant();
    this.counter = new Thread(this::run, "proctor-rule-hits");
    counter.setDaemon(true);
    counter.start();
    log.onReceipts(
        written -> {
          if (!batches.offer(written)) {
            dropped.incrementAndGet();
          }
        });
  }

  private void run() {
    try {
      while (!closed) {
        List<Receipt> batch = batches.poll(500, TimeUnit.MILLISECONDS);
        if (batch != null) {
          batch.forEach(this::count);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Counts one receipt: its decision's rules, when it records a decision. A streaming read that
   * skips the action (the parameters are most of a receipt's bytes) and reads only the decision's
   * rule ids and the receipt's time.
   */
  void count(Receipt r) {
    if (!DECISIONS.contains(r.state())) {
      return;
    }
    List<String> ids = new ArrayList<>(2);
    String time = "";
    try (JsonParser p = Exchange.JSON.getFactory().createParser(r.json())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("decision") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String member = p.currentName();
            JsonToken v = p.nextToken();
            if (member.equals("ruleIds") && v == JsonToken.START_ARRAY) {
              while (p.nextToken() == JsonToken.VALUE_STRING) {
                ids.add(p.getText());
              }
            } else {
              p.skipChildren();
            }
          }
        } else if (name.equals("time") && value == JsonToken.VALUE_STRING) {
          time = p.getText();
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException e) {
      return;
    }
    long millis = parseMillis(time);
    for (String id : ids) {
      Counter c = counts.computeIfAbsent(id, k -> new Counter());
      c.hits.increment();
      c.lastMillis.accumulateAndGet(millis, Math::max);
    }
  }

  private static long parseMillis(String time) {
    try {
      return Instant.parse(time).toEpochMilli();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** A rule's count; zero for a rule that has not decided since the server started. */
  Count of(String ruleId) {
    Counter c = counts.get(ruleId);
    if (c == null) {
      return new Count(0, Optional.empty());
    }
    long last = c.lastMillis.get();
    return new Count(
        c.hits.sum(), last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)));
  }

  /** When counting began: the server's start. */
  Instant since() {
    return since;
  }

  /** True when batches were dropped under overload: the counts are then a lower bound. */
  boolean complete() {
    return dropped.get() == 0;
  }

  @Override
  public void close() {
    closed = true;
    counter.interrupt();
  }
}

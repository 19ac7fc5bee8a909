package dev.proctor.server;

import dev.proctor.Mediation;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.Receipt;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's Prometheus metrics (Micrometer): decisions by effect, class and surface, decision
 * latency (a histogram), hook deadline misses, authentication failures by reason, HTTP answers by
 * status, receipts written (a counter: its rate is receipts per second), the log's size, the size
 * of the latest signed checkpoint and of the latest one a witness co-signed (their gap is the
 * witness lag).
 */
final class ServerMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer decisionLatency;
  private final Counter hookDeadlineMisses;
  private final Counter receipts;
  private final AtomicLong logSize = new AtomicLong();
  private final AtomicLong signedSize = new AtomicLong();
  private final AtomicLong witnessedSize = new AtomicLong();

  ServerMetrics(ActionLog log) {
    decisionLatency =
        Timer.builder("proctor.decision")
            .description("Time to decide and durably record one request")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    hookDeadlineMisses =
        Counter.builder("proctor.hook.deadline.misses")
            .description("Hook calls answered with a deny because no decision came in time")
            .register(registry);
    receipts =
        Counter.builder("proctor.receipts").description("Receipts made durable").register(registry);
    logSize.set(log.size());
    log.latestCheckpoint().ifPresent(c -> signedSize.set(c.size()));
    Gauge.builder("proctor.log.size", logSize, AtomicLong::get)
        .description("Receipts in the action log")
        .register(registry);
    Gauge.builder("proctor.log.signed.size", signedSize, AtomicLong::get)
        .description("Receipts covered by the latest signed checkpoint")
        .register(registry);
    Gauge.builder("proctor.witness.cosigned.size", witnessedSize, AtomicLong::get)
        .description("Receipts covered by the latest checkpoint a witness co-signed")
        .register(registry);
    log.onReceipts(this::receipts);
    log.onCheckpoint(this::checkpoint);
  }

  private void receipts(List<Receipt> written) {
    receipts.increment(written.size());
    logSize.accumulateAndGet(written.get(written.size() - 1).sequence() + 1, Math::max);
  }

  private void checkpoint(Checkpoint c) {
    signedSize.accumulateAndGet(c.size(), Math::max);
  }

  /** A witness co-signed a checkpoint of this size. */
  void witnessed(long size) {
    witnessedSize.accumulateAndGet(size, Math::max);
  }

  private record DecisionKey(String effect, String actionClass, String surface, boolean durable) {}

  /** Counters by tags, looked up once: the registry's own look-up builds an id per call. */
  private final ConcurrentHashMap<DecisionKey, Counter> decisions = new ConcurrentHashMap<>();

  void decided(Mediation m, long nanos) {
    decisionLatency.record(nanos, TimeUnit.NANOSECONDS);
    DecisionKey key =
        new DecisionKey(
            m.decision().kind().wireName(),
            m.request().actionClass(),
            m.request().surface(),
            m.durable());
    decisions
        .computeIfAbsent(
            key,
            k ->
                Counter.builder("proctor.decisions")
                    .description("Decisions by effect, action class and surface")
                    .tag("effect", k.effect())
                    .tag("class", k.actionClass())
                    .tag("surface", k.surface())
                    .tag("recorded", String.valueOf(k.durable()))
                    .register(registry))
        .increment();
  }

  void hookDeadlineMissed() {
    hookDeadlineMisses.increment();
  }

  void authFailure(String reason) {
    Counter.builder("proctor.auth.failures")
        .description("Authentication and authorisation failures by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  private final ConcurrentHashMap<Integer, Counter> responses = new ConcurrentHashMap<>();

  void answered(int status) {
    responses
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("proctor.http.responses")
                    .description("HTTP answers by status")
                    .tag("status", String.valueOf(s))
                    .register(registry))
        .increment();
  }

  /** The metrics in the Prometheus text format. */
  String scrape() {
    return registry.scrape();
  }
}

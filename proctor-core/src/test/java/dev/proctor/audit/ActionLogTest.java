package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import dev.proctor.store.InMemoryLogStore;
import dev.proctor.store.LogStore;
import dev.proctor.store.LogStoreException;
import dev.proctor.store.LogTransaction;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.StoredEntry;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ActionLogTest {

  /** A real in-memory store whose disk can "fill up": writes fail while {@code full}. */
  private static final class FillableStore implements LogStore {
    final InMemoryLogStore inner = new InMemoryLogStore();
    volatile boolean full;

    @Override
    public <T> T write(Function<LogTransaction, T> work) {
      if (full) {
        throw new LogStoreException("disk full");
      }
      return inner.write(work);
    }

    @Override
    public void close() {}

    @Override
    public String logId() {
      return inner.logId();
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public Optional<StoredEntry> entry(long sequence) {
      return inner.entry(sequence);
    }

    @Override
    public Optional<StoredEntry> entryById(String receiptId) {
      return inner.entryById(receiptId);
    }

    @Override
    public Optional<String> lastState(String actionId) {
      return inner.lastState(actionId);
    }

    @Override
    public byte[] node(int level, long index) {
      return inner.node(level, index);
    }

    @Override
    public void scan(long from, long to, Consumer<StoredEntry> sink) {
      inner.scan(from, to, sink);
    }

    @Override
    public long firstSequenceAtOrAfter(long timeMillis) {
      return inner.firstSequenceAtOrAfter(timeMillis);
    }

    @Override
    public Optional<StoredCheckpoint> latestCheckpoint() {
      return inner.latestCheckpoint();
    }

    @Override
    public List<StoredCheckpoint> checkpoints(long fromSize, long toSize) {
      return inner.checkpoints(fromSize, toSize);
    }

    @Override
    public List<StoredCosignature> cosignatures(long fromSize, long toSize) {
      return inner.cosignatures(fromSize, toSize);
    }
  }

  @Test
  void recordOrDeny_logWritable_returnsDecisionWithDurableReceipts() {
    FillableStore store = new FillableStore();
    try (ActionLog log = LogTesting.open(store, AuditFixtures.signer())) {
      ActionLog.Recorded r =
          log.recordOrDeny(
              AuditFixtures.request("ok-1"), AuditFixtures.allow(), AuditFixtures.POLICY);
      assertThat(r.durable()).isTrue();
      assertThat(r.decision().effect()).isEqualTo(Effect.ALLOW);
      assertThat(r.receipts()).extracting(Receipt::sequence).containsExactly(0L, 1L);
      assertThat(store.inner.entry(1).orElseThrow().json()).doesNotContain("s3cr3t");
    }
  }

  @Test
  void recordOrDeny_storeFails_turnsAllowIntoDeny() {
    FillableStore store = new FillableStore();
    try (ActionLog log = LogTesting.open(store, AuditFixtures.signer())) {
      store.full = true;
      ActionLog.Recorded r =
          log.recordOrDeny(
              AuditFixtures.request("x-1"), AuditFixtures.allow(), AuditFixtures.POLICY);
      assertThat(r.durable()).isFalse();
      assertThat(r.decision()).isInstanceOf(Decision.Deny.class);
      assertThat(r.decision().reason()).contains("disk full");
      assertThatThrownBy(() -> log.recordAll(AuditFixtures.allowedAndSucceeded("x-2")))
          .isInstanceOf(LogUnavailableException.class);
      store.full = false;
      ActionLog.Recorded after =
          log.recordOrDeny(
              AuditFixtures.request("x-3"), AuditFixtures.allow(), AuditFixtures.POLICY);
      assertThat(after.durable()).isTrue();
      assertThat(after.receipts().get(0).sequence()).isZero();
    }
  }

  @Test
  void recordOrDeny_duplicateActionId_isDenied() {
    try (ActionLog log = LogTesting.open(new InMemoryLogStore(), AuditFixtures.signer())) {
      log.recordOrDeny(AuditFixtures.request("dup"), AuditFixtures.allow(), AuditFixtures.POLICY);
      ActionLog.Recorded again =
          log.recordOrDeny(
              AuditFixtures.request("dup"), AuditFixtures.allow(), AuditFixtures.POLICY);
      assertThat(again.decision()).isInstanceOf(Decision.Deny.class);
      assertThat(again.decision().reason()).contains("cannot move from allowed to requested");
    }
  }

  @Test
  void checkpoint_onDemand_coversEveryReceipt() throws Exception {
    try (ActionLog log = LogTesting.open(new InMemoryLogStore(), AuditFixtures.signer())) {
      log.recordAll(AuditFixtures.allowedAndSucceeded("c-1"));
      log.recordAll(AuditFixtures.allowedAndSucceeded("c-2"));
      Checkpoint c = log.checkpoint();
      assertThat(c.size()).isEqualTo(8);
      assertThat(c.root()).isEqualTo(java.util.HexFormat.of().formatHex(log.root(8)));
    }
  }

  @Test
  void open_withoutSigner_recordsButCannotCheckpoint() throws Exception {
    try (ActionLog log =
        ActionLog.open(
            new InMemoryLogStore(),
            Optional.empty(),
            Optional.empty(),
            LogTesting.clock(),
            LogOptions.DEFAULT)) {
      log.recordAll(AuditFixtures.allowedAndSucceeded("n-1"));
      assertThat(log.size()).isEqualTo(4);
      assertThatThrownBy(log::checkpoint).isInstanceOf(IllegalStateException.class);
    }
  }
}

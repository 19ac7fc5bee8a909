package dev.proctor.audit;

import static dev.proctor.lifecycle.LifecycleState.ALLOWED;
import static dev.proctor.lifecycle.LifecycleState.REQUESTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.store.FaultyLogStore;
import dev.proctor.store.InMemoryLogStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ActionLogTest {

  private static final Duration SECONDS = Duration.ofSeconds(10);

  @Test
  void recordDecision_logWritable_returnsDurableRedactedReceipts() throws Exception {
    FaultyLogStore store = new FaultyLogStore();
    try (ActionLog log = LogTesting.open(store, AuditFixtures.signer())) {
      List<Receipt> r =
          log.recordDecision(AuditFixtures.request("ok-1"), AuditFixtures.allow(), SECONDS);
      assertThat(r).extracting(Receipt::sequence).containsExactly(0L, 1L);
      assertThat(r).extracting(Receipt::state).containsExactly(REQUESTED, ALLOWED);
      assertThat(store.inner.entry(1).orElseThrow().json()).doesNotContain("s3cr3t");
    }
  }

  @Test
  void recordAll_storeFails_throwsThenRecovers() throws Exception {
    FaultyLogStore store = new FaultyLogStore();
    try (ActionLog log = LogTesting.open(store, AuditFixtures.signer())) {
      store.full = true;
      assertThatThrownBy(
              () ->
                  log.recordDecision(AuditFixtures.request("x-1"), AuditFixtures.allow(), SECONDS))
          .isInstanceOf(LogUnavailableException.class)
          .hasMessageContaining("disk full");
      store.full = false;
      List<Receipt> after =
          log.recordDecision(AuditFixtures.request("x-3"), AuditFixtures.allow(), SECONDS);
      assertThat(after.get(0).sequence()).isZero();
    }
  }

  @Test
  void recordAll_deadlinePassesWhileTheStoreIsLocked_withdrawsAndWritesNothing() throws Exception {
    FaultyLogStore store = new FaultyLogStore();
    try (ActionLog log = LogTesting.open(store, AuditFixtures.signer())) {
      store.locked = new CountDownLatch(1);
      CompletableFuture<List<Receipt>> first =
          log.append(AuditFixtures.allowedAndSucceeded("held-by-the-lock"));
      assertThatThrownBy(
              () ->
                  log.recordDecision(
                      AuditFixtures.request("late"), AuditFixtures.allow(), Duration.ofMillis(200)))
          .isInstanceOf(LogUnavailableException.class)
          .hasMessageContaining("nothing was written");
      store.locked.countDown();
      assertThat(first.get()).hasSize(4);
      log.checkpoint();
      assertThat(store.inner.lastEntry("late")).isEmpty();
      assertThat(store.inner.size()).isEqualTo(4);
    }
  }

  @Test
  void recordAll_actionIdAlreadyOnRecord_isRefusedAndNothingWritten() throws Exception {
    try (ActionLog log = LogTesting.open(new InMemoryLogStore(), AuditFixtures.signer())) {
      log.recordDecision(AuditFixtures.request("dup"), AuditFixtures.allow(), SECONDS);
      assertThatThrownBy(
              () -> log.recordDecision(AuditFixtures.request("dup"), AuditFixtures.deny(), SECONDS))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("cannot move from allowed to requested");
      assertThat(log.size()).isEqualTo(2);
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

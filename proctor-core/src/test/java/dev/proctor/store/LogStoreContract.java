package dev.proctor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.ReceiptProof;
import dev.proctor.audit.VerificationReport;
import dev.proctor.lifecycle.IllegalTransitionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link LogStore} must have; each implementation runs it. */
public abstract class LogStoreContract {

  /** A new, empty store. */
  protected abstract LogStore newStore() throws Exception;

  /** The same store opened again (for persistent stores), or the same object. */
  protected abstract LogStore reopen(LogStore store) throws Exception;

  private LogStore store;
  private static final CheckpointSigner SIGNER = AuditFixtures.signer();
  private static final KeyRing KEYS = KeyRing.of(List.of(SIGNER.publicKey()));

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static StoredEntry entry(long seq, String action, String state) {
    return new StoredEntry(
        seq, "r" + seq, action, state, 1000 + seq, "{\"seq\":" + seq + "}", "ab".repeat(32));
  }

  @Test
  void write_entriesAndNodes_areReadBack() {
    store.write(
        tx -> {
          tx.addEntry(entry(0, "a", "requested"));
          tx.addEntry(entry(1, "a", "allowed"));
          tx.addNode(1, 0, new byte[32]);
          tx.addCheckpoint(new StoredCheckpoint(2, 5, "{\"size\":2}"));
          return null;
        });
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.entry(1)).hasValueSatisfying(e -> assertThat(e.state()).isEqualTo("allowed"));
    assertThat(store.entryById("r0")).hasValueSatisfying(e -> assertThat(e.sequence()).isZero());
    assertThat(store.lastState("a")).contains("allowed");
    assertThat(store.lastState("b")).isEmpty();
    assertThat(store.lastEntry("a")).map(StoredEntry::state).contains("allowed");
    assertThat(store.lastEntry("b")).isEmpty();
    assertThat(store.entriesOf("a", 10))
        .extracting(StoredEntry::state)
        .containsExactly("requested", "allowed");
    assertThat(store.entriesOf("a", 1)).hasSize(1);
    assertThat(store.node(1, 0)).hasSize(32);
    assertThat(store.node(0, 1)).hasSize(32);
    assertThat(store.latestCheckpoint()).hasValueSatisfying(c -> assertThat(c.size()).isEqualTo(2));
    assertThat(store.checkpoints(0, 1)).isEmpty();
    assertThat(store.firstSequenceAtOrAfter(1001)).isEqualTo(1);
    assertThat(store.firstSequenceAtOrAfter(5000)).isEqualTo(2);
    List<Long> seen = new ArrayList<>();
    store.scan(0, 10, e -> seen.add(e.sequence()));
    assertThat(seen).containsExactly(0L, 1L);
  }

  @Test
  void write_failingWork_leavesNothing() {
    assertThatThrownBy(
            () ->
                store.write(
                    tx -> {
                      tx.addEntry(entry(0, "a", "requested"));
                      throw new IllegalStateException("boom");
                    }))
        .hasMessageContaining("boom");
    assertThat(store.size()).isZero();
    assertThat(store.entryById("r0")).isEmpty();
  }

  @Test
  void write_afterFailingWork_keepsOnlyItsOwnAdditions() {
    assertThatThrownBy(
            () ->
                store.write(
                    tx -> {
                      tx.addEntry(entry(0, "a", "requested"));
                      tx.addNode(1, 0, new byte[32]);
                      tx.addCheckpoint(new StoredCheckpoint(1, 5, "{\"size\":1}"));
                      throw new IllegalStateException("boom");
                    }))
        .hasMessageContaining("boom");
    store.write(
        tx -> {
          tx.addEntry(entry(0, "b", "requested"));
          return null;
        });
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.entry(0).orElseThrow().actionId()).isEqualTo("b");
    assertThat(store.latestCheckpoint()).isEmpty();
    assertThatThrownBy(() -> store.node(1, 0)).isInstanceOf(LogStoreException.class);
  }

  @Test
  void write_entryOutOfOrder_isRefused() {
    assertThatThrownBy(
            () ->
                store.write(
                    tx -> {
                      tx.addEntry(entry(1, "a", "requested"));
                      return null;
                    }))
        .isInstanceOf(LogStoreException.class);
    assertThat(store.size()).isZero();
  }

  @Test
  void actionLog_concurrentWriters_produceAVerifiableLog() throws Exception {
    ActionLog log = LogTesting.open(store, SIGNER);
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(log.append(AuditFixtures.allowedAndSucceeded("c-" + i)));
    }
    for (CompletableFuture<?> f : futures) {
      f.get();
    }
    String id = store.entry(401).orElseThrow().receiptId();
    ReceiptProof proof = log.prove(id);
    proof.verify(KEYS);
    log.close();
    store = reopen(store);
    assertThat(store.size()).isEqualTo(800);
    VerificationReport r = LogTesting.verify(LogTesting.export(store), KEYS, List.of());
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.receipts()).isEqualTo(800);
  }

  @Test
  void actionLog_illegalTransition_failsOnlyThatAppend() throws Exception {
    try (ActionLog log = LogTesting.open(store, SIGNER)) {
      List<dev.proctor.audit.LifecycleEvent> events = AuditFixtures.allowedAndSucceeded("t-1");
      CompletableFuture<?> skip = log.append(List.of(events.get(0), events.get(2)));
      assertThatThrownBy(skip::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IllegalTransitionException.class);
      log.recordAll(events);
      assertThatThrownBy(() -> log.record(events.get(1)))
          .isInstanceOf(IllegalTransitionException.class);
      assertThat(log.size()).isEqualTo(4);
    }
  }

  @Test
  void actionLog_reopened_continuesTheChain() throws Exception {
    ActionLog first = LogTesting.open(store, SIGNER);
    LogTesting.fill(first, "a-", 3);
    first.close();
    store = reopen(store);
    ActionLog second = LogTesting.open(store, SIGNER);
    LogTesting.fill(second, "b-", 3);
    second.close();
    store = reopen(store);
    VerificationReport r = LogTesting.verify(LogTesting.export(store), KEYS, List.of());
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.receipts()).isEqualTo(24);
  }

  @Test
  void actionLog_consistencyProofsBetweenCheckpoints_verify() throws Exception {
    try (ActionLog log = LogTesting.open(store, SIGNER)) {
      LogTesting.fill(log, 5);
      var c1 = log.checkpoint();
      LogTesting.fill(log, "more-", 6);
      var c2 = log.checkpoint();
      dev.proctor.audit.Merkle.verifyConsistency(
          c1.size(),
          c2.size(),
          log.consistencyProof(c1.size(), c2.size()),
          c1.rootBytes(),
          c2.rootBytes());
      assertThat(c2.size()).isEqualTo(44);
    }
  }

  @Test
  void actionLog_closed_refusesAppends() throws Exception {
    ActionLog log = LogTesting.open(store, SIGNER);
    log.close();
    assertThatThrownBy(() -> log.recordAll(AuditFixtures.allowedAndSucceeded("x")))
        .isInstanceOf(LogUnavailableException.class);
    store = reopen(store);
  }
}

package dev.proctor.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link ApprovalStore} must have; each implementation runs it. */
public abstract class ApprovalStoreContract {

  /** A new, empty store. */
  protected abstract ApprovalStore newStore() throws Exception;

  /** The same store opened again (for persistent stores), or the same object. */
  protected abstract ApprovalStore reopen(ApprovalStore store) throws Exception;

  /** A second handle on the same data, as another instance would hold it. */
  protected abstract ApprovalStore another(ApprovalStore store) throws Exception;

  private ApprovalStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static StoredApproval held(String id, long created, long expires) {
    return new StoredApproval(id, created, expires, "{\"id\":\"" + id + "\"}", true);
  }

  private static StoredVote vote(String id, String who, String decision) {
    return new StoredVote(id, who, decision, Optional.of("because"), 10);
  }

  @Test
  void add_heldAction_isReadBackAfterReopen() throws Exception {
    assertThat(store.add(held("a-1", 1, 100))).isTrue();
    store = reopen(store);
    assertThat(store.approval("a-1")).contains(held("a-1", 1, 100));
    assertThat(store.approval("missing")).isEmpty();
  }

  @Test
  void add_sameIdTwice_keepsTheFirst() {
    assertThat(store.add(held("a-1", 1, 100))).isTrue();
    assertThat(store.add(new StoredApproval("a-1", 2, 200, "{}", true))).isFalse();
    assertThat(store.approval("a-1").orElseThrow().expiresMillis()).isEqualTo(100);
  }

  @Test
  void open_listsOnlyOpenOnes_oldestFirst() {
    store.add(held("b", 20, 100));
    store.add(held("a", 10, 300));
    store.add(held("c", 30, 200));
    assertThat(store.settle("c")).isTrue();
    assertThat(store.open(10)).extracting(StoredApproval::actionId).containsExactly("a", "b");
    assertThat(store.open(1)).extracting(StoredApproval::actionId).containsExactly("a");
  }

  @Test
  void openExpiringBy_listsDueOnes_soonestFirst() {
    store.add(held("late", 1, 500));
    store.add(held("due-2", 2, 200));
    store.add(held("due-1", 3, 100));
    assertThat(store.openExpiringBy(200, 10))
        .extracting(StoredApproval::actionId)
        .containsExactly("due-1", "due-2");
  }

  @Test
  void settle_twice_closesOnce() throws Exception {
    store.add(held("a-1", 1, 100));
    assertThat(store.settle("a-1")).isTrue();
    assertThat(store.settle("a-1")).isFalse();
    assertThat(store.settle("missing")).isFalse();
    store = reopen(store);
    assertThat(store.approval("a-1").orElseThrow().open()).isFalse();
  }

  @Test
  void addVote_samePersonTwice_countsOnce() throws Exception {
    store.add(held("a-1", 1, 100));
    assertThat(store.addVote(vote("a-1", "dana", "approve"))).isTrue();
    assertThat(store.addVote(vote("a-1", "dana", "reject"))).isFalse();
    assertThat(store.addVote(vote("a-1", "erin", "approve"))).isTrue();
    store = reopen(store);
    assertThat(store.votes("a-1"))
        .extracting(StoredVote::approver, StoredVote::decision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dana", "approve"),
            org.assertj.core.groups.Tuple.tuple("erin", "approve"));
    assertThat(store.votes("a-1").get(0).reason()).contains("because");
    assertThat(store.votes("other")).isEmpty();
  }

  @Test
  void useToken_nonceOnce_alsoAfterReopenAndOnAnotherInstance() throws Exception {
    assertThat(store.useToken("n-1", "a-1", 5)).isTrue();
    assertThat(store.useToken("n-1", "a-1", 6)).isFalse();
    store = reopen(store);
    assertThat(store.useToken("n-1", "a-1", 7)).isFalse();
    ApprovalStore other = another(store);
    try {
      assertThat(other.useToken("n-1", "a-2", 8)).isFalse();
      assertThat(other.useToken("n-2", "a-2", 8)).isTrue();
      assertThat(store.useToken("n-2", "a-2", 9)).isFalse();
    } finally {
      other.close();
    }
  }

  @Test
  void twoInstances_racingOnOneAction_oneVotePerPersonAndOneSettlement() throws Exception {
    store.add(held("race", 1, 100));
    ApprovalStore other = another(store);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Boolean>> votes = new ArrayList<>();
      List<Callable<Boolean>> settles = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ApprovalStore s = i % 2 == 0 ? store : other;
        votes.add(() -> s.addVote(vote("race", "dana", "approve")));
        settles.add(() -> s.settle("race"));
      }
      assertThat(count(pool.invokeAll(votes))).isEqualTo(1);
      assertThat(count(pool.invokeAll(settles))).isEqualTo(1);
      assertThat(other.votes("race")).hasSize(1);
    } finally {
      pool.shutdownNow();
      other.close();
    }
  }

  private static long count(List<Future<Boolean>> results) throws Exception {
    long n = 0;
    for (Future<Boolean> f : results) {
      n += f.get() ? 1 : 0;
    }
    return n;
  }
}

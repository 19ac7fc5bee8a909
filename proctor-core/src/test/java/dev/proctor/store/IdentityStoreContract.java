package dev.proctor.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link IdentityStore} must have; each implementation runs it. */
public abstract class IdentityStoreContract {

  /** A new, empty store. */
  protected abstract IdentityStore newStore() throws Exception;

  /** The same store opened again (for persistent stores), or the same object. */
  protected abstract IdentityStore reopen(IdentityStore store) throws Exception;

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private IdentityStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  private static AgentKey key(String name, String id) {
    return new AgentKey(
        name,
        id,
        "ab".repeat(32),
        List.of("eng", "builders"),
        Optional.of("alice"),
        Optional.empty(),
        T0,
        Optional.empty());
  }

  @Test
  void agents_addedKey_isReadBackAfterReopen() throws Exception {
    store.addAgent(key("claude", "k1"));
    store = reopen(store);
    assertThat(store.agentKey("k1")).contains(key("claude", "k1"));
    assertThat(store.agentKey("k2")).isEmpty();
    assertThat(store.agents()).containsExactly(key("claude", "k1"));
  }

  @Test
  void agents_secondActiveKeyForName_isRefused() {
    store.addAgent(key("claude", "k1"));
    assertThatThrownBy(() -> store.addAgent(key("claude", "k2")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("claude");
    assertThatThrownBy(() -> store.addAgent(key("codex", "k1")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void agents_revoked_staysListedAndFreesTheName() throws Exception {
    store.addAgent(key("claude", "k1"));
    assertThat(store.revokeAgent("claude", T0.plusSeconds(5))).isEqualTo(1);
    assertThat(store.revokeAgent("claude", T0.plusSeconds(6))).isZero();
    store = reopen(store);
    assertThat(store.agentKey("k1").orElseThrow().revoked()).contains(T0.plusSeconds(5));
    store.addAgent(key("claude", "k2"));
    assertThat(store.agents()).hasSize(2);
  }

  @Test
  void users_addUpdateDisable_areDurable() throws Exception {
    UserAccount alice = new UserAccount("alice", "$argon2id$x", List.of("operator"), false, T0);
    store.addUser(alice);
    assertThatThrownBy(() -> store.addUser(alice)).isInstanceOf(IllegalStateException.class);
    store.updateUser(alice.withPasswordHash("$argon2id$y").asDisabled());
    store = reopen(store);
    UserAccount read = store.user("alice").orElseThrow();
    assertThat(read.passwordHash()).isEqualTo("$argon2id$y");
    assertThat(read.disabled()).isTrue();
    assertThat(read.roles()).containsExactly("operator");
    assertThat(store.users()).extracting(UserAccount::name).containsExactly("alice");
    assertThatThrownBy(() -> store.updateUser(new UserAccount("bob", "h", List.of(), false, T0)))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void sessions_touchRemoveAndRemoveAll() throws Exception {
    store.addSession(new PersonSession("h1", "alice", T0, T0));
    store.addSession(new PersonSession("h2", "alice", T0, T0));
    store.addSession(new PersonSession("h3", "bob", T0, T0));
    store.touchSession("h1", T0.plusSeconds(60));
    store = reopen(store);
    assertThat(store.session("h1").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(60));
    store.removeSession("h1");
    assertThat(store.session("h1")).isEmpty();
    assertThat(store.removeSessionsOf("alice")).isEqualTo(1);
    assertThat(store.session("h2")).isEmpty();
    assertThat(store.session("h3")).isPresent();
  }

  @Test
  void totp_pendingUntilActivated_thenEachStepOnce_alsoAfterReopen() throws Exception {
    store.addUser(new UserAccount("dana", "$argon2id$x", List.of("approver"), false, T0));
    store.putTotp(new TotpEnrollment("dana", "SECRETA", false, Long.MIN_VALUE, T0));
    assertThat(store.useTotpStep("dana", "SECRETA", 100, false)).isFalse(); // pending
    assertThat(store.useTotpStep("dana", "OTHER", 100, true)).isFalse(); // re-enrolled meanwhile
    assertThat(store.useTotpStep("dana", "SECRETA", 100, true)).isTrue();
    store = reopen(store);
    TotpEnrollment read = store.totp("dana").orElseThrow();
    assertThat(read.active()).isTrue();
    assertThat(read.lastStep()).isEqualTo(100);
    assertThat(store.useTotpStep("dana", "SECRETA", 100, false)).isFalse(); // replayed
    assertThat(store.useTotpStep("dana", "SECRETA", 99, false)).isFalse(); // older
    assertThat(store.useTotpStep("dana", "SECRETA", 101, false)).isTrue();
    assertThat(store.totp("erin")).isEmpty();
  }

  @Test
  void totp_reEnrolment_replacesAndIsPendingAgain() {
    store.addUser(new UserAccount("dana", "$argon2id$x", List.of("approver"), false, T0));
    store.putTotp(new TotpEnrollment("dana", "SECRETA", false, Long.MIN_VALUE, T0));
    store.useTotpStep("dana", "SECRETA", 100, true);
    store.putTotp(new TotpEnrollment("dana", "SECRETB", false, Long.MIN_VALUE, T0));
    assertThat(store.totp("dana").orElseThrow().active()).isFalse();
    assertThat(store.useTotpStep("dana", "SECRETA", 200, false)).isFalse();
  }

  @Test
  void totp_forNoAccount_isRefused() {
    assertThatThrownBy(
            () -> store.putTotp(new TotpEnrollment("nobody", "S", false, Long.MIN_VALUE, T0)))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(store.totp("nobody")).isEmpty();
  }
}

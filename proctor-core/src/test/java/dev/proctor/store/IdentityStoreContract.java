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
}

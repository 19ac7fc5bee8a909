package dev.proctor.store;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/** An {@link IdentityStore} in memory, for tests and trials: nothing survives the process. */
public final class InMemoryIdentityStore implements IdentityStore {

  private final Map<String, AgentKey> keys = new LinkedHashMap<>();
  private final Map<String, UserAccount> users = new TreeMap<>();
  private final Map<String, PersonSession> sessions = new LinkedHashMap<>();
  private final Map<String, TotpEnrollment> totp = new TreeMap<>();

  @Override
  public synchronized void addAgent(AgentKey key) {
    requireNonNull(key, "key is null");
    if (keys.containsKey(key.keyId())) {
      throw new IllegalStateException("a key with id " + key.keyId() + " exists");
    }
    if (keys.values().stream().anyMatch(k -> k.active() && k.name().equals(key.name()))) {
      throw new IllegalStateException("agent " + key.name() + " has an active key");
    }
    keys.put(key.keyId(), key);
  }

  @Override
  public synchronized Optional<AgentKey> agentKey(String keyId) {
    return Optional.ofNullable(keys.get(requireNonNull(keyId, "keyId is null")));
  }

  @Override
  public synchronized List<AgentKey> agents() {
    List<AgentKey> all = new ArrayList<>(keys.values());
    all.sort(Comparator.comparing(AgentKey::created));
    return List.copyOf(all);
  }

  @Override
  public synchronized int revokeAgent(String name, Instant at) {
    requireNonNull(name, "name is null");
    requireNonNull(at, "at is null");
    int n = 0;
    for (Map.Entry<String, AgentKey> e : keys.entrySet()) {
      if (e.getValue().active() && e.getValue().name().equals(name)) {
        e.setValue(e.getValue().revokedAt(at));
        n++;
      }
    }
    return n;
  }

  @Override
  public synchronized void addUser(UserAccount user) {
    requireNonNull(user, "user is null");
    if (users.containsKey(user.name())) {
      throw new IllegalStateException("user " + user.name() + " exists");
    }
    users.put(user.name(), user);
  }

  @Override
  public synchronized Optional<UserAccount> user(String name) {
    return Optional.ofNullable(users.get(requireNonNull(name, "name is null")));
  }

  @Override
  public synchronized List<UserAccount> users() {
    return List.copyOf(users.values());
  }

  @Override
  public synchronized void updateUser(UserAccount user) {
    requireNonNull(user, "user is null");
    if (!users.containsKey(user.name())) {
      throw new NoSuchElementException("no user " + user.name());
    }
    users.put(user.name(), user);
  }

  @Override
  public synchronized void addSession(PersonSession session) {
    requireNonNull(session, "session is null");
    sessions.put(session.idHash(), session);
  }

  @Override
  public synchronized Optional<PersonSession> session(String idHash) {
    return Optional.ofNullable(sessions.get(requireNonNull(idHash, "idHash is null")));
  }

  @Override
  public synchronized void touchSession(String idHash, Instant lastSeen) {
    sessions.computeIfPresent(
        idHash, (k, s) -> new PersonSession(s.idHash(), s.user(), s.created(), lastSeen));
  }

  @Override
  public synchronized void removeSession(String idHash) {
    sessions.remove(requireNonNull(idHash, "idHash is null"));
  }

  @Override
  public synchronized int removeSessionsOf(String user) {
    requireNonNull(user, "user is null");
    int before = sessions.size();
    sessions.values().removeIf(s -> s.user().equals(user));
    return before - sessions.size();
  }

  @Override
  public synchronized void putTotp(TotpEnrollment enrollment) {
    requireNonNull(enrollment, "enrollment is null");
    if (!users.containsKey(enrollment.user())) {
      throw new NoSuchElementException("no user " + enrollment.user());
    }
    totp.put(enrollment.user(), enrollment);
  }

  @Override
  public synchronized Optional<TotpEnrollment> totp(String user) {
    return Optional.ofNullable(totp.get(requireNonNull(user, "user is null")));
  }

  @Override
  public synchronized boolean useTotpStep(String user, String secret, long step, boolean activate) {
    TotpEnrollment e = totp.get(requireNonNull(user, "user is null"));
    if (e == null
        || !e.secret().equals(secret)
        || step <= e.lastStep()
        || !(e.active() || activate)) {
      return false;
    }
    totp.put(user, new TotpEnrollment(user, secret, true, step, e.created()));
    return true;
  }

  @Override
  public void close() {}
}

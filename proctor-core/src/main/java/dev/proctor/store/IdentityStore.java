package dev.proctor.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who may talk to a Proctor server: agents' API keys, people's accounts and their logged-in
 * sessions. Secrets are never stored, only their hashes. Implementations are thread-safe and every
 * change is durable when the method returns; one that cannot be made throws {@link
 * LogStoreException} and changes nothing.
 */
public interface IdentityStore extends AutoCloseable {

  /**
   * Adds an agent's key.
   *
   * @throws IllegalStateException when an active key for that agent name or that key id exists
   */
  void addAgent(AgentKey key);

  /** The key with an id, active or revoked. */
  Optional<AgentKey> agentKey(String keyId);

  /** Every key, active and revoked, oldest first. */
  List<AgentKey> agents();

  /** Revokes the active keys of an agent; returns how many were revoked. */
  int revokeAgent(String name, Instant at);

  /**
   * Adds a person's account.
   *
   * @throws IllegalStateException when an account of that name exists
   */
  void addUser(UserAccount user);

  /** The account of a name. */
  Optional<UserAccount> user(String name);

  /** Every account, by name. */
  List<UserAccount> users();

  /**
   * Replaces an account (a new password, disabled).
   *
   * @throws java.util.NoSuchElementException when there is no account of that name
   */
  void updateUser(UserAccount user);

  /** Adds a session. */
  void addSession(PersonSession session);

  /** The session whose token has this hash. */
  Optional<PersonSession> session(String idHash);

  /** Records that a session was used at a time. */
  void touchSession(String idHash, Instant lastSeen);

  /** Ends a session (log-out, expiry). */
  void removeSession(String idHash);

  /** Ends every session of a person (disabled, new password); returns how many. */
  int removeSessionsOf(String user);

  /**
   * Enrols a person's TOTP authenticator, pending until confirmed; replaces an earlier enrolment.
   *
   * @throws java.util.NoSuchElementException when there is no account of that name
   */
  void putTotp(TotpEnrollment enrollment);

  /** A person's TOTP enrolment, active or pending. */
  Optional<TotpEnrollment> totp(String user);

  /**
   * Records that a code of time step {@code step} was accepted for a person's enrolment with this
   * secret, activating a pending one when {@code activate}; true only when the step is later than
   * the last one used (and, unless activating, the enrolment is active). The compare-and-set is
   * atomic, so that one code is accepted once however many servers share the store.
   */
  boolean useTotpStep(String user, String secret, long step, boolean activate);

  /** Releases the store's resources. */
  @Override
  void close();
}

package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.Totp;
import dev.proctor.store.AgentKey;
import dev.proctor.store.IdentityStore;
import dev.proctor.store.TotpEnrollment;
import dev.proctor.store.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Agents' API keys and people's accounts over an {@link IdentityStore}: what {@code proctor agents}
 * and {@code proctor users} change, and what the server authenticates against.
 *
 * <p>An API key reads {@code pk_<key id>_<secret>}: the key id (16 hex digits) finds the stored
 * key, the secret (256 random bits) is checked against its SHA-256 in constant time. A fast hash is
 * right for a secret this long — nobody can guess it, so there is nothing for a slow hash to slow
 * down; passwords, which people choose, get Argon2id ({@link Passwords}). Look-ups are cached for
 * {@link #CACHE_TIME}, so a revocation takes at most that long to reach a running server.
 */
public final class Identities {

  /** How long a running server may go on trusting a key after it was revoked elsewhere. */
  static final Duration CACHE_TIME = Duration.ofSeconds(2);

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  private static final Pattern KEY = Pattern.compile("pk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})");

  private final IdentityStore store;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<AgentKey> key, Instant until) {}

  /** A new key as {@code agents add} prints it once: the stored record and the whole secret. */
  public record NewKey(AgentKey key, String secret) {
    public NewKey {
      requireNonNull(key, "key is null");
      requireNonNull(secret, "secret is null");
    }
  }

  public Identities(IdentityStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The store behind these identities. */
  public IdentityStore store() {
    return store;
  }

  /**
   * Creates an agent's key. The secret is returned once and never stored.
   *
   * @throws IllegalArgumentException for a name or group that is not a plain name
   * @throws IllegalStateException when the agent already has an active key
   */
  public NewKey addAgent(
      String name, List<String> groups, Optional<String> owner, Optional<String> tenant) {
    checkName("agent name", name);
    groups.forEach(g -> checkName("group", g));
    owner.ifPresent(o -> checkName("owner", o));
    tenant.ifPresent(t -> checkName("tenant", t));
    String keyId = Secrets.hex(8);
    String secret = Secrets.token(32);
    AgentKey key =
        new AgentKey(
            name,
            keyId,
            Secrets.sha256(secret),
            groups,
            owner,
            tenant,
            clock.instant(),
            Optional.empty());
    store.addAgent(key);
    return new NewKey(key, "pk_" + keyId + "_" + secret);
  }

  /** Revokes an agent's active keys; returns how many. */
  public int revokeAgent(String name) {
    int n = store.revokeAgent(name, clock.instant());
    cache.clear();
    return n;
  }

  /** Every key, active and revoked. */
  public List<AgentKey> agents() {
    return store.agents();
  }

  /**
   * The active key a presented API key stands for; empty for a malformed, unknown or revoked one.
   */
  Optional<AgentKey> authenticate(String presented) {
    var m = KEY.matcher(presented);
    if (!m.matches()) {
      return Optional.empty();
    }
    String keyId = m.group(1);
    Instant now = clock.instant();
    Cached c = cache.get(keyId);
    if (c == null || now.isAfter(c.until())) {
      c = new Cached(store.agentKey(keyId), now.plus(CACHE_TIME));
      if (cache.size() > 10_000) {
        cache.clear();
      }
      cache.put(keyId, c);
    }
    String hash = Secrets.sha256(m.group(2));
    return c.key().filter(AgentKey::active).filter(k -> Secrets.same(k.secretHash(), hash));
  }

  /** The key id part of a presented key, when it has the shape of one (for the record). */
  static Optional<String> keyIdOf(String presented) {
    var m = KEY.matcher(presented);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Creates a person's account.
   *
   * @throws IllegalArgumentException for a bad name, no roles, the agent role, or a weak password
   * @throws IllegalStateException when the name is taken
   */
  public void addUser(String name, Set<Role> roles, String password) {
    checkName("user name", name);
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a person needs at least one role");
    }
    if (roles.contains(Role.AGENT)) {
      throw new IllegalArgumentException(
          "the agent role is for API keys (proctor agents add), not people");
    }
    Passwords.weakness(password)
        .ifPresent(
            w -> {
              throw new IllegalArgumentException(w);
            });
    store.addUser(
        new UserAccount(
            name,
            Passwords.hash(password),
            roles.stream().map(Role::wireName).toList(),
            false,
            clock.instant()));
  }

  /** Sets a person's password and ends their sessions. */
  public void setPassword(String name, String password) {
    Passwords.weakness(password)
        .ifPresent(
            w -> {
              throw new IllegalArgumentException(w);
            });
    UserAccount u =
        store.user(name).orElseThrow(() -> new NoSuchElementException("no user " + name));
    store.updateUser(u.withPasswordHash(Passwords.hash(password)));
    store.removeSessionsOf(name);
  }

  /** Disables a person's account and ends their sessions. */
  public void disable(String name) {
    UserAccount u =
        store.user(name).orElseThrow(() -> new NoSuchElementException("no user " + name));
    store.updateUser(u.asDisabled());
    store.removeSessionsOf(name);
  }

  /**
   * Enrols a new TOTP authenticator for a person (replacing an earlier one) and returns the {@code
   * otpauth://} URI to load into an authenticator app. The enrolment is pending — it steps nobody
   * up — until {@link #confirmTotp} sees a first valid code from it.
   *
   * @throws NoSuchElementException when there is no account of that name
   * @throws IllegalStateException when the account is disabled
   */
  public String enrollTotp(String name) {
    UserAccount u =
        store.user(name).orElseThrow(() -> new NoSuchElementException("no user " + name));
    if (u.disabled()) {
      throw new IllegalStateException("user " + name + " is disabled");
    }
    byte[] secret = Secrets.bytes(Totp.SECRET_BYTES);
    store.putTotp(
        new TotpEnrollment(name, Totp.base32(secret), false, Long.MIN_VALUE, clock.instant()));
    return Totp.DEFAULT.uri(TOTP_ISSUER, name, secret);
  }

  /** The issuer an authenticator app shows beside the account. */
  static final String TOTP_ISSUER = "Proctor";

  /**
   * Activates a person's pending TOTP enrolment with a first code from it (which is then used).
   *
   * @throws NoSuchElementException when the person has no enrolment
   * @throws IllegalStateException when it is active already
   * @throws IllegalArgumentException when the code is not valid now
   */
  public void confirmTotp(String name, String code) {
    TotpEnrollment e =
        store
            .totp(name)
            .orElseThrow(
                () ->
                    new NoSuchElementException(
                        "user " + name + " has no TOTP enrolment; run totp-enroll first"));
    if (e.active()) {
      throw new IllegalStateException("the TOTP enrolment of " + name + " is active already");
    }
    if (!useCode(e, code, true)) {
      throw new IllegalArgumentException(
          "the code does not match the pending enrolment of " + name + " (check the device clock)");
    }
  }

  /**
   * Checks a fresh TOTP code of a person for a step-up and uses it up: accepted once, from the
   * current time step or one either side, later than any code accepted before (also by another
   * server on the same store, or before a restart).
   *
   * @throws ApprovalException {@code step-up-required} when the person has no active enrolment,
   *     {@code step-up-failed} when the code is wrong, too old or used already
   */
  public void checkTotp(String name, String code) throws ApprovalException {
    Optional<TotpEnrollment> e = store.totp(name).filter(TotpEnrollment::active);
    if (e.isEmpty()) {
      throw new ApprovalException(
          ApprovalException.Code.STEP_UP_REQUIRED,
          name + " has no active TOTP authenticator (proctor users totp-enroll " + name + ")");
    }
    if (!useCode(e.get(), code, false)) {
      throw new ApprovalException(
          ApprovalException.Code.STEP_UP_FAILED,
          "the TOTP code of " + name + " is wrong, expired or used already");
    }
  }

  private boolean useCode(TotpEnrollment e, String code, boolean activate) {
    byte[] secret;
    try {
      secret = Totp.fromBase32(e.secret());
    } catch (IllegalArgumentException bad) {
      return false;
    }
    OptionalLong step = Totp.DEFAULT.match(secret, code, clock.instant(), e.lastStep());
    return step.isPresent() && store.useTotpStep(e.user(), e.secret(), step.getAsLong(), activate);
  }

  /** Every account. */
  public List<UserAccount> users() {
    return store.users();
  }

  /**
   * The enabled account a name and password stand for, checked as a log-in is (Argon2id; an unknown
   * name costs the same time as a wrong password); empty when they do not match or the account is
   * disabled. For surfaces that authenticate a person without a session: a vote on the local store
   * ({@code proctor approvals approve}).
   */
  public Optional<UserAccount> person(String name, String password) {
    requireNonNull(name, "name is null");
    requireNonNull(password, "password is null");
    Optional<UserAccount> user = store.user(name);
    if (user.isEmpty()) {
      Passwords.verifyNothing(password);
      return Optional.empty();
    }
    boolean ok = Passwords.verify(password, user.get().passwordHash());
    return ok && !user.get().disabled() ? user : Optional.empty();
  }

  /** The roles of an account, as roles (names this build does not know are dropped). */
  public static Set<Role> roles(UserAccount user) {
    Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
    user.roles().forEach(r -> Role.fromWireName(r).ifPresent(roles::add));
    roles.remove(Role.AGENT);
    return roles;
  }

  private static void checkName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a "
              + what
              + " is 1 to 64 letters, digits and . _ @ -, starting with a letter or digit; was '"
              + name
              + "'");
    }
  }
}

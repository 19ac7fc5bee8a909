package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import dev.proctor.store.AgentKey;
import dev.proctor.store.IdentityStore;
import dev.proctor.store.PersonSession;
import dev.proctor.store.UserAccount;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Who a request comes from. Agents send {@code Authorization: Bearer <API key>}; people log in with
 * name and password and then send the session cookie {@code __Host-proctor-session} (HttpOnly,
 * Secure, SameSite=Strict, path {@code /}, no domain: the {@code __Host-} prefix makes browsers
 * refuse it from anywhere else) and, on every state-changing request, the session's CSRF token in
 * {@code X-CSRF-Token}. Sessions end after an idle time and an absolute time; failed log-ins are
 * limited per account and per client address. The CSRF token is derived from the session token
 * (SHA-256 of {@code "csrf:" + token}), so only a page that was handed it at log-in can send it,
 * and the store keeps neither.
 */
final class Authenticator {

  static final String COOKIE = "__Host-proctor-session";
  static final String CSRF_HEADER = "X-CSRF-Token";

  private final Identities identities;
  private final IdentityStore store;
  private final ServerConfig.Sessions rules;
  private final Clock clock;
  private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  Authenticator(Identities identities, ServerConfig.Sessions rules, Clock clock) {
    this.identities = requireNonNull(identities, "identities is null");
    this.store = identities.store();
    this.rules = requireNonNull(rules, "rules is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The caller a request authenticates as, or empty when it presents no credential at all. */
  Optional<Caller> authenticate(Exchange x) throws HttpError {
    Optional<String> authorization = x.header(HttpHeader.AUTHORIZATION);
    if (authorization.isPresent()) {
      return Optional.of(agent(authorization.get()));
    }
    Optional<String> token = sessionToken(x.request);
    if (token.isPresent()) {
      return Optional.of(person(token.get()));
    }
    return Optional.empty();
  }

  /** The agent a bearer credential names. */
  Caller.Agent agent(String authorization) throws HttpError {
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw HttpError.auth(
          401, "unauthenticated", "the Authorization header must be 'Bearer <API key>'");
    }
    String presented = authorization.substring(7).strip();
    Optional<AgentKey> key = identities.authenticate(presented);
    if (key.isEmpty()) {
      throw HttpError.auth(401, "unauthenticated", "the API key is unknown, malformed or revoked");
    }
    return new Caller.Agent(key.get());
  }

  private Caller.Person person(String token) throws HttpError {
    String idHash = Secrets.sha256(token);
    PersonSession s =
        store
            .session(idHash)
            .orElseThrow(
                () ->
                    HttpError.auth(401, "session-expired", "the session has ended; log in again"));
    Instant now = clock.instant();
    if (Duration.between(s.created(), now).compareTo(rules.absolute()) > 0
        || Duration.between(s.lastSeen(), now).compareTo(rules.idle()) > 0) {
      store.removeSession(idHash);
      throw HttpError.auth(401, "session-expired", "the session has ended; log in again");
    }
    UserAccount user =
        store
            .user(s.user())
            .filter(u -> !u.disabled())
            .orElseThrow(
                () -> {
                  store.removeSession(idHash);
                  return HttpError.auth(401, "session-expired", "the account is disabled");
                });
    if (Duration.between(s.lastSeen(), now).toSeconds() >= 15) {
      store.touchSession(idHash, now);
    }
    return new Caller.Person(user, Identities.roles(user), s, csrf(token));
  }

  /** Refuses a state-changing request of a person that lacks the session's CSRF token. */
  static void checkCsrf(Exchange x, Caller caller) throws HttpError {
    if (caller instanceof Caller.Person p) {
      String sent = x.header(CSRF_HEADER).orElse("");
      if (!Secrets.same(sent, p.csrf())) {
        throw HttpError.auth(
            403, "csrf", "a state-changing request needs the session's " + CSRF_HEADER + " header");
      }
    }
  }

  /**
   * Logs a person in and sets the session cookie; returns the new caller. Refuses with 429 while
   * the account or the client address has too many recent failures, and with 401 (the same for an
   * unknown name, a wrong password and a disabled account) otherwise.
   */
  Caller.Person login(String name, String password, String remote, Response response)
      throws HttpError {
    Instant now = clock.instant();
    String userKey = "user:" + name;
    String addrKey = "addr:" + remote;
    if (limited(userKey, now) || limited(addrKey, now)) {
      throw HttpError.auth(
          429,
          "too-many-failures",
          "too many failed log-ins for this account or address; wait "
              + rules.loginWindow().toMinutes()
              + " minutes");
    }
    Optional<UserAccount> user = store.user(name);
    boolean ok;
    if (user.isPresent()) {
      ok = Passwords.verify(password, user.get().passwordHash()) && !user.get().disabled();
    } else {
      Passwords.verifyNothing(password);
      ok = false;
    }
    if (!ok) {
      fail(userKey, now);
      fail(addrKey, now);
      throw HttpError.auth(401, "bad-credentials", "wrong name or password");
    }
    failures.remove(userKey);
    String token = Secrets.token(32);
    PersonSession session = new PersonSession(Secrets.sha256(token), name, now, now);
    store.addSession(session);
    Response.addCookie(response, cookie(token));
    return new Caller.Person(user.get(), Identities.roles(user.get()), session, csrf(token));
  }

  /** Ends the caller's session and clears the cookie. */
  void logout(Caller.Person person, Response response) {
    store.removeSession(person.session().idHash());
    Response.addCookie(
        response,
        HttpCookie.build(COOKIE, "")
            .path("/")
            .httpOnly(true)
            .secure(true)
            .sameSite(HttpCookie.SameSite.STRICT)
            .maxAge(0)
            .build());
  }

  /** When a person's session ends at the latest, if unused until then. */
  Instant expiry(PersonSession s) {
    Instant idle = s.lastSeen().plus(rules.idle());
    Instant absolute = s.created().plus(rules.absolute());
    return idle.isBefore(absolute) ? idle : absolute;
  }

  private static HttpCookie cookie(String token) {
    return HttpCookie.build(COOKIE, token)
        .path("/")
        .httpOnly(true)
        .secure(true)
        .sameSite(HttpCookie.SameSite.STRICT)
        .build();
  }

  private static Optional<String> sessionToken(Request request) {
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(COOKIE) && !c.getValue().isEmpty()) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  private static String csrf(String token) {
    return Secrets.sha256("csrf:" + token);
  }

  private boolean limited(String key, Instant now) {
    Deque<Instant> d = failures.get(key);
    if (d == null) {
      return false;
    }
    synchronized (d) {
      prune(d, now);
      return d.size() >= rules.loginFailures();
    }
  }

  private void fail(String key, Instant now) {
    if (failures.size() > 100_000) {
      failures.clear();
    }
    Deque<Instant> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (d) {
      prune(d, now);
      d.addLast(now);
    }
  }

  private void prune(Deque<Instant> d, Instant now) {
    Instant cutoff = now.minus(rules.loginWindow());
    while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
      d.removeFirst();
    }
  }
}

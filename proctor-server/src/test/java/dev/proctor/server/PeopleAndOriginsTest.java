package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.store.InMemoryLogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * People's log-in, sessions and CSRF, and the Host and Origin checks against DNS rebinding and
 * cross-site requests — through the real port, with a clock the test moves.
 */
class PeopleAndOriginsTest {

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    volatile Instant now = Instant.parse("2026-12-03T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  MovableClock clock = new MovableClock();
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    t = TestServer.over(new InMemoryLogStore(), TestServer.config(), clock);
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void login_setsAHostOnlyHttpOnlySecureStrictCookie_andNeverEchoesThePassword() {
    Http.Answer a =
        t.http
            .post("/v1/auth/login")
            .json("{\"user\":\"audrey\",\"password\":\"" + TestServer.PASSWORD + "\"}")
            .send();
    assertThat(a.status()).isEqualTo(200);
    String cookie = a.header("set-cookie").orElseThrow();
    assertThat(cookie)
        .startsWith("__Host-proctor-session=")
        .contains("Path=/", "HttpOnly", "Secure", "SameSite=Strict");
    assertThat(cookie).doesNotContain("Domain");
    assertThat(a.text())
        .contains("\"roles\":[\"auditor\"]", "csrfToken")
        .doesNotContain(TestServer.PASSWORD);
  }

  @Test
  void login_wrongPasswordAndUnknownUser_lookTheSame_andAreRecorded() {
    int before = t.authReceipts().size();
    Http.Answer wrong =
        t.http
            .post("/v1/auth/login")
            .json("{\"user\":\"audrey\",\"password\":\"nope-nope-nope\"}")
            .send();
    Http.Answer unknown =
        t.http
            .post("/v1/auth/login")
            .json("{\"user\":\"mallory\",\"password\":\"nope-nope-nope\"}")
            .send();
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.text()).isEqualTo(unknown.text());
    assertThat(t.authReceipts()).hasSize(before + 4);
    assertThat(String.join("\n", t.authReceipts())).doesNotContain("nope-nope-nope");
  }

  @Test
  void login_failuresPastTheLimit_areRefusedUntilTheWindowPasses() {
    for (int i = 0; i < 5; i++) {
      t.http
          .post("/v1/auth/login")
          .json("{\"user\":\"pat\",\"password\":\"wrong-password-" + i + "\"}")
          .send();
    }
    Http.Answer right =
        t.http
            .post("/v1/auth/login")
            .json("{\"user\":\"pat\",\"password\":\"" + TestServer.PASSWORD + "\"}")
            .send();
    assertThat(right.status()).isEqualTo(429);
    clock.advance(Duration.ofMinutes(16));
    assertThat(
            t.http
                .post("/v1/auth/login")
                .json("{\"user\":\"pat\",\"password\":\"" + TestServer.PASSWORD + "\"}")
                .send()
                .status())
        .isEqualTo(200);
  }

  @Test
  void session_stateChangingRequestWithoutCsrf_isRefused_withItIsServed() {
    TestServer.Login pat = t.login("pat");
    String body = "{\"files\":{\"policy.yaml\":\"id: x\\nversion: 1\\nrules: []\\n\"}}";
    int before = t.authReceipts().size();
    Http.Answer noCsrf =
        t.http.post("/v1/policy/validate").header("Cookie", pat.cookie()).json(body).send();
    assertThat(noCsrf.status()).isEqualTo(403);
    assertThat(noCsrf.json().get("error").asText()).isEqualTo("csrf");
    assertThat(t.authReceipts()).hasSize(before + 2);
    Http.Answer ok =
        t.http
            .post("/v1/policy/validate")
            .header("Cookie", pat.cookie())
            .header("X-CSRF-Token", pat.csrf())
            .json(body)
            .send();
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().has("valid")).isTrue();
  }

  @Test
  void session_roles_decideWhatAPersonMayDo() {
    TestServer.Login oscar = t.login("oscar");
    assertThat(t.http.get("/v1/policy").header("Cookie", oscar.cookie()).send().status())
        .isEqualTo(200);
    assertThat(t.http.get("/v1/audit/receipts").header("Cookie", oscar.cookie()).send().status())
        .isEqualTo(403);
    assertThat(
            t.http
                .post("/v1/decide")
                .header("Cookie", oscar.cookie())
                .header("X-CSRF-Token", oscar.csrf())
                .json("{\"tool\":\"Read\"}")
                .send()
                .status())
        .isEqualTo(403);
  }

  @Test
  void session_endsWhenIdle_absolutely_andOnLogout() {
    TestServer.Login a = t.login("audrey");
    clock.advance(Duration.ofMinutes(29));
    assertThat(t.http.get("/v1/auth/session").header("Cookie", a.cookie()).send().status())
        .isEqualTo(200);
    clock.advance(Duration.ofMinutes(31));
    assertThat(t.http.get("/v1/auth/session").header("Cookie", a.cookie()).send().status())
        .isEqualTo(401);
    TestServer.Login b = t.login("audrey");
    for (int i = 0; i < 26; i++) {
      clock.advance(Duration.ofMinutes(28));
      t.http.get("/v1/auth/session").header("Cookie", b.cookie()).send();
    }
    assertThat(t.http.get("/v1/auth/session").header("Cookie", b.cookie()).send().status())
        .isEqualTo(401);
    TestServer.Login c = t.login("audrey");
    assertThat(t.http.post("/v1/auth/logout").header("Cookie", c.cookie()).send().status())
        .isEqualTo(403);
    assertThat(
            t.http
                .post("/v1/auth/logout")
                .header("Cookie", c.cookie())
                .header("X-CSRF-Token", c.csrf())
                .send()
                .status())
        .isEqualTo(204);
    assertThat(t.http.get("/v1/auth/session").header("Cookie", c.cookie()).send().status())
        .isEqualTo(401);
  }

  @Test
  void session_disabledAccount_endsItsSessions() {
    TestServer.Login a = t.login("audrey");
    t.services.identities().disable("audrey");
    assertThat(t.http.get("/v1/auth/session").header("Cookie", a.cookie()).send().status())
        .isEqualTo(401);
  }

  @Test
  void foreignHost_isRefused_evenWithAValidKey() {
    int before = t.authReceipts().size();
    Http.Answer a =
        t.http
            .post("/v1/decide")
            .header("Host", "evil.example:" + t.server.port())
            .bearer(t.key)
            .json("{\"tool\":\"Read\"}")
            .send();
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.json().get("error").asText()).isEqualTo("bad-host");
    assertThat(t.authReceipts()).hasSize(before + 2);
    assertThat(t.http.get("/healthz").header("Host", "rebound.attacker.example").send().status())
        .isEqualTo(403);
    assertThat(
            t.http.get("/healthz").header("Host", "localhost:" + t.server.port()).send().status())
        .isEqualTo(200);
  }

  @Test
  void crossOriginRequests_areRefused_sameOriginServed() {
    Http.Answer login =
        t.http
            .post("/v1/auth/login")
            .header("Origin", "https://evil.example")
            .json("{\"user\":\"audrey\",\"password\":\"" + TestServer.PASSWORD + "\"}")
            .send();
    assertThat(login.status()).isEqualTo(403);
    assertThat(login.header("set-cookie")).isEmpty();
    assertThat(
            t.http
                .post("/v1/decide")
                .header("Sec-Fetch-Site", "cross-site")
                .bearer(t.key)
                .json("{\"tool\":\"Read\"}")
                .send()
                .status())
        .isEqualTo(403);
    Http.Answer hook =
        t.http
            .post("/v1/hooks/claude-code")
            .header("Origin", "null")
            .bearer(t.key)
            .json(HookEndpointTest.pre("ls", "o1"))
            .send();
    assertThat(hook.status()).isEqualTo(200);
    assertThat(hook.json().get("hookSpecificOutput").get("permissionDecision").asText())
        .isEqualTo("deny");
    assertThat(
            t.http
                .get("/v1/auth/session")
                .header("Origin", "http://127.0.0.1:" + t.server.port())
                .send()
                .status())
        .isEqualTo(401);
    assertThat(login.header("access-control-allow-origin")).isEmpty();
  }
}

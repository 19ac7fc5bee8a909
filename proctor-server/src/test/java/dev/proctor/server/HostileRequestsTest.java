package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.store.InMemoryLogStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile network client's second look: smuggling-shaped heads, path tricks, forged and stolen
 * credentials, a principal that claims someone else — each refused, none an allow.
 */
class HostileRequestsTest {

  static TestServer t;

  @BeforeAll
  static void start() throws Exception {
    t = TestServer.over(new InMemoryLogStore(), TestServer.config(), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void smugglingShapedHeads_areRefused() throws Exception {
    String host = "Host: 127.0.0.1:" + t.server.port() + "\r\n";
    String both =
        raw(
            "POST /v1/decide HTTP/1.1\r\n"
                + host
                + "Authorization: Bearer "
                + t.key
                + "\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n");
    assertThat(both).startsWith("HTTP/1.1 400");
    String twoHosts =
        raw("GET /healthz HTTP/1.1\r\n" + host + "Host: evil.example\r\nConnection: close\r\n\r\n");
    assertThat(twoHosts).startsWith("HTTP/1.1 400");
    String noHost = raw("GET /healthz HTTP/1.0\r\n\r\n");
    assertThat(noHost).doesNotStartWith("HTTP/1.1 200").doesNotStartWith("HTTP/1.0 200");
  }

  @Test
  void pathTricks_reachNothing() throws Exception {
    for (String path :
        new String[] {
          "/v1/hooks/../decide",
          "/v1//decide",
          "/V1/decide",
          "/v1/decide/",
          "/v1/%2e%2e/decide",
          "/console/../v1/openapi.json",
          "/console/x.class"
        }) {
      Http.Answer a = t.http.post(path).bearer(t.key).json("{\"tool\":\"Read\"}").send();
      assertThat(a.text()).as(path).doesNotContain("\"decision\":\"allow\"");
      if (path.startsWith("/v1/hooks/")) {
        // Under /v1/hooks/ a name that is no harness is a hook's block, never a 4xx that a
        // harness would read as "go ahead".
        assertThat(a.status()).as(path).isEqualTo(200);
        assertThat(a.header("proctor-hook-exit")).as(path).contains("2");
        assertThat(a.text()).as(path).contains("no hook for harness");
      } else {
        assertThat(a.status()).as(path).isIn(400, 403, 404, 405);
      }
    }
  }

  @Test
  void forgedCredentials_areRefused() {
    String[] forged = {
      t.key.toUpperCase(java.util.Locale.ROOT),
      t.key + "x",
      t.key.substring(0, 20),
      "pk_" + "0".repeat(16) + "_" + "A".repeat(43),
      "' OR 1=1 --",
      "\u00e9\u00e9\u00e9"
    };
    for (String f : forged) {
      Http.Answer a = t.http.post("/v1/decide").bearer(f).json("{\"tool\":\"Read\"}").send();
      assertThat(a.status()).as(f).isEqualTo(401);
    }
    Http.Answer basic =
        t.http
            .post("/v1/decide")
            .header("Authorization", "Basic YWRtaW46YWRtaW4=")
            .json("{\"tool\":\"Read\"}")
            .send();
    assertThat(basic.status()).isEqualTo(401);
    Http.Answer forgedCookie =
        t.http
            .get("/v1/audit/receipts")
            .header("Cookie", Authenticator.COOKIE + "=" + "A".repeat(43))
            .send();
    assertThat(forgedCookie.status()).isEqualTo(401);
  }

  @Test
  void principalClaimingAnotherIdentity_isRefusedOnEveryField() {
    for (String principal :
        new String[] {
          "{\"agent\":\"codex\"}",
          "{\"agent\":\"claude-other\"}",
          "{\"agent\":\"claude/\"}",
          "{\"human\":\"mallory\"}",
          "{\"tenant\":\"other\"}",
          "{\"service\":\"billing\"}",
          "{\"delegationChain\":[\"root\"]}"
        }) {
      Http.Answer a =
          t.http
              .post("/v1/decide")
              .bearer(t.key)
              .json("{\"tool\":\"Read\",\"principal\":" + principal + "}")
              .send();
      assertThat(a.status()).as(principal).isEqualTo(403);
    }
  }

  @Test
  void aPersonCannotDecideAndAnAgentCannotLogInAsAPerson() {
    Http.Answer login =
        t.http
            .post("/v1/auth/login")
            .json("{\"user\":\"claude\",\"password\":\"" + t.key + "\"}")
            .send();
    assertThat(login.status()).isEqualTo(401);
    Http.Answer extra =
        t.http
            .post("/v1/auth/login")
            .json(
                "{\"user\":\"audrey\",\"password\":\""
                    + TestServer.PASSWORD
                    + "\",\"roles\":[\"auditor\"]}")
            .send();
    assertThat(extra.status()).isEqualTo(400);
  }
}

package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogVerifier;
import dev.proctor.store.FaultyLogStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and oversize clients, and the log becoming unwritable mid-run: each a clear error (a deny
 * where a decision was asked), nothing acknowledged lost, and the server keeps serving others.
 */
class FaultsTest {

  FaultyLogStore store = new FaultyLogStore();
  TestServer t;

  @BeforeEach
  void start() throws Exception {
    ServerConfig c =
        TestServer.fastDeadlines(TestServer.config())
            .withLimits(
                ServerConfig.Limits.DEFAULT.withTimeouts(
                    Duration.ofSeconds(5), Duration.ofSeconds(1)));
    t = TestServer.over(store, c, Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private static final String LS =
      "{\"tool\":\"Bash\",\"arguments\":{\"command\":\"ls\"},\"context\":{\"cwd\":\"/work/p\"}}";

  @Test
  void slowloris_isCutOffAtTheHeaderTimeout_whileOthersAreServed() throws Exception {
    try (Socket slow = new Socket("127.0.0.1", t.server.port())) {
      OutputStream out = slow.getOutputStream();
      InputStream in = slow.getInputStream();
      slow.setSoTimeout(5000);
      out.write(
          ("POST /v1/decide HTTP/1.1\r\nHost: 127.0.0.1:" + t.server.port() + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
          Thread.sleep(100);
          if (i % 5 == 0) {
            assertThat(t.http.get("/healthz").send().status()).isEqualTo(200);
          }
        } catch (java.io.IOException e) {
          closed = true;
        }
        if (!closed && in.available() == 0 && slow.isInputShutdown()) {
          closed = true;
        }
      }
      if (!closed) {
        closed = in.read() == -1;
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertThat(closed).isTrue();
      assertThat(ms).isLessThan(4000);
    }
  }

  @Test
  void oversizeHeaders_areRefused() {
    Http.Answer a = t.http.get("/healthz").header("X-Big", "a".repeat(20_000)).send();
    assertThat(a.status()).isEqualTo(431);
    assertThat(t.http.get("/healthz").send().status()).isEqualTo(200);
  }

  @Test
  void bodyShorterThanDeclared_timesOutWithoutAnAnswerThatAllows() throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(15_000);
      s.getOutputStream()
          .write(
              ("POST /v1/decide HTTP/1.1\r\nHost: 127.0.0.1:"
                      + t.server.port()
                      + "\r\nAuthorization: Bearer "
                      + t.key
                      + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"tool\":")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] answer = s.getInputStream().readAllBytes();
      String text = new String(answer, StandardCharsets.ISO_8859_1);
      assertThat(text).doesNotContain("\"decision\":\"allow\"");
    }
    assertThat(
            t.http.post("/v1/decide").bearer(t.key).json(LS).send().json().get("decision").asText())
        .isEqualTo("allow");
  }

  @Test
  void logUnwritableMidRun_deniesUnreadies_keepsServing_andLosesNothingAcknowledged()
      throws Exception {
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      JsonNode d = t.http.post("/v1/decide").bearer(t.key).json(LS).send().json();
      assertThat(d.get("decision").asText()).isEqualTo("allow");
      d.get("receipts").forEach(r -> acknowledged.add(r.asText()));
    }
    store.full = true;
    JsonNode denied = t.http.post("/v1/decide").bearer(t.key).json(LS).send().json();
    assertThat(denied.get("decision").asText()).isEqualTo("deny");
    assertThat(denied.get("reason").asText()).contains("cannot record");
    assertThat(denied.get("receipts")).isEmpty();
    Http.Answer hook =
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .json(HookEndpointTest.pre("ls", "full"))
            .send();
    assertThat(hook.status()).isEqualTo(200);
    assertThat(hook.json().get("hookSpecificOutput").get("permissionDecision").asText())
        .isEqualTo("deny");
    assertThat(t.http.get("/readyz").send().status()).isEqualTo(503);
    assertThat(t.http.get("/healthz").send().status()).isEqualTo(200);
    store.full = false;
    assertThat(
            t.http.post("/v1/decide").bearer(t.key).json(LS).send().json().get("decision").asText())
        .isEqualTo("allow");
    assertThat(t.http.get("/readyz").send().status()).isEqualTo(200);
    for (String id : acknowledged) {
      assertThat(store.inner.entryById(id)).isPresent();
    }
    var report = new LogVerifier(t.services.logKeys(), List.of()).forLiveLog().verify(store.inner);
    assertThat(report.intact()).as(report.summary()).isTrue();
  }

  @Test
  void close_withDecisionsInFlight_answersThemAndSignsALastCheckpoint() throws Exception {
    List<Thread> clients = new ArrayList<>();
    List<String> answers = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      Thread c =
          new Thread(
              () -> {
                try {
                  answers.add(
                      t.http
                          .post("/v1/decide")
                          .bearer(t.key)
                          .json(LS)
                          .send()
                          .json()
                          .get("decision")
                          .asText());
                } catch (RuntimeException refused) {
                  answers.add("refused");
                }
              });
      c.start();
      clients.add(c);
    }
    Thread.sleep(20);
    t.server.close();
    for (Thread c : clients) {
      c.join(10_000);
    }
    assertThat(answers)
        .hasSize(8)
        .allMatch(a -> a.equals("allow") || a.equals("deny") || a.equals("refused"));
    long size = store.inner.size();
    assertThat(store.inner.latestCheckpoint().orElseThrow().size()).isEqualTo(size);
    KeyRing keys = t.services.logKeys();
    assertThat(new LogVerifier(keys, List.of()).verify(store.inner).intact()).isTrue();
  }
}

package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live feed (SSE) and policy reload, through the real port. */
class FeedAndPolicyTest {

  @TempDir Path dir;

  static final String POLICY =
      "policy:\n  id: test\n  version: 1\nrules:\n  - id: allow-read\n    match: {class: fs.read}\n    effect: allow\n    reason: reads are fine\n";

  @Test
  void feed_showsADecisionMadeThroughTheHookEndpoint_filteredByAgent() throws Exception {
    try (TestServer t = TestServer.start(dir.resolve("data"))) {
      TestServer.Login oscar = t.login("oscar");
      try (Socket s = new Socket("127.0.0.1", t.server.port())) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET /v1/events?agent=claude&state=denied HTTP/1.1\r\nHost: 127.0.0.1:"
                    + t.server.port()
                    + "\r\nCookie: "
                    + oscar.cookie()
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.contains("proctor live feed")) {
          // headers and the opening comment
        }
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.otherKey)
            .json(HookEndpointTest.pre("curl x | sh", "f0"))
            .send();
        t.http
            .post("/v1/hooks/claude-code")
            .bearer(t.key)
            .json(HookEndpointTest.pre("curl x | sh", "f1"))
            .send();
        List<String> data = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (data.isEmpty() && System.nanoTime() < end && (line = in.readLine()) != null) {
          if (line.startsWith("data: ")) {
            data.add(line);
          }
        }
        assertThat(data).hasSize(1);
        assertThat(data.get(0)).contains("\"event\":\"denied\"", "\"agent\":\"claude\"", "/f1/");
      }
    }
  }

  @Test
  void reload_invalidVersionIsRefused_andTheOldOneStays() throws Exception {
    Path policy = Files.createDirectories(dir.resolve("policy"));
    Files.writeString(policy.resolve("policy.yaml"), POLICY);
    ServerConfig c =
        TestServer.config()
            .withDataDir(dir.resolve("data"))
            .withPolicy(java.util.Optional.of(policy), java.util.Optional.empty());
    try (TestServer t = TestServer.start(c)) {
      TestServer.Login pat = t.login("pat");
      String digest =
          t.http
              .get("/v1/policy")
              .header("Cookie", pat.cookie())
              .send()
              .json()
              .get("digest")
              .asText();
      Files.writeString(
          policy.resolve("policy.yaml"), POLICY + "  - id: broken\n    effect: nonsense\n");
      Http.Answer r =
          t.http
              .post("/v1/policy/reload")
              .header("Cookie", pat.cookie())
              .header("X-CSRF-Token", pat.csrf())
              .send();
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.json().get("problems").get(0).get("line").asInt()).isPositive();
      assertThat(
              t.http
                  .get("/v1/policy")
                  .header("Cookie", pat.cookie())
                  .send()
                  .json()
                  .get("digest")
                  .asText())
          .isEqualTo(digest);
      Files.writeString(
          policy.resolve("policy.yaml"), POLICY.replace("reads are fine", "reads are good"));
      Http.Answer ok =
          t.http
              .post("/v1/policy/reload")
              .header("Cookie", pat.cookie())
              .header("X-CSRF-Token", pat.csrf())
              .send();
      assertThat(ok.status()).isEqualTo(200);
      assertThat(
              t.http
                  .get("/v1/policy")
                  .header("Cookie", pat.cookie())
                  .send()
                  .json()
                  .get("digest")
                  .asText())
          .isNotEqualTo(digest);
    }
  }
}

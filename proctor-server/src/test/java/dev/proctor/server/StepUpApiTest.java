package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.Totp;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteIdentityStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOTP step-up on the approve route, against a real server over a real data directory: a vote on an
 * action whose rule says {@code step_up: totp} counts only with a fresh code from the voter's own
 * confirmed authenticator, each code once — also after a restart — and the approved answer carries
 * the signed approval token.
 */
class StepUpApiTest {

  private static final String POLICY =
      "policy: {id: step-up, version: 1, description: d}\n"
          + "rules:\n"
          + "  - id: payout\n"
          + "    match: {tool: payout}\n"
          + "    effect: ask\n"
          + "    approval: {groups: [approvers], answered_at: proctor, step_up: totp}\n";

  @TempDir Path dir;
  private TestServer t;
  private byte[] secret;
  private String confirming;

  @BeforeEach
  void setUp() throws Exception {
    Path policy = dir.resolve("policy");
    Files.createDirectories(policy);
    Files.writeString(policy.resolve("policy.yaml"), POLICY);
    t =
        TestServer.start(
            TestServer.config()
                .withDataDir(dir.resolve("data"))
                .withPolicy(Optional.of(policy), Optional.empty()));
    Identities ids = t.services.identities();
    ids.addUser("dana", Set.of(Role.APPROVER), TestServer.PASSWORD);
    String uri = ids.enrollTotp("dana");
    assertThat(uri).startsWith("otpauth://totp/Proctor:dana?secret=").endsWith("&issuer=Proctor");
    secret = Totp.fromBase32(uri.substring(uri.indexOf("secret=") + 7, uri.indexOf('&')));
    assertThat(t.services.identities().store().totp("dana").orElseThrow().active()).isFalse();
    confirming = code(-1);
    ids.confirmTotp("dana", confirming);
  }

  @AfterEach
  void tearDown() {
    if (t != null) {
      t.close();
    }
  }

  /** The code of the time step {@code offset} steps from now. */
  private String code(int offset) {
    return Totp.DEFAULT.code(secret, Totp.DEFAULT.step(Instant.now()) + offset);
  }

  private String held() {
    JsonNode d =
        t.http
            .post("/v1/decide")
            .bearer(t.key)
            .json("{\"tool\":\"payout\",\"arguments\":{\"amount\":500,\"to\":\"acct-7\"}}")
            .send()
            .json();
    assertThat(d.get("decision").asText()).isEqualTo("require_approval");
    assertThat(d.at("/approval/stepUp").asText()).isEqualTo("totp");
    return d.get("requestId").asText();
  }

  private Http.Answer approve(TestServer.Login dana, String id, String body) {
    return t.http
        .post("/v1/approvals/" + id + "/approve")
        .header("Cookie", dana.cookie())
        .header(Authenticator.CSRF_HEADER, dana.csrf())
        .json(body)
        .send();
  }

  @Test
  void approve_withoutOrWithWrongCode_isRefused_thenAFreshCodeApprovesAndYieldsAToken() {
    String id = held();
    TestServer.Login dana = t.login("dana");

    Http.Answer none = approve(dana, id, "{}");
    assertThat(none.status()).as(none.text()).isEqualTo(401);
    assertThat(none.json().get("error").asText()).isEqualTo("step-up-required");

    String wrongCode = code(0).equals("000000") ? "111111" : "000000";
    Http.Answer wrong = approve(dana, id, "{\"totp\":\"" + wrongCode + "\"}");
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.json().get("error").asText()).isEqualTo("step-up-failed");

    Http.Answer notText = approve(dana, id, "{\"totp\":123456}");
    assertThat(notText.status()).isEqualTo(400);

    Http.Answer used = approve(dana, id, "{\"totp\":\"" + confirming + "\"}");
    assertThat(used.status()).isEqualTo(403);

    JsonNode shown =
        t.http.get("/v1/approvals/" + id).header("Cookie", dana.cookie()).send().json();
    assertThat(shown.get("votes")).isEmpty();
    assertThat(shown.at("/requirement/stepUp").asText()).isEqualTo("totp");
    assertThat(shown.has("token")).isFalse();

    Http.Answer ok = approve(dana, id, "{\"totp\":\"" + code(0) + "\"}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("state").asText()).isEqualTo("approved");
    String token = ok.json().get("token").asText();
    assertThat(token).startsWith("pat1.");
    JsonNode after =
        t.http.get("/v1/approvals/" + id).header("Cookie", dana.cookie()).send().json();
    assertThat(after.get("token").asText()).isEqualTo(token);

    // Every refusal is on record as a denied proctor.approval action naming its code.
    StringBuilder log = new StringBuilder();
    var store = t.services.proctor().log().store();
    store.scan(0, store.size(), e -> log.append(e.json()).append('\n'));
    assertThat(log.toString()).contains("step-up-required", "step-up-failed");
  }

  @Test
  void code_usedOnce_isRefusedForTheNextVote_alsoAfterARestart() throws Exception {
    TestServer.Login dana = t.login("dana");
    String first = held();
    String c = code(0);
    assertThat(approve(dana, first, "{\"totp\":\"" + c + "\"}").status()).isEqualTo(200);
    String second = held();
    Http.Answer replay = approve(dana, second, "{\"totp\":\"" + c + "\"}");
    assertThat(replay.status()).isEqualTo(403);
    assertThat(replay.json().get("error").asText()).isEqualTo("step-up-failed");
    t.close();
    t = null;
    DataDirectory data = new DataDirectory(dir.resolve("data"));
    try (SqliteIdentityStore store = SqliteIdentityStore.open(data.identity())) {
      Identities reopened = new Identities(store, Clock.systemUTC());
      assertThatThrownBy(() -> reopened.checkTotp("dana", c))
          .isInstanceOf(ApprovalException.class)
          .extracting(e -> ((ApprovalException) e).code())
          .isEqualTo(ApprovalException.Code.STEP_UP_FAILED);
      reopened.checkTotp("dana", code(1));
    }
  }

  @Test
  void approve_byPersonWithoutConfirmedAuthenticator_isStepUpRequired() {
    Identities ids = t.services.identities();
    ids.addUser("erin", Set.of(Role.APPROVER), TestServer.PASSWORD);
    ids.enrollTotp("erin"); // pending, never confirmed
    Http.Answer a = approve(t.login("erin"), held(), "{\"totp\":\"" + code(0) + "\"}");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.json().get("error").asText()).isEqualTo("step-up-required");
    assertThat(a.json().get("message").asText()).contains("no active TOTP authenticator");
  }

  @Test
  void confirm_wrongCodeOrTwice_isRefused() {
    Identities ids = t.services.identities();
    ids.addUser("finn", Set.of(Role.APPROVER), TestServer.PASSWORD);
    ids.enrollTotp("finn");
    assertThatThrownBy(() -> ids.confirmTotp("finn", "12345"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ids.confirmTotp("dana", code(0)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ids.enrollTotp("nobody"))
        .isInstanceOf(java.util.NoSuchElementException.class);
  }
}

package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approvals held in Proctor, through the real port on the embedded default (SQLite in a data
 * directory) with a policy whose rules say {@code answered_at: proctor}: the approvals routes with
 * every refusal, the Claude Code hook held until the vote, and one action's event stream.
 */
class ApprovalsApiTest {

  @TempDir static Path dir;
  static TestServer t;
  static TestServer.Login dana;
  static TestServer.Login erin;
  static TestServer.Login fay;
  static TestServer.Login alice;
  static TestServer.Login sam;
  static TestServer.Login oscar;

  @BeforeAll
  static void start() throws Exception {
    Path policy = dir.resolve("policy");
    Files.createDirectories(policy);
    try (InputStream in = ApprovalsApiTest.class.getResourceAsStream("/approvals/policy.yaml")) {
      Files.write(policy.resolve("policy.yaml"), in.readAllBytes());
    }
    ServerConfig config =
        TestServer.config()
            .withDataDir(dir.resolve("data"))
            .withPolicy(Optional.of(policy), Optional.empty())
            .withApprovals(
                new ServerConfig.Approvals(
                    Duration.ofSeconds(4), Duration.ofSeconds(60), Duration.ofMillis(200)))
            .withDecisions(
                new ServerConfig.Decisions(Duration.ofSeconds(2), Duration.ofSeconds(6)));
    t = TestServer.start(config);
    Identities ids = t.services.identities();
    // alice sponsors the agent "claude" (TestServer's key); sam starts the sessions below.
    for (String name : List.of("dana", "erin", "fay", "alice", "sam")) {
      ids.addUser(name, Set.of(Role.APPROVER), TestServer.PASSWORD);
    }
    dana = t.login("dana");
    erin = t.login("erin");
    fay = t.login("fay");
    alice = t.login("alice");
    sam = t.login("sam");
    oscar = t.login("oscar");
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** Asks for a decision as the agent "claude" in a session sam started; returns the action id. */
  private static String hold(String tool, String command) {
    Http.Answer a =
        t.http
            .post("/v1/decide")
            .bearer(t.key)
            .json(
                "{\"tool\":\""
                    + tool
                    + "\",\"arguments\":{\"env\":\"prod\",\"command\":\""
                    + command
                    + "\"},\"principal\":{\"session\":\"s-"
                    + command
                    + "\"},\"context\":{\"session.started_by\":\"sam\"}}")
            .send();
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    assertThat(a.json().get("decision").asText()).isEqualTo("require_approval");
    return a.json().get("requestId").asText();
  }

  private static String path(String id) {
    StringBuilder b = new StringBuilder("/v1/approvals");
    for (String segment : id.split("/", -1)) {
      b.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  private static Http.Answer vote(TestServer.Login who, String id, String verb, String body) {
    return t.http
        .post(path(id) + "/" + verb)
        .header("Cookie", who.cookie())
        .header(Authenticator.CSRF_HEADER, who.csrf())
        .json(body)
        .send();
  }

  private static JsonNode show(String id) {
    Http.Answer a = t.http.get(path(id)).header("Cookie", dana.cookie()).send();
    assertThat(a.status()).as(a.text()).isEqualTo(200);
    return a.json();
  }

  /** The receipts of an action's lifecycle, by state. */
  private static List<String> states(String id) {
    return t.services.proctor().log().store().entriesOf(id, 100).stream()
        .map(e -> e.state())
        .toList();
  }

  /** Receipts of refused votes (class proctor.approval) naming an action and a refusal code. */
  private static long refusals(String id, String code) {
    long[] n = {0};
    var store = t.services.proctor().log().store();
    store.scan(
        0,
        store.size(),
        e -> {
          if (e.json().contains("\"class\":\"proctor.approval\"")
              && e.json().contains(id)
              && e.json().contains("\"reason\":\"" + code + "\"")
              && e.state().equals("denied")) {
            n[0]++;
          }
        });
    return n[0];
  }

  private static long authDenials() {
    return t.authReceipts().stream().filter(r -> r.contains("\"event\":\"denied\"")).count();
  }

  private static void assertError(Http.Answer a, int status, String code) {
    assertThat(a.status()).as(a.text()).isEqualTo(status);
    assertThat(a.header("content-type")).hasValueSatisfying(v -> v.startsWith("application/json"));
    assertThat(a.json().get("error").asText()).isEqualTo(code);
    assertThat(a.json().get("message").asText()).isNotBlank();
  }

  @Test
  void listAndShow_giveTheWholeActionTheRuleAndWhy_toApproversAndTheRequestingAgentOnly() {
    String id = hold("deploy", "kubectl apply -f prod.yaml");
    JsonNode list = t.http.get("/v1/approvals").header("Cookie", dana.cookie()).send().json();
    JsonNode mine = null;
    for (JsonNode a : list.get("approvals")) {
      if (a.get("actionId").asText().equals(id)) {
        mine = a;
      }
    }
    assertThat(mine).as(list.toString()).isNotNull();
    JsonNode one = show(id);
    assertThat(one).isEqualTo(mine);
    assertThat(one.get("state").asText()).isEqualTo("approval_required");
    assertThat(one.get("tool").asText()).isEqualTo("deploy");
    assertThat(one.at("/parameters/command").asText()).isEqualTo("kubectl apply -f prod.yaml");
    assertThat(one.at("/parameters/env").asText()).isEqualTo("prod");
    assertThat(one.get("rules").toString()).isEqualTo("[\"deploy-prod\"]");
    assertThat(one.get("reason").asText()).isEqualTo("production deploys need two people");
    assertThat(one.at("/requirement/quorum").asInt()).isEqualTo(2);
    assertThat(one.at("/requester/agent").asText()).isEqualTo("claude");
    assertThat(one.at("/requester/owner").asText()).isEqualTo("alice");
    assertThat(one.get("cannotApprove").toString()).isEqualTo("[\"alice\",\"claude\",\"sam\"]");
    assertThat(one.get("votes")).isEmpty();
    assertThat(one.get("actionDigest").asText()).hasSize(64);
    assertThat(one.get("policyDigest").asText()).isNotBlank();

    assertThat(t.http.get(path(id)).bearer(t.key).send().status()).isEqualTo(200);
    assertError(t.http.get(path(id)).bearer(t.otherKey).send(), 403, "forbidden");
    assertError(t.http.get("/v1/approvals").bearer(t.key).send(), 403, "forbidden");
    assertError(
        t.http.get(path("no-such-action")).header("Cookie", dana.cookie()).send(),
        404,
        "not-found");
  }

  @Test
  void openapi_describesTheApprovalRoutesAndTheActionEvents() {
    JsonNode paths = t.http.get("/v1/openapi.json").send().json().get("paths");
    for (String p :
        List.of(
            "/v1/approvals",
            "/v1/approvals/{id}",
            "/v1/approvals/{id}/wait",
            "/v1/approvals/{id}/approve",
            "/v1/approvals/{id}/reject",
            "/v1/actions/{id}/events")) {
      assertThat(paths.has(p)).as(p).isTrue();
    }
  }

  @Test
  void quorumOfTwo_firstVoteKeepsItPending_secondApproves_laterVotesAreRefused() {
    String id = hold("deploy", "helm upgrade api");
    Http.Answer first = vote(dana, id, "approve", "{}");
    assertThat(first.status()).as(first.text()).isEqualTo(200);
    assertThat(first.json().get("state").asText()).isEqualTo("approval_required");
    assertThat(first.json().get("voter").asText()).isEqualTo("dana");

    Http.Answer again = vote(dana, id, "approve", "{}");
    assertError(again, 409, "already-voted");
    assertThat(show(id).get("votes")).hasSize(1);
    assertThat(refusals(id, "already-voted")).isEqualTo(1);

    Http.Answer second = vote(erin, id, "approve", "{}");
    assertThat(second.json().get("state").asText()).isEqualTo("approved");
    assertThat(states(id)).containsExactly("requested", "approval_required", "approved");
    String approved = t.services.proctor().log().store().lastEntry(id).orElseThrow().json();
    assertThat(approved).contains("\"dana\"").contains("\"erin\"");

    assertError(vote(fay, id, "approve", "{}"), 409, "already-decided");
    assertError(vote(fay, id, "reject", "{\"reason\":\"too late\"}"), 409, "already-decided");
    assertThat(show(id).get("votes")).hasSize(2);
    assertThat(states(id)).containsExactly("requested", "approval_required", "approved");
    assertThat(refusals(id, "already-decided")).isEqualTo(2);
  }

  @Test
  void separationOfDuties_ownerSessionStarterAndRequestingAgent_cannotVote() {
    String id = hold("deploy", "terraform apply");
    assertError(vote(alice, id, "approve", "{}"), 403, "separation-of-duties");
    assertError(vote(sam, id, "approve", "{}"), 403, "separation-of-duties");
    assertError(vote(sam, id, "reject", "{\"reason\":\"mine\"}"), 403, "separation-of-duties");
    Http.Answer agent = t.http.post(path(id) + "/approve").bearer(t.key).json("{}").send();
    assertError(agent, 403, "forbidden");
    assertThat(show(id).get("votes")).isEmpty();
    assertThat(states(id)).containsExactly("requested", "approval_required");
    assertThat(refusals(id, "separation-of-duties")).isEqualTo(3);
  }

  @Test
  void reject_needsAReason_thenEndsTheActionWithIt() {
    String id = hold("deploy", "drop database");
    assertError(vote(dana, id, "reject", "{}"), 400, "reason-required");
    assertError(vote(dana, id, "reject", "{\"reason\":\"   \"}"), 400, "reason-required");
    assertError(vote(dana, id, "reject", "{\"reason\":42}"), 400, "bad-request");
    assertError(vote(dana, id, "reject", "{\"reasn\":\"typo\"}"), 400, "bad-request");
    assertError(vote(dana, id, "reject", "[\"no\"]"), 400, "bad-request");
    assertThat(show(id).get("votes")).isEmpty();
    assertThat(refusals(id, "reason-required")).isEqualTo(2);

    Http.Answer no = vote(dana, id, "reject", "{\"reason\":\"not during the freeze\"}");
    assertThat(no.json().get("state").asText()).isEqualTo("rejected");
    JsonNode after = show(id);
    assertThat(after.get("state").asText()).isEqualTo("rejected");
    assertThat(after.at("/votes/0/reason").asText()).isEqualTo("not during the freeze");
    assertThat(t.services.proctor().log().store().lastEntry(id).orElseThrow().json())
        .contains("not during the freeze");
    assertError(vote(erin, id, "approve", "{}"), 409, "already-decided");
  }

  @Test
  void nonexistentAndExpiredApprovals_areClearErrors_andChangeNothing() {
    assertError(vote(dana, "no-such-action", "approve", "{}"), 404, "not-found");
    assertThat(refusals("no-such-action", "not-found")).isEqualTo(1);
    assertError(vote(dana, "x", "applaud", "{}"), 404, "not-found");

    String id = hold("flash", "blink");
    Http.Answer waited =
        t.http.get(path(id) + "/wait?timeout=20000").header("Cookie", dana.cookie()).send();
    assertThat(waited.json().get("state").asText()).isEqualTo("expired");
    assertError(vote(dana, id, "approve", "{}"), 409, "expired");
    assertThat(states(id)).containsExactly("requested", "approval_required", "expired");
    assertThat(show(id).get("votes")).isEmpty();
  }

  @Test
  void unauthenticatedAndNonApproverCallers_areRefusedAndRecorded() {
    String id = hold("deploy", "rm -rf /srv/app");
    long before = authDenials();
    Http.Answer anonymous = t.http.post(path(id) + "/approve").json("{}").send();
    assertError(anonymous, 401, "unauthenticated");
    assertError(t.http.get("/v1/approvals").send(), 401, "unauthenticated");
    assertError(vote(oscar, id, "approve", "{}"), 403, "forbidden");
    assertError(
        t.http.get("/v1/approvals").header("Cookie", oscar.cookie()).send(), 403, "forbidden");
    Http.Answer noCsrf =
        t.http.post(path(id) + "/approve").header("Cookie", dana.cookie()).json("{}").send();
    assertError(noCsrf, 403, "csrf");
    assertThat(authDenials()).isEqualTo(before + 5);
    assertThat(show(id).get("votes")).isEmpty();
    assertThat(states(id)).containsExactly("requested", "approval_required");
  }

  @Test
  void wait_longPollsUntilTheVote_andAnswersAtItsTimeoutWhileStillPending() throws Exception {
    String id = hold("deploy", "kubectl rollout restart");
    Http.Answer early =
        t.http.get(path(id) + "/wait?timeout=100").header("Cookie", dana.cookie()).send();
    assertThat(early.json().get("state").asText()).isEqualTo("approval_required");
    assertError(
        t.http.get(path(id) + "/wait?timeout=3600000").header("Cookie", dana.cookie()).send(),
        400,
        "bad-parameter");

    CompletableFuture<Http.Answer> waiting =
        CompletableFuture.supplyAsync(
            () -> t.http.get(path(id) + "/wait?timeout=30000").bearer(t.key).send());
    Thread.sleep(200); // let the long-poll start; the vote below may also come first
    vote(dana, id, "approve", "{}");
    vote(erin, id, "approve", "{}");
    Http.Answer done = waiting.get(20, TimeUnit.SECONDS);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.json().get("state").asText()).isEqualTo("approved");
    assertThat(done.json().get("votes")).hasSize(2);
  }

  // --- the Claude Code hook, held until the vote ---

  private static String hookCall(String session, String toolUseId, String env) {
    return "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\""
        + session
        + "\",\"cwd\":\"/work/p\",\"tool_name\":\"mcp__ops__deploy\",\"tool_input\":{\"env\":\""
        + env
        + "\"},\"tool_use_id\":\""
        + toolUseId
        + "\"}";
  }

  private static CompletableFuture<JsonNode> hookAsync(String body) {
    return CompletableFuture.supplyAsync(
        () -> {
          Http.Answer a = t.http.post("/v1/hooks/claude-code").bearer(t.key).json(body).send();
          assertThat(a.status()).isEqualTo(200);
          return a.json().get("hookSpecificOutput");
        });
  }

  /** The id of the held action for a tool-use id, once the waiting hook call has held it. */
  private static String heldFor(String toolUseId) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      for (JsonNode a :
          t.http
              .get("/v1/approvals")
              .header("Cookie", dana.cookie())
              .send()
              .json()
              .get("approvals")) {
        if (a.get("actionId").asText().contains("/" + toolUseId + "/")) {
          return a.get("actionId").asText();
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no held action for " + toolUseId);
  }

  @Test
  void hook_heldCallWaits_andAVoteReleasesItWithAllow_aRetryGetsTheSameAnswer() throws Exception {
    String tu = "toolu_" + UUID.randomUUID();
    String body = hookCall("hs1", tu, "prod");
    long start = System.nanoTime();
    CompletableFuture<JsonNode> answer = hookAsync(body);
    String id = heldFor(tu);
    assertThat(answer).isNotDone();
    Http.Answer v = vote(dana, id, "approve", "{}");
    assertThat(v.json().get("state").asText()).isEqualTo("approved");
    JsonNode out = answer.get(10, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    assertThat(out.get("hookEventName").asText()).isEqualTo("PreToolUse");
    assertThat(out.get("permissionDecision").asText()).isEqualTo("allow");
    assertThat(out.get("permissionDecisionReason").asText())
        .contains("approved in Proctor by dana")
        .contains(id);
    assertThat(out.size()).isEqualTo(3);

    // The same tool call again (same tool-use id, session and input): the decided answer, at
    // once, and no second held action.
    JsonNode retry = hookAsync(body).get(10, TimeUnit.SECONDS);
    assertThat(retry.get("permissionDecision").asText()).isEqualTo("allow");
    assertThat(states(id)).containsExactly("requested", "approval_required", "approved");
  }

  @Test
  void hook_aRejectionReleasesItWithDenyAndTheReason() throws Exception {
    String tu = "toolu_" + UUID.randomUUID();
    CompletableFuture<JsonNode> answer = hookAsync(hookCall("hs2", tu, "prod"));
    String id = heldFor(tu);
    vote(erin, id, "reject", "{\"reason\":\"wrong cluster\"}");
    JsonNode out = answer.get(10, TimeUnit.SECONDS);
    assertThat(out.get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(out.get("permissionDecisionReason").asText())
        .contains("rejected in Proctor by erin: wrong cluster")
        .contains("hook-deploy");
  }

  @Test
  void hook_waitElapsing_answersStillPending_andTheRetryAfterTheVoteIsAllowed() throws Exception {
    String tu = "toolu_" + UUID.randomUUID();
    String body = hookCall("hs3", tu, "staging");
    long start = System.nanoTime();
    JsonNode out = hookAsync(body).get(20, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    String id = heldFor(tu);
    assertThat(out.get("permissionDecision").asText()).isEqualTo("deny");
    assertThat(out.get("permissionDecisionReason").asText())
        .contains("approval still pending: action " + id);
    assertThat(took)
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4))
        .isLessThan(Duration.ofSeconds(6));
    assertThat(states(id)).containsExactly("requested", "approval_required");

    vote(fay, id, "approve", "{}");
    JsonNode retry = hookAsync(body).get(10, TimeUnit.SECONDS);
    assertThat(retry.get("permissionDecision").asText()).isEqualTo("allow");
    assertThat(t.http.get("/v1/approvals").header("Cookie", dana.cookie()).send().json().toString())
        .doesNotContain(tu);
  }

  @Test
  void hook_aRuleAnsweredAtTheHarness_stillAsksAtTheHarnessPrompt() throws Exception {
    String body =
        hookCall("hs4", "toolu_" + UUID.randomUUID(), "x")
            .replace("mcp__ops__deploy", "mcp__ops__status");
    JsonNode out = hookAsync(body).get(10, TimeUnit.SECONDS);
    assertThat(out.get("permissionDecision").asText()).isEqualTo("ask");
  }

  // --- one action's events ---

  /** Reads an action's event stream to its end: the receipts' states, then the end event. */
  private static List<String> events(String id, Runnable whileOpen) throws Exception {
    StringBuilder p = new StringBuilder("/v1/actions");
    for (String segment : id.split("/", -1)) {
      p.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8));
    }
    p.append("/events");
    List<String> out = new ArrayList<>();
    try (Socket s = new Socket("127.0.0.1", t.server.port())) {
      s.setSoTimeout(20_000);
      OutputStream o = s.getOutputStream();
      o.write(
          ("GET "
                  + p
                  + " HTTP/1.1\r\nHost: 127.0.0.1:"
                  + t.server.port()
                  + "\r\nCookie: "
                  + dana.cookie()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      o.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).contains("200");
      String line;
      String event = "";
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((line = in.readLine()) != null) {
        // Heartbeats keep the socket's read timeout from firing: bound the whole stream too.
        assertThat(System.nanoTime()).as("the stream did not end: " + out).isLessThan(end);
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonNode data = Http.JSON.readTree(line.substring(6));
          if (event.equals("receipt")) {
            out.add(data.get("event").asText());
            if (data.get("event").asText().equals("approval_required")) {
              whileOpen.run();
            }
          } else if (event.equals("end")) {
            out.add("end:" + data.get("state").asText());
            break;
          }
        }
      }
    }
    return out;
  }

  @Test
  void actionEvents_streamTheLifecycleUntilAFinalState() throws Exception {
    String id = hold("deploy", "make release");
    List<String> seen =
        events(
            id,
            () -> {
              vote(dana, id, "approve", "{}");
              vote(erin, id, "reject", "{\"reason\":\"changed my mind\"}");
            });
    assertThat(seen).containsExactly("requested", "approval_required", "rejected", "end:rejected");

    // An action that ended before the stream opened: its history, then the end at once.
    assertThat(events(id, () -> {}))
        .containsExactly("requested", "approval_required", "rejected", "end:rejected");
    Http.Answer missing =
        t.http.get("/v1/actions/no-such-action/events").header("Cookie", dana.cookie()).send();
    assertError(missing, 404, "not-found");
    Http.Answer other = t.http.get("/v1/actions/" + id + "/events").bearer(t.otherKey).send();
    assertError(other, 403, "forbidden");
  }
}

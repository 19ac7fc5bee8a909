package dev.proctor.server;

import dev.proctor.Proctor;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.KeyRing;
import dev.proctor.store.InMemoryIdentityStore;
import dev.proctor.store.LogStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A real server on a free port for a test: either the embedded default over a data directory
 * (SQLite log and identity store, exactly as {@code proctor serve} opens them), or over a given log
 * store (a faulty one). It has one agent key ({@link #key}) and one person of each kind.
 */
final class TestServer implements AutoCloseable {

  static final String PASSWORD = "correct horse battery staple";

  final ProctorServer server;
  final Services services;
  final Http http;
  final String key;
  final String otherKey;

  private TestServer(ProctorServer server, Services services) {
    this.server = server;
    this.services = services;
    this.http = new Http(server.port());
    Identities ids = services.identities();
    this.key =
        ids.addAgent("claude", List.of("eng"), Optional.of("alice"), Optional.of("acme")).secret();
    this.otherKey = ids.addAgent("codex", List.of(), Optional.empty(), Optional.empty()).secret();
    ids.addUser("audrey", Set.of(Role.AUDITOR), PASSWORD);
    ids.addUser("pat", Set.of(Role.POLICY_ADMIN), PASSWORD);
    ids.addUser("oscar", Set.of(Role.OPERATOR), PASSWORD);
  }

  static ServerConfig config() {
    return ServerConfig.defaults().withListen(new ServerConfig.Listen("127.0.0.1", 0));
  }

  /** The embedded default over a data directory. */
  static TestServer start(Path dataDir) throws Exception {
    return start(config().withDataDir(dataDir));
  }

  static TestServer start(ServerConfig config) throws Exception {
    Services s = Gateway.open(config, n -> {}, p -> {});
    return new TestServer(ProctorServer.start(config, s), s);
  }

  /** A server over a given log store, with a clock and deadlines of the test's choosing. */
  static TestServer over(LogStore store, ServerConfig config, Clock clock) throws Exception {
    CheckpointSigner signer = AuditFixtures.signer();
    Proctor proctor =
        Proctor.builder()
            .logStore(store)
            .signer(signer)
            .clock(clock)
            .decisionDeadline(config.decisions().deadline())
            .build();
    Services s =
        new Services(
            proctor,
            new Identities(new InMemoryIdentityStore(), clock),
            Optional.empty(),
            Optional.empty(),
            KeyRing.of(List.of(signer.publicKey())),
            clock);
    return new TestServer(ProctorServer.start(config, s), s);
  }

  static ServerConfig fastDeadlines(ServerConfig c) {
    return c.withApprovals(
            new ServerConfig.Approvals(
                Duration.ofMillis(400), c.approvals().maxWait(), c.approvals().sweep()))
        .withDecisions(new ServerConfig.Decisions(Duration.ofMillis(300), Duration.ofMillis(800)));
  }

  /** A session cookie header value and its CSRF token, after logging in. */
  record Login(String cookie, String csrf) {}

  Login login(String user) {
    Http.Answer a =
        http.post("/v1/auth/login")
            .json("{\"user\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}")
            .send();
    if (a.status() != 200) {
      throw new AssertionError("login failed: " + a.status() + " " + a.text());
    }
    String setCookie = a.header("set-cookie").orElseThrow();
    return new Login(
        setCookie.substring(0, setCookie.indexOf(';')), a.json().get("csrfToken").asText());
  }

  /** The receipts of class proctor.auth in the log, as JSON text. */
  List<String> authReceipts() {
    List<String> out = new java.util.ArrayList<>();
    var store = services.proctor().log().store();
    store.scan(
        0,
        store.size(),
        e -> {
          if (e.json().contains("\"class\":\"proctor.auth\"")) {
            out.add(e.json());
          }
        });
    return out;
  }

  @Override
  public void close() {
    server.close();
  }
}

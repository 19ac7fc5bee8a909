package dev.proctor.server.witness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.Cosignature;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.VerificationReport;
import dev.proctor.audit.WitnessPublisher;
import dev.proctor.audit.WitnessPublisher.Result;
import dev.proctor.audit.WitnessPublisher.Status;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WitnessServerTest {

  @TempDir Path tmp;

  private final TestLogs.ManualClock clock = new TestLogs.ManualClock(AuditFixtures.T0);
  private DataDirectory logDir;
  private WitnessDirectory witnessDir;
  private CheckpointSigner witnessKey;
  private WitnessServer server;
  private WitnessClient client;

  @BeforeEach
  void setUp() throws Exception {
    logDir = TestLogs.create(tmp.resolve("log"));
    witnessDir = new WitnessDirectory(tmp.resolve("witness"));
    witnessKey = Witness.loadOrCreateKey(witnessDir);
    startWitness();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private void startWitness() throws Exception {
    startWitness(logDir.publicKeys());
  }

  /** Starts the witness trusting the log keys in a file or directory. */
  private void startWitness(Path trusted) throws Exception {
    Witness w = Witness.open(witnessDir, witnessKey, KeyFiles.loadPublic(List.of(trusted)), clock);
    server = WitnessServer.start(w, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    client = new WitnessClient(server.uri(), Duration.ofSeconds(10));
  }

  private KeyRing witnessRing() {
    return KeyRing.of(List.of(witnessKey.publicKey()));
  }

  private WitnessPublisher publisher(ActionLog log) {
    return new WitnessPublisher(log, List.of(client), witnessRing());
  }

  private static Result only(List<Result> results) {
    assertThat(results).hasSize(1);
    return results.get(0);
  }

  private HttpResponse<String> post(String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(server.uri().resolve("v1/checkpoints"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) {
    return WireJson.parse(r.body());
  }

  private List<Path> forkEvidence() throws Exception {
    try (Stream<Path> s = Files.list(witnessDir.forks())) {
      return s.toList();
    }
  }

  @Test
  void push_growingLog_isCosignedAtEachStep_andStoredInTheLog() throws Exception {
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      WitnessPublisher p = publisher(log);
      TestLogs.fill(log, "a-", 3);
      Result first = only(p.push(log.checkpoint()));
      clock.advance(Duration.ofSeconds(5));
      TestLogs.fill(log, "b-", 5);
      Result second = only(p.push(log.checkpoint()));
      p.close();

      assertThat(first.status()).as(first.message()).isEqualTo(Status.COSIGNED);
      assertThat(second.status()).as(second.message()).isEqualTo(Status.COSIGNED);
      Cosignature k = second.cosignature().orElseThrow();
      k.verify(witnessRing());
      assertThat(k.size()).isEqualTo(32);
      assertThat(k.witnessKeyId()).isEqualTo(witnessKey.keyId());
      assertThat(log.store().cosignatures(0, Long.MAX_VALUE))
          .extracting(StoredCosignature::size)
          .containsExactly(12L, 32L);
      assertThat(p.refusals()).isZero();
      assertThat(client.witnessed(log.logId())).map(Checkpoint::size).contains(32L);
    }
  }

  @Test
  void verify_exportWithCosignatures_checksThemAgainstTheWitnessKey() throws Exception {
    ByteArrayOutputStream export = new ByteArrayOutputStream();
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      WitnessPublisher p = publisher(log);
      TestLogs.fill(log, "a-", 4);
      p.push(log.checkpoint());
      TestLogs.fill(log, "b-", 2);
      p.push(log.checkpoint());
      p.close();
      LogExport.jsonLines(log.store(), 0, Long.MAX_VALUE, export);
    }
    KeyRing logKeys = KeyFiles.loadPublic(List.of(logDir.publicKeys()));
    VerificationReport ok =
        new LogVerifier(logKeys, witnessRing(), List.of())
            .verify(new ByteArrayInputStream(export.toByteArray()));
    assertThat(ok.intact()).as(ok.summary()).isTrue();
    assertThat(ok.cosignatures()).isEqualTo(2);

    // A witness key is not a log key: trusting it for co-signatures only, checkpoints still need
    // the log's key.
    VerificationReport wrong =
        new LogVerifier(witnessRing(), witnessRing(), List.of())
            .verify(new ByteArrayInputStream(export.toByteArray()));
    assertThat(wrong.intact()).isFalse();
  }

  @Test
  void attach_checkpointsSignedByTheLog_arePushedInTheBackground() throws Exception {
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      WitnessPublisher p = WitnessPublisher.attach(log, List.of(client), witnessRing());
      TestLogs.fill(log, "a-", 2);
      log.checkpoint();
      p.close(); // waits for the push in progress
      // The first append signs a checkpoint too (none existed); the latest one is co-signed.
      assertThat(p.cosigned()).isPositive();
      assertThat(p.refusals()).isZero();
      assertThat(log.store().cosignatures(8, 8)).hasSize(1);
    }
  }

  @Test
  void fork_twoDivergingLogsShownToOneWitness_secondIsRefusedWith409AndEvidence() throws Exception {
    try (ActionLog prefix = TestLogs.open(logDir, clock)) {
      TestLogs.fill(prefix, "common-", 3);
    }
    DataDirectory otherDir = TestLogs.copy(logDir, tmp.resolve("other"));
    Checkpoint honest;
    try (ActionLog a = TestLogs.open(logDir, clock)) {
      WitnessPublisher p = publisher(a);
      TestLogs.fill(a, "honest-", 2);
      honest = a.checkpoint();
      assertThat(only(p.push(honest)).status()).isEqualTo(Status.COSIGNED);
      p.close();
    }
    clock.advance(Duration.ofSeconds(1));
    try (ActionLog b = TestLogs.open(otherDir, clock)) {
      assertThat(b.logId()).isEqualTo(honest.logId());
      WitnessPublisher p = publisher(b);
      TestLogs.fill(b, "forged-", 5);
      Checkpoint forged = b.checkpoint();
      Result r = only(p.push(forged));
      p.close();

      assertThat(r.status()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("fork:");
      assertThat(p.refusals()).isEqualTo(1);
      assertThat(b.store().cosignatures(0, Long.MAX_VALUE)).isEmpty();

      // The same request over raw HTTP: 409 naming both checkpoints.
      String body =
          "{\"checkpoint\":"
              + forged.toJson()
              + ",\"fromSize\":"
              + honest.size()
              + ",\"proof\":"
              + WireJson.hexArray(b.consistencyProof(honest.size(), forged.size()))
              + "}";
      HttpResponse<String> raw = post(body);
      assertThat(raw.statusCode()).isEqualTo(409);
      JsonNode n = json(raw);
      assertThat(n.path("error").asText()).isEqualTo("fork");
      assertThat(n.path("witnessed").path("root").asText()).isEqualTo(honest.root());
      assertThat(n.path("submitted").path("root").asText()).isEqualTo(forged.root());
    }
    List<Path> evidence = forkEvidence();
    assertThat(evidence).hasSize(2);
    JsonNode e = WireJson.parse(Files.readString(evidence.get(0)));
    assertThat(e.path("kind").asText()).isEqualTo("fork");
    assertThat(Checkpoint.fromJson(e.get("witnessed"))).isEqualTo(honest);
    Checkpoint submitted = Checkpoint.fromJson(e.get("submitted"));
    KeyFiles.loadPublic(List.of(logDir.publicKeys())).verify(submitted);
    assertThat(submitted.root()).isNotEqualTo(honest.root());
    // The witness still holds the honest view.
    assertThat(client.witnessed(honest.logId())).contains(honest);
  }

  @Test
  void fork_sameSizeDifferentRoot_isRefused() throws Exception {
    try (ActionLog prefix = TestLogs.open(logDir, clock)) {
      TestLogs.fill(prefix, "common-", 1);
    }
    DataDirectory otherDir = TestLogs.copy(logDir, tmp.resolve("other"));
    try (ActionLog a = TestLogs.open(logDir, clock)) {
      TestLogs.fill(a, "x-", 2);
      assertThat(only(publisher(a).push(a.checkpoint())).status()).isEqualTo(Status.COSIGNED);
    }
    try (ActionLog b = TestLogs.open(otherDir, clock)) {
      TestLogs.fill(b, "y-", 2);
      Checkpoint forged = b.checkpoint();
      assertThat(forged.size()).isEqualTo(12);
      Result r = only(publisher(b).push(forged));
      assertThat(r.status()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).contains("two different roots for size 12");
    }
    assertThat(forkEvidence()).hasSize(1);
  }

  @Test
  void rollback_smallerSizeSignedLater_isRefusedWithEvidence_olderCheckpointIsStale()
      throws Exception {
    Checkpoint small;
    Checkpoint big;
    String rolledBackRoot;
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 2);
      small = log.checkpoint();
      clock.advance(Duration.ofSeconds(1));
      TestLogs.fill(log, "b-", 3);
      big = log.checkpoint();
      assertThat(only(publisher(log).push(big)).status()).isEqualTo(Status.COSIGNED);
      rolledBackRoot = HexFormat.of().formatHex(log.root(small.size()));

      // An old checkpoint arriving late is refused as stale; the publisher checks the log
      // reproduces what the witness holds instead of pushing it.
      Result late = only(publisher(log).push(small));
      assertThat(late.status()).isEqualTo(Status.AHEAD_CONSISTENT);
      String body = "{\"checkpoint\":" + small.toJson() + ",\"fromSize\":0}";
      HttpResponse<String> stale = post(body);
      assertThat(stale.statusCode()).isEqualTo(409);
      assertThat(json(stale).path("error").asText()).isEqualTo("stale");
    }
    assertThat(forkEvidence()).isEmpty();

    // The operator truncates the log and signs its smaller state anew.
    clock.advance(Duration.ofMinutes(1));
    CheckpointSigner logKey = KeyFiles.loadSigner(logDir.signingKey());
    Checkpoint rolledBack =
        logKey.sign(small.logId(), small.size(), rolledBackRoot, clock.instant());
    HttpResponse<String> r = post("{\"checkpoint\":" + rolledBack.toJson() + "}");
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(json(r).path("error").asText()).isEqualTo("rollback");
    assertThat(json(r).path("witnessed").path("size").asLong()).isEqualTo(big.size());
    assertThat(forkEvidence()).singleElement().asString().endsWith("-rollback.json");
  }

  @Test
  void submit_checkpointSignedByUnknownKey_isRefusedWith403() throws Exception {
    DataDirectory strangerDir = TestLogs.create(tmp.resolve("stranger"));
    try (ActionLog stranger = TestLogs.open(strangerDir, clock)) {
      TestLogs.fill(stranger, "s-", 1);
      Checkpoint c = stranger.checkpoint();
      Result r = only(publisher(stranger).push(c));
      assertThat(r.status()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("untrusted_key:");
      HttpResponse<String> raw = post("{\"checkpoint\":" + c.toJson() + "}");
      assertThat(raw.statusCode()).isEqualTo(403);
      assertThat(client.witnessed(c.logId())).isEmpty();
    }
  }

  @Test
  void submit_badSignature_isRefusedWith403() throws Exception {
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 1);
      Checkpoint c = log.checkpoint();
      Checkpoint tampered =
          new Checkpoint(c.logId(), c.size(), "0".repeat(64), c.time(), c.keyId(), c.signature());
      HttpResponse<String> raw = post("{\"checkpoint\":" + tampered.toJson() + "}");
      assertThat(raw.statusCode()).isEqualTo(403);
      assertThat(json(raw).path("error").asText()).isEqualTo("bad_signature");
    }
  }

  @Test
  void submit_malformedBodies_areRefusedWith400NamingWhere() throws Exception {
    HttpResponse<String> notJson = post("{\"checkpoint\": ");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(json(notJson).path("message").asText()).contains("not valid JSON");

    HttpResponse<String> unknown = post("{\"checkpoint\":{},\"extra\":1}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(json(unknown).path("message").asText()).contains("/extra is not a known field");

    HttpResponse<String> badSize =
        post(
            "{\"checkpoint\":{\"schema\":\"proctor.checkpoint/1\",\"logId\":\"l\",\"size\":\"x\"}}");
    assertThat(badSize.statusCode()).isEqualTo(400);
    assertThat(json(badSize).path("message").asText()).contains("/checkpoint").contains("/size");

    HttpResponse<String> badProof = post("{\"checkpoint\":{},\"proof\":[\"zz\"]}");
    assertThat(badProof.statusCode()).isEqualTo(400);

    HttpResponse<String> array = post("[]");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(json(array).path("message").asText()).contains("must be an object");

    HttpResponse<String> utf16 =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri().resolve("v1/checkpoints"))
                    .POST(
                        HttpRequest.BodyPublishers.ofByteArray(
                            "{\"checkpoint\":{}}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_16LE)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(utf16.statusCode()).isEqualTo(400);
    assertThat(json(utf16).path("message").asText()).startsWith("byte 1: control byte 0x00");
  }

  @Test
  void submit_oversizeBody_isRefusedWith413() throws Exception {
    String big = "{\"checkpoint\":\"" + "x".repeat(WitnessServer.MAX_BODY) + "\"}";
    HttpResponse<String> r = post(big);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).path("error").asText()).isEqualTo("too_large");
  }

  @Test
  void routes_wrongMethodOrPath_get405Or404() throws Exception {
    HttpResponse<String> get =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri().resolve("v1/checkpoints")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> missing =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.uri().resolve("v2/nothing")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void restart_witnessRemembersWhatItSaw_andStillRefusesAFork() throws Exception {
    try (ActionLog prefix = TestLogs.open(logDir, clock)) {
      TestLogs.fill(prefix, "common-", 2);
    }
    DataDirectory otherDir = TestLogs.copy(logDir, tmp.resolve("other"));
    Checkpoint honest;
    try (ActionLog a = TestLogs.open(logDir, clock)) {
      TestLogs.fill(a, "honest-", 2);
      honest = a.checkpoint();
      assertThat(only(publisher(a).push(honest)).status()).isEqualTo(Status.COSIGNED);
    }
    server.close();
    startWitness();
    assertThat(client.witnessed(honest.logId())).contains(honest);
    assertThat(client.publicKey()).isEqualTo(witnessKey.publicKey());
    try (ActionLog b = TestLogs.open(otherDir, clock)) {
      TestLogs.fill(b, "forged-", 3);
      assertThat(only(publisher(b).push(b.checkpoint())).status()).isEqualTo(Status.REFUSED);
    }
    try (ActionLog a = TestLogs.open(logDir, clock)) {
      TestLogs.fill(a, "more-", 1);
      assertThat(only(publisher(a).push(a.checkpoint())).status()).isEqualTo(Status.COSIGNED);
    }
  }

  @Test
  void witnessKey_createdOnce_withMode0600() throws Exception {
    assertThat(Witness.loadOrCreateKey(witnessDir).keyId()).isEqualTo(witnessKey.keyId());
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(witnessDir.signingKey())))
        .isEqualTo("rw-------");
    assertThat(witnessDir.publicKeys().resolve(witnessKey.keyId() + ".pem")).exists();
  }

  @Test
  void push_unreachableWitness_failsWithoutBlockingTheLog() throws Exception {
    server.close();
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 1);
      WitnessPublisher p =
          new WitnessPublisher(
              log,
              List.of(
                  new WitnessClient(URI.create(server.uri().toString()), Duration.ofSeconds(2))),
              witnessRing());
      Result r = only(p.push(log.checkpoint()));
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(p.failures()).isEqualTo(1);
      assertThat(p.lastProblem()).isPresent();
      TestLogs.fill(log, "b-", 1);
      assertThat(log.size()).isEqualTo(8);
      p.close();
    }
    startWitness();
  }

  /** Deletes a data directory's database and mirror, keeping its keys: a wiped history. */
  private static void wipe(DataDirectory dir) throws Exception {
    for (String name : new String[] {"proctor.db", "proctor.db-wal", "proctor.db-shm"}) {
      Files.deleteIfExists(dir.root().resolve(name));
    }
    Files.deleteIfExists(dir.mirror());
  }

  @Test
  void newLog_refusedOnce_staysRefusedAfterAKeyRotationAndARestart_untilEnrolled()
      throws Exception {
    Checkpoint honest;
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 3);
      honest = log.checkpoint();
      assertThat(only(publisher(log).push(honest)).status()).isEqualTo(Status.COSIGNED);
    }
    wipe(logDir);
    clock.advance(Duration.ofMinutes(1));
    String wipedId;
    try (ActionLog wiped = TestLogs.open(logDir, clock)) {
      wipedId = wiped.logId();
      Result r = only(publisher(wiped).push(wiped.checkpoint()));
      assertThat(r.message()).startsWith("new_log:");
    }
    // The attacker rotates the key (no handover) and writes a receipt; the operator trusts the new
    // key, as after a legitimate rotation, and restarts the witness.
    KeyFiles.rotate(logDir.signingKey(), logDir.publicKeys());
    server.close();
    startWitness();
    clock.advance(Duration.ofMinutes(1));
    try (ActionLog wiped = TestLogs.open(logDir, clock)) {
      TestLogs.fill(wiped, "forged-", 1);
      Checkpoint forged = wiped.checkpoint();
      assertThat(forged.keyId()).isNotEqualTo(honest.keyId());

      Result r = only(publisher(wiped).push(forged));

      assertThat(r.status()).as(r.message()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("new_log:").contains("proctor witness enrol " + wipedId);
      assertThat(client.witnessed(wipedId)).isEmpty();
      assertThat(forkEvidence()).hasSize(2);

      // Only an operator's enrolment lets the id in.
      Witness.enrol(witnessDir, wipedId, clock.instant());
      Result enrolled = only(publisher(wiped).push(forged));
      assertThat(enrolled.status()).as(enrolled.message()).isEqualTo(Status.COSIGNED);
    }
  }

  @Test
  void newLogId_fromAKeyTheWitnessKnows_isRefusedWith409AndEvidenceUntilEnrolled()
      throws Exception {
    Checkpoint honest;
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 3);
      honest = log.checkpoint();
      assertThat(only(publisher(log).push(honest)).status()).isEqualTo(Status.COSIGNED);
    }
    // The operator wipes the history: a new database (a new log id), the same signing key.
    for (String name : new String[] {"proctor.db", "proctor.db-wal", "proctor.db-shm"}) {
      Files.deleteIfExists(logDir.root().resolve(name));
    }
    Files.deleteIfExists(logDir.mirror());
    clock.advance(Duration.ofMinutes(1));
    try (ActionLog wiped = TestLogs.open(logDir, clock)) {
      Checkpoint empty = wiped.checkpoint();
      assertThat(empty.logId()).isNotEqualTo(honest.logId());
      assertThat(empty.size()).isZero();

      Result r = only(publisher(wiped).push(empty));
      assertThat(r.status()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("new_log:").contains(honest.logId());

      HttpResponse<String> raw = post("{\"checkpoint\":" + empty.toJson() + "}");
      assertThat(raw.statusCode()).isEqualTo(409);
      JsonNode n = json(raw);
      assertThat(n.path("error").asText()).isEqualTo("new_log");
      assertThat(n.path("witnessed").path("logId").asText()).isEqualTo(honest.logId());
      assertThat(n.path("submitted").path("logId").asText()).isEqualTo(empty.logId());
      assertThat(n.path("evidence").asText()).contains("-new_log");
      assertThat(client.witnessed(empty.logId())).isEmpty();
      JsonNode e = WireJson.parse(Files.readString(forkEvidence().get(0)));
      assertThat(e.path("kind").asText()).isEqualTo("new_log");
      assertThat(Checkpoint.fromJson(e.get("witnessed"))).isEqualTo(honest);

      // The operator vouches for the new log out of band: enrolled, it is witnessed from now on.
      Witness.enrol(witnessDir, empty.logId(), clock.instant());
      TestLogs.fill(wiped, "b-", 1);
      Result enrolled = only(publisher(wiped).push(wiped.checkpoint()));
      assertThat(enrolled.status()).as(enrolled.message()).isEqualTo(Status.COSIGNED);
      assertThat(client.witnessed(honest.logId())).contains(honest);
    }
  }

  /** Copies the log's current public key alone: what an operator trusts before any rotation. */
  private Path firstKeyOnly() throws Exception {
    String id = KeyFiles.loadSigner(logDir.signingKey()).keyId();
    Path dir = Files.createDirectories(tmp.resolve("trusted-first-key"));
    return Files.copy(logDir.publicKeys().resolve(id + ".pem"), dir.resolve(id + ".pem"));
  }

  @Test
  void rotation_ofAHeldLog_isFollowedThroughItsHandover_withoutTrustingTheNewKey()
      throws Exception {
    Path firstKey = firstKeyOnly();
    server.close();
    startWitness(firstKey);
    Checkpoint before;
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 2);
      before = log.checkpoint();
      assertThat(only(publisher(log).push(before)).status()).isEqualTo(Status.COSIGNED);
    }
    String next = SqliteActionLog.rotateKey(logDir);
    clock.advance(Duration.ofSeconds(1));
    Checkpoint after;
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      assertThat(log.handovers())
          .singleElement()
          .satisfies(h -> assertThat(h.keyId()).isEqualTo(before.keyId()))
          .satisfies(h -> assertThat(h.nextKeyId()).contains(next));
      TestLogs.fill(log, "b-", 1);
      after = log.checkpoint();
      assertThat(after.keyId()).isEqualTo(next);

      Result r = only(publisher(log).push(after));

      assertThat(r.status()).as(r.message()).isEqualTo(Status.COSIGNED);
      assertThat(client.witnessed(log.logId())).contains(after);

      // A handover whose next key was swapped does not verify: 403, nothing changes.
      Checkpoint handover = log.handovers().get(0);
      String forged =
          handover
              .toJson()
              .replace(
                  handover.nextKey().orElseThrow(),
                  Checkpoint.nextKeyText(AuditFixtures.signer().publicKey()));
      HttpResponse<String> raw =
          post(
              "{\"checkpoint\":"
                  + after.toJson()
                  + ",\"fromSize\":"
                  + after.size()
                  + ",\"handovers\":["
                  + forged
                  + "]}");
      assertThat(raw.statusCode()).isEqualTo(403);
      assertThat(json(raw).path("error").asText()).isEqualTo("bad_signature");
    }

    // The witness remembers the new key as this log's across a restart.
    server.close();
    startWitness(firstKey);
    clock.advance(Duration.ofSeconds(1));
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "c-", 1);
      Result r = only(publisher(log).push(log.checkpoint()));
      assertThat(r.status()).as(r.message()).isEqualTo(Status.COSIGNED);
    }
    assertThat(Files.readString(witnessDir.logKeys().resolve(before.logId() + ".json")))
        .contains(before.keyId())
        .contains(next);

    // Wiped, the log comes back as a new id under the new key: a key of the held log, so refused
    // even by a witness that trusts the new key directly.
    wipe(logDir);
    server.close();
    startWitness(logDir.publicKeys());
    try (ActionLog wiped = TestLogs.open(logDir, clock)) {
      TestLogs.fill(wiped, "forged-", 1);
      Result r = only(publisher(wiped).push(wiped.checkpoint()));
      assertThat(r.status()).as(r.message()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("new_log:").contains("key " + next);
    }
  }

  @Test
  void rotation_withoutAHandover_isRefusedUntilTheNewKeyIsTrusted_thenBelongsToTheLog()
      throws Exception {
    Path firstKey = firstKeyOnly();
    server.close();
    startWitness(firstKey);
    String logId;
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      logId = log.logId();
      TestLogs.fill(log, "a-", 2);
      assertThat(only(publisher(log).push(log.checkpoint())).status()).isEqualTo(Status.COSIGNED);
    }
    String next = KeyFiles.rotate(logDir.signingKey(), logDir.publicKeys());
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "b-", 1);
      Checkpoint c = log.checkpoint();
      Result r = only(publisher(log).push(c));
      assertThat(r.status()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("untrusted_key:").contains("no handover");

      // Trusted by the operator, the new key may sign the held log: its history is still checked.
      server.close();
      startWitness(logDir.publicKeys());
      assertThat(only(publisher(log).push(c)).status()).isEqualTo(Status.COSIGNED);
    }
    assertThat(Files.readString(witnessDir.logKeys().resolve(logId + ".json"))).contains(next);
  }

  @Test
  void wipedLog_rotatedBeforeItsFirstPush_isRefusedAsNewLog_itsHandoverLeadsToAHeldLogsKey()
      throws Exception {
    try (ActionLog log = TestLogs.open(logDir, clock)) {
      TestLogs.fill(log, "a-", 2);
      assertThat(only(publisher(log).push(log.checkpoint())).status()).isEqualTo(Status.COSIGNED);
    }
    wipe(logDir);
    try (ActionLog wiped = TestLogs.open(logDir, clock)) {
      TestLogs.fill(wiped, "forged-", 1);
    }
    String next = SqliteActionLog.rotateKey(logDir);
    // The operator trusts every key of the directory, the new one too, and restarts the witness.
    server.close();
    startWitness(logDir.publicKeys());
    try (ActionLog wiped = TestLogs.open(logDir, clock)) {
      TestLogs.fill(wiped, "forged-more-", 1);
      Checkpoint c = wiped.checkpoint();
      assertThat(c.keyId()).isEqualTo(next);
      Result r = only(publisher(wiped).push(c));
      assertThat(r.status()).as(r.message()).isEqualTo(Status.REFUSED);
      assertThat(r.message()).startsWith("new_log:");
      assertThat(client.witnessed(wiped.logId())).isEmpty();
    }
  }
}

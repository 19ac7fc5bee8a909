package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WitnessCommandTest {

  @TempDir Path tmp;

  private record Run(int code, String output) {}

  private static Run run(String... args) {
    StringWriter s = new StringWriter();
    PrintWriter w = new PrintWriter(s, true);
    int code = new CommandLine(new Main()).setOut(w).setErr(w).execute(args);
    return new Run(code, s.toString());
  }

  private static void fill(Path data, String prefix, int actions) throws Exception {
    try (ActionLog log = SqliteActionLog.open(new DataDirectory(data))) {
      for (int i = 0; i < actions; i++) {
        log.recordAll(AuditFixtures.allowedAndSucceeded(prefix + i));
      }
    }
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  @Test
  void init_createsWitnessKeyWithMode0600_andRefusesASecondTime() throws Exception {
    Path w = tmp.resolve("w");
    Run first = run("witness", "init", "--data-dir", w.toString());
    assertThat(first.code()).as(first.output()).isZero();
    Path key = w.resolve("witness/keys/witness.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(run("witness", "init", "--data-dir", w.toString()).code()).isEqualTo(1);
  }

  @Test
  void serve_pushVerify_endToEnd_andAForkedCopyIsRefused() throws Exception {
    Path data = tmp.resolve("data");
    Path witnessData = tmp.resolve("witness-data");
    assertThat(run("keys", "init", "--data-dir", data.toString()).code()).isZero();
    assertThat(run("witness", "init", "--data-dir", witnessData.toString()).code()).isZero();
    fill(data, "common-", 2);
    Path forked = tmp.resolve("forked");
    copyTree(data, forked);

    Path portFile = tmp.resolve("port");
    Thread[] serving = new Thread[1];
    CompletableFuture<Run> served = new CompletableFuture<>();
    serving[0] =
        new Thread(
            () ->
                served.complete(
                    run(
                        "witness",
                        "serve",
                        "--data-dir",
                        witnessData.toString(),
                        "--port",
                        "0",
                        "--port-file",
                        portFile.toString(),
                        "--trust-log-key",
                        data.resolve("keys/public").toString())));
    serving[0].start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(portFile) && !served.isDone() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(served).as("serve stopped early").isNotDone();
    String url = "http://127.0.0.1:" + Files.readString(portFile).trim() + "/";
    Path witnessKeys = witnessData.resolve("witness/keys/public");
    try {
      fill(data, "more-", 3);
      Run push =
          run(
              "witness",
              "push",
              "--data-dir",
              data.toString(),
              "--witness",
              url,
              "--witness-key",
              witnessKeys.toString());
      assertThat(push.code()).as(push.output()).isZero();
      assertThat(push.output()).contains("co-signed size 20");

      Run verify =
          run(
              "audit",
              "verify",
              "--data-dir",
              data.toString(),
              "--witness-key",
              witnessKeys.toString());
      assertThat(verify.code()).as(verify.output()).isZero();
      assertThat(verify.output()).contains("1 witness co-signatures");

      // A rotation needs nothing on the witness, which trusts only the first key: the old key's
      // handover in the log names the new one.
      Run rotate = run("keys", "rotate", "--data-dir", data.toString());
      assertThat(rotate.code()).as(rotate.output()).isZero();
      assertThat(rotate.output()).contains("handover");
      fill(data, "rotated-", 1);
      Run rotated =
          run(
              "witness",
              "push",
              "--data-dir",
              data.toString(),
              "--witness",
              url,
              "--witness-key",
              witnessKeys.toString());
      assertThat(rotated.code()).as(rotated.output()).isZero();
      assertThat(rotated.output()).contains("co-signed size 24");

      // Offline: the log only grew since the checkpoint the witness holds.
      Path held;
      try (Stream<Path> logs = Files.list(witnessData.resolve("witness/logs"))) {
        held = logs.findFirst().orElseThrow();
      }
      fill(data, "later-", 2);
      Path proof = tmp.resolve("consistency.json");
      Run prove =
          run(
              "audit",
              "consistency",
              "--data-dir",
              data.toString(),
              "--from",
              held.toString(),
              "-o",
              proof.toString());
      assertThat(prove.code()).as(prove.output()).isZero();
      Run offline =
          run("audit", "verify", proof.toString(), "--key", data.resolve("keys/public").toString());
      assertThat(offline.code()).as(offline.output()).isZero();
      assertThat(offline.output()).contains("from size 24 to");

      fill(forked, "forged-", 4);
      Path forkedProof = tmp.resolve("forked-consistency.json");
      run(
          "audit",
          "consistency",
          "--data-dir",
          forked.toString(),
          "--from",
          held.toString(),
          "-o",
          forkedProof.toString());
      Run broken =
          run(
              "audit",
              "verify",
              forkedProof.toString(),
              "--key",
              data.resolve("keys/public").toString());
      assertThat(broken.code()).as(broken.output()).isEqualTo(1);

      Run refused = run("witness", "push", "--data-dir", forked.toString(), "--witness", url);
      assertThat(refused.code()).as(refused.output()).isEqualTo(1);
      assertThat(refused.output()).contains("REFUSED: fork");
      try (Stream<Path> evidence = Files.list(witnessData.resolve("witness/forks"))) {
        assertThat(evidence).hasSize(1);
      }
    } finally {
      serving[0].interrupt();
    }
    assertThat(served.get(30, TimeUnit.SECONDS).code()).isZero();
  }

  @Test
  void push_unreachableWitness_exits2() throws Exception {
    Path data = tmp.resolve("data");
    run("keys", "init", "--data-dir", data.toString());
    fill(data, "a-", 1);
    Run r =
        run(
            "witness",
            "push",
            "--data-dir",
            data.toString(),
            "--witness",
            "http://127.0.0.1:9/",
            "--witness-key",
            data.resolve("keys/public").toString(),
            "--timeout",
            "2");
    assertThat(r.code()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).contains("cannot reach the witness");
  }

  @Test
  void enrol_writesTheEnrolmentTheWitnessReads_andRefusesABadLogId() throws Exception {
    Path w = tmp.resolve("w");
    Run ok = run("witness", "enrol", "--data-dir", w.toString(), "8d2c6e1a-log");
    assertThat(ok.code()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("enrolled log 8d2c6e1a-log");
    Path file = w.resolve("witness/enrolled/8d2c6e1a-log.json");
    assertThat(Files.readString(file)).contains("\"logId\":\"8d2c6e1a-log\"");

    Run bad = run("witness", "enrol", "--data-dir", w.toString(), "../escape");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.output()).contains("a log id is");
  }
}

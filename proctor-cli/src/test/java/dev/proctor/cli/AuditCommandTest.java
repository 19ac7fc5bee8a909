package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.LogOptions;
import dev.proctor.audit.Receipt;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditCommandTest {

  @TempDir Path tmp;
  private Path data;
  private final StringWriter out = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    PrintWriter w = new PrintWriter(out, true);
    return new CommandLine(new Main()).setOut(w).setErr(w).execute(args);
  }

  @BeforeEach
  void setUp() {
    data = tmp.resolve("data");
  }

  private List<Receipt> fill(int actions) throws Exception {
    List<Receipt> all = new ArrayList<>();
    try (ActionLog log = SqliteActionLog.open(new DataDirectory(data))) {
      for (int i = 0; i < actions; i++) {
        all.addAll(log.recordAll(AuditFixtures.allowedAndSucceeded("cli-" + i)));
      }
    }
    return all;
  }

  @Test
  void keysInit_createsPrivateKeyWithMode0600_andRefusesASecondTime() throws Exception {
    assertThat(run("keys", "init", "--data-dir", data.toString())).isZero();
    Path key = new DataDirectory(data).signingKey();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(run("keys", "init", "--data-dir", data.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("exists already");
  }

  @Test
  void open_worldReadablePrivateKey_isRefused() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    Path key = new DataDirectory(data).signingKey();
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SqliteActionLog.open(new DataDirectory(data)))
        .hasMessageContaining("readable by others");
  }

  @Test
  void verifyExportProve_endToEnd() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    List<Receipt> receipts = fill(10);
    assertThat(run("audit", "verify", "--data-dir", data.toString())).as(out.toString()).isZero();
    assertThat(out.toString()).contains("INTACT: 40 receipts");

    Path export = tmp.resolve("log.jsonl");
    assertThat(run("audit", "export", "--data-dir", data.toString(), "-o", export.toString()))
        .isZero();
    assertThat(run("audit", "verify", "--data-dir", data.toString(), export.toString())).isZero();

    Path mirror = new DataDirectory(data).mirror();
    assertThat(run("audit", "verify", "--data-dir", data.toString(), mirror.toString()))
        .as(out.toString())
        .isZero();

    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    int i = 0;
    while (!lines.get(i).contains("\"seq\":21,")) {
      i++;
    }
    lines.set(i, lines.get(i).replace("\"tool\":\"Bash\"", "\"tool\":\"Read\""));
    Path tampered = tmp.resolve("tampered.jsonl");
    Files.write(tampered, lines);
    assertThat(run("audit", "verify", "--data-dir", data.toString(), tampered.toString()))
        .isEqualTo(1);
    assertThat(out.toString()).contains("BROKEN").contains("receipt 21");

    Path proof = tmp.resolve("proof.json");
    assertThat(
            run(
                "audit",
                "prove",
                "--data-dir",
                data.toString(),
                receipts.get(13).id(),
                "-o",
                proof.toString()))
        .isZero();
    Path pub = new DataDirectory(data).publicKeys();
    assertThat(
            run(
                "audit",
                "verify",
                "--data-dir",
                tmp.resolve("empty").toString(),
                "--key",
                pub.toString(),
                proof.toString()))
        .as(out.toString())
        .isZero();

    Path ocsf = tmp.resolve("log.ocsf.jsonl");
    assertThat(
            run(
                "audit",
                "export",
                "--data-dir",
                data.toString(),
                "--format",
                "ocsf",
                "--from-seq",
                "4",
                "--to-seq",
                "8",
                "-o",
                ocsf.toString()))
        .isZero();
    assertThat(Files.readAllLines(ocsf))
        .hasSize(4)
        .allSatisfy(l -> assertThat(l).contains("\"class_uid\":6003"));
  }

  @Test
  void verify_againstForeignTrustedCheckpoint_reportsFork() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(3);
    Path other = tmp.resolve("other");
    Files.createDirectories(other);
    Files.createDirectories(new DataDirectory(other).keys());
    Files.copy(new DataDirectory(data).signingKey(), new DataDirectory(other).signingKey());
    try (ActionLog log = SqliteActionLog.open(new DataDirectory(other))) {
      for (int i = 0; i < 3; i++) {
        log.recordAll(AuditFixtures.allowedAndSucceeded("other-" + i));
      }
      Path checkpoint = tmp.resolve("foreign-checkpoint.json");
      Files.writeString(checkpoint, log.checkpoint().toJson());
      assertThat(
              run(
                  "audit",
                  "verify",
                  "--data-dir",
                  data.toString(),
                  "--checkpoint",
                  checkpoint.toString()))
          .isEqualTo(1);
      assertThat(out.toString()).contains("belongs to log");
    }
  }

  @Test
  void verify_exportWithoutCheckpoints_failsWithAKey_unlessMoreUnsignedAreAllowed()
      throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(10);
    Path export = tmp.resolve("log.jsonl");
    assertThat(run("audit", "export", "--data-dir", data.toString(), "-o", export.toString()))
        .isZero();
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(export)) {
      if (!line.contains("proctor.checkpoint/1")) {
        lines.add(line);
      }
    }
    Path stripped = Files.write(tmp.resolve("stripped.jsonl"), lines);
    String pub = new DataDirectory(data).publicKeys().toString();

    assertThat(run("audit", "verify", stripped.toString(), "--key", pub)).isEqualTo(1);
    assertThat(out.toString())
        .contains("BROKEN")
        .contains("receipt 0 (line 2)")
        .contains("no signed checkpoint covers any of the 40 receipts")
        .contains("--max-unsigned");

    assertThat(run("audit", "verify", stripped.toString(), "--key", pub, "--max-unsigned", "40"))
        .as(out.toString())
        .isZero();
    assertThat(out.toString()).contains("warning: no signed checkpoint covers any receipt");
    assertThat(run("audit", "verify", stripped.toString(), "--key", pub, "--max-unsigned", "-1"))
        .isEqualTo(2);
  }

  @Test
  void verify_logLeftUnsignedByItsWriter_failsUntilAuditCheckpointSignsIt() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    DataDirectory dir = new DataDirectory(data);
    // A writer that stopped before signing (as a crashed one does) leaves chained receipts only.
    try (ActionLog log =
        ActionLog.open(
            SqliteLogStore.open(dir.database()),
            Optional.empty(),
            Optional.empty(),
            Clock.systemUTC(),
            LogOptions.DEFAULT)) {
      for (int i = 0; i < 10; i++) {
        log.recordAll(AuditFixtures.allowedAndSucceeded("unsigned-" + i));
      }
    }
    assertThat(run("audit", "verify", "--data-dir", data.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("proctor audit checkpoint");

    assertThat(run("audit", "checkpoint", "--data-dir", data.toString()))
        .as(out.toString())
        .isZero();
    assertThat(Checkpoint.fromJson(out.toString().trim()).size()).isEqualTo(40);

    assertThat(run("audit", "verify", "--data-dir", data.toString())).as(out.toString()).isZero();
    assertThat(out.toString()).contains("INTACT: 40 receipts");
  }
}

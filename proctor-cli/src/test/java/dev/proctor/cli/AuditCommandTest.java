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
import java.util.stream.Stream;
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

  /** Drops the lines at the end that match {@code what}, then rewrites the last receipt. */
  private static List<String> dropTrailingAndRewriteLastReceipt(List<String> in, String what) {
    List<String> lines = new ArrayList<>(in);
    int dropped = 0;
    while (lines.get(lines.size() - 1).contains(what)) {
      lines.remove(lines.size() - 1);
      dropped++;
    }
    assertThat(dropped).as("lines with " + what + " at the end").isPositive();
    int last = lines.size() - 1;
    assertThat(lines.get(last)).contains("proctor.receipt/1").contains("git push origin main");
    lines.set(last, lines.get(last).replace("git push origin main", "git push -f origin main"));
    return lines;
  }

  @Test
  void verify_exportWithItsLastCheckpointDroppedAndItsLastReceiptRewritten_isBroken()
      throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(4);
    Path export = tmp.resolve("log.jsonl");
    assertThat(run("audit", "export", "--data-dir", data.toString(), "-o", export.toString()))
        .isZero();
    Path tampered =
        Files.write(
            tmp.resolve("tampered.jsonl"),
            dropTrailingAndRewriteLastReceipt(Files.readAllLines(export), "proctor.checkpoint/1"));
    String pub = new DataDirectory(data).publicKeys().toString();

    assertThat(run("audit", "verify", tampered.toString(), "--key", pub))
        .as(out.toString())
        .isEqualTo(1);
    assertThat(out.toString()).contains("BROKEN").contains("not covered by a signed checkpoint");
  }

  @Test
  void verify_partialExportWithItsCoveredByLineDroppedAndItsLastReceiptRewritten_isBroken()
      throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(4);
    Path export = tmp.resolve("part.jsonl");
    assertThat(
            run(
                "audit",
                "export",
                "--data-dir",
                data.toString(),
                "--to-seq",
                "14",
                "-o",
                export.toString()))
        .isZero();
    Path tampered =
        Files.write(
            tmp.resolve("tampered.jsonl"),
            dropTrailingAndRewriteLastReceipt(Files.readAllLines(export), "proctor.covered-by/1"));
    String pub = new DataDirectory(data).publicKeys().toString();

    assertThat(run("audit", "verify", tampered.toString(), "--key", pub))
        .as(out.toString())
        .isEqualTo(1);
    assertThat(out.toString()).contains("BROKEN").contains("not covered by a signed checkpoint");
  }

  @Test
  void verify_mirrorWithItsLastCheckpointDroppedAndItsLastReceiptRewritten_isBroken()
      throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(4);
    Path mirror = new DataDirectory(data).mirror();
    Path tampered =
        Files.write(
            tmp.resolve("mirror.jsonl"),
            dropTrailingAndRewriteLastReceipt(Files.readAllLines(mirror), "proctor.checkpoint/1"));
    String pub = new DataDirectory(data).publicKeys().toString();

    assertThat(run("audit", "verify", tampered.toString(), "--key", pub))
        .as(out.toString())
        .isEqualTo(1);
    assertThat(out.toString()).contains("BROKEN").contains("not covered by a signed checkpoint");
  }

  @Test
  void exportAndCheckpoint_outputDash_writeToStdout() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(2);
    Path dash = Path.of("-");
    Files.deleteIfExists(dash);
    try {
      CliRun export = CliRun.run("", "audit", "export", "--data-dir", data.toString(), "-o", "-");
      assertThat(export.exitCode()).as(export.err()).isZero();
      assertThat(export.out()).startsWith("{").contains("proctor.export/1").contains("\"seq\":7,");
      assertThat(dash).doesNotExist();

      CliRun checkpoint =
          CliRun.run("", "audit", "checkpoint", "--data-dir", data.toString(), "-o", "-");
      assertThat(checkpoint.exitCode()).as(checkpoint.err()).isZero();
      assertThat(Checkpoint.fromJson(checkpoint.out().trim()).size()).isEqualTo(8);
      assertThat(dash).doesNotExist();
    } finally {
      Files.deleteIfExists(dash);
    }
  }

  @Test
  void export_ofALogItsWriterLeftUnsigned_signsACheckpointFirst_soTheExportVerifies()
      throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    DataDirectory dir = new DataDirectory(data);
    try (ActionLog log =
        ActionLog.open(
            SqliteLogStore.open(dir.database()),
            Optional.empty(),
            Optional.empty(),
            Clock.systemUTC(),
            LogOptions.DEFAULT)) {
      for (int i = 0; i < 3; i++) {
        log.recordAll(AuditFixtures.allowedAndSucceeded("unsigned-" + i));
      }
    }
    Path export = tmp.resolve("log.jsonl");
    assertThat(run("audit", "export", "--data-dir", data.toString(), "-o", export.toString()))
        .as(out.toString())
        .isZero();
    assertThat(Files.readAllLines(export)).last().asString().contains("proctor.checkpoint/1");
    String pub = dir.publicKeys().toString();
    assertThat(run("audit", "verify", export.toString(), "--key", pub)).as(out.toString()).isZero();
    assertThat(out.toString()).contains("INTACT: 12 receipts");

    // Without the signing key (a copied database) the tail stays unsigned, and export says so.
    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    try (ActionLog log =
        ActionLog.open(
            SqliteLogStore.open(dir.database()),
            Optional.empty(),
            Optional.empty(),
            Clock.systemUTC(),
            LogOptions.DEFAULT)) {
      log.recordAll(AuditFixtures.allowedAndSucceeded("unsigned-more"));
    }
    Files.copy(dir.database(), copy.resolve("proctor.db"));
    Path unsigned = tmp.resolve("unsigned.jsonl");
    CliRun r =
        CliRun.run("", "audit", "export", "--data-dir", copy.toString(), "-o", unsigned.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("receipts 12 to 15 are not covered").contains("--max-unsigned 4");
    assertThat(run("audit", "verify", unsigned.toString(), "--key", pub)).isEqualTo(1);
  }

  /** Deletes the database (with its WAL files) and, optionally, the mirror; keeps the keys. */
  private void deleteLog(boolean mirrorToo) throws Exception {
    DataDirectory dir = new DataDirectory(data);
    for (String name : new String[] {"proctor.db", "proctor.db-wal", "proctor.db-shm"}) {
      Files.deleteIfExists(data.resolve(name));
    }
    if (mirrorToo) {
      Files.deleteIfExists(dir.mirror());
    }
  }

  @Test
  void verify_emptiedMirrorOfAUsedLog_isBroken_namingTheDatabasesCheckpoint() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(1);
    DataDirectory dir = new DataDirectory(data);
    Checkpoint held;
    try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
      held = Checkpoint.fromJson(store.latestCheckpoint().orElseThrow().json());
    }
    Files.write(dir.mirror(), new byte[0]);

    assertThat(run("audit", "verify", "--data-dir", data.toString(), dir.mirror().toString()))
        .as(out.toString())
        .isEqualTo(1);
    assertThat(out.toString())
        .contains("BROKEN: 0 receipts")
        .contains(
            "the log is empty, but key "
                + held.keyId()
                + " signed a checkpoint of log "
                + held.logId()
                + " at size "
                + held.size())
        .doesNotContain("INTACT");
  }

  @Test
  void verify_deletedDatabaseAndMirror_isBroken_byTheKeysUseRecord() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(2);
    DataDirectory dir = new DataDirectory(data);
    String keyId;
    try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
      keyId = Checkpoint.fromJson(store.latestCheckpoint().orElseThrow().json()).keyId();
    }
    deleteLog(true);

    // Gone altogether: not "unusable input" but a broken log, since the key was used.
    assertThat(run("audit", "verify", "--data-dir", data.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("BROKEN: no log database at " + dir.database())
        .contains("key " + keyId + " signed a checkpoint of log")
        .contains("at size 8")
        .contains(dir.keyUses().resolve(keyId + ".json").toString());

    // Recreated empty (any command that opens the log does that): still not an intact empty log.
    try (ActionLog log = SqliteActionLog.open(dir)) {
      log.checkpoint();
    }
    assertThat(run("audit", "verify", "--data-dir", data.toString())).isEqualTo(1);
    assertThat(out.toString()).contains("the log is empty, but key " + keyId).contains("size 8");
    assertThat(run("audit", "verify", "--data-dir", data.toString(), dir.mirror().toString()))
        .isEqualTo(1);

    // Its first receipt ends it: a log with receipts is verified as what it holds.
    fill(1);
    assertThat(run("audit", "verify", "--data-dir", data.toString())).as(out.toString()).isZero();
  }

  @Test
  void verify_deletedDatabaseWithTheMirrorLeft_isBroken_byTheMirrorsCheckpoint() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(1);
    DataDirectory dir = new DataDirectory(data);
    deleteLog(false);
    try (Stream<Path> used = Files.list(dir.keyUses())) {
      for (Path p : used.toList()) {
        Files.delete(p);
      }
    }

    assertThat(run("audit", "verify", "--data-dir", data.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("BROKEN: no log database at")
        .contains("at size 4")
        .contains(dir.mirror().toString());

    // An empty database in its place (the log itself refuses to write beside this mirror).
    SqliteLogStore.open(dir.database()).close();
    assertThat(run("audit", "verify", "--data-dir", data.toString())).isEqualTo(1);
    assertThat(out.toString())
        .contains("BROKEN: 0 receipts")
        .contains("the log is empty, but key")
        .contains("at size 4")
        .contains(dir.mirror().toString());
  }

  @Test
  void verify_emptyInput_ofKeysThatSignedNothing_isIntactWithAWarning() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    DataDirectory dir = new DataDirectory(data);
    try (ActionLog log = SqliteActionLog.open(dir)) {
      log.checkpoint(); // size 0: the key signed, but no receipt
    }
    assertThat(run("audit", "verify", "--data-dir", data.toString())).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("INTACT: 0 receipts")
        .contains("warning: no receipts, yet " + dir.publicKeys() + " holds 1 log key");

    Path empty = Files.write(tmp.resolve("empty.jsonl"), new byte[0]);
    assertThat(
            run(
                "audit",
                "verify",
                "--data-dir",
                tmp.resolve("elsewhere").toString(),
                empty.toString(),
                "--key",
                dir.publicKeys().toString()))
        .isZero();
    assertThat(out.toString()).contains("warning: nothing was verified");
  }

  @Test
  void verify_emptyInputAgainstATrustedCheckpoint_isBroken() throws Exception {
    run("keys", "init", "--data-dir", data.toString());
    fill(1);
    Path kept = tmp.resolve("kept.json");
    assertThat(run("audit", "checkpoint", "--data-dir", data.toString(), "-o", kept.toString()))
        .isZero();
    Path empty = Files.write(tmp.resolve("empty.jsonl"), new byte[0]);
    DataDirectory dir = new DataDirectory(data);

    assertThat(
            run(
                "audit",
                "verify",
                "--data-dir",
                tmp.resolve("elsewhere").toString(),
                empty.toString(),
                "--key",
                dir.publicKeys().toString(),
                "--checkpoint",
                kept.toString()))
        .as(out.toString())
        .isEqualTo(1);
    assertThat(out.toString()).contains("BROKEN");
  }
}

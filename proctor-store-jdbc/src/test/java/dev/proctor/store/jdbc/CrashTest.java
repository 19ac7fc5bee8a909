package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends under load with SIGKILL at random moments, many times; after each
 * kill the log verifies and holds every receipt the child acknowledged (invariant 3).
 */
class CrashTest {

  @TempDir Path tmp;

  @Test
  void sigkillDuringAppends_everyAcknowledgedReceiptSurvivesAndLogVerifies() throws Exception {
    DataDirectory dir = new DataDirectory(tmp.resolve("data"));
    KeyFiles.create(dir.signingKey(), dir.publicKeys());
    KeyRing keys = KeyFiles.loadPublic(List.of(dir.publicKeys()));
    Random random = new Random(9162);
    Set<String> acknowledged = new HashSet<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int kills = 25;
    for (int round = 0; round < kills; round++) {
      Process child =
          new ProcessBuilder(
                  java,
                  "-Xshare:auto",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashChild.class.getName(),
                  dir.root().toString(),
                  "r" + round + "-")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      List<String> acks = new ArrayList<>();
      Thread reader = new Thread(() -> readAcks(child.getInputStream(), acks));
      reader.start();
      synchronized (acks) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!acks.contains("READY") && System.nanoTime() < deadline) {
          acks.wait(50);
        }
      }
      Thread.sleep(50 + random.nextInt(400));
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      reader.join();
      long acked = 0;
      for (String line : acks) {
        assertThat(line).doesNotStartWith("ERR");
        // A line cut by the kill is not an acknowledgement: ids are 36-character UUIDs.
        if (line.startsWith("ACK ") && line.length() == 40) {
          acknowledged.add(line.substring(4));
          acked++;
        }
      }
      assertThat(acks).as("round %d: the child started", round).contains("READY");
      try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
        for (String id : acknowledged) {
          assertThat(store.entryById(id)).as("acknowledged receipt %s", id).isPresent();
        }
        ByteArrayOutputStream export = new ByteArrayOutputStream();
        LogExport.jsonLines(store, 0, Long.MAX_VALUE, export);
        // The receipts the killed child wrote after its last checkpoint are chained, not signed:
        // the chain must hold, and the tail is signed by the next process that opens the log.
        VerificationReport r =
            new LogVerifier(keys, List.of())
                .withMaxUnsigned(Long.MAX_VALUE)
                .verify(new ByteArrayInputStream(export.toByteArray()));
        assertThat(r.intact()).as("round %d (%d acked): %s", round, acked, r.summary()).isTrue();
      }
    }
    assertThat(acknowledged).hasSizeGreaterThan(kills * 4);
    // A clean open and close catches the mirror up and signs the tail; the mirror and the store
    // then verify with no unsigned receipt allowed.
    ActionLog log = SqliteActionLog.open(dir);
    log.close();
    try (InputStream in = Files.newInputStream(dir.mirror())) {
      VerificationReport r = new LogVerifier(keys, List.of()).withMaxUnsigned(0).verify(in);
      assertThat(r.intact()).as(r.summary()).isTrue();
      assertThat(r.warnings()).isEmpty();
    }
    try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
      VerificationReport r = LogTesting.verifyClosed(store, keys);
      assertThat(r.intact()).as(r.summary()).isTrue();
    }
  }

  private static void readAcks(InputStream in, List<String> acks) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (acks) {
          acks.add(line);
          acks.notifyAll();
        }
      }
    } catch (java.io.IOException e) {
      // The child was killed mid-line; what was read is what was acknowledged.
    }
  }
}

package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.StoredCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several processes append to one data directory at once, each opening and closing the log many
 * times as hook processes do: the mirror file then holds every receipt once, in order, and every
 * checkpoint of the store once — no line twice — and verifies with no unsigned receipt.
 */
class MirrorConcurrencyTest {

  @TempDir Path tmp;

  @Test
  void severalProcessesOpeningAndClosing_mirrorHoldsEachLineOnce() throws Exception {
    DataDirectory dir = new DataDirectory(tmp.resolve("data"));
    KeyFiles.create(dir.signingKey(), dir.publicKeys());
    List<Process> children = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      children.add(
          new ProcessBuilder(
                  LogTesting.javaCommand(
                      MirrorChild.class, dir.root().toString(), "c" + c + "-", "12"))
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("child-" + c + ".log").toFile())
              .start());
    }
    for (int c = 0; c < children.size(); c++) {
      assertThat(children.get(c).waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(children.get(c).exitValue())
          .as(Files.readString(tmp.resolve("child-" + c + ".log")))
          .isZero();
    }

    assertMirrorHoldsTheStoreOnce(dir, 4 * 12 * 4);
  }

  @Test
  void severalLogsInOneJvmOpeningAndClosing_mirrorHoldsEachLineOnce() throws Exception {
    DataDirectory dir = new DataDirectory(tmp.resolve("data"));
    KeyFiles.create(dir.signingKey(), dir.publicKeys());
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      String prefix = "t" + t + "-";
      threads.add(
          new Thread(
              () -> {
                try {
                  MirrorChild.main(new String[] {dir.root().toString(), prefix, "12"});
                } catch (Exception | AssertionError e) {
                  failures.add(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).isEmpty();
    assertMirrorHoldsTheStoreOnce(dir, 4 * 12 * 4);
  }

  private static void assertMirrorHoldsTheStoreOnce(DataDirectory dir, int receiptCount)
      throws Exception {
    List<String> mirror = Files.readAllLines(dir.mirror(), StandardCharsets.UTF_8);
    Set<String> seen = new HashSet<>();
    List<String> twice = new ArrayList<>();
    for (String line : mirror) {
      if (!seen.add(line)) {
        twice.add(line);
      }
    }
    assertThat(twice).as("lines the mirror holds twice").isEmpty();

    List<String> receipts = new ArrayList<>();
    Set<String> checkpoints = new HashSet<>();
    for (String line : mirror) {
      if (line.contains("\"schema\":\"proctor.receipt/1\"")) {
        receipts.add(line);
      } else {
        checkpoints.add(line);
      }
    }
    try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
      assertThat(receipts).hasSize((int) store.size()).hasSize(receiptCount);
      List<String> stored = new ArrayList<>();
      store.scan(0, store.size(), e -> stored.add(e.json()));
      assertThat(receipts).isEqualTo(stored);
      Set<String> storedCheckpoints = new HashSet<>();
      for (StoredCheckpoint c : store.checkpoints(0, Long.MAX_VALUE)) {
        storedCheckpoints.add(c.json());
      }
      assertThat(checkpoints).isEqualTo(storedCheckpoints);

      KeyRing keys = KeyFiles.loadPublic(List.of(dir.publicKeys()));
      VerificationReport fromStore = LogTesting.verifyClosed(store, keys);
      assertThat(fromStore.intact()).as(fromStore.summary()).isTrue();
      VerificationReport fromMirror =
          new LogVerifier(keys, List.of())
              .withMaxUnsigned(0)
              .verify(Files.newInputStream(dir.mirror()));
      assertThat(fromMirror.intact()).as(fromMirror.summary()).isTrue();
      assertThat(fromMirror.checkpoints()).isEqualTo(storedCheckpoints.size());
    }
  }
}

package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight {@code proctor check} processes started at once on a fresh data directory, as eight hook
 * calls of a new installation are: each decides and records, one signing key is created, nothing
 * but Proctor's own one-line notice reaches standard error (no stack trace), and the log verifies.
 */
class ConcurrentStartTest {

  @TempDir Path tmp;

  @Test
  void checkProcessesStartingAtOnce_onAFreshDataDirectory_decideCleanly() throws Exception {
    Path request = Path.of("..", "examples", "requests", "curl-pipe-sh.json").toAbsolutePath();
    for (int round = 0; round < 1; round++) {
      Path data = tmp.resolve("data-" + round);
      List<Process> processes = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        processes.add(
            new ProcessBuilder(
                    LogTesting.javaCommand(
                        Main.class,
                        "check",
                        "--data-dir",
                        data.toString(),
                        "--request",
                        request.toString(),
                        // Eight JVMs starting on a shared two-core machine: time is not the point.
                        "--deadline",
                        "2m"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(tmp.resolve("err-" + round + "-" + i).toFile())
                .start());
      }
      int created = 0;
      for (int i = 0; i < processes.size(); i++) {
        Process p = processes.get(i);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err =
            Files.readString(tmp.resolve("err-" + round + "-" + i), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("round %d process %d: %s", round, i, err).isEqualTo(1);
        for (String line : err.lines().toList()) {
          assertThat(line)
              .as("round %d process %d standard error", round, i)
              .startsWith("proctor: created the log signing key");
          created++;
        }
      }
      assertThat(created).as("round %d: keys announced", round).isEqualTo(1);
      DataDirectory dir = new DataDirectory(data);
      try (Stream<Path> keys = Files.list(dir.publicKeys())) {
        assertThat(keys).as("round %d: public keys", round).hasSize(1);
      }
      try (SqliteLogStore store = SqliteLogStore.open(dir.database())) {
        VerificationReport r =
            LogTesting.verifyClosed(store, KeyFiles.loadPublic(List.of(dir.publicKeys())));
        assertThat(r.intact()).as(r.summary()).isTrue();
        assertThat(r.receipts()).isEqualTo(16);
      }
    }
  }
}

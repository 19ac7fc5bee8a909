package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two logs open on one SQLite file (as two hook processes would be) interleave safely. */
class SharedFileTest {

  @TempDir Path dir;

  @Test
  void twoLogsOnOneFile_interleavedAppends_formOneVerifiableChain() throws Exception {
    CheckpointSigner signer = AuditFixtures.signer();
    Path db = dir.resolve("proctor.db");
    try (ActionLog a = LogTesting.open(SqliteLogStore.open(db), signer);
        ActionLog b = LogTesting.open(SqliteLogStore.open(db), signer)) {
      for (int i = 0; i < 20; i++) {
        (i % 2 == 0 ? a : b).recordAll(AuditFixtures.allowedAndSucceeded("shared-" + i));
      }
    }
    try (SqliteLogStore store = SqliteLogStore.open(db)) {
      VerificationReport r =
          LogTesting.verify(
              LogTesting.export(store), KeyRing.of(List.of(signer.publicKey())), List.of());
      assertThat(r.intact()).as(r.summary()).isTrue();
      assertThat(r.receipts()).isEqualTo(80);
    }
  }
}

package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LifecycleEvent;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.VerificationReport;
import dev.proctor.lifecycle.IllegalTransitionException;
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

  @Test
  void lifecycleCheck_afterAnotherLogAppendedToTheAction_readsTheStoreNotItsOwnMemory()
      throws Exception {
    CheckpointSigner signer = AuditFixtures.signer();
    Path db = dir.resolve("proctor.db");
    List<LifecycleEvent> events = AuditFixtures.allowedAndSucceeded("moved-on");
    try (ActionLog a = LogTesting.open(SqliteLogStore.open(db), signer);
        ActionLog b = LogTesting.open(SqliteLogStore.open(db), signer)) {
      a.recordAll(events.subList(0, 2)); // requested, allowed: what a remembers of the action
      b.recordAll(events.subList(2, 4)); // executing, succeeded, written by the other log
      // From a's memory executing would be legal; from the store's last state (succeeded) not.
      assertThatThrownBy(() -> a.record(events.get(2)))
          .isInstanceOf(IllegalTransitionException.class);
      assertThat(a.size()).isEqualTo(4);
    }
  }
}

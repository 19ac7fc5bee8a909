package dev.proctor.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.AuditFixtures;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogTesting;
import dev.proctor.audit.Receipt;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.LogStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Two instances' logs on one PostgreSQL database append at the same time to one verifiable
 * sequence, and every receipt either acknowledged is in it.
 */
class PostgresSharedLogTest {

  @Test
  void twoLogsOnOneDatabase_concurrentAppends_formOneVerifiableChain() throws Exception {
    PostgresStore.Settings settings = TestPostgres.freshSchema();
    CheckpointSigner signer = AuditFixtures.signer();
    PostgresStore first = PostgresStore.open(settings);
    PostgresStore second = PostgresStore.open(settings);
    assertThat(second.logId()).isEqualTo(first.logId());
    Set<String> acknowledged = new HashSet<>();
    try (ActionLog a = LogTesting.open(first.logStore(), signer);
        ActionLog b = LogTesting.open(second.logStore(), signer)) {
      List<CompletableFuture<List<Receipt>>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        futures.add(a.append(AuditFixtures.allowedAndSucceeded("a-" + i)));
        futures.add(b.append(AuditFixtures.allowedAndSucceeded("b-" + i)));
      }
      for (CompletableFuture<List<Receipt>> f : futures) {
        f.get().forEach(r -> acknowledged.add(r.id()));
      }
    }
    PostgresStore reader = PostgresStore.open(settings);
    try (LogStore store = reader.logStore()) {
      VerificationReport r =
          LogTesting.verify(
              LogTesting.export(store), KeyRing.of(List.of(signer.publicKey())), List.of());
      assertThat(r.intact()).as(r.summary()).isTrue();
      assertThat(r.receipts()).isEqualTo(800);
      for (String id : acknowledged) {
        assertThat(store.entryById(id)).as(id).isPresent();
      }
      assertThat(acknowledged).hasSize(800);
    }
  }
}

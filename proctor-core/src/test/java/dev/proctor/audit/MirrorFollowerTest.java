package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.store.InMemoryLogStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorFollowerTest {

  @TempDir Path tmp;

  private static final CheckpointSigner SIGNER = AuditFixtures.signer();
  private static final KeyRing KEYS = KeyRing.of(List.of(SIGNER.publicKey()));

  private static List<String> receiptLines(Path mirror) throws Exception {
    return Files.readAllLines(mirror).stream()
        .filter(l -> l.contains("\"schema\":\"" + ReceiptFormat.SCHEMA + "\""))
        .toList();
  }

  @Test
  void append_concurrentWriters_mirrorHoldsEveryReceiptInOrderAfterClose() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    Path path = tmp.resolve("mirror/receipts.jsonl");
    List<String> stored = new ArrayList<>();
    try (ActionLog log =
        ActionLog.open(
            store,
            Optional.of(SIGNER),
            Optional.of(MirrorFile.open(path)),
            LogTesting.clock(),
            LogTesting.EVERY_TEN)) {
      Thread[] threads = new Thread[8];
      for (int t = 0; t < threads.length; t++) {
        int w = t;
        threads[t] =
            new Thread(
                () -> {
                  List<CompletableFuture<List<Receipt>>> pending = new ArrayList<>();
                  for (int i = 0; i < 200; i++) {
                    pending.add(log.append(AuditFixtures.allowedAndSucceeded("m" + w + "-" + i)));
                  }
                  pending.forEach(CompletableFuture::join);
                });
        threads[t].start();
      }
      for (Thread t : threads) {
        t.join();
      }
      store.scan(0, store.size(), e -> stored.add(e.json()));
    }
    assertThat(receiptLines(path)).containsExactlyElementsOf(stored).hasSize(8 * 200 * 4);
    VerificationReport r = LogTesting.verify(Files.readAllBytes(path), KEYS, List.of());
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void follow_moreLinesThanItMayHold_copiesThemFromTheStore() throws Exception {
    InMemoryLogStore store = new InMemoryLogStore();
    Path path = tmp.resolve("receipts.jsonl");
    try (ActionLog log = LogTesting.open(store, SIGNER)) {
      LogTesting.fill(log, 25);
    }
    MirrorFile mirror = MirrorFile.open(path);
    MirrorFollower follower = new MirrorFollower(mirror, store, 1);
    follower.start();
    // Each batch holds more lines than the follower may keep: it catches up from the store.
    follower.follow(0, 50, List.of("not", "these", "lines"), false);
    follower.follow(50, 100, List.of("nor", "these"), false);
    follower.stop();
    mirror.close();
    assertThat(follower.failed()).isFalse();
    assertThat(receiptLines(path)).hasSize(100);
    VerificationReport r = LogTesting.verify(Files.readAllBytes(path), KEYS, List.of());
    assertThat(r.intact()).as(r.summary()).isTrue();
  }
}

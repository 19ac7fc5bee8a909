package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.store.InMemoryLogStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsistencyProofTest {

  private final CheckpointSigner signer = AuditFixtures.signer();
  private final KeyRing keys = KeyRing.of(List.of(signer.publicKey()));

  private static VerificationReport verify(String doc, KeyRing keys) {
    return LogTesting.verify(List.of(doc), keys, List.of());
  }

  @Test
  void verify_growingLog_isIntactFromTheDocumentAlone() throws Exception {
    try (ActionLog log = LogTesting.open(new InMemoryLogStore("c-log"), signer)) {
      LogTesting.fill(log, 3);
      Checkpoint older = log.checkpoint();
      LogTesting.fill(log, "more-", 5);
      Checkpoint newer = log.checkpoint();
      ConsistencyProof p = ConsistencyProof.between(log, older, newer);
      p.verify(keys);
      ConsistencyProof back = ConsistencyProof.fromJson(p.toJson());
      assertThat(back).isEqualTo(p);
      VerificationReport r = verify(p.toJson(), keys);
      assertThat(r.intact()).as(r.summary()).isTrue();
      assertThat(r.checkpoints()).isEqualTo(2);
      assertThat(r.warnings()).singleElement().asString().contains("from size 12 to 32");
    }
  }

  @Test
  void verify_olderCheckpointOfAFork_isBroken() throws Exception {
    Checkpoint forked;
    try (ActionLog other = LogTesting.open(new InMemoryLogStore("c-log"), signer)) {
      LogTesting.fill(other, "other-", 3);
      forked = other.checkpoint();
    }
    try (ActionLog log = LogTesting.open(new InMemoryLogStore("c-log"), signer)) {
      LogTesting.fill(log, 5);
      Checkpoint newer = log.checkpoint();
      ConsistencyProof p = ConsistencyProof.between(log, forked, newer);
      assertThatThrownBy(() -> p.verify(keys)).isInstanceOf(ProofException.class);
      VerificationReport r = verify(p.toJson(), keys);
      assertThat(r.intact()).isFalse();
      assertThat(r.problem().orElseThrow().message()).contains("consistency proof");
    }
  }

  @Test
  void verify_unknownKeyOrDifferentLogs_isBroken() throws Exception {
    try (ActionLog log = LogTesting.open(new InMemoryLogStore("c-log"), signer)) {
      LogTesting.fill(log, 2);
      Checkpoint c = log.checkpoint();
      ConsistencyProof same = ConsistencyProof.between(log, c, c);
      VerificationReport unknown =
          verify(same.toJson(), KeyRing.of(List.of(AuditFixtures.signer().publicKey())));
      assertThat(unknown.problem().orElseThrow().message()).contains("unknown key");
      Checkpoint elsewhere = signer.sign("another-log", c.size(), c.root(), c.time());
      ConsistencyProof mixed = new ConsistencyProof(elsewhere, c, List.of());
      assertThatThrownBy(() -> mixed.verify(keys)).hasMessageContaining("different logs");
    }
  }

  @Test
  void fromJson_badHash_saysWhat() {
    assertThatThrownBy(
            () ->
                ConsistencyProof.fromJson(
                    "{\"schema\":\"proctor.consistency/1\",\"from\":{},\"to\":{},\"proof\":[1]}"))
        .hasMessageContaining("/proof");
  }
}

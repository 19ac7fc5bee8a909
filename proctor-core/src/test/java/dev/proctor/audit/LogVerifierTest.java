package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.store.InMemoryLogStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogVerifierTest {

  private static final CheckpointSigner SIGNER = AuditFixtures.signer();
  private static final KeyRing KEYS = KeyRing.of(List.of(SIGNER.publicKey()));
  private static InMemoryLogStore store;
  private static List<String> lines;

  @BeforeAll
  static void buildLog() throws Exception {
    store = new InMemoryLogStore("log-test");
    try (ActionLog log = LogTesting.open(store, SIGNER)) {
      LogTesting.fill(log, 15);
    }
    lines = LogTesting.export(store);
  }

  /** Index of the line holding receipt {@code seq}. */
  private static int lineOf(long seq) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("\"seq\":" + seq + ",")
          && lines.get(i).contains(ReceiptFormat.SCHEMA)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no receipt " + seq);
  }

  private static VerificationReport verify(List<String> l) {
    return LogTesting.verify(l, KEYS, List.of());
  }

  @Test
  void verify_intactExport_passesWithSummary() {
    VerificationReport r = verify(lines);
    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.receipts()).isEqualTo(60);
    assertThat(r.checkpoints()).isGreaterThanOrEqualTo(6);
    assertThat(r.summary()).startsWith("INTACT: 60 receipts");
  }

  @Test
  void verify_editedField_namesThatReceipt() {
    List<String> l = new ArrayList<>(lines);
    int i = lineOf(17);
    l.set(i, l.get(i).replace("allowed for this team", "allowed for everyone"));
    assertThat(verify(l).problem()).hasValueSatisfying(p -> assertThat(p.sequence()).isEqualTo(17));
  }

  @Test
  void verify_deletedReceipt_namesIt() {
    List<String> l = new ArrayList<>(lines);
    l.remove(lineOf(23));
    VerificationReport r = verify(l);
    assertThat(r.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.sequence()).isEqualTo(23);
              assertThat(p.message()).contains("missing");
            });
  }

  @Test
  void verify_insertedReceipt_namesItsPosition() {
    List<String> l = new ArrayList<>(lines);
    l.add(lineOf(30), lines.get(lineOf(5)));
    assertThat(verify(l).problem()).hasValueSatisfying(p -> assertThat(p.sequence()).isEqualTo(30));
  }

  @Test
  void verify_swappedReceipts_namesTheFirst() {
    List<String> l = new ArrayList<>(lines);
    int a = lineOf(40);
    int b = lineOf(41);
    l.set(a, lines.get(b));
    l.set(b, lines.get(a));
    assertThat(verify(l).problem()).hasValueSatisfying(p -> assertThat(p.sequence()).isEqualTo(40));
  }

  @Test
  void verify_truncatedTailAgainstTrustedCheckpoint_namesFirstMissing() {
    Checkpoint last = Checkpoint.fromJson(lines.get(lines.size() - 1));
    List<String> l = new ArrayList<>(lines.subList(0, lineOf(50)));
    VerificationReport r = LogTesting.verify(l, KEYS, List.of(last));
    assertThat(r.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.sequence()).isEqualTo(50);
              assertThat(p.message()).contains("truncated");
            });
  }

  @Test
  void verify_forkedHistory_isRefused() throws Exception {
    InMemoryLogStore other = new InMemoryLogStore("log-test");
    try (ActionLog log = LogTesting.open(other, SIGNER)) {
      LogTesting.fill(log, 15);
    }
    Checkpoint foreign = Checkpoint.fromJson(other.latestCheckpoint().orElseThrow().json());
    VerificationReport r = LogTesting.verify(lines, KEYS, List.of(foreign));
    assertThat(r.problem()).hasValueSatisfying(p -> assertThat(p.message()).contains("fork"));
  }

  @Test
  void verify_wrongSignature_isNamed() {
    List<String> l = new ArrayList<>(lines);
    int i = l.size() - 1;
    Checkpoint c = Checkpoint.fromJson(l.get(i));
    Checkpoint forged =
        new Checkpoint(
            c.logId(), c.size(), c.root(), c.time().plusSeconds(1), c.keyId(), c.signature());
    l.set(i, forged.toJson());
    assertThat(verify(l).problem())
        .hasValueSatisfying(p -> assertThat(p.message()).contains("wrong signature"));
  }

  @Test
  void verify_unknownKey_isNamed() {
    KeyRing stranger = KeyRing.of(List.of(AuditFixtures.signer().publicKey()));
    VerificationReport r = LogTesting.verify(lines, stranger, List.of());
    assertThat(r.problem())
        .hasValueSatisfying(p -> assertThat(p.message()).contains("unknown key"));
  }

  @Test
  void verify_rotatedKey_oldCheckpointsStillVerifyWithOldPublicKey() throws Exception {
    CheckpointSigner second = AuditFixtures.signer();
    InMemoryLogStore s = new InMemoryLogStore("rotating");
    try (ActionLog log = LogTesting.open(s, SIGNER)) {
      LogTesting.fill(log, 5);
    }
    try (ActionLog log = LogTesting.open(s, second)) {
      LogTesting.fill(log, "later-", 5);
    }
    List<String> l = LogTesting.export(s);
    assertThat(
            LogTesting.verify(
                    l, KeyRing.of(List.of(SIGNER.publicKey(), second.publicKey())), List.of())
                .intact())
        .isTrue();
    assertThat(LogTesting.verify(l, KeyRing.of(List.of(second.publicKey())), List.of()).intact())
        .isFalse();
  }

  /** Property: any single-byte change in a receipt line fails and names that receipt. */
  @Test
  void verify_anySingleByteChange_failsAndNamesThatReceipt() {
    Random random = new Random(20261126);
    byte[] original = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    int[] lineStart = new int[lines.size() + 1];
    for (int i = 0, pos = 0; i < lines.size(); i++) {
      lineStart[i] = pos;
      pos += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
      lineStart[i + 1] = pos;
    }
    for (int trial = 0; trial < 600; trial++) {
      byte[] b = original.clone();
      int at = random.nextInt(b.length);
      byte replacement;
      do {
        replacement = (byte) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(256));
      } while (replacement == b[at]);
      b[at] = replacement;
      VerificationReport r = LogTesting.verify(b, KEYS, List.of());
      int line = 0;
      while (lineStart[line + 1] <= at) {
        line++;
      }
      String text = lines.get(line);
      assertThat(r.problem())
          .as("byte %d (line %d) changed to %d", at, line, replacement)
          .isPresent();
      if (text.contains(ReceiptFormat.SCHEMA)) {
        long seq = AuditFixtures.json(text).get("seq").asLong();
        assertThat(r.problem().get().sequence())
            .as("byte %d of receipt %d: %s", at, seq, r.problem().get())
            .isEqualTo(seq);
      }
    }
  }

  /** Property: deleting, inserting or swapping receipt lines fails and names the position. */
  @Test
  void verify_randomDeletionInsertionReordering_failsAndNamesPosition() {
    Random random = new Random(42);
    for (int trial = 0; trial < 300; trial++) {
      List<String> l = new ArrayList<>(lines);
      long seq = random.nextInt(59);
      int i = lineOf(seq);
      switch (trial % 3) {
        case 0 -> l.remove(i);
        case 1 -> l.add(i, lines.get(lineOf(random.nextInt(60))));
        default -> {
          int j = lineOf(seq + 1 + random.nextInt((int) (59 - seq)));
          l.set(i, lines.get(j));
          l.set(j, lines.get(i));
        }
      }
      VerificationReport r = verify(l);
      long expected = seq;
      assertThat(r.problem()).as("trial %d", trial).isPresent();
      assertThat(r.problem().get().sequence())
          .as("trial %d: %s", trial, r.problem().get())
          .isEqualTo(expected);
    }
  }

  @Test
  void verify_proofDocument_passesAlone() throws Exception {
    InMemoryLogStore s = new InMemoryLogStore("prove");
    try (ActionLog log = LogTesting.open(s, SIGNER)) {
      LogTesting.fill(log, 7);
      String id = s.entry(13).orElseThrow().receiptId();
      String proof = log.prove(id).toJson();
      VerificationReport r = LogTesting.verify(List.of(proof), KEYS, List.of());
      assertThat(r.intact()).as(r.summary()).isTrue();
      String tampered = proof.replace("allowed for this team", "allowed for anyone");
      assertThat(LogTesting.verify(List.of(tampered), KEYS, List.of()).intact()).isFalse();
    }
  }

  private static List<String> withoutCheckpointsAbove(long size) {
    List<String> l = new ArrayList<>();
    for (String line : lines) {
      if (!line.contains(Checkpoint.SCHEMA) || Checkpoint.fromJson(line).size() <= size) {
        l.add(line);
      }
    }
    return l;
  }

  private static List<Long> checkpointSizes() {
    return lines.stream()
        .filter(line -> line.contains(Checkpoint.SCHEMA))
        .map(line -> Checkpoint.fromJson(line).size())
        .distinct()
        .toList();
  }

  @Test
  void verify_everyCheckpointDropped_failsNamingTheFirstUnsignedReceipt() throws Exception {
    List<String> l = withoutCheckpointsAbove(-1);

    VerificationReport r = verify(l);

    assertThat(r.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.sequence()).isZero();
              assertThat(p.line()).isEqualTo(2);
              assertThat(p.message())
                  .contains("no signed checkpoint covers any of the 60 receipts")
                  .contains("none may be");
            });
    assertThat(r.unsigned()).isEqualTo(60);
    VerificationReport lenient =
        new LogVerifier(KEYS, List.of())
            .withMaxUnsigned(60)
            .verify(new java.io.ByteArrayInputStream(bytes(l)));
    assertThat(lenient.intact()).as(lenient.summary()).isTrue();
    assertThat(lenient.warnings()).contains("no signed checkpoint covers any receipt");
  }

  private static VerificationReport verifyLive(List<String> l) {
    try {
      return new LogVerifier(KEYS, List.of())
          .forLiveLog()
          .verify(new java.io.ByteArrayInputStream(bytes(l)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void verifyLive_lastCheckpointsDropped_tailBeyondTheAllowanceFails() {
    List<Long> sizes = checkpointSizes();
    long kept = sizes.get(sizes.size() - 3);
    assertThat(60 - kept).isGreaterThan(LogVerifier.LIVE_MAX_UNSIGNED);

    VerificationReport r = verifyLive(withoutCheckpointsAbove(kept));

    assertThat(r.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.sequence()).isEqualTo(kept);
              assertThat(p.line()).isEqualTo(lineOf(kept) + 1);
              assertThat(p.message())
                  .contains((60 - kept) + " receipts from " + kept + " on")
                  .contains("not covered by a signed checkpoint");
            });
  }

  @Test
  void verify_lastCheckpointDropped_theShortestUnsignedTailFails() {
    List<Long> sizes = checkpointSizes();
    long kept = sizes.get(sizes.size() - 2);

    VerificationReport r = verify(withoutCheckpointsAbove(kept));

    assertThat(r.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.sequence()).isEqualTo(kept);
              assertThat(p.message())
                  .contains("not covered by a signed checkpoint")
                  .contains("none may be");
            });
    assertThat(r.unsigned()).isEqualTo(60 - kept);
  }

  @Test
  void verifyLive_shortUnsignedTail_passesWithAWarning() {
    List<Long> sizes = checkpointSizes();
    long kept = sizes.get(sizes.size() - 2);
    assertThat(60 - kept).isBetween(1L, LogVerifier.LIVE_MAX_UNSIGNED);

    VerificationReport r = verifyLive(withoutCheckpointsAbove(kept));

    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.unsigned()).isEqualTo(60 - kept);
    assertThat(r.warnings())
        .contains((60 - kept) + " receipts after the last checkpoint are chained but not signed");
  }

  @Test
  void verify_partialExport_isCoveredByTheNextCheckpointWithAConsistencyProof() throws Exception {
    long to = checkpointSizes().get(2) + 2;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    LogExport.jsonLines(store, 5, to, out);
    List<String> l = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
    assertThat(l.get(l.size() - 1)).contains(LogVerifier.COVERED_BY_SCHEMA);

    VerificationReport r = verify(l);

    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.receipts()).isEqualTo(to);
    assertThat(r.unsigned()).isZero();

    // A proof that does not lead from these receipts to the later checkpoint is refused.
    List<String> bad = new ArrayList<>(l);
    String last = bad.get(bad.size() - 1);
    String firstHash = AuditFixtures.json(last).get("proof").get(0).asText();
    String other =
        firstHash.startsWith("0") ? "1" + firstHash.substring(1) : "0" + firstHash.substring(1);
    bad.set(bad.size() - 1, last.replace(firstHash, other));
    assertThat(verify(bad).problem())
        .hasValueSatisfying(
            p -> assertThat(p.message()).contains("do not extend to the checkpoint of size"));
    // Dropping the line leaves the tail unsigned again: an export may have none.
    VerificationReport dropped = verify(l.subList(0, l.size() - 1));
    assertThat(dropped.unsigned()).isEqualTo(2);
    assertThat(dropped.problem())
        .hasValueSatisfying(
            p -> assertThat(p.message()).contains("not covered by a signed checkpoint"));
  }

  private static byte[] bytes(List<String> l) {
    return (String.join("\n", l) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void verifyLive_smallLogWithEveryCheckpointDropped_failsThoughShorterThanTheTail()
      throws Exception {
    InMemoryLogStore small = new InMemoryLogStore("small");
    try (ActionLog log = LogTesting.open(small, SIGNER)) {
      log.recordAll(AuditFixtures.allowedAndSucceeded("only"));
    }
    List<String> l = new ArrayList<>();
    for (String line : LogTesting.export(small)) {
      if (!line.contains(Checkpoint.SCHEMA)) {
        l.add(line);
      }
    }
    assertThat(l).hasSize(5);

    VerificationReport r = verifyLive(l);

    assertThat(r.problem())
        .hasValueSatisfying(
            p -> {
              assertThat(p.sequence()).isZero();
              assertThat(p.message())
                  .contains("no signed checkpoint covers any of the 4 receipts")
                  .contains("signs a checkpoint with its first receipts");
            });
    // Accepting unsigned receipts is a decision the caller states.
    VerificationReport allowed =
        new LogVerifier(KEYS, List.of())
            .withMaxUnsigned(LogVerifier.LIVE_MAX_UNSIGNED)
            .verify(new java.io.ByteArrayInputStream(bytes(l)));
    assertThat(allowed.intact()).as(allowed.summary()).isTrue();
  }

  @Test
  void verify_rotatedLog_followsTheHandover_withOnlyTheFirstKey_andRefusesAForgedOne()
      throws Exception {
    CheckpointSigner next = AuditFixtures.signer();
    InMemoryLogStore rotated = new InMemoryLogStore("rotated");
    Checkpoint handover;
    try (ActionLog log = LogTesting.open(rotated, SIGNER)) {
      LogTesting.fill(log, "before-", 2);
      handover = log.handOver(next.publicKey());
    }
    try (ActionLog log = LogTesting.open(rotated, next)) {
      LogTesting.fill(log, "after-", 2);
    }
    assertThat(handover.keyId()).isEqualTo(SIGNER.keyId());
    assertThat(handover.size()).isEqualTo(8);
    assertThat(handover.nextKeyId()).contains(next.keyId());
    List<String> l = LogTesting.export(rotated);

    VerificationReport r = verify(l);

    assertThat(r.intact()).as(r.summary()).isTrue();
    assertThat(r.receipts()).isEqualTo(16);

    // A handover naming another key than the one the old key signed does not verify.
    String other = Checkpoint.nextKeyText(AuditFixtures.signer().publicKey());
    List<String> forged = new ArrayList<>();
    for (String line : l) {
      forged.add(line.replace(handover.nextKey().orElseThrow(), other));
    }
    assertThat(verify(forged).problem())
        .hasValueSatisfying(p -> assertThat(p.message()).contains("wrong signature"));

    // Without the handover, the new key is just unknown.
    List<String> dropped = new ArrayList<>(l);
    dropped.removeIf(line -> line.contains("\"nextKey\""));
    assertThat(verify(dropped).problem())
        .hasValueSatisfying(p -> assertThat(p.message()).contains("signed by unknown key"));
  }
}

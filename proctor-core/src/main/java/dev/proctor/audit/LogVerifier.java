package dev.proctor.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.store.LogReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Verifies a log offline from its JSON Lines (an export, the mirror file, or a proof document) with
 * nothing but public keys and, optionally, checkpoints the caller trusts.
 *
 * <p>What it checks, in one streaming pass with memory independent of the log's length: each
 * receipt's sequence number follows the last; each {@code prev} is the hash of the receipt before;
 * each checkpoint is signed by a key on the ring (or one a handover of the log named before it: see
 * {@link Checkpoint}) and its root equals the root of the receipts so far (computed incrementally
 * from the Merkle frontier); each co-signature by a known witness matches too; a trusted checkpoint
 * is matched the same way, and a log that ends before a checkpoint's size is truncated.
 *
 * <p>Why receipts no checkpoint covers fail: a hash chain alone proves nothing to someone who can
 * rewrite the file — whoever drops the checkpoints (or the last ones) can rewrite the receipts
 * after them and re-chain them. Only a signature vouches for a receipt, so by default every receipt
 * must be covered by a signed checkpoint: a log that was closed signs a final checkpoint, and an
 * export ends with one, or — when it ends between two checkpoints — with the next one and a
 * consistency proof ({@value #COVERED_BY_SCHEMA}). The default cannot depend on what the input says
 * it is: an export's header is not signed, and without it an export reads as a mirror file. Only
 * the caller knows it is reading a log that is still being written, where the receipts its writers
 * have not signed yet are at the end: {@link #forLiveLog()} accepts up to {@value
 * #LIVE_MAX_UNSIGNED} of them, and {@link #withMaxUnsigned} a stated number. Either way a log none
 * of whose receipts a checkpoint covers fails unless the caller stated a number — the log signs a
 * checkpoint in the transaction of its first receipts.
 *
 * <p>How it names the first bad entry: when receipt k's {@code prev} does not match, either receipt
 * k-1 changed (its hash moved) or receipt k's own {@code prev} changed. The next receipt tells
 * which — if its {@code prev} still matches receipt k, receipt k-1 is the one that changed. At the
 * end of the log it compares the two hashes instead: a damaged {@code prev} differs from the true
 * hash in a few digits, a changed receipt's hash in nearly all.
 */
public final class LogVerifier {

  /** The schema id of an export's first line. */
  public static final String EXPORT_SCHEMA = "proctor.export/1";

  /**
   * The schema id of an export's last line when the export ends before a checkpoint: a later signed
   * checkpoint and the RFC 9162 consistency proof that the receipts so far are its prefix.
   */
  public static final String COVERED_BY_SCHEMA = "proctor.covered-by/1";

  /**
   * How many receipts at the end of a log that is being written may lack a signed checkpoint
   * ({@link #forLiveLog()}): the few its writers have not signed yet (a {@code proctor hook}
   * process writes at most three receipts before its closing checkpoint).
   */
  public static final long LIVE_MAX_UNSIGNED = 16;

  private static final JsonFactory JSON = new JsonFactory();

  private final KeyRing keys;
  private final KeyRing witnessKeys;
  private final List<Checkpoint> trusted;
  private final long maxUnsigned;
  // Whether the caller stated maxUnsigned: only then may no checkpoint at all cover the receipts.
  private final boolean uncheckpointedAllowed;

  /** A verifier trusting the given keys (log and witness keys) and checkpoints. */
  public LogVerifier(KeyRing keys, List<Checkpoint> trusted) {
    this(keys, keys, trusted);
  }

  /**
   * A verifier trusting log keys for checkpoints and, separately, witness keys for co-signatures,
   * so that a witness key can never pass for a log key; every receipt must be covered by a signed
   * checkpoint.
   */
  public LogVerifier(KeyRing logKeys, KeyRing witnessKeys, List<Checkpoint> trusted) {
    this(logKeys, witnessKeys, trusted, 0, false);
  }

  private LogVerifier(
      KeyRing logKeys,
      KeyRing witnessKeys,
      List<Checkpoint> trusted,
      long maxUnsigned,
      boolean uncheckpointedAllowed) {
    this.keys = requireNonNull(logKeys, "logKeys is null");
    this.witnessKeys = requireNonNull(witnessKeys, "witnessKeys is null");
    this.trusted = List.copyOf(requireNonNull(trusted, "trusted is null"));
    if (maxUnsigned < 0) {
      throw new IllegalArgumentException("maxUnsigned must not be negative, was " + maxUnsigned);
    }
    this.maxUnsigned = maxUnsigned;
    this.uncheckpointedAllowed = uncheckpointedAllowed;
  }

  /**
   * This verifier, accepting up to {@code maxUnsigned} receipts at the end that no signed
   * checkpoint covers (more fail), also when no checkpoint covers any receipt; use a large number
   * only for a log whose writer crashed and that nobody has opened since, knowing that those
   * receipts could have been rewritten.
   */
  public LogVerifier withMaxUnsigned(long maxUnsigned) {
    return new LogVerifier(keys, witnessKeys, trusted, maxUnsigned, true);
  }

  /**
   * This verifier, for a log that is still being written and is read where it lives (its database):
   * up to {@value #LIVE_MAX_UNSIGNED} receipts after the last checkpoint may be unsigned, those its
   * writers have not signed yet; a log no checkpoint covers at all still fails. Not for files
   * handed around: whoever can edit one can drop its last checkpoint and rewrite that many
   * receipts.
   */
  public LogVerifier forLiveLog() {
    return new LogVerifier(keys, witnessKeys, trusted, LIVE_MAX_UNSIGNED, false);
  }

  /**
   * Verifies a stored log as its JSON Lines export reads, streamed through a pipe so that memory
   * stays bounded whatever the log's size.
   */
  public VerificationReport verify(LogReader store) throws IOException {
    PipedInputStream in = new PipedInputStream(1 << 20);
    PipedOutputStream pipe = new PipedOutputStream(in);
    IOException[] failure = {null};
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream o = new BufferedOutputStream(pipe, 1 << 16)) {
                LogExport.jsonLines(store, 0, Long.MAX_VALUE, o);
              } catch (IOException e) {
                failure[0] = e;
              }
            },
            "proctor-export");
    writer.start();
    VerificationReport report;
    try (in) {
      report = verify(in);
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] != null && report.intact()) {
      throw failure[0];
    }
    return report;
  }

  /** Verifies a stream of JSON Lines (or one proof document). */
  public VerificationReport verify(InputStream in) throws IOException {
    return new Run().run(new LineReader(in));
  }

  /** One expected root: a checkpoint or co-signature to compare when the log reaches its size. */
  private record Expectation(String root, long line, String what) {}

  private static final class Found extends Exception {
    private static final long serialVersionUID = 1L;
    final transient VerificationReport.Problem problem;

    Found(long seq, long line, String message) {
      super(message, null, false, false);
      this.problem = new VerificationReport.Problem(seq, line, message);
    }
  }

  private final class Run {
    private long lineNo;
    private long nextSeq;
    private String prev = ReceiptFormat.GENESIS_PREV;
    private Frontier frontier = Frontier.empty();
    private String logId;
    private long checkpoints;
    private long cosignatures;
    private final List<String> warnings = new ArrayList<>();
    private final TreeMap<Long, List<Expectation>> expected = new TreeMap<>();
    private long lastCheckpointSize = -1;
    // Where the receipts start (an export may start later) and the line of the first receipt no
    // signed checkpoint has covered yet.
    private long start;
    private long firstUnsignedLine;
    private boolean checkedToTheEnd;
    // A prev mismatch waiting for the next receipt to tell which receipt changed.
    private long suspectSeq = -1;
    private long suspectLine;
    private String suspectHash;
    private String suspectPrev;
    private String suspectPrevExpected;
    private long unverifiedCosignatures;
    // Roots of the signed checkpoints seen, by size: a co-signature written after later receipts
    // (the mirror appends them when they arrive) is compared with the checkpoint of its size.
    private final TreeMap<Long, String> signedRoots = new TreeMap<>();
    // Keys the log's handovers named, by id: they sign the checkpoints after the handover.
    private final Map<String, PublicKey> handedOver = new HashMap<>();

    VerificationReport run(LineReader lines) throws IOException {
      Optional<VerificationReport.Problem> problem = Optional.empty();
      try {
        for (Checkpoint c : trusted) {
          checkSignature(c, 0, "trusted checkpoint");
          logId(c.logId(), 0);
          expect(c.size(), new Expectation(c.root(), 0, "trusted checkpoint of size " + c.size()));
          lastCheckpointSize = Math.max(lastCheckpointSize, c.size());
        }
        byte[] first = lines.next();
        if (first != null && isProof(first)) {
          lineNo = 1;
          return proof(first, lines);
        }
        if (first != null && hasSchema(first, ConsistencyProof.SCHEMA)) {
          return consistency(first);
        }
        pipeline(first, lines);
        end();
        checkedToTheEnd = true;
        unsigned();
      } catch (Found f) {
        problem = Optional.of(f.problem);
      }
      if (problem.isEmpty()) {
        long uncovered = uncovered();
        if (lastCheckpointSize < 0 && frontier.size() > 0) {
          warnings.add("no signed checkpoint covers any receipt");
        } else if (uncovered > 0) {
          warnings.add(
              uncovered + " receipts after the last checkpoint are chained but not signed");
        }
        if (unverifiedCosignatures > 0) {
          warnings.add(
              unverifiedCosignatures + " co-signatures by witness keys not given were not checked");
        }
      }
      return new VerificationReport(
          frontier.size(),
          checkpoints,
          cosignatures,
          checkedToTheEnd ? uncovered() : 0,
          Optional.ofNullable(logId),
          HexFormat.of().formatHex(frontier.root()),
          warnings,
          problem);
    }

    /** The receipts at the end that no signed checkpoint covers. */
    private long uncovered() {
      return Math.max(0, frontier.size() - Math.max(start, lastCheckpointSize));
    }

    private void unsigned() throws Found {
      long n = uncovered();
      boolean none = lastCheckpointSize < 0 && n > 0;
      if (n <= maxUnsigned && (!none || uncheckpointedAllowed)) {
        return;
      }
      long from = frontier.size() - n;
      if (none && n <= maxUnsigned) {
        throw new Found(
            from,
            firstUnsignedLine,
            "no signed checkpoint covers any of the "
                + n
                + " receipts: a log with a signing key signs a checkpoint with its first receipts,"
                + " so its checkpoints were removed (and the receipts perhaps rewritten) or it was"
                + " written without a key; accepting unsigned receipts must be asked for");
      }
      String what =
          lastCheckpointSize < 0
              ? "no signed checkpoint covers any of the " + n + " receipts"
              : "the "
                  + n
                  + " receipts from "
                  + from
                  + " on are not covered by a signed checkpoint (the last covers "
                  + lastCheckpointSize
                  + ")";
      throw new Found(
          from,
          firstUnsignedLine,
          what
              + (maxUnsigned == 0 ? "; none may be" : "; at most " + maxUnsigned + " may be")
              + ": checkpoints were removed and receipts perhaps rewritten, or the log was still"
              + " being written or its last writer stopped before signing them (a log closed"
              + " cleanly signs a final checkpoint, an export ends covered by one, and opening the"
              + " log again signs its tail)");
    }

    /**
     * Parses and hashes lines on worker threads, chunk by chunk, while this thread checks them in
     * order: the checks are sequential, the expensive part is not.
     */
    private void pipeline(byte[] first, LineReader lines) throws IOException, Found {
      ArrayDeque<Future<Prepared[]>> inFlight = new ArrayDeque<>();
      byte[] carry = first;
      boolean more = first != null;
      try {
        while (more || !inFlight.isEmpty()) {
          while (more && inFlight.size() < 2 * Workers.PARALLELISM) {
            List<byte[]> chunk = new ArrayList<>(CHUNK);
            if (carry != null) {
              chunk.add(carry);
              carry = null;
            }
            byte[] line;
            while (chunk.size() < CHUNK && (line = lines.next()) != null) {
              chunk.add(line);
            }
            more = chunk.size() == CHUNK;
            if (!chunk.isEmpty()) {
              inFlight.add(Workers.POOL.submit(() -> prepare(chunk)));
            }
          }
          if (inFlight.isEmpty()) {
            break;
          }
          Prepared[] ready;
          try {
            ready = inFlight.poll().get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          } catch (ExecutionException e) {
            throw new IOException(e.getCause());
          }
          for (Prepared p : ready) {
            lineNo++;
            handle(p);
          }
        }
      } finally {
        inFlight.forEach(f -> f.cancel(true));
      }
    }

    private void handle(Prepared p) throws Found {
      if (p.error() != null) {
        throw bad("not a JSON object: " + firstLine(p.error()));
      }
      Head h = p.head();
      byte[] line = p.line();
      switch (h.schema == null ? "" : h.schema) {
        case ReceiptFormat.SCHEMA -> receipt(line, h, p.leaf());
        case Checkpoint.SCHEMA -> checkpoint(line);
        case Cosignature.SCHEMA -> cosignature(line);
        case COVERED_BY_SCHEMA -> coveredBy(line);
        case EXPORT_SCHEMA -> header(line);
        default -> throw bad("unknown line schema " + h.schema);
      }
    }

    private Found bad(String message) {
      return new Found(nextSeq, lineNo, message);
    }

    private void receipt(byte[] line, Head h, byte[] leaf) throws Found {
      String hash = HexFormat.of().formatHex(leaf);
      if (suspectSeq >= 0) {
        // This receipt decides which of the two before it changed.
        if (h.seq == suspectSeq + 1 && suspectHash.equals(h.prev)) {
          throw new Found(
              suspectSeq - 1,
              suspectLine - 1,
              "receipt changed: its hash does not match the prev of receipt " + suspectSeq);
        }
        throw new Found(
            suspectSeq, suspectLine, "prev does not match the hash of receipt " + (suspectSeq - 1));
      }
      if (h.seq < 0) {
        throw bad("receipt has no valid seq");
      }
      if (h.seq != nextSeq) {
        if (h.seq > nextSeq) {
          throw bad("receipt " + nextSeq + " is missing (found seq " + h.seq + " here)");
        }
        throw bad("found receipt " + h.seq + " where receipt " + nextSeq + " belongs");
      }
      if (h.prev == null || h.id == null) {
        throw bad("receipt lacks prev or id");
      }
      if (!h.prev.equals(prev)) {
        suspectSeq = nextSeq;
        suspectLine = lineNo;
        suspectHash = hash;
        suspectPrev = h.prev;
        suspectPrevExpected = prev;
      }
      if (h.seq == Math.max(start, lastCheckpointSize)) {
        firstUnsignedLine = lineNo;
      }
      frontier.append(leaf, (level, index, node) -> {});
      prev = hash;
      nextSeq++;
      if (suspectSeq < 0) {
        reached();
      }
    }

    private void reached() throws Found {
      if (suspectSeq >= 0) {
        return;
      }
      List<Expectation> due = expected.remove(frontier.size());
      if (due == null) {
        return;
      }
      String root = HexFormat.of().formatHex(frontier.root());
      for (Expectation e : due) {
        if (!e.root().equals(root)) {
          throw new Found(
              frontier.size() - 1,
              e.line() == 0 ? lineNo : e.line(),
              "the receipts up to here do not match the "
                  + e.what()
                  + " (root "
                  + e.root()
                  + ", log root "
                  + root
                  + "): changed, or a forked history");
        }
      }
    }

    private void checkpoint(byte[] line) throws Found {
      Checkpoint c;
      try {
        c = Checkpoint.fromJson(Json.MAPPER.readTree(line));
      } catch (IOException | RuntimeException e) {
        throw new Found(-1, lineNo, "bad checkpoint: " + firstLine(e.getMessage()));
      }
      checkSignature(c, lineNo, "checkpoint");
      logId(c.logId(), lineNo);
      checkpoints++;
      lastCheckpointSize = Math.max(lastCheckpointSize, c.size());
      signedRoots.put(c.size(), c.root());
      Expectation e =
          new Expectation(
              c.root(), lineNo, "checkpoint of size " + c.size() + " on line " + lineNo);
      if (c.size() < frontier.size()) {
        throw new Found(
            -1,
            lineNo,
            "checkpoint of size "
                + c.size()
                + " comes after receipt "
                + (frontier.size() - 1)
                + ": checkpoints follow the last receipt they cover");
      }
      expect(c.size(), e);
    }

    private void cosignature(byte[] line) throws Found {
      Cosignature c;
      try {
        c = Cosignature.fromJson(Json.MAPPER.readTree(line));
      } catch (IOException | RuntimeException e) {
        throw new Found(-1, lineNo, "bad co-signature: " + firstLine(e.getMessage()));
      }
      if (witnessKeys.key(c.witnessKeyId()).isEmpty()) {
        unverifiedCosignatures++;
        return;
      }
      try {
        c.verify(witnessKeys);
      } catch (ProofException e) {
        throw new Found(-1, lineNo, "co-signature: " + e.getMessage());
      }
      logId(c.logId(), lineNo);
      cosignatures++;
      Expectation e =
          new Expectation(
              c.root(), lineNo, "witness co-signature of size " + c.size() + " on line " + lineNo);
      if (c.size() == frontier.size()) {
        expect(c.size(), e);
        reached();
      } else if (c.size() > frontier.size()) {
        expect(c.size(), e);
      } else if (signedRoots.containsKey(c.size()) && !signedRoots.get(c.size()).equals(c.root())) {
        throw new Found(
            -1,
            lineNo,
            "witness co-signature of size "
                + c.size()
                + " has root "
                + c.root()
                + ", the checkpoint of that size "
                + signedRoots.get(c.size())
                + ": a forked history");
      }
    }

    /**
     * A later checkpoint with the consistency proof that the receipts so far are its prefix: it
     * covers them as if it were a checkpoint of their size.
     */
    private void coveredBy(byte[] line) throws Found {
      JsonNode n;
      Checkpoint c;
      long size;
      List<byte[]> proof = new ArrayList<>();
      try {
        n = Json.MAPPER.readTree(line);
        c = Checkpoint.fromJson(n.get("checkpoint"));
        JsonNode s = n.get("size");
        if (s == null || !s.canConvertToLong()) {
          throw new IllegalArgumentException("/size must be a whole number");
        }
        size = s.asLong();
        for (JsonNode h : n.path("proof")) {
          proof.add(HexFormat.of().parseHex(h.asText()));
        }
      } catch (IOException | RuntimeException e) {
        throw new Found(-1, lineNo, "bad covering checkpoint: " + firstLine(e.getMessage()));
      }
      checkSignature(c, lineNo, "covering checkpoint");
      logId(c.logId(), lineNo);
      if (size != frontier.size()) {
        throw new Found(
            -1,
            lineNo,
            "a covering checkpoint for "
                + size
                + " receipts follows receipt "
                + (frontier.size() - 1)
                + ": it must follow the last receipt");
      }
      if (suspectSeq >= 0) {
        return; // The chain is broken just before: end() names the receipt.
      }
      try {
        Merkle.verifyConsistency(size, c.size(), proof, frontier.root(), c.rootBytes());
      } catch (ProofException e) {
        throw new Found(
            frontier.size() - 1,
            lineNo,
            "the receipts up to here do not extend to the checkpoint of size "
                + c.size()
                + " (root "
                + c.root()
                + "): "
                + e.getMessage()
                + "; changed, or a forked history");
      }
      checkpoints++;
      signedRoots.put(c.size(), c.root());
      lastCheckpointSize = Math.max(lastCheckpointSize, size);
    }

    private void header(byte[] line) throws Found {
      if (lineNo != 1) {
        throw new Found(-1, lineNo, "an export header may only be the first line");
      }
      try {
        JsonNode n = Json.MAPPER.readTree(line);
        logId(n.path("logId").asText(), lineNo);
        long from = n.path("from").asLong(-1);
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode f : n.path("frontier")) {
          hashes.add(HexFormat.of().parseHex(f.asText()));
        }
        frontier = new Frontier(from, hashes);
        prev = n.path("prev").asText();
        nextSeq = from;
        start = Math.max(0, from);
      } catch (IOException | RuntimeException e) {
        throw new Found(-1, lineNo, "bad export header: " + firstLine(e.getMessage()));
      }
      if (nextSeq > 0) {
        warnings.add(
            "the export starts at receipt "
                + nextSeq
                + "; its header's frontier is trusted only as far as later checkpoints confirm it");
      }
    }

    private void end() throws Found {
      if (suspectSeq >= 0) {
        String actual = suspectPrevExpected;
        int differing = 0;
        for (int i = 0; i < Math.min(actual.length(), suspectPrev.length()); i++) {
          if (actual.charAt(i) != suspectPrev.charAt(i)) {
            differing++;
          }
        }
        differing += Math.abs(actual.length() - suspectPrev.length());
        if (differing > 8) {
          throw new Found(
              suspectSeq - 1,
              suspectLine - 1,
              "receipt changed: its hash does not match the prev of receipt " + suspectSeq);
        }
        throw new Found(
            suspectSeq, suspectLine, "prev does not match the hash of receipt " + (suspectSeq - 1));
      }
      if (!expected.isEmpty()) {
        var first = expected.firstEntry();
        throw new Found(
            frontier.size(),
            lineNo + 1,
            "the log ends after "
                + frontier.size()
                + " receipts but the "
                + first.getValue().get(0).what()
                + " covers "
                + first.getKey()
                + ": receipts from "
                + frontier.size()
                + " on are missing (truncated)");
      }
    }

    private void expect(long size, Expectation e) throws Found {
      if (size < frontier.size()) {
        throw new Found(
            -1,
            e.line(),
            "the "
                + e.what()
                + " covers fewer receipts than precede it; it cannot be checked here");
      }
      expected.computeIfAbsent(size, k -> new ArrayList<>()).add(e);
      if (size == frontier.size()) {
        reached();
      }
    }

    /**
     * Checks a checkpoint's signature by a key on the ring or a key an earlier handover of the log
     * named; a handover makes its next key acceptable for the checkpoints after it.
     */
    private void checkSignature(Checkpoint c, long line, String what) throws Found {
      try {
        PublicKey handed = handedOver.get(c.keyId());
        if (handed != null && keys.key(c.keyId()).isEmpty()) {
          KeyRing.of(List.of(handed)).verify(c);
        } else {
          keys.verify(c);
        }
      } catch (ProofException e) {
        throw new Found(-1, line, what + " of size " + c.size() + ": " + e.getMessage());
      }
      c.nextPublicKey().ifPresent(k -> handedOver.put(KeyFiles.keyId(k), k));
    }

    private void logId(String id, long line) throws Found {
      if (logId == null) {
        logId = id;
      } else if (!logId.equals(id)) {
        throw new Found(-1, line, "belongs to log " + id + ", not " + logId);
      }
    }

    private VerificationReport proof(byte[] first, LineReader lines) throws IOException {
      Optional<VerificationReport.Problem> problem = Optional.empty();
      long seq = -1;
      String root = HexFormat.of().formatHex(Merkle.emptyRoot());
      try {
        if (lines.next() != null) {
          throw new Found(-1, 2, "a proof document is one line");
        }
        ReceiptProof p = ReceiptProof.fromJson(Json.MAPPER.readTree(first));
        seq = p.leafIndex();
        Head h = Head.parse(p.receiptJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (h.seq != p.leafIndex()) {
          throw new Found(seq, 1, "the receipt's seq " + h.seq + " is not the proof's leaf index");
        }
        for (Checkpoint c : trusted) {
          keys.verify(c);
          if (c.size() == p.checkpoint().size() && !c.root().equals(p.checkpoint().root())) {
            throw new Found(seq, 1, "the proof's checkpoint forks from the trusted checkpoint");
          }
        }
        p.verify(keys);
        logId = p.checkpoint().logId();
        root = p.checkpoint().root();
        checkpoints = 1;
        if (trusted.stream().anyMatch(c -> c.size() != p.checkpoint().size())) {
          warnings.add("trusted checkpoints of other sizes need a consistency proof; not checked");
        }
      } catch (Found f) {
        problem = Optional.of(f.problem);
      } catch (ProofException e) {
        problem = Optional.of(new VerificationReport.Problem(seq, 1, e.getMessage()));
      } catch (IOException | RuntimeException e) {
        problem =
            Optional.of(
                new VerificationReport.Problem(seq, 1, "bad proof: " + firstLine(e.getMessage())));
      }
      return new VerificationReport(
          problem.isEmpty() ? 1 : 0,
          checkpoints,
          0,
          0,
          Optional.ofNullable(logId),
          root,
          warnings,
          problem);
    }
  }

  /** Verifies a {@code proctor.consistency/1} document: two checkpoints and the proof between. */
  private VerificationReport consistency(byte[] line) {
    Optional<VerificationReport.Problem> problem = Optional.empty();
    String logId = null;
    String root = HexFormat.of().formatHex(Merkle.emptyRoot());
    String what = "a consistency proof";
    try {
      ConsistencyProof p =
          ConsistencyProof.fromJson(new String(line, java.nio.charset.StandardCharsets.UTF_8));
      p.verify(keys);
      for (Checkpoint t : trusted) {
        keys.verify(t);
        for (Checkpoint c : List.of(p.from(), p.to())) {
          if (t.logId().equals(c.logId()) && t.size() == c.size() && !t.root().equals(c.root())) {
            throw new ProofException(
                "the checkpoint of size " + c.size() + " forks from the trusted checkpoint");
          }
        }
      }
      logId = p.to().logId();
      root = p.to().root();
      what = "the log grew consistently from size " + p.from().size() + " to " + p.to().size();
    } catch (ProofException e) {
      problem = Optional.of(new VerificationReport.Problem(-1, 1, e.getMessage()));
    } catch (RuntimeException e) {
      problem =
          Optional.of(
              new VerificationReport.Problem(
                  -1, 1, "bad consistency proof: " + firstLine(e.getMessage())));
    }
    return new VerificationReport(
        0,
        problem.isEmpty() ? 2 : 0,
        0,
        0,
        Optional.ofNullable(logId),
        root,
        List.of(what + " (a consistency proof: no receipt was read)"),
        problem);
  }

  private static boolean hasSchema(byte[] line, String schema) {
    try {
      return schema.equals(Head.parse(line).schema);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static final int CHUNK = 1024;

  /** One line parsed and hashed ahead of the in-order checks. */
  private record Prepared(byte[] line, Head head, byte[] leaf, String error) {}

  private static Prepared[] prepare(List<byte[]> chunk) {
    Prepared[] out = new Prepared[chunk.size()];
    for (int i = 0; i < out.length; i++) {
      byte[] line = chunk.get(i);
      try {
        Head h = Head.parse(line);
        byte[] leaf = ReceiptFormat.SCHEMA.equals(h.schema) ? Merkle.leafHash(line) : null;
        out[i] = new Prepared(line, h, leaf, null);
      } catch (IOException | RuntimeException e) {
        out[i] = new Prepared(line, null, null, String.valueOf(e.getMessage()));
      }
    }
    return out;
  }

  /** The shared worker threads (daemons) that parse and hash lines. */
  private static final class Workers {
    static final int PARALLELISM = Math.max(1, Runtime.getRuntime().availableProcessors());
    static final ExecutorService POOL =
        Executors.newFixedThreadPool(
            PARALLELISM,
            r -> {
              Thread t = new Thread(r, "proctor-verify");
              t.setDaemon(true);
              return t;
            });

    private Workers() {}
  }

  private static boolean isProof(byte[] line) {
    try {
      return ReceiptProof.SCHEMA.equals(Head.parse(line).schema);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The top-level fields of a line the verifier needs, read without building a tree. */
  private static final class Head {
    String schema;
    long seq = -1;
    String prev;
    String id;

    static Head parse(byte[] line) throws IOException {
      Head h = new Head();
      try (JsonParser p = JSON.createParser(line)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("not an object");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonToken v = p.nextToken();
          switch (name) {
            case "schema" -> h.schema = v == JsonToken.VALUE_STRING ? p.getText() : null;
            case "seq" -> h.seq = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
            case "prev" -> h.prev = v == JsonToken.VALUE_STRING ? p.getText() : null;
            case "id" -> h.id = v == JsonToken.VALUE_STRING ? p.getText() : null;
            default -> p.skipChildren();
          }
        }
        if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
          throw new IOException("trailing content after the object");
        }
      }
      return h;
    }
  }

  /** Splits a byte stream at newlines; a last line without its newline is still returned. */
  static final class LineReader {
    private final InputStream in;
    private byte[] buf = new byte[1 << 20];
    private int start;
    private int end;
    private boolean eof;

    LineReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws IOException {
      int scanFrom = start;
      while (true) {
        for (int i = scanFrom; i < end; i++) {
          if (buf[i] == '\n') {
            byte[] line = Arrays.copyOfRange(buf, start, i);
            start = i + 1;
            return line;
          }
        }
        if (eof) {
          if (start < end) {
            byte[] line = Arrays.copyOfRange(buf, start, end);
            start = end;
            return line;
          }
          return null;
        }
        scanFrom = end - start;
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
          eof = true;
        } else {
          end += n;
        }
      }
    }
  }
}

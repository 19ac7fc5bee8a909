package dev.proctor.server.witness;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.Cosignature;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.Merkle;
import dev.proctor.audit.ProofException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint witness: it remembers the latest checkpoint it co-signed for each log, accepts a new
 * one only when it is signed by a trusted log key and provably consistent with that one, and then
 * co-signs it with its own Ed25519 key. Anything else is refused, and a contradiction — two roots
 * for one size, a failed consistency proof, a log that claims to have shrunk — is kept as evidence.
 *
 * <p>Why it stores only the latest checkpoint per log: RFC 9162 consistency proofs chain, so a
 * witness that checked every step from its last view needs nothing older to catch a fork. Its view
 * is written to disk (atomically, forced) before a co-signature is returned, so a restart never
 * lets it forget what it vouched for. The first checkpoint of a log it has never seen is accepted
 * as is (trust on first use): start a witness before the log has anything to hide.
 *
 * <p>Why a new log id from a key it knows is refused: a log's id is fixed when its database is
 * created, so wiping the database and starting again — a history rewritten from nothing — shows up
 * as a new log signed by the same key. Trust on first use would co-sign it. So once a key signs one
 * log the witness holds, a checkpoint of another log id signed by that key is refused ({@code
 * new_log}, with evidence) until an operator enrols the new id ({@link #enrol}), vouching out of
 * band that the log was recreated on purpose.
 *
 * <p>How the size rules read: a larger size needs a consistency proof from the witnessed size; the
 * same size must have the same root; a smaller size is refused — as a {@code rollback}, with
 * evidence, when it is signed later than the witnessed one (the log claims to have shrunk), else as
 * {@code stale} (an old checkpoint that arrived late).
 */
public final class Witness {

  private static final Logger LOG = LoggerFactory.getLogger(Witness.class);

  /** What a log id may look like: it becomes a file name. */
  static final Pattern LOG_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private final WitnessDirectory dir;
  private final CheckpointSigner key;
  private final KeyRing trustedLogKeys;
  private final Clock clock;
  private final Map<String, Checkpoint> seen;

  /** Why a checkpoint was refused; the code is what the HTTP answer carries. */
  public enum Reason {
    /** Signed by a key the witness does not trust. */
    UNTRUSTED_KEY("untrusted_key"),
    /** The signature does not verify. */
    BAD_SIGNATURE("bad_signature"),
    /** Older than what the witness holds, or the proof starts at the wrong size: retry. */
    STALE("stale"),
    /** Not consistent with what the witness holds: a forked history. */
    FORK("fork"),
    /** The log claims, later, a smaller size than the witness holds. */
    ROLLBACK("rollback"),
    /** A log id the witness has not seen, signed by a key that signs a log it holds. */
    NEW_LOG("new_log");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The wire code. */
    public String code() {
      return code;
    }
  }

  /** The witness's answer to a checkpoint. */
  public sealed interface Verdict permits Cosigned, Refused {}

  /** Accepted and co-signed. */
  public record Cosigned(Cosignature cosignature) implements Verdict {
    public Cosigned {
      requireNonNull(cosignature, "cosignature is null");
    }
  }

  /** Refused, with the checkpoint the witness holds and the evidence file, when there is one. */
  public record Refused(
      Reason reason, String message, Optional<Checkpoint> witnessed, Optional<Path> evidence)
      implements Verdict {
    public Refused {
      requireNonNull(reason, "reason is null");
      requireNonNull(message, "message is null");
      requireNonNull(witnessed, "witnessed is null");
      requireNonNull(evidence, "evidence is null");
    }
  }

  private Witness(
      WitnessDirectory dir,
      CheckpointSigner key,
      KeyRing trustedLogKeys,
      Clock clock,
      Map<String, Checkpoint> seen) {
    this.dir = dir;
    this.key = key;
    this.trustedLogKeys = trustedLogKeys;
    this.clock = clock;
    this.seen = seen;
  }

  /**
   * Opens a witness over its directory, reading what it has seen; refuses to start without a
   * trusted log key or with a state file it cannot read.
   */
  public static Witness open(
      WitnessDirectory dir, CheckpointSigner key, KeyRing trustedLogKeys, Clock clock)
      throws IOException {
    requireNonNull(dir, "dir is null");
    requireNonNull(key, "key is null");
    requireNonNull(trustedLogKeys, "trustedLogKeys is null");
    requireNonNull(clock, "clock is null");
    if (trustedLogKeys.keyIds().isEmpty()) {
      throw new IllegalArgumentException(
          "the witness trusts no log key; give --trust-log-key or put keys in "
              + dir.trustedLogKeys());
    }
    Files.createDirectories(dir.logs());
    Files.createDirectories(dir.forks());
    Map<String, Checkpoint> seen = new HashMap<>();
    try (Stream<Path> files = Files.list(dir.logs())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        Checkpoint c;
        try {
          c = Checkpoint.fromJson(Files.readString(f, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          throw new IOException(f + ": not a checkpoint: " + e.getMessage(), e);
        }
        if (!f.getFileName().toString().equals(c.logId() + ".json")) {
          throw new IOException(f + " holds a checkpoint of log " + c.logId());
        }
        seen.put(c.logId(), c);
      }
    }
    return new Witness(dir, key, trustedLogKeys, clock, seen);
  }

  /** Loads the witness key from its directory, creating it (mode 0600) on first use. */
  public static CheckpointSigner loadOrCreateKey(WitnessDirectory dir) throws IOException {
    if (!Files.exists(dir.signingKey())) {
      String id = KeyFiles.create(dir.signingKey(), dir.publicKeys());
      LOG.info("created witness key {} at {}", id, dir.signingKey());
    }
    return KeyFiles.loadSigner(dir.signingKey());
  }

  /** The witness's key id: lower-case hex SHA-256 of its public key. */
  public String keyId() {
    return key.keyId();
  }

  /** The witness's public key as PEM, for log operators and verifiers. */
  public String publicKeyPem() {
    return KeyFiles.publicPem(key.publicKey());
  }

  /** The latest checkpoint the witness co-signed for a log. */
  public synchronized Optional<Checkpoint> witnessed(String logId) {
    return Optional.ofNullable(seen.get(logId));
  }

  /**
   * Checks a checkpoint against what the witness holds for its log, with the consistency proof from
   * size {@code fromSize} (the size the submitter believes the witness holds), and co-signs it or
   * refuses it; throws {@link IllegalArgumentException} for a malformed submission and {@link
   * IOException} when the witness cannot record its view (then nothing is co-signed).
   */
  public synchronized Verdict submit(Checkpoint c, long fromSize, List<byte[]> proof)
      throws IOException {
    requireNonNull(c, "checkpoint is null");
    requireNonNull(proof, "proof is null");
    if (!LOG_ID.matcher(c.logId()).matches()) {
      throw new IllegalArgumentException(
          "/checkpoint/logId must be 1 to 128 letters, digits, '.', '_' or '-'");
    }
    if (fromSize > c.size()) {
      throw new IllegalArgumentException(
          "/fromSize " + fromSize + " is beyond the checkpoint's size " + c.size());
    }
    if (trustedLogKeys.key(c.keyId()).isEmpty()) {
      return refused(
          Reason.UNTRUSTED_KEY,
          "the checkpoint is signed by key " + c.keyId() + ", which this witness does not trust",
          Optional.empty());
    }
    try {
      trustedLogKeys.verify(c);
    } catch (ProofException e) {
      return refused(
          Reason.BAD_SIGNATURE, "the checkpoint's signature: " + e.getMessage(), Optional.empty());
    }
    Checkpoint w = seen.get(c.logId());
    if (w == null) {
      if (fromSize != 0) {
        return refused(
            Reason.STALE,
            "this witness has seen nothing of log " + c.logId() + "; send fromSize 0",
            Optional.empty());
      }
      Optional<Checkpoint> sibling = sameKey(c);
      if (sibling.isPresent() && !Files.exists(enrolment(dir, c.logId()))) {
        Checkpoint other = sibling.get();
        return fork(
            Reason.NEW_LOG,
            "key "
                + c.keyId()
                + " signs log "
                + other.logId()
                + " (witnessed at size "
                + other.size()
                + ", "
                + other.time()
                + "); a new log id from the same key may be a wiped and rewritten history. If the"
                + " log was recreated on purpose, enrol it on the witness: proctor witness enrol "
                + c.logId(),
            other,
            c,
            fromSize,
            proof);
      }
      return cosign(c);
    }
    if (c.size() == w.size()) {
      if (c.root().equals(w.root())) {
        return cosign(c.time().isAfter(w.time()) ? c : w, c);
      }
      return fork(Reason.FORK, "two different roots for size " + c.size(), w, c, fromSize, proof);
    }
    if (c.size() < w.size()) {
      if (c.time().isAfter(w.time())) {
        return fork(
            Reason.ROLLBACK,
            "the log claims size "
                + c.size()
                + " at "
                + c.time()
                + " after claiming size "
                + w.size()
                + " at "
                + w.time(),
            w,
            c,
            fromSize,
            proof);
      }
      return refused(
          Reason.STALE,
          "this witness has seen size " + w.size() + " of the log already",
          Optional.of(w));
    }
    if (fromSize != w.size()) {
      return refused(
          Reason.STALE,
          "the consistency proof must start at size " + w.size() + ", not " + fromSize,
          Optional.of(w));
    }
    try {
      Merkle.verifyConsistency(w.size(), c.size(), proof, w.rootBytes(), c.rootBytes());
    } catch (ProofException e) {
      return fork(
          Reason.FORK,
          "not consistent with the witnessed checkpoint of size "
              + w.size()
              + ": "
              + e.getMessage(),
          w,
          c,
          fromSize,
          proof);
    }
    return cosign(c);
  }

  /** The latest checkpoint the witness holds of another log signed by the same key. */
  private Optional<Checkpoint> sameKey(Checkpoint c) {
    Checkpoint found = null;
    for (Checkpoint held : seen.values()) {
      if (held.keyId().equals(c.keyId())
          && !held.logId().equals(c.logId())
          && (found == null || held.time().isAfter(found.time()))) {
        found = held;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Enrols a log id: the witness will accept its first checkpoint although its key signs another
   * log the witness holds (a log recreated on purpose). Works while the witness runs; returns the
   * enrolment file.
   */
  public static Path enrol(WitnessDirectory dir, String logId, Instant now) throws IOException {
    requireNonNull(dir, "dir is null");
    requireNonNull(logId, "logId is null");
    requireNonNull(now, "now is null");
    if (!LOG_ID.matcher(logId).matches()) {
      throw new IllegalArgumentException(
          "a log id is 1 to 128 letters, digits, '.', '_' or '-', not '" + logId + "'");
    }
    ObjectNode e = WireJson.MAPPER.createObjectNode();
    e.put("schema", "proctor.enrolment/1");
    e.put("logId", logId);
    e.put("enrolledAt", now.toString());
    Path file = enrolment(dir, logId);
    writeAtomically(file, CanonicalJson.write(e) + "\n");
    LOG.info("enrolled log {} in {}", logId, file);
    return file;
  }

  private static Path enrolment(WitnessDirectory dir, String logId) {
    return dir.enrolled().resolve(logId + ".json");
  }

  private Verdict cosign(Checkpoint c) throws IOException {
    return cosign(c, c);
  }

  /** Records {@code keep} as the witness's view, then co-signs {@code signed}. */
  private Verdict cosign(Checkpoint keep, Checkpoint signed) throws IOException {
    if (!keep.equals(seen.get(keep.logId()))) {
      writeAtomically(dir.logs().resolve(keep.logId() + ".json"), keep.toJson() + "\n");
      seen.put(keep.logId(), keep);
    }
    return new Cosigned(Cosignature.sign(signed, key, clock.instant()));
  }

  private static Refused refused(Reason reason, String message, Optional<Checkpoint> witnessed) {
    return new Refused(reason, message, witnessed, Optional.empty());
  }

  private Refused fork(
      Reason reason,
      String message,
      Checkpoint witnessed,
      Checkpoint submitted,
      long fromSize,
      List<byte[]> proof)
      throws IOException {
    Instant now = clock.instant();
    ObjectNode e = WireJson.MAPPER.createObjectNode();
    e.put("schema", "proctor.fork-evidence/1");
    e.put("kind", reason.code());
    e.put("logId", submitted.logId());
    e.put("detectedAt", now.toString());
    e.put("witnessKeyId", key.keyId());
    e.put("message", message);
    e.set("witnessed", WireJson.object(witnessed));
    e.set("submitted", WireJson.object(submitted));
    e.put("fromSize", fromSize);
    e.set("proof", WireJson.hexArray(proof));
    String base = submitted.logId() + "-" + now.toEpochMilli() + "-" + reason.code();
    Path file = dir.forks().resolve(base + ".json");
    for (int i = 2; Files.exists(file); i++) {
      file = dir.forks().resolve(base + "-" + i + ".json");
    }
    writeAtomically(file, CanonicalJson.write(e) + "\n");
    LOG.error(
        "{} of log {} refused: {}; witnessed size {} root {}, submitted size {} root {};"
            + " evidence in {}",
        reason.code().toUpperCase(java.util.Locale.ROOT),
        submitted.logId(),
        message,
        witnessed.size(),
        witnessed.root(),
        submitted.size(),
        submitted.root(),
        file);
    return new Refused(reason, message, Optional.of(witnessed), Optional.of(file));
  }

  /** Writes a file whole or not at all: a forced temporary file moved into place. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = parent.resolve(file.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(parent, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot force a directory; the rename is still atomic.
      LOG.debug("cannot force directory {}: {}", parent, e.getMessage());
    }
  }
}

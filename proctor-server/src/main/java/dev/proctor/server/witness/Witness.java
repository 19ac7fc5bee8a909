package dev.proctor.server.witness;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.security.PublicKey;
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
 * as a new log signed by the same key. Trust on first use would co-sign it. So the witness keeps,
 * per log it holds, every key that signed it or was handed it ({@code log-keys/}), and a checkpoint
 * of another log id signed by one of them, or whose handovers lead back to one of them, is refused
 * ({@code new_log}, with evidence) until an operator enrols the new id ({@link #enrol}), vouching
 * out of band that the log was recreated on purpose. A log id refused once stays refused, whatever
 * key signs it later, until it is enrolled: the evidence in {@code forks/} is read at start-up, so
 * rotating the key of a wiped log — and trusting the new key — does not get it co-signed.
 *
 * <p>How a key rotation is followed: the old key signs a handover, a checkpoint naming the next key
 * (see {@link Checkpoint}); a submission carries the log's handovers, and a handover signed by a
 * key of the log makes the next key a key of that log — for that log only, and without the operator
 * trusting it. A trusted key may also sign a log it holds (its consistency proofs protect the
 * history) and becomes one of its keys. What stays open: a trusted key that signs no log the
 * witness holds starts a new log on first use, so trust a key only for a new log — a rotated key
 * needs no trust, its handover carries it.
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
  // Every key that signed, or was handed, each log the witness holds.
  private final Map<String, Map<String, PublicKey>> logKeys;
  // The log ids the witness refused with evidence, and what it held against them.
  private final Map<String, Evidence> refusedBefore;

  /** The most handovers one submission may carry. */
  public static final int MAX_HANDOVERS = 32;

  private static final String LOG_KEYS_SCHEMA = "proctor.witness-log-keys/1";

  /** A refusal recorded in {@code forks/}: its kind, file and the checkpoint held against it. */
  private record Evidence(String kind, Path file, Checkpoint witnessed) {}

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
      Map<String, Checkpoint> seen,
      Map<String, Map<String, PublicKey>> logKeys,
      Map<String, Evidence> refusedBefore) {
    this.dir = dir;
    this.key = key;
    this.trustedLogKeys = trustedLogKeys;
    this.clock = clock;
    this.seen = seen;
    this.logKeys = logKeys;
    this.refusedBefore = refusedBefore;
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
    Map<String, Map<String, PublicKey>> logKeys = readLogKeys(dir);
    for (Checkpoint c : seen.values()) {
      // A view written before the witness kept log keys: its signer is the log's key.
      if (!logKeys.containsKey(c.logId())) {
        trustedLogKeys
            .key(c.keyId())
            .ifPresent(k -> logKeys.put(c.logId(), new HashMap<>(Map.of(c.keyId(), k))));
      }
    }
    return new Witness(dir, key, trustedLogKeys, clock, seen, logKeys, readEvidence(dir));
  }

  private static Map<String, Map<String, PublicKey>> readLogKeys(WitnessDirectory dir)
      throws IOException {
    Map<String, Map<String, PublicKey>> out = new HashMap<>();
    if (!Files.isDirectory(dir.logKeys())) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir.logKeys())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          JsonNode n = WireJson.parse(Files.readString(f, StandardCharsets.UTF_8));
          if (!LOG_KEYS_SCHEMA.equals(n.path("schema").asText())) {
            throw new IllegalArgumentException("not a " + LOG_KEYS_SCHEMA + " object");
          }
          String logId = n.path("logId").asText();
          if (!f.getFileName().toString().equals(logId + ".json")) {
            throw new IllegalArgumentException("it holds the keys of log " + logId);
          }
          Map<String, PublicKey> keys = new HashMap<>();
          for (var e : n.path("keys").properties()) {
            PublicKey k = KeyFiles.parsePublicPem(e.getValue().asText());
            if (!KeyFiles.keyId(k).equals(e.getKey())) {
              throw new IllegalArgumentException("key " + e.getKey() + " does not match its id");
            }
            keys.put(e.getKey(), k);
          }
          out.put(logId, keys);
        } catch (IllegalArgumentException e) {
          throw new IOException(f + ": not a list of log keys: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  /** The refusals recorded in {@code forks/}, by log id: the latest one of each. */
  private static Map<String, Evidence> readEvidence(WitnessDirectory dir) throws IOException {
    Map<String, Evidence> out = new HashMap<>();
    try (Stream<Path> files = Files.list(dir.forks())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          JsonNode n = WireJson.parse(Files.readString(f, StandardCharsets.UTF_8));
          String logId = n.path("logId").asText();
          if (!LOG_ID.matcher(logId).matches()) {
            throw new IllegalArgumentException("/logId is not a log id");
          }
          out.put(
              logId,
              new Evidence(
                  n.path("kind").asText(),
                  f,
                  WireJson.checkpoint(n.get("witnessed"), "/witnessed")));
        } catch (IllegalArgumentException e) {
          // The witness must not forget a refusal: unreadable evidence stops it.
          throw new IOException(f + ": not fork evidence: " + e.getMessage(), e);
        }
      }
    }
    return out;
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
    return submit(c, fromSize, proof, List.of());
  }

  /**
   * As {@link #submit(Checkpoint, long, List)}, with the log's handovers (oldest first): each one
   * signed by a key of the log (or a trusted key) makes the key it names a key of this log.
   */
  public synchronized Verdict submit(
      Checkpoint c, long fromSize, List<byte[]> proof, List<Checkpoint> handovers)
      throws IOException {
    requireNonNull(c, "checkpoint is null");
    requireNonNull(proof, "proof is null");
    requireNonNull(handovers, "handovers is null");
    if (!LOG_ID.matcher(c.logId()).matches()) {
      throw new IllegalArgumentException(
          "/checkpoint/logId must be 1 to 128 letters, digits, '.', '_' or '-'");
    }
    if (fromSize > c.size()) {
      throw new IllegalArgumentException(
          "/fromSize " + fromSize + " is beyond the checkpoint's size " + c.size());
    }
    if (handovers.size() > MAX_HANDOVERS) {
      throw new IllegalArgumentException(
          "/handovers has " + handovers.size() + " checkpoints; at most " + MAX_HANDOVERS);
    }
    Map<String, PublicKey> keys = new HashMap<>(logKeys.getOrDefault(c.logId(), Map.of()));
    for (int i = 0; i < handovers.size(); i++) {
      Checkpoint h = handovers.get(i);
      String at = "/handovers/" + i;
      if (!h.logId().equals(c.logId())) {
        throw new IllegalArgumentException(at + " is a checkpoint of log " + h.logId());
      }
      PublicKey next =
          h.nextPublicKey()
              .orElseThrow(() -> new IllegalArgumentException(at + " names no nextKey"));
      Optional<PublicKey> signer = keyOf(keys, h.keyId());
      if (signer.isEmpty()) {
        continue; // Signed by a key this witness never knew: it vouches for nothing here.
      }
      try {
        KeyRing.of(List.of(signer.get())).verify(h);
      } catch (ProofException e) {
        return refused(
            Reason.BAD_SIGNATURE,
            "the handover at size " + h.size() + ": " + e.getMessage(),
            Optional.empty());
      }
      keys.put(h.keyId(), signer.get());
      keys.put(KeyFiles.keyId(next), next);
    }
    Optional<PublicKey> signer = keyOf(keys, c.keyId());
    if (signer.isEmpty()) {
      return refused(
          Reason.UNTRUSTED_KEY,
          "the checkpoint is signed by key "
              + c.keyId()
              + ", which this witness does not trust and no handover from a key of log "
              + c.logId()
              + " names",
          Optional.empty());
    }
    try {
      KeyRing.of(List.of(signer.get())).verify(c);
    } catch (ProofException e) {
      return refused(
          Reason.BAD_SIGNATURE, "the checkpoint's signature: " + e.getMessage(), Optional.empty());
    }
    keys.put(c.keyId(), signer.get());
    Checkpoint w = seen.get(c.logId());
    if (w == null) {
      if (fromSize != 0) {
        return refused(
            Reason.STALE,
            "this witness has seen nothing of log " + c.logId() + "; send fromSize 0",
            Optional.empty());
      }
      if (!Files.exists(enrolment(dir, c.logId()))) {
        Evidence before = refusedBefore.get(c.logId());
        if (before != null) {
          return fork(
              Reason.NEW_LOG,
              "this witness refused log "
                  + c.logId()
                  + " before ("
                  + before.kind()
                  + ", evidence "
                  + before.file().getFileName()
                  + "); a refused log id stays refused, whatever key signs it, until an operator"
                  + " enrols it. If the log was recreated on purpose, enrol it on the witness:"
                  + " proctor witness enrol "
                  + c.logId(),
              before.witnessed(),
              c,
              fromSize,
              proof);
        }
        Optional<Map.Entry<String, Checkpoint>> sibling = sharesAKey(keys, c.logId());
        if (sibling.isPresent()) {
          Checkpoint other = sibling.get().getValue();
          return fork(
              Reason.NEW_LOG,
              "key "
                  + sibling.get().getKey()
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
      }
      return cosign(c, c, keys);
    }
    if (c.size() == w.size()) {
      if (c.root().equals(w.root())) {
        return cosign(c.time().isAfter(w.time()) ? c : w, c, keys);
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
    return cosign(c, c, keys);
  }

  /** A key of the log (signed it, or handed to it), else a trusted key. */
  private Optional<PublicKey> keyOf(Map<String, PublicKey> keysOfTheLog, String keyId) {
    PublicKey k = keysOfTheLog.get(keyId);
    return k != null ? Optional.of(k) : trustedLogKeys.key(keyId);
  }

  /**
   * The latest checkpoint of another log the witness holds that shares one of {@code keys}, with
   * the shared key's id.
   */
  private Optional<Map.Entry<String, Checkpoint>> sharesAKey(
      Map<String, PublicKey> keys, String logId) {
    Map.Entry<String, Checkpoint> found = null;
    for (Map.Entry<String, Map<String, PublicKey>> e : logKeys.entrySet()) {
      Checkpoint held = seen.get(e.getKey());
      if (held == null || e.getKey().equals(logId)) {
        continue;
      }
      for (String id : e.getValue().keySet()) {
        if (keys.containsKey(id)
            && (found == null || held.time().isAfter(found.getValue().time()))) {
          found = Map.entry(id, held);
        }
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

  /**
   * Records the log's keys and {@code keep} as the witness's view, then co-signs {@code signed}.
   */
  private Verdict cosign(Checkpoint keep, Checkpoint signed, Map<String, PublicKey> keys)
      throws IOException {
    if (!keys.equals(logKeys.get(keep.logId()))) {
      ObjectNode o = WireJson.MAPPER.createObjectNode();
      o.put("schema", LOG_KEYS_SCHEMA);
      o.put("logId", keep.logId());
      ObjectNode k = o.putObject("keys");
      keys.forEach((id, publicKey) -> k.put(id, KeyFiles.publicPem(publicKey)));
      writeAtomically(dir.logKeys().resolve(keep.logId() + ".json"), CanonicalJson.write(o) + "\n");
      logKeys.put(keep.logId(), Map.copyOf(keys));
    }
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
    refusedBefore.put(submitted.logId(), new Evidence(reason.code(), file, witnessed));
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

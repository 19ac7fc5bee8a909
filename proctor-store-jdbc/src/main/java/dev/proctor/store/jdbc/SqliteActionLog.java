package dev.proctor.store.jdbc;

import dev.proctor.Proctor;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.LogOptions;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.MirrorFile;
import dev.proctor.store.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The default action log of a data directory: the SQLite store in {@code proctor.db}, the signing
 * key in {@code keys/signing.key} and the mirror in {@code mirror/receipts.jsonl}.
 */
public final class SqliteActionLog {

  private SqliteActionLog() {}

  /**
   * Points a {@link Proctor} builder at a data directory's log. A fresh data directory gets its
   * signing key here (the notice says where, and what to back up); a data directory that has a log
   * but lost its key is refused, so that nobody records unsigned under an old log by accident.
   */
  public static Proctor.Builder into(
      Proctor.Builder builder, DataDirectory dir, Consumer<String> notices) throws IOException {
    CheckpointSigner signer = ensureSigner(dir, !Files.exists(dir.database()), notices);
    SqliteLogStore store = SqliteLogStore.open(dir.database());
    JdbcApprovalStore approvals = null;
    try {
      approvals = JdbcApprovalStore.sqlite(dir.database());
      return builder
          .signer(signer)
          .logStore(store)
          .approvalStore(approvals)
          .mirror(MirrorFile.open(dir.mirror()))
          .onCheckpoint(keyUseRecorder(dir));
    } catch (IOException | RuntimeException e) {
      store.close();
      if (approvals != null) {
        approvals.close();
      }
      throw e;
    }
  }

  /**
   * The data directory's signing key, created first when {@code fresh} (no log yet) and it has
   * none; a directory with a log but no key is refused.
   */
  static CheckpointSigner ensureSigner(DataDirectory dir, boolean fresh, Consumer<String> notices)
      throws IOException {
    if (fresh && !Files.exists(dir.signingKey())) {
      // Processes starting at once on a new directory: one creates the key, the others use it.
      KeyFiles.createIfAbsent(dir.signingKey(), dir.publicKeys())
          .ifPresent(
              keyId ->
                  notices.accept(
                      "created the log signing key "
                          + keyId
                          + " in "
                          + dir.keys()
                          + " (back up "
                          + dir.publicKeys()
                          + " to verify the log elsewhere)"));
    }
    return signer(dir);
  }

  /** Opens the log with the system clock and default options; the signing key must exist. */
  public static ActionLog open(DataDirectory dir) throws IOException {
    return open(dir, Clock.systemUTC(), LogOptions.DEFAULT);
  }

  /** Opens the log; throws with a hint to run {@code proctor keys init} when there is no key. */
  public static ActionLog open(DataDirectory dir, Clock clock, LogOptions options)
      throws IOException {
    CheckpointSigner signer = signer(dir);
    SqliteLogStore store = SqliteLogStore.open(dir.database());
    MirrorFile mirror;
    try {
      mirror = MirrorFile.open(dir.mirror());
    } catch (IOException e) {
      store.close();
      throw e;
    }
    ActionLog log = ActionLog.open(store, Optional.of(signer), Optional.of(mirror), clock, options);
    log.onCheckpoint(keyUseRecorder(dir));
    return log;
  }

  /**
   * Keeps {@code keys/used/<key id>.json} at the largest checkpoint each key signed ({@link
   * KeyFiles#recordUse}), so that a log emptied or deleted later does not verify as an intact empty
   * one while its keys sit beside it. Runs on the log's writer thread: one small file replaced per
   * checkpoint (at most one a second, and one on close).
   */
  static Consumer<Checkpoint> keyUseRecorder(DataDirectory dir) {
    return c -> {
      try {
        KeyFiles.recordUse(dir.keyUses(), c);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot record the key's use in " + dir.keyUses(), e);
      }
    };
  }

  /**
   * Replaces the data directory's signing key and returns the new key's id. When the log exists,
   * its current key first signs a handover naming the new key ({@link ActionLog#handOver}), so that
   * a witness or verifier that knows the old key accepts the new one for this log — and counts it
   * as this log's key, so that it cannot start another log unseen. If the handover cannot be
   * written, the key is not replaced.
   */
  public static String rotateKey(DataDirectory dir) throws IOException {
    signer(dir);
    return KeyFiles.rotate(
        dir.signingKey(),
        dir.publicKeys(),
        next -> {
          if (Files.exists(dir.database())) {
            try (ActionLog log = open(dir)) {
              log.handOver(next);
            } catch (LogUnavailableException e) {
              throw new IOException(
                  "the log cannot record the handover to the new key: " + e.getMessage(), e);
            }
          }
        });
  }

  private static CheckpointSigner signer(DataDirectory dir) throws IOException {
    if (!Files.exists(dir.signingKey())) {
      throw new IOException(
          "no signing key at "
              + dir.signingKey()
              + "; run: proctor keys init --data-dir "
              + dir.root());
    }
    return KeyFiles.loadSigner(dir.signingKey());
  }

  /** Opens the store alone, for reading (export, verify, prove against a database). */
  public static SqliteLogStore openStore(DataDirectory dir) throws IOException {
    if (!Files.exists(dir.database())) {
      throw new IOException("no log database at " + dir.database());
    }
    return SqliteLogStore.open(dir.database());
  }
}

package dev.proctor.audit;

import dev.proctor.store.LogReader;
import dev.proctor.store.LogStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds logs and exports for tests; shared through the test jar. */
public final class LogTesting {

  /** Options that checkpoint every ten receipts and never by time. */
  public static final LogOptions EVERY_TEN =
      LogOptions.DEFAULT.withCheckpoints(10, Duration.ofHours(1));

  private LogTesting() {}

  /** A clock fixed at the fixtures' instant. */
  public static Clock clock() {
    return Clock.fixed(AuditFixtures.T0, ZoneOffset.UTC);
  }

  /** Opens a log over a store with a signer and no mirror. */
  public static ActionLog open(LogStore store, CheckpointSigner signer) {
    return ActionLog.open(store, Optional.of(signer), Optional.empty(), clock(), EVERY_TEN);
  }

  /** Records the four-receipt lifecycle of {@code actions} actions. */
  public static void fill(ActionLog log, int actions) throws LogUnavailableException {
    fill(log, "act-", actions);
  }

  /** Records the four-receipt lifecycle of {@code actions} actions with ids from a prefix. */
  public static void fill(ActionLog log, String prefix, int actions)
      throws LogUnavailableException {
    for (int i = 0; i < actions; i++) {
      log.recordAll(AuditFixtures.allowedAndSucceeded(prefix + i));
    }
  }

  /** The whole log as export lines. */
  public static List<String> export(LogStore store) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      LogExport.jsonLines(store, 0, Long.MAX_VALUE, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ArrayList<>(
        List.of(out.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n")));
  }

  /** Verifies export lines. */
  public static VerificationReport verify(
      List<String> lines, KeyRing keys, List<Checkpoint> trusted) {
    return verify(
        (String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
        keys,
        trusted);
  }

  /**
   * Exports a whole store and verifies it allowing no unsigned receipt: what a log that was closed
   * must pass.
   */
  public static VerificationReport verifyClosed(LogReader store, KeyRing keys) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      LogExport.jsonLines(store, 0, Long.MAX_VALUE, out);
      return new LogVerifier(keys, List.of())
          .withMaxUnsigned(0)
          .verify(new ByteArrayInputStream(out.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command that starts a JVM running {@code main} on this test's class path. */
  public static List<String> javaCommand(Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xshare:auto",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** Verifies export bytes. */
  public static VerificationReport verify(byte[] bytes, KeyRing keys, List<Checkpoint> trusted) {
    try {
      return new LogVerifier(keys, trusted).verify(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.proctor.cli;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.ConsistencyProof;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code proctor audit}: verify, export and prove the tamper-evident action log. */
@Command(
    name = "audit",
    description = "Verify, export and prove the action log.",
    mixinStandardHelpOptions = true,
    subcommands = {
      AuditCommand.Verify.class,
      AuditCommand.Export.class,
      AuditCommand.Prove.class,
      AuditCommand.Consistency.class,
      AuditCommand.CheckpointNow.class
    })
public final class AuditCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The {@code -o FILE} option: a document goes to the file, else to standard output. */
  static final class Output {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write here, not to stdout.")
    Path file;

    void write(CommandSpec spec, String text) throws IOException {
      if (file == null) {
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
      } else {
        Files.writeString(file, text);
      }
    }
  }

  /** {@code proctor audit verify}: offline verification; exit 0 intact, 1 broken, 2 unusable. */
  @Command(
      name = "verify",
      description =
          "Verify a log export, mirror file, proof file or database offline. Exit 0 when intact,"
              + " 1 when not (naming the first bad entry), 2 when the input cannot be used.",
      mixinStandardHelpOptions = true)
  static final class Verify implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "FILE",
        description = "JSON Lines export, mirror file or proof file ('-' for stdin).")
    Path file;

    @Option(names = "--db", paramLabel = "FILE", description = "Verify a SQLite log database.")
    Path db;

    @Option(
        names = "--key",
        paramLabel = "PEM|DIR",
        description =
            "Trusted public key file or directory (repeatable; default: the data dir's keys/public).")
    List<Path> keys = new ArrayList<>();

    @Option(
        names = "--witness-key",
        paramLabel = "PEM|DIR",
        description =
            "Public key file or directory of a witness (repeatable): its co-signatures are checked"
                + " against the log; without it they are listed as not checked.")
    List<Path> witnessKeys = new ArrayList<>();

    @Option(
        names = "--checkpoint",
        paramLabel = "FILE",
        description = "A checkpoint (JSON) you trust; the log must contain and match it.")
    List<Path> checkpoints = new ArrayList<>();

    @Option(
        names = "--max-unsigned",
        paramLabel = "N",
        description =
            "How many receipts at the end may lack a signed checkpoint; more fail, since whoever"
                + " removes checkpoints can rewrite the receipts after them. Default: "
                + LogVerifier.DEFAULT_MAX_UNSIGNED
                + " after the last checkpoint, and none when no checkpoint covers any receipt"
                + " (giving N accepts that too). A log closed cleanly has none.")
    Long maxUnsigned;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DataDirectory dir = data.resolve();
      if (maxUnsigned != null && maxUnsigned < 0) {
        err.println("--max-unsigned must not be negative, was " + maxUnsigned);
        return 2;
      }
      try {
        List<Path> keyPaths = keys.isEmpty() ? List.of(dir.publicKeys()) : keys;
        for (Path p : keyPaths) {
          if (!Files.exists(p)) {
            err.println("no public key at " + p + "; give one with --key");
            return 2;
          }
        }
        KeyRing ring = KeyFiles.loadPublic(keyPaths);
        List<Checkpoint> trusted = new ArrayList<>();
        for (Path c : checkpoints) {
          trusted.add(Checkpoint.fromJson(Files.readString(c, StandardCharsets.UTF_8)));
        }
        for (Path p : witnessKeys) {
          if (!Files.exists(p)) {
            err.println("no witness public key at " + p);
            return 2;
          }
        }
        LogVerifier verifier =
            witnessKeys.isEmpty()
                ? new LogVerifier(ring, trusted)
                : new LogVerifier(ring, KeyFiles.loadPublic(witnessKeys), trusted);
        if (maxUnsigned != null) {
          verifier = verifier.withMaxUnsigned(maxUnsigned);
        }
        VerificationReport report;
        if (file != null) {
          try (InputStream in =
              file.toString().equals("-") ? System.in : Files.newInputStream(file)) {
            report = verifier.verify(in);
          }
        } else {
          Path database = db != null ? db : dir.database();
          if (!Files.exists(database)) {
            err.println("no log database at " + database);
            return 2;
          }
          try (SqliteLogStore store = SqliteLogStore.open(database)) {
            report = verifier.verify(store);
          }
        }
        out.println(report.summary());
        if (!witnessKeys.isEmpty() && report.intact() && report.cosignatures() == 0) {
          out.println("warning: no co-signature by the given witness keys was found");
        }
        if (!report.intact() && report.unsigned() > 0) {
          out.println(
              "hint: if the log's last writer crashed, sign its tail with `proctor audit"
                  + " checkpoint` on the log's machine and verify again; --max-unsigned "
                  + report.unsigned()
                  + " accepts these receipts as they are, unsigned");
        }
        return report.intact() ? 0 : 1;
      } catch (IOException | RuntimeException e) {
        err.println("cannot verify: " + e.getMessage());
        return 2;
      }
    }
  }

  /** {@code proctor audit export}: JSON Lines or OCSF, by sequence or time range. */
  @Command(
      name = "export",
      description = "Export receipts as JSON Lines (verifiable) or OCSF JSON Lines (for SIEMs).",
      mixinStandardHelpOptions = true)
  static final class Export implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Option(
        names = "--format",
        defaultValue = "jsonl",
        description = "jsonl or ocsf (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--from-seq", paramLabel = "N", description = "First sequence number.")
    Long fromSeq;

    @Option(names = "--to-seq", paramLabel = "N", description = "Sequence number to stop before.")
    Long toSeq;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description = "RFC 3339 time: receipts from then.")
    Instant since;

    @Option(
        names = "--until",
        paramLabel = "TIME",
        description = "RFC 3339 time: receipts before then.")
    Instant until;

    @Mixin Output output;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      if (!format.equals("jsonl") && !format.equals("ocsf")) {
        err.println("--format must be jsonl or ocsf, was " + format);
        return 2;
      }
      try (SqliteLogStore store = SqliteActionLog.openStore(data.resolve())) {
        long from = fromSeq == null ? 0 : fromSeq;
        long to = toSeq == null ? Long.MAX_VALUE : toSeq;
        if (since != null) {
          from = Math.max(from, store.firstSequenceAtOrAfter(since.toEpochMilli()));
        }
        if (until != null) {
          to = Math.min(to, store.firstSequenceAtOrAfter(until.toEpochMilli()));
        }
        OutputStream sink = output.file == null ? System.out : Files.newOutputStream(output.file);
        try (OutputStream o = new BufferedOutputStream(sink, 1 << 16)) {
          long n =
              format.equals("ocsf")
                  ? LogExport.ocsf(store, from, to, o)
                  : LogExport.jsonLines(store, from, to, o);
          if (output.file != null) {
            spec.commandLine().getOut().println("exported " + n + " receipts to " + output.file);
          }
        }
        return 0;
      } catch (IOException | RuntimeException e) {
        err.println("cannot export: " + e.getMessage());
        return 2;
      }
    }
  }

  /** {@code proctor audit prove RECEIPT_ID}: a self-contained proof file. */
  @Command(
      name = "prove",
      description =
          "Print a receipt with its inclusion proof and signed checkpoint; audit verify accepts"
              + " the file alone.",
      mixinStandardHelpOptions = true)
  static final class Prove implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RECEIPT_ID", description = "The receipt's id.")
    String receiptId;

    @Mixin Output output;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try (ActionLog log = SqliteActionLog.open(data.resolve())) {
        output.write(spec, log.prove(receiptId).toJson() + "\n");
        return 0;
      } catch (NoSuchElementException e) {
        err.println(e.getMessage());
        return 1;
      } catch (IOException | LogUnavailableException | RuntimeException e) {
        err.println("cannot prove: " + e.getMessage());
        return 2;
      }
    }
  }

  /** {@code proctor audit checkpoint}: signs a checkpoint of the log as it is now. */
  @Command(
      name = "checkpoint",
      description =
          "Sign a checkpoint of the data directory's log as it is now (unless the latest covers it)"
              + " and print it: after a crash, this signs the receipts the crashed process did not;"
              + " a copy kept elsewhere pins the log (audit verify --checkpoint FILE).",
      mixinStandardHelpOptions = true)
  static final class CheckpointNow implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Mixin Output output;

    @Override
    public Integer call() {
      try (ActionLog log = SqliteActionLog.open(data.resolve())) {
        output.write(spec, log.checkpoint().toJson() + "\n");
        return 0;
      } catch (IOException | LogUnavailableException | RuntimeException e) {
        spec.commandLine().getErr().println("cannot sign a checkpoint: " + e.getMessage());
        return 2;
      }
    }
  }

  /** {@code proctor audit consistency --from FILE}: a proof that the log only grew since then. */
  @Command(
      name = "consistency",
      description =
          "Print a proof that the log only grew from an older checkpoint to the newest (or --to);"
              + " audit verify checks the file alone, with the log's public key.",
      mixinStandardHelpOptions = true)
  static final class Consistency implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "FILE",
        description = "The older checkpoint (JSON), such as a witness's logs/<log id>.json.")
    Path from;

    @Option(
        names = "--to",
        paramLabel = "FILE",
        description = "The newer checkpoint (default: a checkpoint of the log as it is now).")
    Path to;

    @Mixin Output output;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try (ActionLog log = SqliteActionLog.open(data.resolve())) {
        Checkpoint older = Checkpoint.fromJson(Files.readString(from, StandardCharsets.UTF_8));
        Checkpoint newer =
            to == null
                ? log.checkpoint()
                : Checkpoint.fromJson(Files.readString(to, StandardCharsets.UTF_8));
        if (!older.logId().equals(log.logId()) || !newer.logId().equals(log.logId())) {
          err.println("the checkpoints are not of this log (" + log.logId() + ")");
          return 2;
        }
        output.write(spec, ConsistencyProof.between(log, older, newer).toJson() + "\n");
        return 0;
      } catch (IOException | LogUnavailableException | RuntimeException e) {
        err.println("cannot prove consistency: " + e.getMessage());
        return 2;
      }
    }
  }
}

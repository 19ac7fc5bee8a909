package dev.proctor.cli;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.ConsistencyProof;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.Merkle;
import dev.proctor.audit.ProofException;
import dev.proctor.audit.VerificationReport;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.LogReader;
import dev.proctor.store.LogStore;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.jdbc.PostgresStore;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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

  /** The {@code -o FILE} option: a document goes to the file, else (or for {@code -}) to stdout. */
  static final class Output {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write here, not to stdout ('-' is stdout).")
    Path file;

    /** True when the output goes to standard output: no {@code -o}, or {@code -o -}. */
    boolean toStdout() {
      return file == null || file.toString().equals("-");
    }

    void write(CommandSpec spec, String text) throws IOException {
      if (toStdout()) {
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
        names = "--database",
        paramLabel = "JDBC_URL",
        description =
            "Verify the shared log in a PostgreSQL database (jdbc:postgresql://…); the password"
                + " from $PROCTOR_DATABASE_PASSWORD.")
    String database;

    @Option(
        names = "--database-user",
        paramLabel = "USER",
        description = "The database user (default: proctor).")
    String databaseUser = "proctor";

    @Option(
        names = "--database-schema",
        paramLabel = "SCHEMA",
        description = "The schema holding the log (default: the user's).")
    String databaseSchema;

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
                + " removes checkpoints can rewrite the receipts after them. Default for a FILE"
                + " (export, mirror): none. Default for the database: "
                + LogVerifier.LIVE_MAX_UNSIGNED
                + " after the last checkpoint (those a live log's writers have not signed yet),"
                + " and none when no checkpoint covers any receipt. Giving N accepts N in both"
                + " cases. A log closed cleanly has none; an export ends covered by a checkpoint.")
    Long maxUnsigned;

    @Option(
        names = "--prefix",
        description =
            "FILE is knowingly an earlier or partial export: the data dir's checkpoints of larger"
                + " sizes (keys/used, database, mirror) are a warning, not truncation; roots at"
                + " the sizes FILE holds must still match.")
    boolean prefix;

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
        } else if (file == null) {
          verifier = verifier.forLiveLog();
        }
        if (keys.isEmpty()) {
          verifier = verifier.requiringHandovers();
        }
        boolean own = ownCopy(dir);
        Optional<String> inputLogId = inputLogId(dir);
        List<LogVerifier.Evidence> evidence = evidence(dir, evidenceRing(dir, ring));
        if (inputLogId.isPresent()) {
          verifier =
              verifier.withEvidence(
                  evidence.stream()
                      .filter(e -> e.checkpoint().logId().equals(inputLogId.get()))
                      .toList(),
                  prefix && !own);
        }
        VerificationReport report;
        if (file != null) {
          try (InputStream in =
              file.toString().equals("-") ? System.in : Files.newInputStream(file)) {
            report = verifier.verify(in);
          }
        } else if (database != null) {
          PostgresStore.Settings settings =
              PostgresStore.Settings.of(
                  database,
                  databaseUser,
                  Optional.ofNullable(System.getenv("PROCTOR_DATABASE_PASSWORD")).orElse(""));
          if (databaseSchema != null) {
            settings = settings.inSchema(databaseSchema);
          }
          try (LogStore store = PostgresStore.open(settings).logStore()) {
            report = verifier.verify(store);
          }
        } else {
          Path database = db != null ? db : dir.database();
          if (!Files.exists(database)) {
            Optional<String> used = priorUse(dir, ring);
            if (used.isPresent()) {
              out.println("BROKEN: no log database at " + database + ", but " + used.get());
              return 1;
            }
            err.println("no log database at " + database);
            return 2;
          }
          try (SqliteLogStore store = SqliteLogStore.open(database)) {
            report = verifier.verify(store);
          }
        }
        if (report.intact() && report.receipts() == 0 && emptyTree(report)) {
          Optional<String> used = priorUse(dir, ring);
          if (used.isPresent()) {
            report = report.broken(-1, 0, "the log is empty, but " + used.get());
          }
        }
        if (report.intact() && report.receipts() > 0 && own && inputLogId.isPresent()) {
          Optional<LogVerifier.Evidence> other =
              evidence.stream()
                  .filter(e -> !e.checkpoint().logId().equals(inputLogId.get()))
                  .max(java.util.Comparator.comparingLong(e -> e.checkpoint().size()));
          if (other.isPresent()) {
            Checkpoint c = other.get().checkpoint();
            report =
                report.broken(
                    -1,
                    0,
                    "this is log "
                        + inputLogId.get()
                        + ", but key "
                        + c.keyId()
                        + " signed a checkpoint of log "
                        + c.logId()
                        + " at size "
                        + c.size()
                        + " ("
                        + c.time()
                        + ", in "
                        + other.get().source()
                        + "): the data directory's log was replaced by another (a"
                        + " swapped database or mirror). After a deliberate reset remove"
                        + " keys/used/ and the mirror too, or use a new data directory");
          }
        }
        out.println(report.summary());
        if (report.intact() && report.receipts() == 0) {
          emptyWarning(dir, report).ifPresent(w -> out.println("warning: " + w));
        }
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

    /** True when the input is the data directory's own database or mirror. */
    private boolean ownCopy(DataDirectory dir) throws IOException {
      if (file == null) {
        return db == null
            || (Files.exists(dir.database()) && Files.isSameFile(db, dir.database()))
            || db.toAbsolutePath().normalize().equals(dir.database().toAbsolutePath().normalize());
      }
      return !file.toString().equals("-")
          && Files.exists(file)
          && Files.exists(dir.mirror())
          && Files.isSameFile(file, dir.mirror());
    }

    /**
     * The input's log id, read before verifying it: the database's, or the first export header or
     * checkpoint line of a file; empty for standard input or when there is none.
     */
    private Optional<String> inputLogId(DataDirectory dir) throws IOException {
      if (file == null) {
        Path database = db != null ? db : dir.database();
        if (!Files.exists(database)) {
          return Optional.empty();
        }
        try (SqliteLogStore store = SqliteLogStore.open(database)) {
          return Optional.of(store.logId());
        }
      }
      if (file.toString().equals("-") || !Files.isRegularFile(file)) {
        return Optional.empty();
      }
      java.util.regex.Pattern id = java.util.regex.Pattern.compile("\"logId\":\"([^\"]*)\"");
      try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.contains("\"" + Checkpoint.SCHEMA + "\"")
              || line.contains("\"" + LogVerifier.EXPORT_SCHEMA + "\"")) {
            java.util.regex.Matcher m = id.matcher(line);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
          }
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      return Optional.empty();
    }

    /** The keys evidence may be signed by: the ring and the data directory's key directory. */
    private static KeyRing evidenceRing(DataDirectory dir, KeyRing ring) throws IOException {
      if (!Files.isDirectory(dir.publicKeys())) {
        return ring;
      }
      Map<String, java.security.PublicKey> all =
          new java.util.LinkedHashMap<>(KeyFiles.loadPublic(List.of(dir.publicKeys())).keys());
      all.putAll(ring.keys());
      return new KeyRing(all);
    }

    /**
     * The data directory's signed evidence of what its log held, other than the input: the key-use
     * records, the database's latest checkpoint and the mirror's last checkpoint line, each of size
     * above 0 and signed by a key of {@code keys}.
     */
    private List<LogVerifier.Evidence> evidence(DataDirectory dir, KeyRing keys)
        throws IOException {
      List<LogVerifier.Evidence> found = new ArrayList<>();
      for (Checkpoint c : KeyFiles.uses(dir.keyUses())) {
        found.add(
            new LogVerifier.Evidence(c, dir.keyUses().resolve(c.keyId() + ".json").toString()));
      }
      Path database = dir.database();
      if (Files.exists(database) && !isInput(database)) {
        try (SqliteLogStore store = SqliteLogStore.open(database)) {
          Optional<StoredCheckpoint> latest = store.latestCheckpoint();
          if (latest.isPresent()) {
            found.add(
                new LogVerifier.Evidence(
                    Checkpoint.fromJson(latest.get().json()), database.toString()));
          }
        }
      }
      if (Files.exists(dir.mirror()) && !isInput(dir.mirror())) {
        lastCheckpointLine(dir.mirror())
            .ifPresent(c -> found.add(new LogVerifier.Evidence(c, dir.mirror().toString())));
      }
      List<LogVerifier.Evidence> signed = new ArrayList<>();
      for (LogVerifier.Evidence e : found) {
        if (e.checkpoint().size() == 0) {
          continue;
        }
        try {
          keys.verify(e.checkpoint());
        } catch (ProofException notOurs) {
          continue; // Signed by no key of this data directory or ring: no evidence.
        }
        signed.add(e);
      }
      return signed;
    }

    /** True when the report is of a tree without receipts (not, say, a consistency proof). */
    private static boolean emptyTree(VerificationReport report) {
      return report.root().equals(HexFormat.of().formatHex(Merkle.emptyRoot()));
    }

    /**
     * Signed evidence that a log of these keys held receipts, for an input that holds none: the
     * largest checkpoint of size above 0, signed by a key on the ring, among the data directory's
     * key-use records ({@code keys/used/}), its database's latest checkpoint and its mirror's last
     * checkpoint line — the copy being verified says nothing, so it is skipped. A log that was
     * emptied, deleted or recreated under the same keys fails with it instead of verifying as an
     * intact empty log.
     */
    private Optional<String> priorUse(DataDirectory dir, KeyRing ring) throws IOException {
      List<Map.Entry<String, Checkpoint>> evidence = new ArrayList<>();
      for (Checkpoint c : KeyFiles.uses(dir.keyUses())) {
        evidence.add(Map.entry(dir.keyUses().resolve(c.keyId() + ".json").toString(), c));
      }
      Path database = dir.database();
      if (Files.exists(database) && !isInput(database)) {
        try (SqliteLogStore store = SqliteLogStore.open(database)) {
          Optional<StoredCheckpoint> latest = store.latestCheckpoint();
          if (latest.isPresent()) {
            evidence.add(Map.entry(database.toString(), Checkpoint.fromJson(latest.get().json())));
          }
        }
      }
      if (Files.exists(dir.mirror()) && !isInput(dir.mirror())) {
        lastCheckpointLine(dir.mirror())
            .ifPresent(c -> evidence.add(Map.entry(dir.mirror().toString(), c)));
      }
      Map.Entry<String, Checkpoint> best = null;
      for (Map.Entry<String, Checkpoint> e : evidence) {
        Checkpoint c = e.getValue();
        if (c.size() == 0 || (best != null && best.getValue().size() >= c.size())) {
          continue;
        }
        try {
          ring.verify(c);
        } catch (ProofException notOurs) {
          continue; // Not signed by a key verifying this input: no evidence about it.
        }
        best = e;
      }
      if (best == null) {
        return Optional.empty();
      }
      Checkpoint c = best.getValue();
      return Optional.of(
          "key "
              + c.keyId()
              + " signed a checkpoint of log "
              + c.logId()
              + " at size "
              + c.size()
              + " ("
              + c.time()
              + ", in "
              + best.getKey()
              + "): a log that held receipts was emptied, deleted or replaced. Compare it with the"
              + " other copy, a witness's logs/<log id>.json or a checkpoint kept elsewhere"
              + " (--checkpoint); after a deliberate reset remove keys/used/ and the"
              + " mirror too, or use a new data directory");
    }

    /** True when {@code p} is the input being verified. */
    private boolean isInput(Path p) throws IOException {
      Path input = file != null ? file : db;
      if (input == null) {
        return p.equals(data.resolve().database());
      }
      return !input.toString().equals("-") && Files.exists(input) && Files.isSameFile(input, p);
    }

    /** The last checkpoint line of a JSON Lines file such as the mirror. */
    private static Optional<Checkpoint> lastCheckpointLine(Path file) throws IOException {
      String last = null;
      try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
        for (String line : (Iterable<String>) lines::iterator) {
          if (line.contains("\"" + Checkpoint.SCHEMA + "\"")) {
            last = line;
          }
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      try {
        return last == null ? Optional.empty() : Optional.of(Checkpoint.fromJson(last));
      } catch (IllegalArgumentException e) {
        return Optional
            .empty(); // A torn or foreign line is the mirror's own verification's business.
      }
    }

    /**
     * What to say about an input without receipts: the data directory's own database or mirror of a
     * log whose keys exist may have been emptied; any other input without even a checkpoint held
     * nothing to verify.
     */
    private Optional<String> emptyWarning(DataDirectory dir, VerificationReport report)
        throws IOException {
      boolean own =
          file == null
              ? db == null
              : Files.exists(dir.mirror()) && Files.isSameFile(file, dir.mirror());
      long keys = 0;
      if (own && Files.isDirectory(dir.publicKeys())) {
        try (Stream<Path> s = Files.list(dir.publicKeys())) {
          keys = s.filter(p -> p.toString().endsWith(".pem")).count();
        }
      }
      if (keys > 0) {
        return Optional.of(
            "no receipts, yet "
                + dir.publicKeys()
                + " holds "
                + keys
                + " log key(s): if this log was used, its receipts were removed (a wiped database"
                + " or an emptied mirror); compare it with a checkpoint kept elsewhere"
                + " (--checkpoint), a witness's logs/<log id>.json, or the other copy");
      }
      if (report.checkpoints() == 0) {
        return Optional.of("nothing was verified: the input holds no receipt and no checkpoint");
      }
      return Optional.empty();
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
      DataDirectory dir = data.resolve();
      try (SqliteLogStore store = SqliteActionLog.openStore(dir)) {
        long from = fromSeq == null ? 0 : fromSeq;
        long to = toSeq == null ? Long.MAX_VALUE : toSeq;
        if (since != null) {
          from = Math.max(from, store.firstSequenceAtOrAfter(since.toEpochMilli()));
        }
        if (until != null) {
          to = Math.min(to, store.firstSequenceAtOrAfter(until.toEpochMilli()));
        }
        if (format.equals("jsonl")) {
          to = signedEnd(dir, store, from, to, err);
        }
        OutputStream o =
            new BufferedOutputStream(
                output.toStdout() ? System.out : Files.newOutputStream(output.file), 1 << 16);
        long n;
        try {
          n =
              format.equals("ocsf")
                  ? LogExport.ocsf(store, from, to, o)
                  : LogExport.jsonLines(store, from, to, o);
        } finally {
          if (output.toStdout()) {
            o.flush(); // standard output stays open
          } else {
            o.close();
          }
        }
        if (!output.toStdout()) {
          spec.commandLine().getOut().println("exported " + n + " receipts to " + output.file);
        }
        return 0;
      } catch (IOException | RuntimeException e) {
        err.println("cannot export: " + e.getMessage());
        return 2;
      }
    }
  }

  /**
   * Where a JSON Lines export of {@code [from, to)} should stop so that a signed checkpoint covers
   * every receipt in it: when no checkpoint covers the last of them yet, one is signed now (as
   * {@code prove} does); the end is then the latest checkpoint's size at most, so that receipts
   * appended meanwhile, which no signature covers, stay out. Without a signing key the export keeps
   * its unsigned tail, and a warning says that {@code audit verify} will refuse it.
   */
  static long signedEnd(DataDirectory dir, LogReader store, long from, long to, PrintWriter err)
      throws IOException {
    long end = Math.min(to, store.size());
    long signed = store.latestCheckpoint().map(StoredCheckpoint::size).orElse(-1L);
    if (end > Math.max(0, from) && signed < end) {
      if (!Files.exists(dir.signingKey())) {
        long first = Math.max(from, signed);
        err.println(
            "warning: receipts "
                + first
                + " to "
                + (end - 1)
                + " are not covered by a signed checkpoint, and there is no signing key at "
                + dir.signingKey()
                + " to sign one: audit verify refuses this export unless given --max-unsigned "
                + (end - first));
        return to;
      }
      try (ActionLog log = SqliteActionLog.open(dir)) {
        signed = log.checkpoint().size();
      } catch (LogUnavailableException e) {
        throw new IOException("cannot sign a checkpoint covering the export: " + e.getMessage(), e);
      }
    }
    return Math.min(to, Math.max(signed, end));
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

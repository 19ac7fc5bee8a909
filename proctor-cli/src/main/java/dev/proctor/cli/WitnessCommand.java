package dev.proctor.cli;

import dev.proctor.audit.ActionLog;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.CheckpointSigner;
import dev.proctor.audit.CheckpointSink;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.WitnessPublisher;
import dev.proctor.server.witness.Witness;
import dev.proctor.server.witness.WitnessClient;
import dev.proctor.server.witness.WitnessDirectory;
import dev.proctor.server.witness.WitnessServer;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code proctor witness}: run a checkpoint witness, and push the log's checkpoints to one. */
@Command(
    name = "witness",
    description = "Run a witness that co-signs log checkpoints, or push checkpoints to witnesses.",
    mixinStandardHelpOptions = true,
    subcommands = {
      WitnessCommand.Init.class,
      WitnessCommand.Serve.class,
      WitnessCommand.Push.class,
      WitnessCommand.Enrol.class
    })
public final class WitnessCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code proctor witness init}: creates the witness's key pair (private key mode 0600). */
  @Command(
      name = "init",
      description = "Create the witness's key pair in <data dir>/witness/keys.",
      mixinStandardHelpOptions = true)
  static final class Init implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      WitnessDirectory dir = new WitnessDirectory(data.resolve().witness());
      PrintWriter out = spec.commandLine().getOut();
      try {
        String id = KeyFiles.create(dir.signingKey(), dir.publicKeys());
        out.println("created witness key " + id);
        out.println("private key: " + dir.signingKey() + " (mode 0600)");
        out.println("public key:  " + dir.publicKeys().resolve(id + ".pem"));
        return 0;
      } catch (FileAlreadyExistsException e) {
        spec.commandLine().getErr().println("a witness key exists already at " + dir.signingKey());
        return 1;
      }
    }
  }

  /** {@code proctor witness serve}: the HTTP witness, until interrupted. */
  @Command(
      name = "serve",
      description =
          "Serve the witness over HTTP: co-sign checkpoints of trusted logs that are consistent"
              + " with what it saw, refuse and record forks. Runs until interrupted.",
      mixinStandardHelpOptions = true)
  static final class Serve implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "8645",
        description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--trust-log-key",
        paramLabel = "PEM|DIR",
        description =
            "Public key (file, or directory of *.pem) of a log to witness (repeatable); keys in"
                + " <data dir>/witness/trusted are trusted too.")
    List<Path> trusted = new ArrayList<>();

    @Option(
        names = "--port-file",
        paramLabel = "FILE",
        description = "Write the bound port to this file once listening (for --port 0).")
    Path portFile;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      WitnessDirectory dir = new WitnessDirectory(data.resolve().witness());
      WitnessServer server;
      try {
        List<Path> keyPaths = new ArrayList<>(trusted);
        if (Files.isDirectory(dir.trustedLogKeys())) {
          keyPaths.add(dir.trustedLogKeys());
        }
        for (Path p : keyPaths) {
          if (!Files.exists(p)) {
            err.println("no log public key at " + p);
            return 2;
          }
        }
        KeyRing ring = KeyFiles.loadPublic(keyPaths);
        CheckpointSigner key = Witness.loadOrCreateKey(dir);
        Witness witness = Witness.open(dir, key, ring, Clock.systemUTC());
        server = WitnessServer.start(witness, new InetSocketAddress(host, port));
        out.println(
            "witness "
                + witness.keyId()
                + " listening on "
                + server.uri()
                + ", trusting "
                + ring.keyIds().size()
                + " log key(s); state in "
                + dir.root());
        out.flush();
        if (portFile != null) {
          // Written whole, then moved into place: a script that waits for the file never reads
          // it empty.
          Path absolute = portFile.toAbsolutePath();
          Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
          Files.writeString(partial, server.port() + "\n");
          Files.move(
              partial,
              absolute,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE,
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e) {
        err.println("cannot start the witness: " + e.getMessage());
        return 2;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook = new Thread(stopped::countDown, "proctor-witness-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Runtime.getRuntime().removeShutdownHook(hook);
      } finally {
        server.close();
      }
      return 0;
    }
  }

  /** {@code proctor witness enrol LOG_ID}: lets the witness accept a recreated log. */
  @Command(
      name = "enrol",
      description =
          "Enrol a new log id on this witness: its first checkpoint is co-signed although its key"
              + " signs another log the witness holds (a log recreated on purpose; without"
              + " enrolment the witness refuses it as new_log, since a wiped history looks the"
              + " same). Takes effect at once, also for a running witness.",
      mixinStandardHelpOptions = true)
  static final class Enrol implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "LOG_ID",
        description = "The new log's id (the refusal names it; proctor audit verify prints it).")
    String logId;

    @Override
    public Integer call() {
      WitnessDirectory dir = new WitnessDirectory(data.resolve().witness());
      try {
        Path file = Witness.enrol(dir, logId, Instant.now());
        spec.commandLine()
            .getOut()
            .println(
                "enrolled log "
                    + logId
                    + " in "
                    + file
                    + ": the witness will co-sign its first checkpoint");
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("cannot enrol: " + e.getMessage());
        return 2;
      }
    }
  }

  /** {@code proctor witness push}: signs a checkpoint of the log now and pushes it. */
  @Command(
      name = "push",
      description =
          "Sign a checkpoint of the data directory's log and push it to witnesses; their"
              + " co-signatures are stored in the log. Exit 0 when every witness co-signed (or"
              + " holds a later checkpoint this log reproduces), 1 when one refused (a fork), 2"
              + " when one could not be reached.",
      mixinStandardHelpOptions = true)
  static final class Push implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Option(
        names = "--witness",
        paramLabel = "URL",
        required = true,
        description = "Base URL of a witness, such as http://127.0.0.1:8645/ (repeatable).")
    List<URI> witnesses = new ArrayList<>();

    @Option(
        names = "--witness-key",
        paramLabel = "PEM|DIR",
        description =
            "Public key of the witnesses (repeatable). Without it, each witness's announced key"
                + " is trusted as it is (the key id is printed: compare it out of band).")
    List<Path> witnessKeys = new ArrayList<>();

    @Option(
        names = "--timeout",
        defaultValue = "10",
        paramLabel = "SECONDS",
        description = "Timeout per request in seconds (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        List<CheckpointSink> sinks = new ArrayList<>();
        List<PublicKey> announced = new ArrayList<>();
        for (URI u : witnesses) {
          WitnessClient client = new WitnessClient(u, Duration.ofSeconds(timeoutSeconds));
          sinks.add(client);
          if (witnessKeys.isEmpty()) {
            PublicKey k = client.publicKey();
            out.println(
                "trusting the key "
                    + KeyFiles.keyId(k)
                    + " that "
                    + client.name()
                    + " announces (pin it with --witness-key)");
            announced.add(k);
          }
        }
        KeyRing ring =
            witnessKeys.isEmpty() ? KeyRing.of(announced) : KeyFiles.loadPublic(witnessKeys);
        int code = 0;
        try (ActionLog log = SqliteActionLog.open(data.resolve())) {
          Checkpoint c = log.checkpoint();
          WitnessPublisher publisher = new WitnessPublisher(log, sinks, ring);
          try {
            for (WitnessPublisher.Result r : publisher.push(c)) {
              switch (r.status()) {
                case COSIGNED, AHEAD_CONSISTENT -> out.println(r.sink() + ": " + r.message());
                case REFUSED -> {
                  err.println(r.sink() + ": REFUSED: " + r.message());
                  code = 1;
                }
                case FAILED -> {
                  err.println(r.sink() + ": failed: " + r.message());
                  code = code == 1 ? 1 : 2;
                }
              }
            }
          } finally {
            publisher.close();
          }
        }
        return code;
      } catch (IOException | LogUnavailableException | RuntimeException e) {
        err.println("cannot push: " + e.getMessage());
        return 2;
      }
    }
  }
}

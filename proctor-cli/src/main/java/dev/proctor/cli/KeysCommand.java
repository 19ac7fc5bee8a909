package dev.proctor.cli;

import dev.proctor.audit.KeyFiles;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code proctor keys}: creates and rotates the log's Ed25519 signing key. */
@Command(
    name = "keys",
    description = "Manage the action log's signing keys.",
    mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.Init.class, KeysCommand.Rotate.class})
public final class KeysCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code proctor keys init}: creates the signing key pair (private key mode 0600). */
  @Command(
      name = "init",
      description = "Create the signing key pair.",
      mixinStandardHelpOptions = true)
  static final class Init implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      DataDirectory dir = data.resolve();
      PrintWriter out = spec.commandLine().getOut();
      try {
        String id = KeyFiles.create(dir.signingKey(), dir.publicKeys());
        out.println("created signing key " + id);
        out.println("private key: " + dir.signingKey() + " (mode 0600)");
        out.println("public key:  " + dir.publicKeys().resolve(id + ".pem"));
        return 0;
      } catch (FileAlreadyExistsException e) {
        spec.commandLine()
            .getErr()
            .println(
                "a signing key exists already at "
                    + dir.signingKey()
                    + "; use: proctor keys rotate");
        return 1;
      }
    }
  }

  /**
   * {@code proctor keys rotate}: a new signing key, announced by the old one in the log; old public
   * keys stay for verification.
   */
  @Command(
      name = "rotate",
      description =
          "Replace the signing key. The old key first signs a handover checkpoint naming the new"
              + " one, so that witnesses and verifiers holding the old key follow the rotation;"
              + " old public keys stay for verification.",
      mixinStandardHelpOptions = true)
  static final class Rotate implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      DataDirectory dir = data.resolve();
      try {
        boolean log = Files.exists(dir.database());
        String id = SqliteActionLog.rotateKey(dir);
        spec.commandLine()
            .getOut()
            .println(
                "rotated to signing key "
                    + id
                    + (log
                        ? "; the log holds the old key's handover to it (witnesses follow it)"
                        : ""));
        return 0;
      } catch (IOException e) {
        spec.commandLine().getErr().println("cannot rotate the key: " + e.getMessage());
        return 2;
      }
    }
  }
}

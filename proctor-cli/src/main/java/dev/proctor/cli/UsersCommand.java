package dev.proctor.cli;

import dev.proctor.server.Role;
import dev.proctor.store.UserAccount;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proctor users add|list|disable|passwd|totp-enroll}: people who log in to the server, with
 * roles approver, operator, policy-admin and auditor. Passwords are read from the terminal (twice)
 * or, when standard input is not a terminal, as one line from it; they are stored as Argon2id
 * hashes. {@code totp-enroll} gives a person a TOTP authenticator for step-up approvals.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description =
        "Manage the people who log in to the server (roles: approver, operator, policy-admin, auditor).",
    subcommands = {
      UsersCommand.Add.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Disable.class,
      UsersCommand.Passwd.class,
      UsersCommand.TotpEnroll.class
    })
final class UsersCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reads a new password: twice from the terminal, or one line from standard input. */
  static String readPassword(PrintWriter err) throws IOException {
    Console console = System.console();
    if (console != null) {
      char[] a = console.readPassword("New password: ");
      char[] b = console.readPassword("Again: ");
      if (a == null || b == null || !Arrays.equals(a, b)) {
        throw new IOException("the two passwords differ");
      }
      return new String(a);
    }
    String line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new IOException("no password on standard input");
    }
    return line;
  }

  /** {@code users add NAME --role R}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {"Create a person's account.", "Exit codes: 0 created, 1 refused."})
  static final class Add implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--role",
        paramLabel = "ROLE",
        required = true,
        description = "approver, operator, policy-admin or auditor (repeatable).")
    List<String> roles = new ArrayList<>();

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      Set<Role> parsed = EnumSet.noneOf(Role.class);
      for (String r : roles) {
        var role = Role.fromWireName(r);
        if (role.isEmpty() || role.get() == Role.AGENT) {
          err.println(
              "proctor: unknown role '"
                  + r
                  + "'; expected approver, operator, policy-admin or auditor");
          return 1;
        }
        parsed.add(role.get());
      }
      return IdentityAccess.with(
          data,
          err,
          ids -> {
            ids.addUser(name, parsed, readPassword(err));
            err.println("proctor: created user '" + name + "'");
            return 0;
          });
    }
  }

  /** {@code users list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      return IdentityAccess.with(
          data,
          spec.commandLine().getErr(),
          ids -> {
            out.printf("%-24s %-44s %s%n", "NAME", "ROLES", "STATUS");
            for (UserAccount u : ids.users()) {
              out.printf(
                  "%-24s %-44s %s%n",
                  u.name(), String.join(",", u.roles()), u.disabled() ? "disabled" : "active");
            }
            out.flush();
            return 0;
          });
    }
  }

  /** {@code users disable NAME}. */
  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable an account and end its sessions.")
  static final class Disable implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      return IdentityAccess.with(
          data,
          err,
          ids -> {
            ids.disable(name);
            err.println("proctor: disabled user '" + name + "'");
            return 0;
          });
    }
  }

  /** {@code users passwd NAME}. */
  @Command(
      name = "passwd",
      mixinStandardHelpOptions = true,
      description = "Set an account's password and end its sessions.")
  static final class Passwd implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      return IdentityAccess.with(
          data,
          err,
          ids -> {
            ids.setPassword(name, readPassword(err));
            err.println("proctor: set the password of '" + name + "'; its sessions have ended");
            return 0;
          });
    }
  }

  /** {@code users totp-enroll NAME [--code CODE]}. */
  @Command(
      name = "totp-enroll",
      mixinStandardHelpOptions = true,
      description = {
        "Give a person a TOTP authenticator (RFC 6238) for approvals that demand step_up: totp.",
        "Without --code: makes a new secret (replacing any earlier one), prints its otpauth://"
            + " URI on standard output for an authenticator app, and leaves it pending.",
        "With --code: confirms the pending secret with a first code from the app; only then"
            + " does it step the person up.",
        "Exit codes: 0 done, 1 refused."
      })
  static final class TotpEnroll implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--code",
        paramLabel = "CODE",
        description = "The current code the authenticator app shows, to activate the enrolment.")
    String code;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return IdentityAccess.with(
          data,
          err,
          ids -> {
            if (code != null) {
              ids.confirmTotp(name, code);
              err.println("proctor: the TOTP authenticator of '" + name + "' is active");
              return 0;
            }
            out.println(ids.enrollTotp(name));
            out.flush();
            err.println(
                "proctor: the URI above holds the secret: load it into "
                    + name
                    + "'s authenticator app and do not keep it; then activate it with"
                    + " proctor users totp-enroll "
                    + name
                    + " --code CODE");
            return 0;
          });
    }
  }
}

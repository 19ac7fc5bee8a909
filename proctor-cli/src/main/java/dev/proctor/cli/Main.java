package dev.proctor.cli;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code proctor} command: one subcommand per task, each in its own class. */
@Command(
    name = "proctor",
    mixinStandardHelpOptions = true,
    version = "proctor 0.1.0",
    description = "Runtime policy, approval and action-control gateway for AI agents.",
    subcommands = {
      CheckCommand.class,
      TestCommand.class,
      PolicyCommand.class,
      HookCommand.class,
      KeysCommand.class,
      AuditCommand.class,
      WitnessCommand.class,
      ServeCommand.class,
      AgentsCommand.class,
      UsersCommand.class,
      ApprovalsCommand.class,
      LoginCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    Deadline.standalone = true;
    // A schema migration's progress is not news (a hook's standard error is the harness's).
    if (System.getProperty("org.slf4j.simpleLogger.log.org.flywaydb") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
    }
    System.exit(run(args));
  }

  /**
   * Runs the command line and returns its exit code; tests call this. A hook runs once per agent
   * action, so {@code proctor hook …} builds only the hook's command model rather than every
   * command's (picocli reads each command class reflectively; that is a fifth of a hook's start).
   */
  public static int run(String... args) {
    if (args.length > 0 && args[0].equals("hook")) {
      CommandLine hook = new CommandLine(new HookCommand());
      hook.setCommandName("proctor hook");
      hook.setParameterExceptionHandler(HookCommand::usageError);
      return hook.execute(Arrays.copyOfRange(args, 1, args.length));
    }
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}

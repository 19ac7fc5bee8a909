package dev.proctor.cli;

import dev.proctor.server.Identities;
import dev.proctor.store.AgentKey;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proctor agents add|list|revoke}: agents' API keys in the data directory's identity store.
 * The key is printed once and stored only as a hash; it binds the agent's name, groups, owner and
 * tenant, so a request can never claim to be another agent.
 */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description = "Manage agents' API keys (the server's identity store in the data directory).",
    subcommands = {AgentsCommand.Add.class, AgentsCommand.List.class, AgentsCommand.Revoke.class})
final class AgentsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code agents add NAME}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Create an agent's API key and print it (once: only its hash is kept).",
        "Exit codes: 0 created, 1 the agent has an active key or a name is not valid."
      })
  static final class Add implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The agent's name.")
    String name;

    @Option(
        names = "--group",
        paramLabel = "GROUP",
        description = "A group the agent is in (repeatable).")
    java.util.List<String> groups = new ArrayList<>();

    @Option(
        names = "--owner",
        paramLabel = "PERSON",
        description = "The person who sponsors the agent (recorded as the human).")
    String owner;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "The agent's tenant.")
    String tenant;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      return IdentityAccess.with(
          data,
          err,
          ids -> {
            Identities.NewKey k =
                ids.addAgent(name, groups, Optional.ofNullable(owner), Optional.ofNullable(tenant));
            out.println(k.secret());
            out.flush();
            err.println(
                "proctor: created the API key "
                    + k.key().keyId()
                    + " for agent '"
                    + name
                    + "'; it is shown only now. Give it to the agent as PROCTOR_API_KEY.");
            return 0;
          });
    }
  }

  /** {@code agents list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List agents' keys (never the keys themselves).")
  static final class List implements Callable<Integer> {
    @Mixin DataDirOption data;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      return IdentityAccess.with(
          data,
          spec.commandLine().getErr(),
          ids -> {
            out.printf(
                "%-24s %-16s %-24s %-12s %-10s %s%n",
                "NAME", "KEY ID", "GROUPS", "OWNER", "TENANT", "STATUS");
            for (AgentKey k : ids.agents()) {
              out.printf(
                  "%-24s %-16s %-24s %-12s %-10s %s%n",
                  k.name(),
                  k.keyId(),
                  k.groups().isEmpty() ? "-" : String.join(",", k.groups()),
                  k.owner().orElse("-"),
                  k.tenant().orElse("-"),
                  k.revoked().map(t -> "revoked " + t).orElse("active since " + k.created()));
            }
            out.flush();
            return 0;
          });
    }
  }

  /** {@code agents revoke NAME}. */
  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke an agent's active key (a running server stops accepting it within 2 s).",
        "Exit codes: 0 revoked, 1 the agent has no active key."
      })
  static final class Revoke implements Callable<Integer> {
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
            if (ids.revokeAgent(name) == 0) {
              err.println("proctor: agent '" + name + "' has no active key");
              return 1;
            }
            err.println("proctor: revoked the key of agent '" + name + "'");
            return 0;
          });
    }
  }
}

package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.store.jdbc.PostgresStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code proctor approvals list|show|approve|reject}: actions held for approval in Proctor, on the
 * local store (the data directory, or {@code --database} PostgreSQL) or on a server ({@code
 * --server URL}, with the session {@code proctor login} stored). A vote always names an
 * authenticated person: over a server the logged-in one, locally {@code --user} with a password.
 * Exit codes: 0 done, 1 refused (with the API's code: {@code already-voted}, {@code
 * separation-of-duties}, …), 2 bad usage or the store cannot be opened.
 */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = "List, show, approve and reject actions held for approval in Proctor.",
    subcommands = {
      ApprovalsCommand.ListHeld.class,
      ApprovalsCommand.Show.class,
      ApprovalsCommand.Approve.class,
      ApprovalsCommand.Reject.class
    })
final class ApprovalsCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Where the approvals are, and how to print them: shared by every subcommand. */
  static final class Target {
    @Mixin DataDirOption data;

    @Option(
        names = "--server",
        paramLabel = "URL",
        description =
            "A Proctor server (as logged in to with proctor login) instead of the local store.")
    String server;

    @Option(
        names = "--credentials",
        paramLabel = "FILE",
        description =
            "The credentials file of proctor login (default: $XDG_CONFIG_HOME/proctor/credentials.json).")
    Path credentials;

    @Option(
        names = "--database",
        paramLabel = "JDBC_URL",
        description =
            "A shared PostgreSQL store (jdbc:postgresql://…) instead of the data directory's SQLite;"
                + " the password from $PROCTOR_DATABASE_PASSWORD.")
    String database;

    @Option(
        names = "--database-user",
        paramLabel = "USER",
        description = "The database user (default: proctor).")
    String databaseUser = "proctor";

    @Option(
        names = "--database-schema",
        paramLabel = "SCHEMA",
        description = "The schema holding the store (default: the user's).")
    String databaseSchema;

    @Option(names = "--json", description = "Print the approvals API's JSON instead of a table.")
    boolean json;

    ApprovalDesk open(Optional<String> user, Path passwordFile, PrintWriter err) throws Exception {
      if (server != null) {
        if (database != null || user.isPresent() || passwordFile != null) {
          throw new IllegalArgumentException(
              "with --server the person is the one logged in (proctor login); --database, --user"
                  + " and --password-file are for the local store");
        }
        String url = Credentials.normalise(server);
        Credentials file = Credentials.at(credentials);
        Credentials.Session s =
            file.get(url)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "not logged in to "
                                + url
                                + " (in "
                                + file.file()
                                + "): run proctor login --server "
                                + url));
        return new ServerDesk(s);
      }
      Optional<PostgresStore.Settings> db = Optional.empty();
      if (database != null) {
        PostgresStore.Settings settings =
            PostgresStore.Settings.of(
                database,
                databaseUser,
                Optional.ofNullable(System.getenv("PROCTOR_DATABASE_PASSWORD")).orElse(""));
        db = Optional.of(databaseSchema == null ? settings : settings.inSchema(databaseSchema));
      }
      String who = user.orElse("");
      return LocalDesk.open(
          data.resolve(),
          db,
          user,
          LocalDesk.lazily(() -> PersonPassword.read(passwordFile, who)),
          err);
    }
  }

  /** Runs one piece of work on a desk: prints refusals as one line and returns the exit code. */
  static int run(
      CommandSpec spec, Target target, Optional<String> user, Path passwordFile, Work work) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ApprovalDesk desk;
    try {
      desk = target.open(user, passwordFile, err);
    } catch (Exception e) {
      err.println("proctor: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      err.flush();
      return 2;
    }
    try (desk) {
      work.run(desk, out);
      out.flush();
      return 0;
    } catch (ApprovalDesk.Refused e) {
      err.println("proctor: refused (" + e.code + "): " + e.getMessage());
      err.flush();
      return 1;
    } catch (RuntimeException e) {
      err.println("proctor: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      err.flush();
      return 2;
    }
  }

  /** What a subcommand does with the desk. */
  @FunctionalInterface
  interface Work {
    void run(ApprovalDesk desk, PrintWriter out) throws ApprovalDesk.Refused;
  }

  /** {@code approvals list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Held actions waiting for votes, oldest first.")
  static final class ListHeld implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most this many (1 to 1000; default 100).")
    int limit = 100;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 1000) {
        spec.commandLine().getErr().println("proctor: --limit is 1 to 1000, was " + limit);
        return 2;
      }
      return run(
          spec,
          target,
          Optional.empty(),
          null,
          (desk, out) -> {
            List<JsonNode> held = desk.pending(limit);
            if (target.json) {
              out.println(JSON.createArrayNode().addAll(held));
            } else {
              table(held, out);
            }
          });
    }
  }

  /** {@code approvals show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "One held action: the whole call, its requester, the rule and why, the votes so far.")
  static final class Show implements Callable<Integer> {
    @Mixin Target target;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION_ID")
    String id;

    @Override
    public Integer call() {
      return run(
          spec,
          target,
          Optional.empty(),
          null,
          (desk, out) -> {
            JsonNode h = desk.show(id);
            if (target.json) {
              out.println(h);
            } else {
              details(h, out);
            }
          });
    }
  }

  /** The options of a vote on the local store: who votes. */
  static final class Voter {
    @Option(
        names = "--user",
        paramLabel = "NAME",
        description = "Local store only: the person voting (logs in against the identity store).")
    String user;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description =
            "Local store only: the password's file (else $PROCTOR_PASSWORD, else a prompt).")
    Path passwordFile;
  }

  /** {@code approvals approve ID}. */
  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Vote to approve a held action.")
  static final class Approve implements Callable<Integer> {
    @Mixin Target target;
    @Mixin Voter voter;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION_ID")
    String id;

    @Option(
        names = "--totp",
        paramLabel = "CODE",
        description =
            "A fresh code from your authenticator, for an action whose rule demands step_up: totp.")
    String totp;

    @Override
    public Integer call() {
      return vote(spec, target, voter, id, "approve", Optional.empty(), Optional.ofNullable(totp));
    }
  }

  /** {@code approvals reject ID --reason TEXT}. */
  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Vote to reject a held action; one rejection ends it.")
  static final class Reject implements Callable<Integer> {
    @Mixin Target target;
    @Mixin Voter voter;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION_ID")
    String id;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        required = true,
        description = "Why (required; recorded in the receipt).")
    String reason;

    @Override
    public Integer call() {
      if (reason.isBlank()) {
        spec.commandLine().getErr().println("proctor: --reason must not be blank");
        return 2;
      }
      return vote(spec, target, voter, id, "reject", Optional.of(reason), Optional.empty());
    }
  }

  private static int vote(
      CommandSpec spec,
      Target target,
      Voter voter,
      String id,
      String verb,
      Optional<String> reason,
      Optional<String> totp) {
    return run(
        spec,
        target,
        Optional.ofNullable(voter.user),
        voter.passwordFile,
        (desk, out) -> {
          JsonNode v = desk.vote(id, verb, reason, totp);
          if (target.json) {
            out.println(v);
          } else {
            out.println(
                v.path("voter").asText()
                    + " voted "
                    + verb
                    + " on "
                    + v.path("actionId").asText()
                    + ": it is now "
                    + v.path("state").asText());
            if (v.has("token")) {
              out.println("approval token: " + v.get("token").asText());
            }
          }
        });
  }

  // --- printing ---

  /** The held actions as a table, one line each. */
  static void table(List<JsonNode> held, PrintWriter out) {
    if (held.isEmpty()) {
      out.println("no held actions waiting for votes");
      return;
    }
    int idWidth = 6;
    int toolWidth = 4;
    for (JsonNode h : held) {
      idWidth = Math.max(idWidth, h.path("actionId").asText().length());
      toolWidth = Math.max(toolWidth, h.path("tool").asText().length());
    }
    String format = "%-" + idWidth + "s  %-17s  %-" + toolWidth + "s  %-5s  %-24s  %s%n";
    out.printf(format, "ACTION", "STATE", "TOOL", "VOTES", "EXPIRES", "REQUESTER");
    for (JsonNode h : held) {
      out.printf(
          format,
          h.path("actionId").asText(),
          h.path("state").asText(),
          h.path("tool").asText(),
          approvals(h) + "/" + h.at("/requirement/quorum").asInt(),
          h.path("expires").asText(),
          requester(h));
    }
  }

  private static long approvals(JsonNode h) {
    long n = 0;
    for (JsonNode v : h.path("votes")) {
      if (v.path("decision").asText().equals("approve")) {
        n++;
      }
    }
    return n;
  }

  private static String requester(JsonNode h) {
    List<String> parts = new ArrayList<>();
    JsonNode r = h.path("requester");
    if (r.has("agent")) {
      parts.add("agent " + r.get("agent").asText());
    }
    if (r.has("owner")) {
      parts.add("owner " + r.get("owner").asText());
    }
    if (r.has("session")) {
      parts.add("session " + r.get("session").asText());
    }
    return String.join(", ", parts);
  }

  private static String strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return String.join(", ", out);
  }

  /** One held action, field by field, with its parameters in full. */
  static void details(JsonNode h, PrintWriter out) {
    String f = "%-12s %s%n";
    out.printf(f, "action", h.path("actionId").asText());
    out.printf(f, "state", h.path("state").asText());
    out.printf(f, "tool", h.path("tool").asText() + " (class " + h.path("class").asText() + ")");
    out.printf(f, "requester", requester(h));
    out.printf(f, "rules", strings(h.path("rules")));
    out.printf(f, "why", h.path("reason").asText());
    out.printf(
        f,
        "needs",
        h.at("/requirement/quorum").asInt() + " of " + strings(h.at("/requirement/groups")));
    out.printf(f, "cannot vote", strings(h.path("cannotApprove")));
    out.printf(f, "held", h.path("created").asText());
    out.printf(f, "expires", h.path("expires").asText());
    out.printf(f, "digest", h.path("actionDigest").asText());
    out.printf(f, "policy", h.path("policyDigest").asText());
    out.println("parameters");
    try {
      for (String line :
          JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsString(h.path("parameters"))
              .split("\n")) {
        out.println("  " + line);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      out.println("  " + h.path("parameters"));
    }
    out.println("votes");
    if (h.path("votes").isEmpty()) {
      out.println("  none yet");
    }
    for (JsonNode v : h.path("votes")) {
      out.println(
          "  "
              + v.path("approver").asText()
              + " "
              + v.path("decision").asText()
              + " at "
              + v.path("time").asText()
              + (v.has("reason") ? ": " + v.get("reason").asText() : ""));
    }
  }
}

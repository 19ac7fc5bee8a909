package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Proctor;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.Approver;
import dev.proctor.approval.HeldAction;
import dev.proctor.approval.StepUpCheck;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.server.Identities;
import dev.proctor.server.Voting;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.UserAccount;
import dev.proctor.store.jdbc.PostgresStore;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteIdentityStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The local store: held actions and the log in the data directory's SQLite file, or in a PostgreSQL
 * database shared by servers, and the people in the data directory's identity store. Reading needs
 * access to the files, as {@code audit} does; a vote needs a person: the voter logs in with name
 * and password against the identity store (the same Argon2id check as the server's log-in) and
 * votes as the approver the server would make of them ({@link Voting}), under the same separation
 * of duties. Refused votes and failed log-ins are recorded, surface {@code cli}.
 */
final class LocalDesk implements ApprovalDesk {

  private final Proctor proctor;
  private final DataDirectory dir;
  private final Optional<String> user;
  private final Supplier<String> password;

  private LocalDesk(
      Proctor proctor, DataDirectory dir, Optional<String> user, Supplier<String> password) {
    this.proctor = proctor;
    this.dir = dir;
    this.user = user;
    this.password = password;
  }

  /** Opens the store: PostgreSQL when {@code database} is given, else the data directory's. */
  static LocalDesk open(
      DataDirectory dir,
      Optional<PostgresStore.Settings> database,
      Optional<String> user,
      Supplier<String> password,
      PrintWriter err)
      throws Exception {
    Proctor.Builder b =
        Proctor.builder()
            .protect(dir.root())
            .protectInstallation()
            .decisionDeadline(Duration.ofSeconds(10));
    Proctor proctor =
        database.isPresent()
            ? PostgresStore.open(database.get())
                .into(b, dir, n -> err.println("proctor: " + n))
                .build()
            : SqliteActionLog.into(b, dir, n -> err.println("proctor: " + n)).build();
    return new LocalDesk(proctor, dir, user, password);
  }

  @Override
  public List<JsonNode> pending(int limit) {
    List<JsonNode> out = new ArrayList<>();
    for (HeldAction h : proctor.approvals().pending(limit)) {
      out.add(Voting.json(h));
    }
    return out;
  }

  @Override
  public JsonNode show(String actionId) throws Refused {
    return Voting.json(
        proctor
            .approvals()
            .get(actionId)
            .orElseThrow(() -> new Refused("not-found", "no held action " + actionId)));
  }

  @Override
  public JsonNode vote(String actionId, String verb, Optional<String> reason, Optional<String> totp)
      throws Refused {
    String name =
        user.orElseThrow(
            () ->
                new Refused(
                    "unauthenticated",
                    "a vote on the local store names its person: give --user NAME (the password"
                        + " from --password-file, $PROCTOR_PASSWORD or the prompt)"));
    Approver approver = authenticate(name);
    try {
      StepUpCheck stepUp =
          totp.isEmpty()
              ? StepUpCheck.NONE
              : (method, who) -> {
                Identities ids =
                    new Identities(SqliteIdentityStore.open(dir.identity()), Clock.systemUTC());
                try {
                  ids.checkTotp(who, totp.get());
                } finally {
                  ids.store().close();
                }
              };
      LifecycleState state =
          verb.equals("approve")
              ? proctor.approvals().approve(actionId, approver, stepUp)
              : proctor.approvals().reject(actionId, approver, reason.orElse(""));
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("actionId", actionId);
      o.put("state", state.wireName());
      o.put("voter", name);
      proctor.approvals().token(actionId).ifPresent(t -> o.put("token", t));
      return o;
    } catch (ApprovalException e) {
      Voting.recordRefusal(proctor.mediator(), "cli", name, actionId, verb, e, "local");
      throw new Refused(e.code().wireName(), e.getMessage());
    }
  }

  /** The approver a name and password stand for; a failed log-in is recorded and refused. */
  private Approver authenticate(String name) throws Refused {
    Identities ids = new Identities(SqliteIdentityStore.open(dir.identity()), Clock.systemUTC());
    try {
      Optional<UserAccount> account;
      try {
        account = ids.person(name, password.get());
      } catch (RuntimeException e) {
        throw new Refused("unauthenticated", e.getMessage());
      }
      if (account.isEmpty()) {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        args.put("route", "approvals vote");
        args.put("reason", "bad-credentials");
        args.put("user", name.length() > 64 ? name.substring(0, 64) : name);
        args.put("remote", "local");
        proctor
            .mediator()
            .refuse(
                ToolCall.builder("proctor.auth")
                    .surface("cli")
                    .arguments(args)
                    .declaredClass("proctor.auth")
                    .build(),
                "wrong name or password");
        throw new Refused("bad-credentials", "wrong name or password");
      }
      return Voting.approver(account.get().name(), Identities.roles(account.get()));
    } finally {
      ids.store().close();
    }
  }

  @Override
  public void close() {
    proctor.close();
  }

  /** A password read once, when a vote first needs it (listing asks for none). */
  static Supplier<String> lazily(PasswordSource source) {
    String[] cached = {null};
    return () -> {
      if (cached[0] == null) {
        try {
          cached[0] = source.read();
        } catch (IOException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
      }
      return cached[0];
    };
  }

  /** Reads a password when asked. */
  @FunctionalInterface
  interface PasswordSource {
    String read() throws IOException;
  }
}

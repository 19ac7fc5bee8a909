package dev.proctor.server;

import dev.proctor.Proctor;
import dev.proctor.audit.CheckpointSink;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.KeyRing;
import dev.proctor.audit.WitnessPublisher;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyWatcher;
import dev.proctor.server.witness.WitnessClient;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.PostgresStore;
import dev.proctor.store.jdbc.SqliteActionLog;
import dev.proctor.store.jdbc.SqliteIdentityStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens what a configured server serves, the way the embedded commands do: the policy directory
 * (watched; an invalid version is refused and the old one stays) or the default pack, the taxonomy,
 * the data directory's log (its signing key created on first start) and identity store, and the
 * witnesses checkpoints are pushed to. On a fresh identity store it creates the first administrator
 * and hands its one-time password to {@code firstAdmin} (never to a log).
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /** The name of the administrator created on first start. */
  public static final String FIRST_ADMIN = "admin";

  private Gateway() {}

  /** The data directory a configuration names, else {@code $PROCTOR_HOME}, else ~/.proctor. */
  public static DataDirectory dataDirectory(ServerConfig config) {
    return DataDirectory.resolve(config.dataDir());
  }

  /**
   * Opens the services; {@code notices} gets one-line notices (key created, policy reloaded),
   * {@code firstAdmin} the password of an administrator created now.
   */
  public static Services open(
      ServerConfig config, Consumer<String> notices, Consumer<String> firstAdmin)
      throws IOException, PolicyException, TaxonomyException {
    Clock clock = Clock.systemUTC();
    DataDirectory dir = dataDirectory(config);
    Proctor.Builder b =
        Proctor.builder()
            .protect(dir.root())
            .protectInstallation()
            .decisionDeadline(config.decisions().deadline());
    config.policyDir().ifPresent(b::policyDirectory);
    config.taxonomy().ifPresent(b::taxonomyFile);
    config.tls().ifPresent(t -> b.protect(t.passwordFile()).protect(t.keyStore()));
    Proctor proctor =
        config.database().isPresent()
            ? PostgresStore.open(settings(config.database().get())).into(b, dir, notices).build()
            : SqliteActionLog.into(b, dir, notices).build();
    SqliteIdentityStore store = null;
    Optional<PolicyWatcher> watcher = Optional.empty();
    try {
      store = SqliteIdentityStore.open(dir.identity());
      Identities identities = new Identities(store, clock);
      if (identities.users().isEmpty()) {
        String password = Secrets.token(18);
        identities.addUser(FIRST_ADMIN, Role.personRoles(), password);
        firstAdmin.accept(password);
      }
      if (config.policyDir().isPresent() && config.watchPolicy()) {
        watcher = Optional.of(watch(config.policyDir().get(), proctor, clock, notices));
      }
      Optional<WitnessPublisher> witnesses = witnesses(config, proctor);
      KeyRing logKeys = KeyFiles.loadPublic(List.of(dir.publicKeys()));
      return new Services(proctor, identities, watcher, witnesses, logKeys, clock);
    } catch (IOException | PolicyException | RuntimeException e) {
      if (store != null) {
        store.close();
      }
      watcher.ifPresent(
          w -> {
            try {
              w.close();
            } catch (IOException closing) {
              e.addSuppressed(closing);
            }
          });
      proctor.close();
      throw e;
    }
  }

  /** The pool settings of a configured database; the password from its file or the environment. */
  static PostgresStore.Settings settings(ServerConfig.Database db) throws IOException {
    String password;
    if (db.passwordFile().isPresent()) {
      password = java.nio.file.Files.readString(db.passwordFile().get()).strip();
    } else {
      password = Optional.ofNullable(System.getenv("PROCTOR_DATABASE_PASSWORD")).orElse("");
    }
    PostgresStore.Settings s =
        new PostgresStore.Settings(db.url(), db.user(), password, db.schema(), db.pool());
    return s;
  }

  private static PolicyWatcher watch(
      Path dir, Proctor proctor, Clock clock, Consumer<String> notices)
      throws IOException, PolicyException {
    PolicyWatcher[] holder = new PolicyWatcher[1];
    PolicyWatcher w =
        PolicyWatcher.start(
            dir,
            proctor.policyLoader(),
            clock,
            Duration.ofMillis(300),
            reload -> {
              if (reload.loaded() && holder[0] != null) {
                proctor.replacePolicy(holder[0].current());
                notices.accept("policy reloaded from " + dir + ": digest " + reload.digest().get());
              } else if (!reload.loaded()) {
                notices.accept(
                    "policy in "
                        + dir
                        + " refused, the old one stays in force: "
                        + reload.problems().size()
                        + " problem(s), first: "
                        + reload.problems().stream().findFirst().map(Object::toString).orElse("?"));
              }
            });
    holder[0] = w;
    // The watcher loaded the directory again; put that copy in force so both agree.
    proctor.replacePolicy(w.current());
    return w;
  }

  private static Optional<WitnessPublisher> witnesses(ServerConfig config, Proctor proctor)
      throws IOException {
    if (config.witnesses().isEmpty()) {
      return Optional.empty();
    }
    List<CheckpointSink> sinks = new ArrayList<>();
    List<Path> keys = new ArrayList<>();
    for (ServerConfig.WitnessTarget t : config.witnesses()) {
      sinks.add(new WitnessClient(t.url(), Duration.ofSeconds(5)));
      keys.add(t.publicKey());
    }
    LOG.info("pushing checkpoints to {} witness(es)", sinks.size());
    return Optional.of(WitnessPublisher.attach(proctor.log(), sinks, KeyFiles.loadPublic(keys)));
  }
}

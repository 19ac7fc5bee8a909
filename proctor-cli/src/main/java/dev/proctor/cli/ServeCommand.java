package dev.proctor.cli;

import dev.proctor.server.ConfigException;
import dev.proctor.server.ConfigLoader;
import dev.proctor.server.Gateway;
import dev.proctor.server.ProctorServer;
import dev.proctor.server.ServerConfig;
import dev.proctor.server.Services;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code proctor serve}: the long-running gateway. With no configuration it listens on 127.0.0.1
 * only, records in the data directory's log and decides under the default pack; it prints the URL
 * and, on first start, the administrator's one-time password (to standard output only, never to a
 * log). It runs until it is stopped (SIGTERM, Ctrl-C), then shuts down gracefully.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run Proctor as a server: the HTTP API, harness hooks over HTTP (/v1/hooks/<harness>),"
          + " the live feed, metrics. Listens on 127.0.0.1:8765 unless configured otherwise.",
      "Exit codes: 0 stopped, 2 the configuration, policy or data directory could not be used."
    })
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration file (README lists every key and its default).")
  Path config;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Listen here instead (port 0 picks a free port; the printed URL names it).")
  String listen;

  @Mixin PolicyOptions policy;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Data directory (default: the configuration's data_dir, else $PROCTOR_HOME, else ~/.proctor).")
  Path dataDir;

  @Override
  public Integer call() {
    // Jetty's start-up chatter is not news; warnings and errors still go to standard error.
    if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    ServerConfig cfg;
    try {
      cfg = config == null ? ServerConfig.defaults() : ConfigLoader.load(config);
      if (listen != null) {
        cfg = cfg.withListen(ServerConfig.Listen.parse(listen));
      }
      if (dataDir != null) {
        cfg = cfg.withDataDir(dataDir);
      }
      cfg = cfg.withPolicy(policy.policyDir(), policy.taxonomyFile());
    } catch (ConfigException e) {
      err.println("proctor: " + e.getMessage());
      return Failures.CANNOT_DECIDE;
    } catch (Exception e) {
      return Failures.report(e, err);
    }
    Optional<String> admin = Optional.empty();
    String[] password = {null};
    ProctorServer server;
    try {
      Services services =
          Gateway.open(cfg, notice -> err.println("proctor: " + notice), p -> password[0] = p);
      server = ProctorServer.start(cfg, services);
    } catch (Exception e) {
      return Failures.report(e, err);
    }
    if (password[0] != null) {
      admin = Optional.of(password[0]);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              err.println(
                  "proctor: stopping: finishing requests in flight, signing a last checkpoint");
              server.close();
              stopped.countDown();
            },
            "proctor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(
        "proctor: listening on " + server.url() + " (console: " + server.url() + "/console/)");
    admin.ifPresent(
        p ->
            out.println(
                "proctor: first start: created the administrator '"
                    + Gateway.FIRST_ADMIN
                    + "' with the one-time password "
                    + p
                    + " (shown only now; change it with: proctor users passwd "
                    + Gateway.FIRST_ADMIN
                    + ")"));
    out.println("proctor: ready");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}

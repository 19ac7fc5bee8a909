package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code proctor serve} is configured with, one record per component; {@link
 * ConfigLoader} reads it from YAML and {@link #defaults()} is the embedded default. Every key, its
 * default and meaning is in README's configuration table.
 */
public record ServerConfig(
    Listen listen,
    Optional<Tls> tls,
    Optional<Path> dataDir,
    Optional<Path> policyDir,
    Optional<Path> taxonomy,
    boolean watchPolicy,
    List<WitnessTarget> witnesses,
    Limits limits,
    Decisions decisions,
    Sessions sessions,
    List<String> allowedHosts,
    List<String> allowedOrigins,
    Optional<Database> database,
    Approvals approvals) {

  public ServerConfig {
    requireNonNull(database, "database is null");
    requireNonNull(approvals, "approvals is null");
    requireNonNull(listen, "listen is null");
    requireNonNull(tls, "tls is null");
    requireNonNull(dataDir, "dataDir is null");
    requireNonNull(policyDir, "policyDir is null");
    requireNonNull(taxonomy, "taxonomy is null");
    witnesses = List.copyOf(requireNonNull(witnesses, "witnesses is null"));
    requireNonNull(limits, "limits is null");
    requireNonNull(decisions, "decisions is null");
    requireNonNull(sessions, "sessions is null");
    allowedHosts = List.copyOf(requireNonNull(allowedHosts, "allowedHosts is null"));
    allowedOrigins = List.copyOf(requireNonNull(allowedOrigins, "allowedOrigins is null"));
    if (decisions.deadline().compareTo(decisions.hookDeadline()) > 0) {
      throw new IllegalArgumentException(
          "decisions.deadline ("
              + decisions.deadline()
              + ") must not be longer than decisions.hook_deadline ("
              + decisions.hookDeadline()
              + ")");
    }
    if (approvals.hookWait().compareTo(decisions.hookDeadline()) >= 0) {
      throw new IllegalArgumentException(
          "approvals.hook_wait ("
              + dev.proctor.policy.Durations.format(approvals.hookWait())
              + ") must be shorter than decisions.hook_deadline ("
              + dev.proctor.policy.Durations.format(decisions.hookDeadline())
              + "), which must itself stay below the harness's hook timeout");
    }
  }

  /** The embedded default: 127.0.0.1:8765, no TLS, the data directory's log, the default pack. */
  public static ServerConfig defaults() {
    return new ServerConfig(
        new Listen("127.0.0.1", 8765),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        true,
        List.of(),
        Limits.DEFAULT,
        Decisions.DEFAULT,
        Sessions.DEFAULT,
        List.of(),
        List.of(),
        Optional.empty(),
        Approvals.DEFAULT);
  }

  /** The same configuration on a shared PostgreSQL database. */
  public ServerConfig withDatabase(Database db) {
    return toBuilder().database(db).build();
  }

  /** The same configuration with other approval settings. */
  public ServerConfig withApprovals(Approvals other) {
    return toBuilder().approvals(other).build();
  }

  /** The same configuration listening elsewhere ({@code --listen}). */
  public ServerConfig withListen(Listen other) {
    return toBuilder().listen(other).build();
  }

  /** The same configuration with another data directory ({@code --data-dir}). */
  public ServerConfig withDataDir(Path dir) {
    return toBuilder().dataDir(dir).build();
  }

  /** The same configuration with a policy directory and taxonomy file, where given. */
  public ServerConfig withPolicy(Optional<Path> dir, Optional<Path> taxonomyFile) {
    Builder b = toBuilder();
    dir.ifPresent(b::policyDir);
    taxonomyFile.ifPresent(b::taxonomy);
    return b.build();
  }

  /** The same configuration with other limits. */
  public ServerConfig withLimits(Limits other) {
    return toBuilder().limits(other).build();
  }

  /** The same configuration with other decision deadlines. */
  public ServerConfig withDecisions(Decisions other) {
    return toBuilder().decisions(other).build();
  }

  private Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy of a configuration with some components replaced. */
  private static final class Builder {
    private Listen listen;
    private Optional<Path> dataDir;
    private Optional<Path> policyDir;
    private Optional<Path> taxonomy;
    private Limits limits;
    private Decisions decisions;
    private Optional<Database> database;
    private Approvals approvals;
    private final ServerConfig from;

    Builder(ServerConfig from) {
      this.from = from;
      this.listen = from.listen;
      this.dataDir = from.dataDir;
      this.policyDir = from.policyDir;
      this.taxonomy = from.taxonomy;
      this.limits = from.limits;
      this.decisions = from.decisions;
      this.database = from.database;
      this.approvals = from.approvals;
    }

    Builder database(Database d) {
      database = Optional.of(d);
      return this;
    }

    Builder approvals(Approvals a) {
      approvals = a;
      return this;
    }

    Builder listen(Listen l) {
      listen = l;
      return this;
    }

    Builder dataDir(Path p) {
      dataDir = Optional.of(p);
      return this;
    }

    Builder policyDir(Path p) {
      policyDir = Optional.of(p);
      return this;
    }

    Builder taxonomy(Path p) {
      taxonomy = Optional.of(p);
      return this;
    }

    Builder limits(Limits l) {
      limits = l;
      return this;
    }

    Builder decisions(Decisions d) {
      decisions = d;
      return this;
    }

    ServerConfig build() {
      return new ServerConfig(
          listen,
          from.tls,
          dataDir,
          policyDir,
          taxonomy,
          from.watchPolicy,
          from.witnesses,
          limits,
          decisions,
          from.sessions,
          from.allowedHosts,
          from.allowedOrigins,
          database,
          approvals);
    }
  }

  /**
   * A PostgreSQL database shared with other instances: the log and held actions live there instead
   * of the data directory's SQLite file. The password is read from {@code passwordFile}, else from
   * the environment variable {@code PROCTOR_DATABASE_PASSWORD}, never from the configuration.
   */
  public record Database(
      String url, String user, Optional<Path> passwordFile, Optional<String> schema, int pool) {
    public Database {
      requireNonNull(url, "url is null");
      requireNonNull(user, "user is null");
      requireNonNull(passwordFile, "passwordFile is null");
      requireNonNull(schema, "schema is null");
      if (!url.startsWith("jdbc:postgresql://")) {
        throw new IllegalArgumentException("database.url must start with jdbc:postgresql://");
      }
      if (pool < 2 || pool > 200) {
        throw new IllegalArgumentException("database.pool must be 2 to 200, was " + pool);
      }
    }
  }

  /**
   * How held actions are waited for: a hook call for an action held for approval in Proctor waits
   * up to {@code hookWait} for the decision, within {@code decisions.hook_deadline} (so hook_wait
   * must be shorter than it, and hook_deadline below the harness's hook timeout), an API long-poll
   * at most {@code maxWait}; expired approvals are swept every {@code sweep}.
   */
  public record Approvals(Duration hookWait, Duration maxWait, Duration sweep) {

    /** 4 s in a hook call, 60 s for a long-poll, a sweep each second. */
    public static final Approvals DEFAULT =
        new Approvals(Duration.ofSeconds(4), Duration.ofSeconds(60), Duration.ofSeconds(1));

    public Approvals {
      requireNonNull(hookWait, "hookWait is null");
      requireNonNull(maxWait, "maxWait is null");
      requireNonNull(sweep, "sweep is null");
      if (hookWait.isNegative()) {
        throw new IllegalArgumentException("approvals.hook_wait must not be negative");
      }
      positive("approvals.max_wait", maxWait.toMillis());
      positive("approvals.sweep", sweep.toMillis());
    }
  }

  /** Where to listen: a host (an address or a name) and a port; port 0 picks a free one. */
  public record Listen(String host, int port) {
    public Listen {
      requireNonNull(host, "host is null");
      if (host.isBlank()) {
        throw new IllegalArgumentException("the listen host is empty");
      }
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("the listen port must be 0..65535, was " + port);
      }
    }

    /** Reads {@code HOST:PORT} ({@code [::1]:PORT} for IPv6). */
    public static Listen parse(String text) {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("expected HOST:PORT, was '" + text + "'");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        return new Listen(host, Integer.parseInt(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the port in '" + text + "' is not a number", e);
      }
    }

    /** True when the host is a loopback address or {@code localhost}. */
    public boolean loopback() {
      return host.equals("localhost")
          || host.startsWith("127.")
          || host.equals("::1")
          || host.equals("0:0:0:0:0:0:0:1");
    }
  }

  /** TLS: a PKCS#12 key store and the file holding its password. */
  public record Tls(Path keyStore, Path passwordFile) {
    public Tls {
      requireNonNull(keyStore, "keyStore is null");
      requireNonNull(passwordFile, "passwordFile is null");
    }
  }

  /** A witness to push checkpoints to, and the file of its public key. */
  public record WitnessTarget(URI url, Path publicKey) {
    public WitnessTarget {
      requireNonNull(url, "url is null");
      requireNonNull(publicKey, "publicKey is null");
    }
  }

  /**
   * Limits on what one client may make the server hold: body and header sizes, how long a
   * connection may sit idle or take to send a request's head (slowloris), the slowest body rate,
   * how many connections at once, worker threads, decisions per batch and live-feed subscribers.
   */
  public record Limits(
      long maxBodyBytes,
      int maxHeaderBytes,
      Duration idleTimeout,
      Duration headerTimeout,
      long minBodyBytesPerSecond,
      int maxConnections,
      int threads,
      int maxBatch,
      int maxFeedSubscribers) {

    /** 1 MiB bodies, 16 KiB headers, 30 s idle, 10 s for a request head, 512 connections. */
    public static final Limits DEFAULT =
        new Limits(
            1 << 20,
            16 * 1024,
            Duration.ofSeconds(30),
            Duration.ofSeconds(10),
            1024,
            512,
            64,
            64,
            32);

    public Limits {
      requireNonNull(idleTimeout, "idleTimeout is null");
      requireNonNull(headerTimeout, "headerTimeout is null");
      positive("limits.max_body", maxBodyBytes);
      positive("limits.max_header", maxHeaderBytes);
      positive("limits.idle_timeout", idleTimeout.toMillis());
      positive("limits.header_timeout", headerTimeout.toMillis());
      positive("limits.min_body_rate", minBodyBytesPerSecond);
      positive("limits.max_connections", maxConnections);
      if (threads < 8) {
        throw new IllegalArgumentException("limits.threads must be at least 8, was " + threads);
      }
      positive("limits.max_batch", maxBatch);
      positive("limits.max_feed_subscribers", maxFeedSubscribers);
    }

    /** The same limits with other time limits (tests of slow clients). */
    public Limits withTimeouts(Duration idle, Duration header) {
      return new Limits(
          maxBodyBytes,
          maxHeaderBytes,
          idle,
          header,
          minBodyBytesPerSecond,
          maxConnections,
          threads,
          maxBatch,
          maxFeedSubscribers);
    }
  }

  /**
   * How long a decision may take: {@code deadline} for making and recording it (past it the answer
   * is a fail-closed deny), {@code hookDeadline} for a hook's whole answer, which must stay below
   * the hook timeout the harness is configured with (10 s in the documented settings).
   */
  public record Decisions(Duration deadline, Duration hookDeadline) {

    /** 2 s to decide and record; 5 s for a hook's answer. */
    public static final Decisions DEFAULT =
        new Decisions(Duration.ofSeconds(2), Duration.ofSeconds(5));

    public Decisions {
      requireNonNull(deadline, "deadline is null");
      requireNonNull(hookDeadline, "hookDeadline is null");
      positive("decisions.deadline", deadline.toMillis());
      positive("decisions.hook_deadline", hookDeadline.toMillis());
    }
  }

  /**
   * People's sessions: ended after {@code idle} without use and {@code absolute} after log-in; at
   * most {@code loginFailures} failed log-ins per account and per client address within {@code
   * loginWindow}, after which log-ins are refused until the window has passed.
   */
  public record Sessions(
      Duration idle, Duration absolute, int loginFailures, Duration loginWindow) {

    /** 30 minutes idle, 12 hours absolute, 5 failures per 15 minutes. */
    public static final Sessions DEFAULT =
        new Sessions(Duration.ofMinutes(30), Duration.ofHours(12), 5, Duration.ofMinutes(15));

    public Sessions {
      requireNonNull(idle, "idle is null");
      requireNonNull(absolute, "absolute is null");
      requireNonNull(loginWindow, "loginWindow is null");
      positive("sessions.idle", idle.toMillis());
      positive("sessions.absolute", absolute.toMillis());
      positive("sessions.login_failures", loginFailures);
      positive("sessions.login_window", loginWindow.toMillis());
    }
  }

  private static void positive(String key, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be positive, was " + value);
    }
  }
}

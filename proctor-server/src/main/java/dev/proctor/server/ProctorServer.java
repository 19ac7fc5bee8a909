package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.action.ToolCall;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code proctor serve}: the long-running gateway on embedded Jetty (core handlers, no servlets).
 * One {@link dev.proctor.Proctor} decides for every surface — the JSON API under {@code /v1}, the
 * harness hooks under {@code /v1/hooks/<harness>}, and later the console — so there is one decision
 * path and one log.
 *
 * <p>Every request passes the same gate before a route sees it: the {@code Host} must be one this
 * server answers to and an {@code Origin}, when a browser sends one, one it trusts (a page on
 * another site, or one that re-bound a DNS name to 127.0.0.1, gets 403); then authentication (an
 * agent's API key, or a person's session cookie plus the CSRF token on state-changing requests),
 * then the route's permission. Every authentication and authorisation failure is recorded as a
 * denied action of class {@code proctor.auth}. Bodies, headers and the time to send a request are
 * bounded ({@link ServerConfig.Limits}). Hook routes never answer non-2xx: see {@link
 * HookEndpoint}.
 *
 * <p>Closing stops accepting, lets requests in flight finish (decisions that cannot are denied by
 * the log's deadline), then closes the log, which writes what is queued and signs a last
 * checkpoint.
 */
public final class ProctorServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProctorServer.class);

  /** The class authentication and authorisation failures are recorded under. */
  static final String AUTH_CLASS = "proctor.auth";

  private final ServerConfig config;
  private final Services services;
  private final Server jetty;
  private final ServerConnector connector;
  private final ConnectionWatch watch;
  private final ServerMetrics metrics;
  private final EventFeed feed;
  private final RuleHits hits;
  private final Authenticator auth;
  private final Api api;
  private final java.util.concurrent.ScheduledExecutorService sweeper;
  private final HookEndpoint hooks;
  private final ThreadPoolExecutor decisions;
  private final Tracer tracer = GlobalOpenTelemetry.getTracer("dev.proctor.server");
  private final List<Route> routes;
  private volatile List<String> hosts = List.of();
  private volatile List<String> origins = List.of();
  private volatile boolean lastRecordFailed;
  private volatile boolean stopping;

  /** One route: method, path pattern ({@code {name}} matches one segment), permission, handler. */
  record Route(
      String method, String pattern, List<Role.Permission> anyOf, boolean body, Handler0 handler) {}

  /** A route's work; it answers through the exchange. */
  @FunctionalInterface
  interface Handler0 {
    void handle(Exchange x, Optional<Caller> caller, Map<String, String> params) throws Exception;
  }

  private ProctorServer(ServerConfig config, Services services) throws IOException {
    this.config = config;
    this.services = services;
    ServerConfig.Limits limits = config.limits();
    QueuedThreadPool pool = new QueuedThreadPool(limits.threads(), 8);
    pool.setName("proctor-http");
    pool.setDaemon(true);
    this.jetty = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(limits.maxHeaderBytes());
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.setIdleTimeout(limits.idleTimeout().toMillis());
    List<ConnectionFactory> factories = new ArrayList<>();
    if (config.tls().isPresent()) {
      http.addCustomizer(new SecureRequestCustomizer());
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(config.tls().get().keyStore().toString());
      ssl.setKeyStoreType("PKCS12");
      ssl.setKeyStorePassword(
          Files.readString(config.tls().get().passwordFile(), StandardCharsets.UTF_8).strip());
      factories.add(new SslConnectionFactory(ssl, "http/1.1"));
    }
    factories.add(new HttpConnectionFactory(http));
    this.connector = new ServerConnector(jetty, factories.toArray(ConnectionFactory[]::new));
    connector.setHost(config.listen().host());
    connector.setPort(config.listen().port());
    connector.setIdleTimeout(limits.idleTimeout().toMillis());
    this.watch = new ConnectionWatch(limits.headerTimeout());
    connector.addBean(watch);
    jetty.addConnector(connector);
    jetty.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    this.metrics = new ServerMetrics(services.proctor().log());
    this.feed = new EventFeed(services.proctor().log(), limits.maxFeedSubscribers());
    this.hits = new RuleHits(services.proctor().log(), services.clock());
    this.auth = new Authenticator(services.identities(), config.sessions(), services.clock());
    this.decisions =
        new ThreadPoolExecutor(
            limits.threads(),
            limits.threads(),
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4 * limits.threads()),
            r -> {
              Thread t = new Thread(r, "proctor-decision");
              t.setDaemon(true);
              return t;
            });
    this.api = new Api(this, services, auth, feed, hits, metrics, config);
    this.hooks = new HookEndpoint(this, services, auth, metrics, config);
    this.routes = api.routes();
    // Held actions whose expiry passed are ended (expired = deny) by every instance; the log's
    // lifecycle check lets one ending through.
    this.sweeper =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "proctor-approval-sweep");
              t.setDaemon(true);
              return t;
            });
    long every = config.approvals().sweep().toMillis();
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            services.proctor().approvals().sweep();
          } catch (RuntimeException e) {
            LOG.warn("approval sweep failed: {}", e.toString());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    // A body slower than the minimum rate is cut off (408); answers have no minimum (the feed
    // sends heartbeats only).
    GracefulHandler graceful =
        new GracefulHandler(
            new MinimumDataRateHandler(new Root(), limits.minBodyBytesPerSecond(), 0));
    jetty.setHandler(graceful);
    jetty.setStopTimeout(config.decisions().hookDeadline().toMillis() + 1000);
  }

  /** Starts serving; the services are owned by the server from now on. */
  public static ProctorServer start(ServerConfig config, Services services) throws Exception {
    requireNonNull(config, "config is null");
    requireNonNull(services, "services is null");
    ProctorServer s = new ProctorServer(config, services);
    try {
      s.jetty.start();
    } catch (Exception e) {
      s.close();
      throw e;
    }
    s.hosts = s.allowedHosts();
    s.origins = s.allowedOrigins();
    return s;
  }

  /** The port the server listens on (the chosen one when the configuration asked for 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URL clients use: {@code http://127.0.0.1:8765}. */
  public URI url() {
    String host = config.listen().host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create((config.tls().isPresent() ? "https" : "http") + "://" + host + ":" + port());
  }

  /** True when the server can decide: a policy is in force and the log takes receipts. */
  public boolean ready() {
    return !stopping && !lastRecordFailed && services.proctor().policy() != null;
  }

  private List<String> allowedHosts() {
    List<String> out = new ArrayList<>();
    String p = String.valueOf(port());
    for (String h : List.of("127.0.0.1", "localhost", "[::1]")) {
      out.add(h + ":" + p);
    }
    if (!config.listen().loopback()) {
      String h = config.listen().host();
      out.add((h.contains(":") ? "[" + h + "]" : h).toLowerCase(Locale.ROOT) + ":" + p);
    }
    out.addAll(config.allowedHosts());
    return List.copyOf(out);
  }

  private List<String> allowedOrigins() {
    List<String> out = new ArrayList<>();
    for (String h : allowedHosts()) {
      out.add("http://" + h);
      out.add("https://" + h);
    }
    out.addAll(config.allowedOrigins());
    return List.copyOf(out);
  }

  /** The Jetty handler: the gate, then the route. */
  private final class Root extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Connection connection = request.getConnectionMetaData().getConnection();
      watch.begin(connection);
      Callback done =
          Callback.from(
              () -> {
                watch.end(connection);
                callback.succeeded();
              },
              failure -> {
                watch.end(connection);
                callback.failed(failure);
              });
      securityHeaders(response, request.getHttpURI().getPath());
      Exchange x = new Exchange(request, response, done, config.limits().maxBodyBytes());
      try {
        dispatch(x);
      } catch (Throwable e) {
        LOG.error("internal error on {}", x.route(), e);
        if (!x.answered()) {
          x.error(500, "internal", "internal error: " + Exchange.describe(e));
        }
      }
      metrics.answered(response.getStatus());
      return true;
    }
  }

  private void dispatch(Exchange x) throws Exception {
    String path = x.path();
    if (path.startsWith("/v1/hooks/")) {
      hooks.handle(x);
      return;
    }
    try {
      checkHostAndOrigin(x);
      Route route = match(x);
      Map<String, String> params = params(route.pattern(), path);
      Optional<Caller> caller = Optional.empty();
      if (!route.anyOf().isEmpty()) {
        caller = auth.authenticate(x);
        if (caller.isEmpty()) {
          x.response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"proctor\"");
          throw HttpError.auth(
              401,
              "unauthenticated",
              "this route needs an agent's API key (Authorization: Bearer …) or a person's session");
        }
        Caller who = caller.get();
        if (route.anyOf().stream().noneMatch(who::allows)) {
          throw HttpError.auth(
              403,
              "forbidden",
              "'"
                  + who.name()
                  + "' has no role that allows "
                  + route.anyOf().get(0).name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
          Authenticator.checkCsrf(x, caller.get());
        }
      } else if (!x.method().equals("GET") && !x.method().equals("HEAD")) {
        Optional<Caller> c = Optional.empty();
        try {
          c = auth.authenticate(x);
        } catch (HttpError ignoredForPublicRoute) {
          // A public state-changing route (log-in) needs no prior session.
        }
        if (c.isPresent()) {
          Authenticator.checkCsrf(x, c.get());
        }
      }
      if (route.body()) {
        x.requireJson();
      }
      route.handler().handle(x, caller, params);
    } catch (HttpError e) {
      if (e.authFailure()) {
        recordAuthFailure(x, "api", e);
      }
      x.error(e);
    } catch (dev.proctor.action.BadInputException e) {
      x.error(400, "bad-request", e.getMessage());
    }
  }

  private Route match(Exchange x) throws HttpError {
    List<String> allowed = new ArrayList<>();
    for (Route r : routes) {
      if (params(r.pattern(), x.path()) != null) {
        if (r.method().equals(x.method())
            || (x.method().equals("HEAD") && r.method().equals("GET"))) {
          return r;
        }
        allowed.add(r.method());
      }
    }
    if (!allowed.isEmpty()) {
      x.response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", allowed));
      throw new HttpError(405, "method-not-allowed", x.method() + " is not allowed on " + x.path());
    }
    throw new HttpError(404, "not-found", "no route " + x.path());
  }

  /** The path's parameters when it matches the pattern, else null. */
  static Map<String, String> params(String pattern, String path) {
    if (pattern.endsWith("/**")) {
      String prefix = pattern.substring(0, pattern.length() - 2);
      return path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1))
          ? Map.of("rest", path.length() > prefix.length() ? path.substring(prefix.length()) : "")
          : null;
    }
    String[] p = pattern.split("/", -1);
    String[] a = path.split("/", -1);
    if (p.length != a.length) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < p.length; i++) {
      if (p[i].startsWith("{") && p[i].endsWith("}")) {
        if (a[i].isEmpty()) {
          return null;
        }
        out.put(p[i].substring(1, p[i].length() - 1), a[i]);
      } else if (!p[i].equals(a[i])) {
        return null;
      }
    }
    return out;
  }

  /**
   * Refuses a request whose {@code Host} this server does not answer to (DNS rebinding: a name the
   * attacker controls, re-pointed at 127.0.0.1, arrives with that name), or that a browser sends
   * from a page on another origin.
   */
  void checkHostAndOrigin(Exchange x) throws HttpError {
    String host = x.header(HttpHeader.HOST).orElse("").toLowerCase(Locale.ROOT);
    if (!hosts.contains(host) && !hosts.contains(hostOnly(host))) {
      throw HttpError.auth(
          403,
          "bad-host",
          "this server does not answer to Host '"
              + printable(host)
              + "' (add it to allowed_hosts if it is yours)");
    }
    Optional<String> origin = x.header(HttpHeader.ORIGIN);
    if (origin.isPresent() && !origins.contains(origin.get().toLowerCase(Locale.ROOT))) {
      throw HttpError.auth(
          403,
          "bad-origin",
          "requests from the page at '" + printable(origin.get()) + "' are not accepted");
    }
    if (x.header("Sec-Fetch-Site").filter(s -> s.equalsIgnoreCase("cross-site")).isPresent()) {
      throw HttpError.auth(403, "bad-origin", "cross-site requests are not accepted");
    }
  }

  private static String hostOnly(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.lastIndexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /** A value from a request, safe to echo in a message or a record: printable ASCII, bounded. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  /**
   * Records an authentication or authorisation failure as a denied action of class {@code
   * proctor.auth}: which surface and route, from where, why, and the key id when one was presented
   * (never the secret).
   */
  void recordAuthFailure(Exchange x, String surface, HttpError e) {
    metrics.authFailure(e.code());
    ObjectNode args = JsonNodeFactory.instance.objectNode();
    args.put("route", printable(x.route()));
    args.put("reason", e.code());
    args.put("remote", x.remote());
    x.header(HttpHeader.AUTHORIZATION)
        .filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7))
        .flatMap(a -> Identities.keyIdOf(a.substring(7).strip()))
        .ifPresent(id -> args.put("keyId", id));
    ToolCall call =
        ToolCall.builder(AUTH_CLASS)
            .surface(surface)
            .arguments(args)
            .declaredClass(AUTH_CLASS)
            .build();
    Mediation m = services.proctor().mediator().refuse(call, e.getMessage());
    if (!m.durable()) {
      lastRecordFailed = true;
      LOG.error("an authentication failure on {} could not be recorded", printable(x.route()));
    }
  }

  /**
   * Runs a decision on the decision pool and waits for it until the deadline; past it, or when the
   * pool is full, {@code failClosed} answers instead (the decision, if it is still made, is
   * recorded as made — the caller was told deny, which is safe).
   */
  <T> T decide(Supplier<T> work, Duration deadline, Supplier<T> failClosed, String what) {
    Span span = tracer.spanBuilder(what).startSpan();
    CompletableFuture<T> f;
    try {
      f = CompletableFuture.supplyAsync(work, decisions);
    } catch (RejectedExecutionException e) {
      span.setStatus(StatusCode.ERROR, "busy");
      span.end();
      return failClosed.get();
    }
    try {
      T t = f.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
      if (t instanceof ObjectNode o && o.has("decision")) {
        span.setAttribute("proctor.decision", o.get("decision").asText());
        span.setAttribute("proctor.receipts", o.path("receipts").size());
      }
      span.end();
      return t;
    } catch (TimeoutException e) {
      span.setStatus(StatusCode.ERROR, "deadline");
      span.end();
      return failClosed.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      span.end();
      return failClosed.get();
    } catch (ExecutionException e) {
      LOG.error("decision failed", e.getCause());
      span.setStatus(StatusCode.ERROR, Exchange.describe(e.getCause()));
      span.end();
      return failClosed.get();
    }
  }

  /** Notes a mediation: metrics, readiness (a decision the log could not take makes it unready). */
  void observe(Mediation m, long startNanos) {
    metrics.decided(m, System.nanoTime() - startNanos);
    lastRecordFailed = !m.durable();
  }

  /**
   * The console's Content-Security-Policy: its own scripts, styles and API only, nothing inline (no
   * {@code 'unsafe-inline'}, no {@code eval}), no plugins, no frames, forms post only here; DOM
   * sinks take no strings ({@code require-trusted-types-for 'script'}: the console builds its DOM
   * with {@code textContent}, so any {@code innerHTML} assignment would throw).
   */
  static final String CONSOLE_CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
          + " form-action 'self'; base-uri 'none'; frame-ancestors 'none'; object-src 'none';"
          + " require-trusted-types-for 'script'; trusted-types 'none'";

  private static void securityHeaders(Response response, String path) {
    var h = response.getHeaders();
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Referrer-Policy", "no-referrer");
    h.put("X-Frame-Options", "DENY");
    h.put(HttpHeader.CACHE_CONTROL, "no-store");
    h.put(
        "Content-Security-Policy",
        path.startsWith("/console/") ? CONSOLE_CSP : "default-src 'none'; frame-ancestors 'none'");
  }

  /** Stops accepting, finishes requests in flight, then closes Proctor (last checkpoint). */
  @Override
  public synchronized void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    sweeper.shutdownNow();
    try {
      feed.close();
      hits.close();
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server: {}", e.toString());
    }
    decisions.shutdown();
    try {
      if (!decisions.awaitTermination(
          config.decisions().deadline().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
        decisions.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    services
        .watcher()
        .ifPresent(
            w -> {
              try {
                w.close();
              } catch (IOException e) {
                LOG.warn("closing the policy watcher: {}", e.toString());
              }
            });
    services.witnesses().ifPresent(w -> w.close());
    services.proctor().close();
    services.identities().store().close();
  }

  ServerConfig config() {
    return config;
  }

  Tracer tracer() {
    return tracer;
  }
}

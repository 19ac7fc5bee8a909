package dev.proctor.server.witness;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.proctor.audit.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The witness over HTTP, on the JDK's built-in server. Routes:
 *
 * <ul>
 *   <li>{@code GET /v1/witness} — {@code {"keyId", "publicKey"}}: the witness's key (PEM);
 *   <li>{@code GET /v1/logs/{logId}} — {@code {"checkpoint"}}: the latest checkpoint it co-signed
 *       for a log, or 404;
 *   <li>{@code POST /v1/checkpoints} with {@code {"checkpoint", "fromSize", "proof", "handovers"}}
 *       ({@code handovers}: the log's checkpoints naming a next key, needed when its key changed) —
 *       200 {@code {"cosignature"}}; 409 {@code stale}, {@code fork}, {@code rollback} or {@code
 *       new_log} with the {@code witnessed} and {@code submitted} checkpoints; 403 for an untrusted
 *       key or bad signature; 400 for malformed JSON, unknown fields or bad values (the message
 *       names the JSON pointer); 413 for a body over {@value #MAX_BODY} bytes.
 * </ul>
 *
 * Every error body is {@code {"error": code, "message": text}} plus the fields above.
 */
public final class WitnessServer implements AutoCloseable {

  /** The largest request body accepted, in bytes. */
  public static final int MAX_BODY = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(WitnessServer.class);
  private static final Set<String> SUBMISSION_FIELDS =
      Set.of("checkpoint", "fromSize", "proof", "handovers");

  private final Witness witness;
  private final HttpServer server;
  private final ExecutorService executor;

  private WitnessServer(Witness witness, HttpServer server, ExecutorService executor) {
    this.witness = witness;
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving a witness on an address (port 0 picks a free port). */
  public static WitnessServer start(Witness witness, InetSocketAddress address) throws IOException {
    requireNonNull(witness, "witness is null");
    requireNonNull(address, "address is null");
    HttpServer server = HttpServer.create(address, 64);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "proctor-witness-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    WitnessServer s = new WitnessServer(witness, server, executor);
    server.createContext("/", s::handle);
    server.start();
    return s;
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The base URL of the server, such as {@code http://127.0.0.1:8646/}. */
  public URI uri() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + a.getPort() + "/");
  }

  /** Stops the server, letting requests in progress finish for up to a second. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange ex) {
    try {
      route(ex);
    } finally {
      ex.close();
    }
  }

  private void route(HttpExchange ex) {
    try {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      if (path.equals("/v1/checkpoints")) {
        if (!method.equals("POST")) {
          error(ex, 405, "method_not_allowed", "use POST on " + path);
          return;
        }
        submit(ex);
      } else if (path.equals("/v1/witness")) {
        if (!method.equals("GET")) {
          error(ex, 405, "method_not_allowed", "use GET on " + path);
          return;
        }
        ObjectNode o = WireJson.MAPPER.createObjectNode();
        o.put("keyId", witness.keyId());
        o.put("publicKey", witness.publicKeyPem());
        send(ex, 200, o);
      } else if (path.startsWith("/v1/logs/")) {
        if (!method.equals("GET")) {
          error(ex, 405, "method_not_allowed", "use GET on " + path);
          return;
        }
        String logId =
            URLDecoder.decode(path.substring("/v1/logs/".length()), StandardCharsets.UTF_8);
        if (!Witness.LOG_ID.matcher(logId).matches()) {
          error(ex, 400, "bad_request", "not a log id: " + logId);
          return;
        }
        Optional<Checkpoint> w = witness.witnessed(logId);
        if (w.isEmpty()) {
          error(ex, 404, "unknown_log", "this witness has seen nothing of log " + logId);
          return;
        }
        ObjectNode o = WireJson.MAPPER.createObjectNode();
        o.set("checkpoint", WireJson.object(w.get()));
        send(ex, 200, o);
      } else {
        error(ex, 404, "not_found", "no route " + method + " " + path);
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("witness request failed", e);
      try {
        error(ex, 500, "internal_error", "the witness failed: " + e.getMessage());
      } catch (IOException | RuntimeException ignored) {
        // The response was started already; the exchange is closed by the caller.
      }
    }
  }

  private void submit(HttpExchange ex) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null && parseLength(length) > MAX_BODY) {
      error(ex, 413, "too_large", "the body exceeds " + MAX_BODY + " bytes");
      return;
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      error(ex, 413, "too_large", "the body exceeds " + MAX_BODY + " bytes");
      return;
    }
    Checkpoint c;
    long fromSize;
    List<byte[]> proof;
    List<Checkpoint> handovers;
    try {
      JsonNode n = WireJson.parse(body);
      WireJson.onlyFields(n, SUBMISSION_FIELDS, "");
      c = WireJson.checkpoint(n.get("checkpoint"), "/checkpoint");
      fromSize = WireJson.size(n.get("fromSize"), "/fromSize", 0);
      proof = WireJson.hashes(n.get("proof"), "/proof");
      handovers = WireJson.checkpoints(n.get("handovers"), "/handovers");
    } catch (IllegalArgumentException e) {
      error(ex, 400, "bad_request", e.getMessage());
      return;
    }
    Witness.Verdict v;
    try {
      v = witness.submit(c, fromSize, proof, handovers);
    } catch (IllegalArgumentException e) {
      error(ex, 400, "bad_request", e.getMessage());
      return;
    }
    if (v instanceof Witness.Cosigned ok) {
      ObjectNode o = WireJson.MAPPER.createObjectNode();
      o.set("cosignature", WireJson.object(ok.cosignature()));
      send(ex, 200, o);
      return;
    }
    Witness.Refused r = (Witness.Refused) v;
    int status =
        r.reason() == Witness.Reason.UNTRUSTED_KEY || r.reason() == Witness.Reason.BAD_SIGNATURE
            ? 403
            : 409;
    ObjectNode o = errorBody(r.reason().code(), r.message());
    r.witnessed().ifPresent(w -> o.set("witnessed", WireJson.object(w)));
    o.set("submitted", WireJson.object(c));
    r.evidence().ifPresent(p -> o.put("evidence", p.getFileName().toString()));
    send(ex, status, o);
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static ObjectNode errorBody(String code, String message) {
    ObjectNode o = WireJson.MAPPER.createObjectNode();
    o.put("error", code);
    o.put("message", message);
    return o;
  }

  private static void error(HttpExchange ex, int status, String code, String message)
      throws IOException {
    send(ex, status, errorBody(code, message));
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = WireJson.MAPPER.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }
}

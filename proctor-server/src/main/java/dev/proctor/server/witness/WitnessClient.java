package dev.proctor.server.witness;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.CheckpointSink;
import dev.proctor.audit.KeyFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A {@link CheckpointSink} that pushes checkpoints to a witness over HTTP ({@link WitnessServer}'s
 * protocol): it asks the witness which size it holds, sends the checkpoint with the consistency
 * proof from that size, and retries when the witness moved on in between.
 */
public final class WitnessClient implements CheckpointSink {

  private static final int ATTEMPTS = 3;

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  /** A client for the witness at a base URL, with a timeout for connecting and for each request. */
  public WitnessClient(URI base, Duration timeout) {
    requireNonNull(base, "base is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    String s = base.toString();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    if (!"http".equals(this.base.getScheme()) && !"https".equals(this.base.getScheme())) {
      throw new IllegalArgumentException("a witness URL must be http or https, was " + base);
    }
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String name() {
    return base.toString();
  }

  /** The witness's public key, as it announces it (check its key id out of band). */
  public PublicKey publicKey() throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("v1/witness")).GET());
    JsonNode n = answer(r, "GET /v1/witness");
    if (r.statusCode() != 200 || !n.path("publicKey").isTextual()) {
      throw unexpected("GET /v1/witness", r, n);
    }
    return KeyFiles.parsePublicPem(n.get("publicKey").textValue());
  }

  /** The latest checkpoint the witness co-signed for a log, if any. */
  public Optional<Checkpoint> witnessed(String logId) throws IOException {
    String what = "GET /v1/logs/" + logId;
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    base.resolve("v1/logs/" + URLEncoder.encode(logId, StandardCharsets.UTF_8)))
                .GET());
    JsonNode n = answer(r, what);
    if (r.statusCode() == 404 && "unknown_log".equals(n.path("error").asText())) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw unexpected(what, r, n);
    }
    return Optional.of(parse(() -> WireJson.checkpoint(n.get("checkpoint"), "/checkpoint"), what));
  }

  @Override
  public Submission submit(Checkpoint checkpoint, ConsistencySource log) throws IOException {
    requireNonNull(checkpoint, "checkpoint is null");
    requireNonNull(log, "log is null");
    String what = "POST /v1/checkpoints";
    JsonNode last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<Checkpoint> w = witnessed(checkpoint.logId());
      if (w.isPresent() && w.get().size() > checkpoint.size()) {
        return new Ahead(w.get());
      }
      long from = w.map(Checkpoint::size).orElse(0L);
      List<byte[]> proof =
          from == 0 || from == checkpoint.size()
              ? List.of()
              : log.consistencyProof(from, checkpoint.size());
      ObjectNode body = WireJson.MAPPER.createObjectNode();
      body.set("checkpoint", WireJson.object(checkpoint));
      body.put("fromSize", from);
      body.set("proof", WireJson.hexArray(proof));
      if (w.isEmpty() || !w.get().keyId().equals(checkpoint.keyId())) {
        // A key the witness may not know for this log: the handovers that lead to it.
        List<Checkpoint> handovers = log.handovers();
        if (!handovers.isEmpty()) {
          body.set(
              "handovers",
              WireJson.array(
                  handovers.subList(
                      Math.max(0, handovers.size() - Witness.MAX_HANDOVERS), handovers.size())));
        }
      }
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(base.resolve("v1/checkpoints"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          WireJson.MAPPER.writeValueAsBytes(body))));
      JsonNode n = answer(r, what);
      last = n;
      if (r.statusCode() == 200) {
        return new Cosigned(
            parse(() -> WireJson.cosignature(n.get("cosignature"), "/cosignature"), what));
      }
      String code = n.path("error").asText("");
      if (r.statusCode() == 409 && code.equals("stale")) {
        continue;
      }
      if (r.statusCode() == 409 || r.statusCode() == 403) {
        Optional<Checkpoint> witnessed =
            n.hasNonNull("witnessed")
                ? Optional.of(
                    parse(() -> WireJson.checkpoint(n.get("witnessed"), "/witnessed"), what))
                : Optional.empty();
        return new Refused(code, n.path("message").asText(""), witnessed);
      }
      throw unexpected(what, r, n);
    }
    throw new IOException(
        name()
            + " kept answering stale after "
            + ATTEMPTS
            + " attempts: "
            + (last == null ? "" : last.path("message").asText()));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(
          request.timeout(timeout).header("Accept", "application/json").build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while talking to " + name(), e);
    } catch (IOException e) {
      throw new IOException("cannot reach the witness " + name() + ": " + e, e);
    }
  }

  private JsonNode answer(HttpResponse<String> r, String what) throws IOException {
    try {
      return WireJson.parse(r.body());
    } catch (IllegalArgumentException e) {
      throw new IOException(
          name() + " answered " + what + " with HTTP " + r.statusCode() + " and no JSON", e);
    }
  }

  private IOException unexpected(String what, HttpResponse<String> r, JsonNode n) {
    return new IOException(
        name()
            + " answered "
            + what
            + " with HTTP "
            + r.statusCode()
            + ": "
            + n.path("error").asText("?")
            + ": "
            + n.path("message").asText(""));
  }

  private interface Reader<T> {
    T read();
  }

  private <T> T parse(Reader<T> reader, String what) throws IOException {
    try {
      return reader.read();
    } catch (IllegalArgumentException e) {
      throw new IOException(name() + " answered " + what + " with " + e.getMessage(), e);
    }
  }
}

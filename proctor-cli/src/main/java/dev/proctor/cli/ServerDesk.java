package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A server's approvals API ({@code /v1/approvals}) under the person's own session, as {@code
 * proctor login} stored it: the session cookie on every request and its CSRF token on votes. The
 * server decides who the person is, so a vote here names the logged-in person.
 */
final class ServerDesk implements ApprovalDesk {

  /** The cookie the server's sessions ride on. */
  static final String COOKIE = "__Host-proctor-session";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Credentials.Session session;

  ServerDesk(Credentials.Session session) {
    this.session = session;
  }

  /**
   * An action id in a path: each segment encoded (hook ids hold slashes and what harnesses sent).
   */
  static String path(String actionId) {
    StringBuilder b = new StringBuilder("/v1/approvals");
    for (String segment : actionId.split("/", -1)) {
      b.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  @Override
  public List<JsonNode> pending(int limit) throws Refused {
    JsonNode o = send(get("/v1/approvals?limit=" + limit));
    List<JsonNode> out = new ArrayList<>();
    o.path("approvals").forEach(out::add);
    return out;
  }

  @Override
  public JsonNode show(String actionId) throws Refused {
    return send(get(path(actionId)));
  }

  @Override
  public JsonNode vote(String actionId, String verb, Optional<String> reason, Optional<String> totp)
      throws Refused {
    ObjectNode body = JSON.createObjectNode();
    reason.ifPresent(r -> body.put("reason", r));
    totp.ifPresent(t -> body.put("totp", t));
    return send(
        request(path(actionId) + "/" + verb)
            .header("Content-Type", "application/json")
            .header("X-CSRF-Token", session.csrf())
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build());
  }

  private HttpRequest get(String path) {
    return request(path).GET().build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(session.server() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Cookie", COOKIE + "=" + session.token())
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request) throws Refused {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new Refused(
          "unreachable", "the server at " + session.server() + " cannot be reached: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("unreachable", "interrupted");
    }
    return answer(session.server(), r.statusCode(), r.body());
  }

  /** A JSON answer, or the refusal its error body names. */
  static JsonNode answer(String server, int status, String body) throws Refused {
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      throw new Refused("bad-answer", "the server answered " + status + " without JSON");
    }
    if (status == 200 && json != null && json.isObject()) {
      return json;
    }
    String code = json == null ? "" : json.path("error").asText("");
    String message = json == null ? "" : json.path("message").asText("");
    if (status == 401) {
      throw new Refused(
          code.isEmpty() ? "unauthenticated" : code,
          message + " (log in again: proctor login --server " + server + ")");
    }
    throw new Refused(code.isEmpty() ? "http-" + status : code, message);
  }

  @Override
  public void close() {}
}

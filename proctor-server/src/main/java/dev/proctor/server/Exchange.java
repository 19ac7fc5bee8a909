package dev.proctor.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, as the routes see them: bounded body reading, JSON answers, and the
 * error shape every refusal shares. Exactly one answer is sent.
 */
final class Exchange {

  static final ObjectMapper JSON = new ObjectMapper();

  final Request request;
  final Response response;
  final Callback callback;
  private final long maxBody;
  private Fields query;
  private boolean answered;
  private byte[] prefix = new byte[0];
  private static final int PREFIX = 64 * 1024;

  Exchange(Request request, Response response, Callback callback, long maxBody) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.maxBody = maxBody;
  }

  String method() {
    return request.getMethod();
  }

  String path() {
    return request.getHttpURI().getPath();
  }

  /** "POST /v1/decide": how a route is named in records and metrics. */
  String route() {
    return method() + " " + path();
  }

  Optional<String> header(String name) {
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  Optional<String> header(HttpHeader name) {
    return Optional.ofNullable(request.getHeaders().get(name));
  }

  String remote() {
    return Request.getRemoteAddr(request);
  }

  /** A query parameter. */
  Optional<String> query(String name) {
    if (query == null) {
      query = Request.extractQueryParameters(request);
    }
    return Optional.ofNullable(query.getValue(name));
  }

  /** A whole-number query parameter in a range, or 400. */
  long number(String name, long fallback, long min, long max) throws HttpError {
    Optional<String> v = query(name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.get());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new HttpError(
          400, "bad-parameter", name + " must be a whole number in " + min + ".." + max);
    }
  }

  /**
   * The request body, at most the configured size: a declared length over it is refused before a
   * byte is read (413), and a body that grows past it while being read, too.
   */
  byte[] body() throws HttpError {
    long declared = request.getLength();
    try (InputStream in = Content.Source.asInputStream(request)) {
      if (declared > maxBody) {
        prefix = in.readNBytes(PREFIX);
        throw tooLarge();
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
      if (bytes.length > maxBody) {
        prefix = Arrays.copyOf(bytes, Math.min(PREFIX, bytes.length));
        throw tooLarge();
      }
      prefix = bytes;
      return bytes;
    } catch (IOException e) {
      throw new HttpError(400, "unreadable-body", "the body could not be read: " + describe(e));
    }
  }

  /**
   * What {@link #body()} read: the whole body, or the first {@value #PREFIX} bytes of one it
   * refused as too large — enough to tell which event a hook payload names, so that the refusal is
   * answered in that event's shape. Empty before the body is read.
   */
  byte[] bodyRead() {
    return prefix;
  }

  private HttpError tooLarge() {
    return new HttpError(
        413, "too-large", "the body is larger than the limit of " + maxBody + " bytes");
  }

  /** Refuses a body that is not declared as JSON (415). */
  void requireJson() throws HttpError {
    String type = header(HttpHeader.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT).strip();
    int semi = type.indexOf(';');
    String base = (semi < 0 ? type : type.substring(0, semi)).strip();
    String params = semi < 0 ? "" : type.substring(semi + 1).replace(" ", "");
    if (!base.equals("application/json") || !(params.isEmpty() || params.equals("charset=utf-8"))) {
      throw new HttpError(
          415,
          "unsupported-media-type",
          "the body must be sent as Content-Type: application/json (UTF-8), was '"
              + header(HttpHeader.CONTENT_TYPE).orElse("")
              + "'");
    }
  }

  boolean answered() {
    return answered;
  }

  /** The route answered by streaming (the live feed) and completed the callback itself. */
  void streamed() {
    answered = true;
  }

  void json(int status, JsonNode body) {
    try {
      send(status, "application/json", JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void send(int status, String contentType, byte[] body) {
    if (answered) {
      return;
    }
    answered = true;
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  void error(HttpError e) {
    error(e.status(), e.code(), e.getMessage());
  }

  void error(int status, String code, String message) {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", code);
    o.put("message", message);
    json(status, o);
  }

  void text(int status, String text) {
    send(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}

package dev.proctor.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A raw HTTP/1.1 client over a socket, so that tests control every byte — the Host header, a forged
 * Origin, a body that lies about its length — which the JDK's client would not send.
 */
final class Http {

  static final ObjectMapper JSON = new ObjectMapper();

  private final int port;

  Http(int port) {
    this.port = port;
  }

  /** An answer: status, headers (names in lower case, in order), body. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text(), e);
      }
    }

    Optional<String> header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  /** A request under construction. */
  final class Call {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    Call(String method, String path) {
      this.method = method;
      this.path = path;
      headers.put("Host", "127.0.0.1:" + port);
    }

    Call header(String name, String value) {
      if (value == null) {
        headers.remove(name);
      } else {
        headers.put(name, value);
      }
      return this;
    }

    Call bearer(String key) {
      return header("Authorization", "Bearer " + key);
    }

    Call json(String text) {
      header("Content-Type", "application/json");
      body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    Call body(byte[] bytes) {
      body = bytes;
      return this;
    }

    Answer send() {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n");
        if (body != null) {
          head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try {
          out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
          if (body != null) {
            out.write(body);
          }
          out.flush();
        } catch (IOException refusedMidway) {
          // The server answered (413, say) and closed before taking the whole body: read it.
        }
        return read(s.getInputStream());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  Call get(String path) {
    return new Call("GET", path);
  }

  Call post(String path) {
    return new Call("POST", path);
  }

  Call call(String method, String path) {
    return new Call(method, path);
  }

  /** Reads one whole answer (the server closes the connection after it). */
  static Answer read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    if (end < 0) {
      throw new IOException("no complete answer: " + new String(all, StandardCharsets.ISO_8859_1));
    }
    String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).strip());
    }
    byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
    if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
      body = dechunk(body);
    }
    return new Answer(status, headers, body);
  }

  private static byte[] dechunk(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < b.length) {
      int lineEnd = indexOf(java.util.Arrays.copyOfRange(b, i, b.length), new byte[] {'\r', '\n'});
      if (lineEnd < 0) {
        break;
      }
      int size =
          Integer.parseInt(
              new String(b, i, lineEnd, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
      i += lineEnd + 2;
      if (size == 0) {
        break;
      }
      out.write(b, i, Math.min(size, b.length - i));
      i += size + 2;
    }
    return out.toByteArray();
  }

  static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

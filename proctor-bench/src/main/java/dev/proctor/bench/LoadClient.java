package dev.proctor.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An HTTP load generator for {@code proctor serve}, run as its own process: keep-alive HTTP/1.1
 * connections, each on its own thread, POSTing one body to one path.
 *
 * <p>With {@code --rate R} it is open-loop: request k is due at {@code start + k/R}, and its
 * latency is counted from when it was due, not from when it was sent, so a server that falls behind
 * shows its queueing (no coordinated omission). With {@code --rate 0} it is closed-loop: every
 * connection sends as fast as answers come back, which finds the maximum sustained throughput.
 *
 * <p>Usage: {@code java -cp proctor-bench/target/benchmarks.jar dev.proctor.bench.LoadClient --url
 * http://127.0.0.1:8765/v1/decide --key KEY --body FILE [--rate 2000] [--seconds 30] [--connections
 * 8] [--warmup-seconds 10] [--expect allow]}. Prints one line: rate achieved, p50/p90/p99/p99.9/max
 * in microseconds, errors.
 */
public final class LoadClient {

  private LoadClient() {}

  /** Runs the load. */
  public static void main(String[] args) throws Exception {
    String url = null;
    String key = null;
    Path body = null;
    double rate = 2000;
    int seconds = 30;
    int warmup = 10;
    int connections = 8;
    String expect = null;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--url" -> url = v;
        case "--key" -> key = v;
        case "--body" -> body = Path.of(v);
        case "--rate" -> rate = Double.parseDouble(v);
        case "--seconds" -> seconds = Integer.parseInt(v);
        case "--warmup-seconds" -> warmup = Integer.parseInt(v);
        case "--connections" -> connections = Integer.parseInt(v);
        case "--expect" -> expect = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (url == null || key == null || body == null) {
      System.err.println(
          "usage: LoadClient --url URL --key KEY --body FILE [--rate R] [--seconds S]");
      System.exit(2);
    }
    URI uri = URI.create(url);
    byte[] payload = Files.readAllBytes(body);
    byte[] request =
        ("POST "
                + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + " HTTP/1.1\r\nHost: "
                + uri.getHost()
                + ":"
                + uri.getPort()
                + "\r\nAuthorization: Bearer "
                + key
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + payload.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    if (warmup > 0) {
      run(uri, request, payload, rate, warmup, connections, expect, false);
    }
    run(uri, request, payload, rate, seconds, connections, expect, true);
  }

  private static void run(
      URI uri,
      byte[] head,
      byte[] payload,
      double rate,
      int seconds,
      int connections,
      String expect,
      boolean report)
      throws Exception {
    Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    AtomicLong errors = new AtomicLong();
    AtomicLong unexpected = new AtomicLong();
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    byte[] needle = expect == null ? null : ("\"" + expect + "\"").getBytes(StandardCharsets.UTF_8);
    List<Thread> threads = new ArrayList<>();
    List<Histogram> histograms = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int index = c;
      Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
      histograms.add(h);
      Thread t =
          new Thread(
              () -> {
                long k = index;
                Socket s = null;
                try {
                  s = connect(uri);
                  OutputStream out = s.getOutputStream();
                  InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
                  while (true) {
                    long due = rate > 0 ? start + (long) (k * (1e9 / rate)) : System.nanoTime();
                    if (due >= end) {
                      break;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                    try {
                      out.write(head);
                      out.write(payload);
                      out.flush();
                      byte[] answer = readAnswer(in);
                      if (answer == null) {
                        errors.incrementAndGet();
                      } else if (needle != null && indexOf(answer, needle) < 0) {
                        unexpected.incrementAndGet();
                      }
                    } catch (IOException e) {
                      errors.incrementAndGet();
                      s.close();
                      s = connect(uri);
                      out = s.getOutputStream();
                      in = new BufferedInputStream(s.getInputStream(), 65536);
                    }
                    h.recordValue(Math.min(System.nanoTime() - due, TimeUnit.SECONDS.toNanos(60)));
                    done.incrementAndGet();
                    k += rate > 0 ? connections : 1;
                    if (rate <= 0 && System.nanoTime() >= end) {
                      break;
                    }
                  }
                } catch (IOException e) {
                  errors.incrementAndGet();
                } finally {
                  if (s != null) {
                    try {
                      s.close();
                    } catch (IOException ignored) {
                      // closing
                    }
                  }
                }
              },
              "load-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    histograms.forEach(all::add);
    if (report) {
      double secs = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "requests %d in %.1f s = %.0f/s (target %s) | latency us p50 %d p90 %d p99 %d p99.9 %d max %d"
              + " | errors %d unexpected %d%n",
          done.get(),
          secs,
          done.get() / secs,
          rate > 0 ? String.format("%.0f/s", rate) : "max, " + connections + " connections",
          all.getValueAtPercentile(50) / 1000,
          all.getValueAtPercentile(90) / 1000,
          all.getValueAtPercentile(99) / 1000,
          all.getValueAtPercentile(99.9) / 1000,
          all.getMaxValue() / 1000,
          errors.get(),
          unexpected.get());
    }
  }

  private static Socket connect(URI uri) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
    s.setSoTimeout(30_000);
    return s;
  }

  /** Reads one answer with a Content-Length body; null when the status is not 200. */
  private static byte[] readAnswer(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int status = -1;
    int length = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed");
      }
      if (b == '\n') {
        String l = line.toString().strip();
        line.setLength(0);
        if (l.isEmpty()) {
          break;
        }
        if (status < 0) {
          status = Integer.parseInt(l.split(" ")[1]);
        } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
          length = Integer.parseInt(l.substring(15).strip());
        }
      } else {
        line.append((char) b);
      }
    }
    byte[] body = in.readNBytes(length);
    return status == 200 ? body : null;
  }

  private static int indexOf(byte[] data, byte[] pattern) {
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

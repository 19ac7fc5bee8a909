package dev.proctor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Measures what {@code proctor mcp stdio} adds to a {@code tools/call} that the policy allows: the
 * same MCP server is run twice, once directly and once behind the gateway (receipts durable in a
 * fresh data directory, under a policy that allows the tool by name), and the two are called
 * alternately in one run, so that machine load falls on both alike. Each call is one JSON-RPC round
 * trip from this process over the stdio pipes. Prints p50/p90/p99/max of each path, the added
 * latency at p50 and p99, and sequential throughput.
 *
 * <p>Usage: {@code java -cp proctor-bench/target/benchmarks.jar dev.proctor.bench.McpStdioLatency
 * CALLS TOOL PROCTOR -- SERVER_COMMAND...}, e.g. {@code 2000 greet bin/proctor -- node
 * proctor-mcp/src/test/mcp-servers/test-server.mjs}; the tool is called with {@code {"name":
 * "bench"}}.
 */
public final class McpStdioLatency {

  private static final ObjectMapper JSON = new ObjectMapper();

  private McpStdioLatency() {}

  /** One stdio MCP session as a bare JSON-RPC client: no SDK, nothing between the pipes. */
  private static final class Session implements AutoCloseable {
    private final Process process;
    private final BufferedReader in;
    private final OutputStream out;
    private long nextId;

    Session(List<String> command) throws IOException {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      in =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      out = process.getOutputStream();
    }

    JsonNode request(String method, JsonNode params) throws IOException {
      long id = nextId++;
      ObjectNode msg = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id);
      msg.put("method", method);
      msg.set("params", params);
      send(msg);
      while (true) {
        String line = in.readLine();
        if (line == null) {
          throw new IOException("the server ended during " + method);
        }
        JsonNode answer = JSON.readTree(line);
        if (!answer.has("method") && answer.path("id").asLong(-1) == id) {
          return answer;
        }
      }
    }

    void send(JsonNode msg) throws IOException {
      out.write(JSON.writeValueAsBytes(msg));
      out.write('\n');
      out.flush();
    }

    void initialize() throws IOException {
      ObjectNode params = JSON.createObjectNode().put("protocolVersion", "2025-06-18");
      params.putObject("capabilities");
      params.putObject("clientInfo").put("name", "proctor-bench").put("version", "1");
      request("initialize", params);
      send(
          JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
      request("tools/list", JSON.createObjectNode());
    }

    @Override
    public void close() throws IOException {
      out.close();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs the measurement. */
  public static void main(String[] args) throws Exception {
    if (args.length < 5 || !args[3].equals("--")) {
      System.err.println("usage: McpStdioLatency CALLS TOOL PROCTOR -- SERVER_COMMAND...");
      System.exit(2);
    }
    int calls = Integer.parseInt(args[0]);
    String tool = args[1];
    List<String> server = List.of(args).subList(4, args.length);
    Path data = Files.createTempDirectory("mcp-bench-data");
    Path policy = Files.createTempDirectory("mcp-bench-policy");
    Files.writeString(
        policy.resolve("policy.yaml"),
        "policy: {id: mcp-bench, version: 1}\n"
            + "rules:\n"
            + "  - id: bench-tool\n"
            + "    match: {tool: mcp__bench__"
            + tool
            + "}\n"
            + "    effect: allow\n"
            + "    reason: the benchmark's tool\n");
    List<String> gateway = new ArrayList<>();
    gateway.add(args[2]);
    gateway.addAll(
        List.of(
            "mcp",
            "stdio",
            "--name",
            "bench",
            "--data-dir",
            data.toString(),
            "--policy",
            policy.toString(),
            "--"));
    gateway.addAll(server);

    ObjectNode params = JSON.createObjectNode().put("name", tool);
    params.putObject("arguments").put("name", "bench");
    Histogram direct = new Histogram(3);
    Histogram mediated = new Histogram(3);
    long directTotal = 0;
    long mediatedTotal = 0;
    try (Session d = new Session(server);
        Session g = new Session(gateway)) {
      d.initialize();
      g.initialize();
      int warmup = Math.max(200, calls / 5);
      for (int i = 0; i < warmup + calls; i++) {
        // Alternate which path goes first, so neither always follows the other.
        boolean gatewayFirst = (i & 1) == 1;
        long a = gatewayFirst ? time(g, params) : time(d, params);
        long b = gatewayFirst ? time(d, params) : time(g, params);
        long dt = gatewayFirst ? b : a;
        long gt = gatewayFirst ? a : b;
        if (i >= warmup) {
          direct.recordValue(dt / 1_000);
          mediated.recordValue(gt / 1_000);
          directTotal += dt;
          mediatedTotal += gt;
        }
      }
    }
    System.out.printf(
        "calls=%d tool=%s (interleaved, sequential, one session each)%n", calls, tool);
    print("direct ", direct, directTotal, calls);
    print("gateway", mediated, mediatedTotal, calls);
    System.out.printf(
        "added: p50=%.3fms p99=%.3fms mean=%.3fms%n",
        (mediated.getValueAtPercentile(50) - direct.getValueAtPercentile(50)) / 1000.0,
        (mediated.getValueAtPercentile(99) - direct.getValueAtPercentile(99)) / 1000.0,
        (mediatedTotal - directTotal) / (double) calls / 1_000_000.0);
    System.out.println("data directory (receipts): " + data);
  }

  private static long time(Session s, JsonNode params) throws IOException {
    long start = System.nanoTime();
    JsonNode answer = s.request("tools/call", params);
    long took = System.nanoTime() - start;
    if (!answer.has("result") || answer.path("result").path("isError").asBoolean(false)) {
      throw new IOException("the call did not succeed: " + answer);
    }
    return took;
  }

  private static void print(String label, Histogram h, long totalNanos, int calls) {
    System.out.printf(
        "%s p50=%.3fms p90=%.3fms p99=%.3fms max=%.3fms throughput=%.0f calls/s%n",
        label,
        h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(90) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0,
        h.getMaxValue() / 1000.0,
        calls / (totalNanos / 1e9));
  }
}

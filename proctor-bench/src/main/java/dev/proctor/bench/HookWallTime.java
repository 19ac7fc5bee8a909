package dev.proctor.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Measures {@code proctor hook claude-code} as Claude Code runs it: one new JVM process per call,
 * payload on standard input, wall time from start to exit. Prints p50/p90/p99/max.
 *
 * <p>Usage: {@code java -cp proctor-bench/target/benchmarks.jar dev.proctor.bench.HookWallTime
 * CALLS -- COMMAND...}, e.g. {@code 30 -- bin/proctor hook claude-code}.
 */
public final class HookWallTime {

  private static final String PAYLOAD =
      "{\"session_id\":\"bench\",\"transcript_path\":\"/tmp/t.jsonl\",\"cwd\":\"/tmp/project\","
          + "\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
          + "\"tool_input\":{\"command\":\"git status && mvn -q test\"}}";

  private HookWallTime() {}

  /** Runs the measurement. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 3 || !args[1].equals("--")) {
      System.err.println("usage: HookWallTime CALLS -- COMMAND...");
      System.exit(2);
    }
    int calls = Integer.parseInt(args[0]);
    List<String> command = List.of(args).subList(2, args.length);
    Histogram histogram = new Histogram(3);
    Path out = Files.createTempFile("hook-bench", ".out");
    List<Integer> exitCodes = new ArrayList<>();
    for (int i = 0; i < calls + 3; i++) {
      long start = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(PAYLOAD.getBytes(StandardCharsets.UTF_8));
      }
      int exit = process.waitFor();
      long micros = (System.nanoTime() - start) / 1_000;
      if (i >= 3) { // the first calls warm the page cache, not the JVM: each call is a new JVM
        histogram.recordValue(micros);
        exitCodes.add(exit);
      }
    }
    System.out.printf(
        "calls=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms exit codes=%s%n",
        calls,
        histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(90) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getMaxValue() / 1000.0,
        exitCodes.stream().distinct().toList());
    System.out.println("last output: " + Files.readString(out).strip());
    Files.deleteIfExists(out);
  }
}

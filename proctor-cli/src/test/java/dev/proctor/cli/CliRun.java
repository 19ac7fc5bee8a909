package dev.proctor.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the {@code proctor} command in-process with the given stdin, capturing stdout and stderr.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun run(String stdin, String... args) {
    return run(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /**
   * Runs a command; a deciding command ({@code check}, {@code hook}) gets a generous deadline
   * unless the test gives one, so that a loaded test machine does not turn answers into deadline
   * denies.
   */
  static synchronized CliRun run(byte[] stdin, String... args) {
    boolean deciding = args.length > 0 && (args[0].equals("check") || args[0].equals("hook"));
    if (deciding && !java.util.Arrays.asList(args).contains("--deadline")) {
      String[] more = java.util.Arrays.copyOf(args, args.length + 2);
      more[args.length] = "--deadline";
      more[args.length + 1] = "60s";
      args = more;
    }
    InputStream oldIn = System.in;
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setIn(new ByteArrayInputStream(stdin));
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new CliRun(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setIn(oldIn);
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}

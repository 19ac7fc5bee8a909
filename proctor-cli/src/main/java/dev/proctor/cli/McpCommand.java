package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.Proctor;
import dev.proctor.mcp.PinStore;
import dev.proctor.mcp.StdioGateway;
import dev.proctor.policy.Durations;
import dev.proctor.store.DataDirectory;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code proctor mcp}: the MCP gateway in front of a stdio server ({@code stdio}), and the tool
 * pins it keeps ({@code pins list|approve}). docs/mcp.md has the client configuration.
 */
@Command(
    name = "mcp",
    description = "MCP gateway: mediate an MCP server's tool calls, pin its tool definitions.",
    mixinStandardHelpOptions = true,
    subcommands = {McpCommand.Stdio.class, McpCommand.Pins.class})
final class McpCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code proctor mcp stdio -- CMD…}: the gateway on stdin/stdout in front of a child server. */
  @Command(
      name = "stdio",
      mixinStandardHelpOptions = true,
      description = {
        "Be the MCP server on stdin/stdout for a client, run the real server (the command after"
            + " --) as a child process, and relay JSON-RPC both ways: tools/call is decided by"
            + " the policy and recorded in the data directory's log before it is forwarded;"
            + " tools/list hides tools the policy never allows and tools whose definition"
            + " changed since it was pinned. Logs go to stderr.",
        "Exit status: 0 when the client closed stdin, else the server's exit status (1 when it"
            + " exited 0 by itself); 2 when the gateway cannot start."
      })
  static final class Stdio implements Callable<Integer> {

    @Option(
        names = "--name",
        paramLabel = "NAME",
        description =
            "The server's name: its tools are mcp__NAME__TOOL to the policy and the taxonomy, and"
                + " its pins are kept under it (default: the command's file name, such as 'npx').")
    String name;

    @Mixin PolicyOptions policy;

    @Mixin DataDirOption dataDir;

    @Option(
        names = "--max-message",
        paramLabel = "SIZE",
        converter = SizeConverter.class,
        defaultValue = "16MiB",
        description = "Largest message read from either side (default: ${DEFAULT-VALUE}).")
    long maxMessage;

    @Option(
        names = "--max-result",
        paramLabel = "SIZE",
        converter = SizeConverter.class,
        defaultValue = "4MiB",
        description =
            "Largest tools/call answer relayed; a larger one is refused with an error result"
                + " (default: ${DEFAULT-VALUE}).")
    long maxResult;

    @Option(
        names = "--approval-wait",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        defaultValue = "0s",
        description =
            "How long a call the policy holds for approval waits for an approver (proctor serve's"
                + " console or API on the same data directory) before it is denied; while it"
                + " waits the client's later messages wait too (default: ${DEFAULT-VALUE}).")
    Duration approvalWait;

    @Parameters(
        paramLabel = "COMMAND",
        arity = "1..*",
        description = "The MCP server's command and arguments, after --.")
    List<String> command;

    @Override
    public Integer call() throws InterruptedException {
      PrintStream err = System.err;
      String server = name != null ? name : defaultName(command.get(0));
      StdioGateway.Options options;
      try {
        options =
            new StdioGateway.Options(
                server,
                Math.toIntExact(maxMessage),
                Math.toIntExact(maxResult),
                approvalWait,
                Duration.ofSeconds(2));
      } catch (IllegalArgumentException | ArithmeticException e) {
        err.println("proctor: " + e.getMessage());
        return Failures.CANNOT_DECIDE;
      }
      DataDirectory dir = dataDir.resolve();
      Proctor proctor;
      try {
        proctor = Embedded.open(policy, dir, Proctor.Builder.DEFAULT_DEADLINE, err);
      } catch (Exception e) {
        return Failures.report(e, err);
      }
      Process child;
      try {
        child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      } catch (IOException e) {
        proctor.close();
        err.println("proctor: cannot start the MCP server " + command + ": " + e.getMessage());
        return Failures.CANNOT_DECIDE;
      }
      // The server never outlives the gateway, however the gateway ends.
      Thread reaper =
          new Thread(
              () -> {
                child.descendants().forEach(ProcessHandle::destroyForcibly);
                child.destroyForcibly();
              },
              "proctor-mcp-reaper");
      Runtime.getRuntime().addShutdownHook(reaper);
      try {
        StdioGateway gateway =
            new StdioGateway(
                proctor.mediator(),
                new PinStore(dir.root(), server, Clock.systemUTC()),
                options,
                System.getProperty("user.dir"),
                Optional.ofNullable(System.getProperty("user.home"))
                    .filter(h -> h.startsWith("/")));
        OutputStream out =
            new BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out));
        return gateway.run(System.in, out, child);
      } finally {
        if (child.isAlive()) {
          child.destroyForcibly();
        }
        proctor.close();
      }
    }

    /** The command's file name without an extension, made fit for a server name. */
    static String defaultName(String command) {
      String base = new File(command).getName();
      int dot = base.indexOf('.');
      String stem = dot > 0 ? base.substring(0, dot) : base;
      String cleaned = stem.replaceAll("[^A-Za-z0-9.-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
      return cleaned.isEmpty() ? "server" : cleaned;
    }
  }

  /** {@code proctor mcp pins}: the pinned tool definitions and the changes awaiting approval. */
  @Command(
      name = "pins",
      description = "Pinned MCP tool definitions: list them, approve a changed definition.",
      mixinStandardHelpOptions = true,
      subcommands = {PinsList.class, PinsApprove.class})
  static final class Pins implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /** {@code proctor mcp pins list}: every server's pins, or one's, with pending changes. */
  @Command(
      name = "list",
      description =
          "Show the pinned tool definitions (tool, hash, when pinned) and the changed definitions"
              + " that block a tool until approved. Exit status 0; 1 when a change awaits approval;"
              + " 2 when a pin file cannot be read.",
      mixinStandardHelpOptions = true)
  static final class PinsList implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "NAME", description = "Only this server.")
    String name;

    @Mixin DataDirOption dataDir;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      DataDirectory dir = dataDir.resolve();
      boolean pendingChange = false;
      try {
        List<String> servers =
            name != null ? List.of(PinStore.checkName(name)) : PinStore.servers(dir.root());
        if (servers.isEmpty()) {
          out.println("no MCP tool pins in " + PinStore.directory(dir.root()));
          return 0;
        }
        for (String server : servers) {
          PinStore.Pins pins = new PinStore(dir.root(), server, Clock.systemUTC()).read();
          out.println("server " + server + ":");
          TreeSet<String> tools = new TreeSet<>(pins.pinned().keySet());
          tools.addAll(pins.changed().keySet());
          if (tools.isEmpty()) {
            out.println("  (no tools pinned)");
          }
          for (String tool : tools) {
            PinStore.Pin pin = pins.pinned().get(tool);
            PinStore.Pin change = pins.changed().get(tool);
            out.println(
                "  "
                    + tool
                    + "  pinned sha256:"
                    + (pin == null ? "-" : pin.sha256().substring(0, 16) + "…  " + pin.at()));
            if (change != null) {
              pendingChange = true;
              out.println(
                  "    CHANGED sha256:"
                      + change.sha256().substring(0, 16)
                      + "…  seen "
                      + change.at()
                      + "  blocked; review, then: proctor mcp pins approve --name "
                      + server
                      + " "
                      + tool);
              describeChange(out, pin, change);
            }
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        err.println("proctor: " + e.getMessage());
        return Failures.CANNOT_DECIDE;
      }
      return pendingChange ? 1 : 0;
    }
  }

  /** Prints which pinned members a change touches, with the new description when it changed. */
  static void describeChange(PrintWriter out, PinStore.Pin pin, PinStore.Pin change) {
    Map<String, String> diffs = new TreeMap<>();
    JsonNode before = pin == null ? null : pin.definition();
    JsonNode after = change.definition();
    for (String member :
        List.of("title", "description", "inputSchema", "outputSchema", "annotations")) {
      JsonNode a = before == null ? null : before.get(member);
      JsonNode b = after.get(member);
      if (a == null ? b != null : !a.equals(b)) {
        diffs.put(member, b == null ? "(removed)" : b.isTextual() ? b.textValue() : b.toString());
      }
    }
    diffs.forEach(
        (member, now) -> {
          String shown = now.length() > 300 ? now.substring(0, 300) + "…" : now;
          out.println("      " + member + " now: " + shown.replace("\n", " "));
        });
  }

  /** {@code proctor mcp pins approve --name N TOOL}: the operator accepts a changed definition. */
  @Command(
      name = "approve",
      description =
          "Pin the changed definition of a tool the gateway saw, unblocking it. Review it first"
              + " with 'proctor mcp pins list'. Exit status 0 when pinned; 1 when no change awaits.",
      mixinStandardHelpOptions = true)
  static final class PinsApprove implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "NAME", required = true, description = "The server.")
    String name;

    @Parameters(paramLabel = "TOOL", description = "The tool whose changed definition to pin.")
    String tool;

    @Mixin DataDirOption dataDir;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        PinStore store = new PinStore(dataDir.resolve().root(), name, Clock.systemUTC());
        PinStore.Pin pin = store.approve(tool);
        out.println(
            "pinned "
                + name
                + "/"
                + tool
                + " at sha256:"
                + pin.sha256()
                + " (seen "
                + pin.at()
                + ")");
        return 0;
      } catch (IllegalArgumentException e) {
        err.println("proctor: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        err.println("proctor: " + e.getMessage());
        return Failures.CANNOT_DECIDE;
      }
    }
  }

  /** Reads sizes such as {@code 512}, {@code 64KiB}, {@code 16MiB}. */
  static final class SizeConverter implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,10})(|B|KiB|MiB|GiB)");

    @Override
    public Long convert(String value) {
      Matcher m = SIZE.matcher(value.strip());
      if (!m.matches()) {
        throw new TypeConversionException(
            "expected a size such as 512, 64KiB, 16MiB, was '" + value + "'");
      }
      long n = Long.parseLong(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L;
          };
      long bytes = n * unit;
      if (bytes < 1 || bytes > Integer.MAX_VALUE - 16) {
        throw new TypeConversionException("the size '" + value + "' is out of range");
      }
      return bytes;
    }
  }

  /** Reads durations in the policy's spelling ({@code 0s}, {@code 30s}, {@code 2m}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value.strip())
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "expected a duration such as "
                          + Durations.EXAMPLES
                          + ", was '"
                          + value
                          + "'"));
    }
  }
}

package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Proctor knows about one command, as the command table ({@code commands.txt}) or a user's
 * {@code commands:} section states it: its class, what its operands are, which options take a value
 * ({@code valueLetters} for short options, {@code longValues} for the others), whether its operands
 * are task or goal names ({@code make deploy}), options that name files it reads or writes or a
 * program to run, its subcommands, the Java grammar that reads it (if any), its GTFOBins functions
 * ({@code terminalOnly}: its shell function needs an interactive terminal) and examples that are
 * checked as tests.
 */
record CommandSpec(
    String name,
    Optional<String> actionClass,
    Role operands,
    String valueLetters,
    Set<String> longValues,
    boolean tasks,
    Set<String> reads,
    Set<String> writes,
    Set<String> execs,
    Map<String, Verb> verbs,
    Optional<String> handler,
    Set<String> gtfobins,
    boolean terminalOnly,
    List<Example> examples,
    String source) {

  CommandSpec {
    requireNonNull(name, "name is null");
    requireNonNull(actionClass, "actionClass is null");
    requireNonNull(operands, "operands is null");
    requireNonNull(valueLetters, "valueLetters is null");
    longValues = Set.copyOf(longValues);
    reads = Set.copyOf(reads);
    writes = Set.copyOf(writes);
    execs = Set.copyOf(execs);
    verbs = Map.copyOf(verbs);
    requireNonNull(handler, "handler is null");
    gtfobins = Set.copyOf(gtfobins);
    examples = List.copyOf(examples);
    requireNonNull(source, "source is null");
  }

  /** How a command's operands become targets. */
  enum Role {
    /** Files it reads (the working directory when there are none). */
    READ("read"),
    /** Files it writes. */
    WRITE("write"),
    /** No targets. */
    NONE("none"),
    /** A pattern first (unless {@code -e}/{@code -f} gave it), then files it reads. */
    PATTERN_READ("pattern-read"),
    /** A filter program first (unless {@code -f}/{@code --from-file} gave it), then files. */
    FILTER_READ("filter-read"),
    /** The last operand is a host it contacts. */
    HOST_LAST("host-last"),
    /** The first operand that is not a port is a host it sends to. */
    HOST_FIRST("host-first"),
    /** A build, test, lint or format tool: its arguments are read by {@link BuildCommands}. */
    BUILD("build"),
    /** A system tool; some invocations only inspect ({@code ip addr}, {@code mount}). */
    SYSTEM("system"),
    /** A disk or partition tool: its operands are devices. */
    DISK("disk");

    final String word;

    Role(String word) {
      this.word = word;
    }

    static Optional<Role> of(String word) {
      for (Role r : values()) {
        if (r.word.equals(word)) {
          return Optional.of(r);
        }
      }
      return Optional.empty();
    }
  }

  /** A subcommand: its class and the tags it adds. */
  record Verb(String actionClass, Set<String> tags) {
    Verb {
      requireNonNull(actionClass, "actionClass is null");
      tags = Set.copyOf(tags);
    }
  }

  /** An example command and what classifying it must give, as a corpus line states it. */
  record Example(String command, String actionClass, List<String> tags, List<String> labels) {
    Example {
      requireNonNull(command, "command is null");
      requireNonNull(actionClass, "actionClass is null");
      tags = List.copyOf(tags);
      labels = List.copyOf(labels);
    }
  }
}

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
    String source,
    Grammar grammar) {

  /** An entry without runner slots or option facts (a user's {@code commands:} entry). */
  CommandSpec(
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
    this(
        name,
        actionClass,
        operands,
        valueLetters,
        longValues,
        tasks,
        reads,
        writes,
        execs,
        verbs,
        handler,
        gtfobins,
        terminalOnly,
        examples,
        source,
        Grammar.NONE);
  }

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
    requireNonNull(grammar, "grammar is null");
  }

  /**
   * What a command's arguments mean beyond options that take values: the programs it runs (its
   * operands from {@code runsOperandsFrom} on, the words after a {@code runsOptions} option up to
   * one of its terminators, the value of a {@code scriptOptions} option, its operands as a script:
   * {@code scriptOperands} is {@code joined} for one script ({@code watch git status}) or {@code
   * each} for one per operand ({@code hyperfine 'make a' 'make b'})), whether leading {@code
   * NAME=VALUE} operands are environment assignments, BSD option clusters ({@code ps aux}; {@code
   * bsdValueLetters} take a value), what options mean ({@code options}), the tags every use adds,
   * the options that make publishing a rehearsal ({@code rehearsals}: {@code npm publish
   * --dry-run}, {@code make -n deploy}) and the subcommands after which operands are tasks ({@code
   * tasksAfter}: {@code bazel run //:push}; empty: every operand of a {@code tasks} command).
   */
  record Grammar(
      int runsOperandsFrom,
      Map<String, Set<String>> runsOptions,
      Set<String> scriptOptions,
      String scriptOperands,
      boolean assignments,
      boolean bsd,
      String bsdValueLetters,
      List<OptionFact> options,
      Set<String> tags,
      Set<String> rehearsals,
      Set<String> tasksAfter) {

    static final Grammar NONE =
        new Grammar(
            -1, Map.of(), Set.of(), "", false, false, "", List.of(), Set.of(), Set.of(), Set.of());

    Grammar {
      rehearsals = Set.copyOf(rehearsals);
      tasksAfter = Set.copyOf(tasksAfter);
      runsOptions = Map.copyOf(runsOptions);
      scriptOptions = Set.copyOf(scriptOptions);
      requireNonNull(scriptOperands, "scriptOperands is null");
      requireNonNull(bsdValueLetters, "bsdValueLetters is null");
      options = List.copyOf(options);
      tags = Set.copyOf(tags);
    }

    /** True if the command's operands are the program it runs: it wraps that command. */
    boolean wraps() {
      return runsOperandsFrom >= 0 || !scriptOperands.isEmpty();
    }

    /** True if the command runs a program given on its command line, in any of these ways. */
    boolean runsPrograms() {
      return wraps() || !runsOptions.isEmpty() || !scriptOptions.isEmpty();
    }
  }

  /**
   * What an option means: given {@code actionClass}, the command is that instead (like a
   * subcommand: {@code crontab -l} reads, {@code ionice -p PID} changes another process and runs
   * nothing); it adds {@code tags} and {@code labels} ({@code ps e} prints environments: {@code
   * secret}). BSD options are named without a dash ({@code e}), the others as written ({@code -e}).
   */
  record OptionFact(
      Set<String> names, Optional<String> actionClass, Set<String> tags, Set<String> labels) {
    OptionFact {
      names = Set.copyOf(names);
      requireNonNull(actionClass, "actionClass is null");
      tags = Set.copyOf(tags);
      labels = Set.copyOf(labels);
    }
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

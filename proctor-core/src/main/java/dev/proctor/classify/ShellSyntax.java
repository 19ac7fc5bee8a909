package dev.proctor.classify;

import java.util.List;

/** The syntax tree the shell parser produces: only what classification needs. */
final class ShellSyntax {

  private ShellSyntax() {}

  /** Some quoting was removed from the word. */
  static final int QUOTED = 1;

  /** The word holds a parameter expansion, command or process substitution, or arithmetic. */
  static final int DYNAMIC = 2;

  /** The word has an unquoted glob character. */
  static final int GLOB = 4;

  /** The word starts with an unquoted {@code ~}. */
  static final int TILDE = 8;

  /** The word has an unquoted brace expansion such as {@code {a,b}}. */
  static final int BRACE = 16;

  /** The word is a process substitution {@code <(...)} or {@code >(...)}. */
  static final int PROCESS = 32;

  /**
   * Set by {@link Expansions} on a word it expanded: every expansion left in it is the value of an
   * environment variable the command line does not set ({@code $OUT_DIR}), not one computed on the
   * line ({@code $(cmd)}, {@code read x}, {@code $1}).
   */
  static final int ENVIRONMENT = 64;

  /** The word is the result of {@link Expansions}: what is left in it is not expanded again. */
  static final int EXPANDED = 128;

  /**
   * A word after quote removal. Expansions are kept as their source text ({@code $HOME}, {@code
   * $(...)}) and described in {@code expansions} (where they are in the text and what they are);
   * the commands inside substitutions are parsed into {@code substitutions}. An array assignment
   * ({@code xs=(a "b c")}) keeps its elements as words of their own in {@code elements}.
   */
  record Word(
      String text,
      int flags,
      List<Script> substitutions,
      List<Expansion> expansions,
      List<Word> elements) {

    Word(String text, int flags, List<Script> substitutions) {
      this(text, flags, substitutions, List.of(), List.of());
    }

    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    /** True if the word is exactly this text with no expansion, glob or quoting tricks. */
    boolean isLiteral() {
      return (flags & (DYNAMIC | GLOB | BRACE | PROCESS)) == 0;
    }

    /**
     * The word from text offset {@code from} on ({@code --out=$DIR} after the {@code =}), with the
     * expansions that lie there.
     */
    Word slice(int from) {
      int kept0 = from > 0 ? flags & ~TILDE : flags; // a tilde expands only at a word's start
      if (expansions.isEmpty()) {
        return new Word(text.substring(from), kept0, substitutions);
      }
      List<Expansion> kept = new java.util.ArrayList<>(expansions.size());
      for (Expansion e : expansions) {
        if (e.start() >= from) {
          kept.add(e.shift(-from));
        }
      }
      int f = kept.isEmpty() ? kept0 & ~(DYNAMIC | ENVIRONMENT) : kept0;
      return new Word(text.substring(from), f, substitutions, kept, List.of());
    }

    /** The length of the text before the first expansion (the whole text when there is none). */
    int literalPrefix() {
      return expansions.isEmpty() ? text.length() : expansions.get(0).start();
    }
  }

  /** What an expansion is. */
  enum ExpansionKind {
    /** A parameter: {@code $x}, {@code ${x}}, {@code ${x[@]}}, {@code ${x:-dist}}, {@code $1}. */
    PARAMETER,
    /** {@code ${#x}}, {@code ${#xs[@]}}: a number. */
    LENGTH,
    /** {@code $((...))}: a number. */
    ARITHMETIC,
    /** {@code $(...)} or a backquoted command: its output. */
    COMMAND,
    /** {@code ${!x}}, {@code ${!prefix*}}, {@code ${!xs[@]}}: chosen at run time. */
    INDIRECT
  }

  /**
   * One expansion in a word: its place {@code [start, end)} in the word's text, its kind, and for a
   * parameter its name ({@code x}, {@code 1}, {@code @}), subscript ({@code @}, {@code 0}, or
   * empty), operator ({@code :-}, {@code #}, {@code //} ..., or empty) and operand (the word after
   * the operator, parsed); {@code quoted} if it stands inside double quotes (no word splitting).
   */
  record Expansion(
      int start,
      int end,
      ExpansionKind kind,
      String name,
      String index,
      String op,
      Word operand,
      boolean quoted) {

    Expansion shift(int by) {
      return new Expansion(start + by, end + by, kind, name, index, op, operand, quoted);
    }
  }

  /** Commands run in order: the members of and-or lists and of {@code ;}, {@code &} lists. */
  record Script(List<Pipeline> pipelines) {}

  /** Commands joined by {@code |} or {@code |&}. */
  record Pipeline(List<Command> commands) {}

  /** A command of a pipeline. */
  sealed interface Command permits Simple, Group, FunctionDef {}

  /** Assignments, words (the command name first) and redirections. */
  record Simple(List<Word> assignments, List<Word> words, List<Redirect> redirects)
      implements Command {}

  /**
   * A compound command: {@code ( )} (subshell), {@code { }}, {@code if}, {@code while}, {@code
   * until}, {@code for}, {@code case}, {@code (( ))}; {@code words} are the words a {@code for}
   * loop iterates over (its {@code variable} takes each in turn), the subject and patterns of a
   * {@code case}, or the expression of an arithmetic command, whose substitutions are classified.
   */
  record Group(
      boolean subshell,
      List<Script> bodies,
      List<Word> words,
      List<Redirect> redirects,
      String variable)
      implements Command {
    Group(boolean subshell, List<Script> bodies, List<Word> words, List<Redirect> redirects) {
      this(subshell, bodies, words, redirects, "");
    }
  }

  /** {@code name() body} or {@code function name body}. */
  record FunctionDef(String name, Command body) implements Command {}

  /**
   * A redirection: the operator ({@code >}, {@code >>}, {@code <}, {@code <<}, {@code <<<}, {@code
   * >&} ...) and its target word; for a here-document the target is the delimiter and {@code body}
   * the text, with {@code bodySubstitutions} parsed when the delimiter is unquoted.
   */
  static final class Redirect {
    final String op;
    final Word target;
    final boolean stripTabs;
    final boolean quotedDelimiter;
    String body = "";
    List<Script> bodySubstitutions = List.of();

    Redirect(String op, Word target, boolean stripTabs, boolean quotedDelimiter) {
      this.op = op;
      this.target = target;
      this.stripTabs = stripTabs;
      this.quotedDelimiter = quotedDelimiter;
    }

    boolean isHeredoc() {
      return op.equals("<<") || op.equals("<<-");
    }
  }
}

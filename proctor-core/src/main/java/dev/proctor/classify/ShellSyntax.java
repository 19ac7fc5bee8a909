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
   * A word after quote removal. Expansions are kept as their source text ({@code $HOME}, {@code
   * $(...)}); the commands inside substitutions are parsed into {@code substitutions}.
   */
  record Word(String text, int flags, List<Script> substitutions) {
    boolean has(int flag) {
      return (flags & flag) != 0;
    }

    /** True if the word is exactly this text with no expansion, glob or quoting tricks. */
    boolean isLiteral() {
      return (flags & (DYNAMIC | GLOB | BRACE | PROCESS)) == 0;
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

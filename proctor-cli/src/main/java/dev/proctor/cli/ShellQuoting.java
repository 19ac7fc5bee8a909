package dev.proctor.cli;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An argument vector written as the one shell command line that runs exactly it: what {@code
 * proctor exec -- ARGV…} hands the shell classifier, while the vector itself runs without a shell.
 *
 * <p>Why this is exact. A word made only of characters no shell treats specially is left bare, so
 * that the classifier (and the person reading the receipt) sees {@code rm -rf build}; every other
 * word is single-quoted, and inside single quotes nothing is special but the quote itself, written
 * {@code '\''}. The first word is also quoted when a shell would read it as something other than a
 * command name: an assignment ({@code FOO=1 make} sets a variable; argv {@code FOO=1} is a program
 * of that name) or a reserved word ({@code if}, {@code !}, {@code {}}). An empty word is {@code
 * ''}. So a shell splitting the line gets back the vector word for word, with no expansion,
 * redirection, globbing or command substitution.
 */
final class ShellQuoting {

  /** Characters that are literal in every position of a word, in bash and in POSIX sh. */
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** Words a shell reads as syntax when they come first (bash's reserved words and POSIX's). */
  private static final Set<String> RESERVED =
      Set.of(
          "!",
          "{",
          "}",
          "[[",
          "]]",
          "case",
          "coproc",
          "do",
          "done",
          "elif",
          "else",
          "esac",
          "fi",
          "for",
          "function",
          "if",
          "in",
          "select",
          "then",
          "time",
          "until",
          "while");

  private ShellQuoting() {}

  /** The command line that runs exactly {@code argv}; the vector must not be empty. */
  static String join(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("no command");
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < argv.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(word(argv.get(i), i == 0));
    }
    return b.toString();
  }

  /** One word, quoted unless it is literal where it stands. */
  static String word(String w, boolean first) {
    boolean bare =
        BARE.matcher(w).matches()
            && !(first && (w.contains("=") || RESERVED.contains(w)))
            // A leading '-' or '%' is literal, but '=' first is zsh's expansion: quote it anyway.
            && !w.startsWith("=");
    return bare ? w : "'" + w.replace("'", "'\\''") + "'";
  }
}

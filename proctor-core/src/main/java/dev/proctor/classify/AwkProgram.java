package dev.proctor.classify;

/**
 * What an awk program does beyond reading its input: {@code system()}, {@code getline} (which also
 * reads commands' output and files), pipes and coprocesses, and output redirections of {@code
 * print}/{@code printf}. A scanner over the program text that skips string and regular-expression
 * literals and tells a redirection ({@code print > "f"}) from a comparison ({@code $3 > 100},
 * {@code if ($1 > max)}): {@code >} and {@code |} redirect only inside a print statement and
 * outside parentheses.
 */
final class AwkProgram {

  private AwkProgram() {}

  /** True if the program runs commands, reads other files or commands, or writes files. */
  static boolean runsOrWrites(String p) {
    int n = p.length();
    boolean inPrint = false;
    int parens = 0;
    char prevSignificant = '{';
    for (int i = 0; i < n; i++) {
      char c = p.charAt(i);
      if (c == '"') {
        i = skipString(p, i);
        prevSignificant = '"';
        continue;
      }
      if (c == '/' && regexMayStart(prevSignificant)) {
        i = skipRegex(p, i);
        prevSignificant = '/';
        continue;
      }
      if (c == '#') {
        while (i < n && p.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(p.charAt(i)) || p.charAt(i) == '_')) {
          i++;
        }
        String word = p.substring(start, i);
        i--;
        switch (word) {
          case "system", "getline", "close", "fflush" -> {
            if (!word.equals("close") && !word.equals("fflush")) {
              return true;
            }
          }
          case "print", "printf" -> {
            inPrint = true;
            parens = 0;
          }
          default -> {}
        }
        prevSignificant = 'a';
        continue;
      }
      switch (c) {
        case '(' -> parens++;
        case ')' -> parens = Math.max(0, parens - 1);
        case ';', '}', '{', '\n' -> inPrint = false;
        case '|' -> {
          boolean logical = i + 1 < n && p.charAt(i + 1) == '|';
          if (logical) {
            i++;
          } else if (inPrint && parens == 0 || i + 1 < n && p.charAt(i + 1) == '&') {
            return true; // print | "cmd", |& coprocess
          }
        }
        case '>' -> {
          if (inPrint && parens == 0) {
            return true; // print > "file"
          }
        }
        default -> {}
      }
      if (!Character.isWhitespace(c)) {
        prevSignificant = c;
      }
    }
    return false;
  }

  private static boolean regexMayStart(char prev) {
    return "{(,;!~&|=:?\n".indexOf(prev) >= 0 || prev == '\0';
  }

  private static int skipString(String p, int i) {
    for (int k = i + 1; k < p.length(); k++) {
      char c = p.charAt(k);
      if (c == '\\') {
        k++;
      } else if (c == '"') {
        return k;
      }
    }
    return p.length();
  }

  private static int skipRegex(String p, int i) {
    for (int k = i + 1; k < p.length(); k++) {
      char c = p.charAt(k);
      if (c == '\\') {
        k++;
      } else if (c == '/' || c == '\n') {
        return k;
      }
    }
    return p.length();
  }
}

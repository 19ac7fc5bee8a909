package dev.proctor.classify;

import dev.proctor.classify.ShellSyntax.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A command's arguments split into options and operands, GNU style: {@code -abc} clusters, {@code
 * -ofile} and {@code -o file}, {@code --name=value} and {@code --name value} for the options the
 * caller says take a value, {@code --} ends options.
 */
final class Args {

  /** One option as written: {@code -o} or {@code --output}, with its value if it takes one. */
  record Opt(String name, Word value) {}

  final List<Opt> options = new ArrayList<>(4);
  final List<Word> operands = new ArrayList<>(4);

  private Args() {}

  /**
   * Splits arguments. {@code shortWithValue} lists the letters that take a value; {@code
   * longWithValue} the long options (with dashes) that do; with {@code posixOrder} the first
   * operand ends the options (wrappers, ssh, xargs).
   */
  static Args parse(
      List<Word> args, String shortWithValue, Set<String> longWithValue, boolean posixOrder) {
    Args a = new Args();
    boolean optionsDone = false;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (optionsDone
          || t.length() < 2
          || t.charAt(0) != '-'
          || w.has(ShellSyntax.DYNAMIC) && !isOptionWithDynamicValue(w, shortWithValue)) {
        a.operands.add(w);
        if (posixOrder) {
          optionsDone = true;
        }
        continue;
      }
      if (t.equals("--")) {
        optionsDone = true;
        continue;
      }
      if (t.startsWith("--")) {
        int eq = t.indexOf('=');
        if (eq > 0) {
          a.options.add(new Opt(t.substring(0, eq), w.slice(eq + 1)));
        } else if (longWithValue.contains(t) && i + 1 < args.size()) {
          a.options.add(new Opt(t, args.get(++i)));
        } else {
          a.options.add(new Opt(t, null));
        }
        continue;
      }
      for (int k = 1; k < t.length(); k++) {
        char c = t.charAt(k);
        String name = "-" + c;
        if (shortWithValue.indexOf(c) >= 0) {
          if (k + 1 < t.length()) {
            a.options.add(new Opt(name, w.slice(k + 1)));
          } else if (i + 1 < args.size()) {
            a.options.add(new Opt(name, args.get(++i)));
          } else {
            a.options.add(new Opt(name, null));
          }
          break;
        }
        a.options.add(new Opt(name, null));
      }
    }
    return a;
  }

  /** Splits arguments where no option takes a value. */
  static Args parse(List<Word> args) {
    return parse(args, "", Set.of(), false);
  }

  /**
   * True for an option word whose name is written out and only its value is computed: {@code
   * --out=$DIR}, {@code -j$(nproc)} ({@code j} taking a value). An expansion in the name ({@code
   * -$x}, {@code --$name}) leaves the word an operand: which option it is is not known.
   */
  private static boolean isOptionWithDynamicValue(Word w, String shortWithValue) {
    String t = w.text();
    int literal = w.expansions().isEmpty() ? 0 : w.literalPrefix();
    if (literal < 2) {
      return false;
    }
    if (t.startsWith("--")) {
      int eq = t.indexOf('=');
      return eq > 0 && eq < literal;
    }
    for (int k = 1; k < literal; k++) {
      if (shortWithValue.indexOf(t.charAt(k)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The BSD option clusters among the operands ({@code ps aux}, {@code ps eww}) as options named by
   * their letters without a dash ({@code a}, {@code e}); letters in {@code valueLetters} take the
   * rest of the cluster or the next operand as their value ({@code ps axo pid,etime}). Operands
   * that are numbers (process ids) stay operands.
   */
  Args withBsdClusters(String valueLetters) {
    Args b = new Args();
    b.options.addAll(options);
    for (int i = 0; i < operands.size(); i++) {
      Word w = operands.get(i);
      String t = w.text();
      if (!w.isLiteral() || t.isEmpty() || ShellWalk.isDigits(t)) {
        b.operands.add(w);
        continue;
      }
      for (int k = 0; k < t.length(); k++) {
        String name = String.valueOf(t.charAt(k));
        if (valueLetters.indexOf(t.charAt(k)) >= 0) {
          Word value =
              k + 1 < t.length()
                  ? w.slice(k + 1)
                  : i + 1 < operands.size() ? operands.get(++i) : null;
          b.options.add(new Opt(name, value));
          break;
        }
        b.options.add(new Opt(name, null));
      }
    }
    return b;
  }

  boolean has(String... names) {
    for (Opt o : options) {
      for (String n : names) {
        if (o.name().equals(n)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The values of an option, in order. */
  List<Word> values(String... names) {
    List<Word> out = new ArrayList<>(1);
    for (Opt o : options) {
      for (String n : names) {
        if (o.name().equals(n) && o.value() != null) {
          out.add(o.value());
        }
      }
    }
    return out;
  }

  Word operand(int i) {
    return i < operands.size() ? operands.get(i) : null;
  }

  String operandText(int i) {
    return i < operands.size() ? operands.get(i).text() : "";
  }
}

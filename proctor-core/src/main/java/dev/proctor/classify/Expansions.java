package dev.proctor.classify;

import static dev.proctor.classify.ShellSyntax.DYNAMIC;
import static dev.proctor.classify.ShellSyntax.ENVIRONMENT;
import static dev.proctor.classify.ShellSyntax.EXPANDED;
import static dev.proctor.classify.ShellSyntax.GLOB;
import static dev.proctor.classify.ShellSyntax.QUOTED;
import static dev.proctor.classify.ShellSyntax.TILDE;

import dev.proctor.classify.ShellSyntax.Expansion;
import dev.proctor.classify.ShellSyntax.ExpansionKind;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the command line assigned to its variables, and what a word can expand to.
 *
 * <p>Why: agents write {@code out="${OUT_DIR:-dist}"; ls "$out"}, {@code args=(-q --no-header);
 * pytest "${args[@]}"} and {@code for f in src/*.ts; do wc -l "$f"; done}. Treating every expansion
 * as unknown makes such reads ask and reads array elements that are options as paths. Instead each
 * expansion has a list of <em>alternatives</em> — the values the line gave the variable (every
 * branch and loop iteration counts), a default ({@code ${x:-dist}}), a number ({@code ${#x}},
 * {@code $((…))}, {@code $$}) — and each alternative is a list of fields (the elements of an array,
 * the words of an unquoted value). A word's alternatives are the product of its expansions'.
 *
 * <p>What stays unknown is kept as its source text, with the word flagged {@code DYNAMIC}: the
 * value of a variable the line never sets is the user's environment ({@code ENVIRONMENT}, e.g.
 * {@code $OUT_DIR}); a value the line computes ({@code $(cmd)}, {@code read x}, {@code $1}, {@code
 * ${x/a/b}} of an environment value, {@code ${!x}}) is not. A word with more than {@link
 * #MAX_ALTERNATIVES} alternatives is left as it is, unknown.
 */
final class Expansions {

  /** The most alternatives a word, or a command's arguments, are expanded into. */
  static final int MAX_ALTERNATIVES = 16;

  /** Variables whose value is a number (or flags): never a path, an option or a command. */
  private static final Set<String> NUMERIC =
      Set.of(
          "?",
          "$",
          "!",
          "#",
          "-",
          "RANDOM",
          "SRANDOM",
          "SECONDS",
          "LINENO",
          "BASHPID",
          "PPID",
          "UID",
          "EUID",
          "EPOCHSECONDS",
          "EPOCHREALTIME",
          "COLUMNS",
          "LINES",
          "SHLVL",
          "OPTIND");

  /** The alternatives of each variable the line assigned; each alternative is a list of fields. */
  private final Map<String, List<List<Word>>> values = new HashMap<>(4);

  /** Variables whose value comes from input or run time in a way no word records. */
  private final Set<String> computed = new HashSet<>(2);

  /**
   * The keys of associative arrays the line assigned whole ({@code m=([k]=v)}): {@code ${!m[@]}}.
   */
  private final Map<String, List<Word>> keys = new HashMap<>(1);

  /** Arrays assigned element by element ({@code xs[3]=v}): an index names any element. */
  private final Set<String> indexed = new HashSet<>(1);

  private final String home;

  /**
   * {@code $0}, {@code $1} … of a script given to {@code bash -c SCRIPT NAME ARGS}; null: unknown.
   */
  private List<Word> positional;

  /** The line sets {@code IFS}: how unquoted values split is not known. */
  private boolean ifsChanged;

  /** How many values were stored: a loop whose body stored more is walked again. */
  private int stores;

  Expansions(String home) {
    this.home = home;
  }

  /** What a command substitution prints, when the line shows it; null when unknown. */
  private java.util.function.BiFunction<String, String, List<Word>> commandOutput =
      (source, cwd) -> null;

  /** Sets what tells the output of a command substitution from its source text and directory. */
  void commandOutput(java.util.function.BiFunction<String, String, List<Word>> f) {
    commandOutput = f;
  }

  int stores() {
    return stores;
  }

  /** Binds the positional parameters ({@code $0} first); returns the previous binding. */
  List<Word> bindPositional(List<Word> args) {
    List<Word> before = positional;
    positional = args;
    return before;
  }

  void restorePositional(List<Word> before) {
    positional = before;
  }

  // ------------------------------------------------------------------ assignments

  /** {@code read x}, {@code mapfile xs}, {@code printf -v x}: the value comes from run time. */
  void unknown(String name) {
    computed.add(name);
    stores++;
  }

  /**
   * Records an assignment word: {@code name=value}, {@code name+=value}, {@code name[i]=value},
   * {@code name=(a b)} or {@code name+=(c)}, expanded in the working directory {@code cwd}.
   */
  void assign(Word a, String cwd) {
    String t = a.text();
    int eq = t.indexOf('=');
    if (eq <= 0) {
      return;
    }
    String lhs = t.substring(0, eq);
    boolean append = lhs.endsWith("+");
    String n = append ? lhs.substring(0, lhs.length() - 1) : lhs;
    int bracket = n.indexOf('[');
    String name = bracket > 0 ? n.substring(0, bracket) : n;
    if (name.equals("IFS")) {
      ifsChanged = true;
    }
    if (!a.elements().isEmpty() || t.startsWith("(", eq + 1) && t.endsWith(")")) {
      array(name, a.elements(), append, cwd);
      return;
    }
    Word value = a.slice(eq + 1);
    if (value.text().startsWith("~") && !value.has(QUOTED)) {
      value = withFlags(value, value.flags() | TILDE); // x=~/.ssh expands the tilde
    }
    if (bracket > 0) {
      indexed.add(name);
      List<List<Word>> vs = expandAssigned(value, cwd);
      List<List<Word>> old = values.get(name);
      if (old == null) {
        store(name, vs);
        return;
      }
      List<List<Word>> next = new ArrayList<>(old.size());
      for (List<Word> o : old) {
        for (List<Word> v : vs) {
          next.add(concat(o, v));
        }
      }
      replace(name, next);
      return;
    }
    if (append) {
      // x+=v is x="${x}v"
      List<Expansion> spans = new ArrayList<>(value.expansions().size() + 1);
      String prefix = "${" + name + "}";
      spans.add(
          new Expansion(0, prefix.length(), ExpansionKind.PARAMETER, name, "", "", null, true));
      for (Expansion e : value.expansions()) {
        spans.add(e.shift(prefix.length()));
      }
      value =
          new Word(
              prefix + value.text(),
              value.flags() | DYNAMIC,
              value.substitutions(),
              spans,
              List.of());
      replace(name, expandAssigned(value, cwd));
      return;
    }
    store(name, expandAssigned(value, cwd));
  }

  /** The loop variable of {@code for name in WORD…} takes each field of the word in turn. */
  void loop(String name, Word w, String cwd) {
    List<List<Word>> alts = w.has(DYNAMIC) ? expand(w, cwd, false) : null;
    if (alts == null) {
      store(name, List.of(List.of(w)));
      return;
    }
    List<List<Word>> each = new ArrayList<>();
    for (List<Word> fields : alts) {
      for (Word f : fields) {
        each.add(List.of(f));
      }
    }
    store(name, each);
  }

  private void array(String name, List<Word> elements, boolean append, String cwd) {
    List<List<Word>> alts = new ArrayList<>(1);
    alts.add(List.of());
    List<Word> names = new ArrayList<>(append ? keys.getOrDefault(name, List.of()) : List.of());
    for (Word element : elements) {
      Word e = element;
      int close = e.text().startsWith("[") ? e.text().indexOf("]=") : -1;
      if (close > 0 && e.literalPrefix() > close) {
        // declare -A ports=([api]=8080): the key names the element, the value is what expands
        names.add(literal(e.text().substring(1, close)));
        e = e.slice(close + 2);
        if (!PathFacts.hasGlob(e.text())) {
          e = withFlags(e, e.flags() & ~GLOB); // the brackets of the key were the glob
        }
      }
      List<List<Word>> vs = e.has(DYNAMIC) ? expand(e, cwd, false) : null;
      if (vs == null) {
        vs = List.of(List.of(e));
      }
      if (alts.size() * vs.size() > MAX_ALTERNATIVES) {
        unknown(name);
        return;
      }
      List<List<Word>> next = new ArrayList<>(alts.size() * vs.size());
      for (List<Word> a : alts) {
        for (List<Word> v : vs) {
          next.add(concat(a, v));
        }
      }
      alts = next;
    }
    if (!names.isEmpty()) {
      keys.put(name, names);
    } else if (!append) {
      keys.remove(name);
    }
    List<List<Word>> old = append ? values.get(name) : null;
    if (old == null) {
      store(name, alts);
      return;
    }
    List<List<Word>> next = new ArrayList<>(old.size() * alts.size());
    for (List<Word> o : old) {
      for (List<Word> a : alts) {
        next.add(concat(o, a));
      }
    }
    replace(name, next);
  }

  /** An assignment's value: no word splitting, no pathname expansion; one field each. */
  private List<List<Word>> expandAssigned(Word value, String cwd) {
    List<List<Word>> alts = value.has(DYNAMIC) ? expand(value, cwd, true) : null;
    if (alts == null) {
      return List.of(List.of(value));
    }
    List<List<Word>> out = new ArrayList<>(alts.size());
    for (List<Word> fields : alts) {
      out.add(List.of(join(fields)));
    }
    return out;
  }

  private void store(String name, List<List<Word>> alts) {
    List<List<Word>> list = values.computeIfAbsent(name, k -> new ArrayList<>(2));
    for (List<Word> a : alts) {
      if (list.size() >= MAX_ALTERNATIVES) {
        computed.add(name);
        break;
      }
      list.add(a);
    }
    stores++;
  }

  private void replace(String name, List<List<Word>> alts) {
    values.remove(name);
    store(name, alts);
  }

  // ------------------------------------------------------------------ expansion

  /**
   * The alternatives a word expands to, each a list of words (fields), or null when the word has
   * nothing to expand (no expansion recorded, or expanded already) or too many alternatives. With
   * {@code assignment}, values are not split into fields.
   */
  List<List<Word>> expand(Word w, String cwd, boolean assignment) {
    if (w.has(EXPANDED) || w.expansions().isEmpty()) {
      return null;
    }
    String t = w.text();
    List<Alt> alts = new ArrayList<>(1);
    alts.add(new Alt());
    int pos = 0;
    for (Expansion e : w.expansions()) {
      for (Alt a : alts) {
        a.text(t, pos, e.start());
      }
      List<List<Word>> pieces = value(e, t, cwd);
      if (pieces == null) {
        return null;
      }
      boolean split = !assignment && !e.quoted();
      if (pieces.size() == 1) {
        for (Alt a : alts) {
          a.fields(pieces.get(0), split);
        }
      } else {
        if (alts.size() * pieces.size() > MAX_ALTERNATIVES) {
          return null;
        }
        List<Alt> next = new ArrayList<>(alts.size() * pieces.size());
        for (Alt a : alts) {
          for (List<Word> p : pieces) {
            Alt c = a.copy();
            c.fields(p, split);
            next.add(c);
          }
        }
        alts = next;
      }
      pos = e.end();
    }
    List<List<Word>> out = new ArrayList<>(alts.size());
    for (Alt a : alts) {
      a.text(t, pos, t.length());
      out.add(a.finish(w, assignment));
    }
    return out;
  }

  /**
   * The arguments of a command after expansion: one list per combination of alternatives, or null
   * when nothing was expanded (the words stay as they are).
   */
  List<List<Word>> expandArguments(List<Word> words, String cwd) {
    List<List<Word>> out = null;
    for (int i = 0; i < words.size(); i++) {
      Word w = words.get(i);
      List<List<Word>> alts = w.has(DYNAMIC) ? expand(w, cwd, false) : null;
      if (alts == null && out == null) {
        continue;
      }
      if (out == null) {
        out = new ArrayList<>(1);
        out.add(new ArrayList<>(words.subList(0, i)));
      }
      if (alts == null) {
        for (List<Word> o : out) {
          o.add(w);
        }
        continue;
      }
      if (out.size() * alts.size() > MAX_ALTERNATIVES) {
        return null;
      }
      if (alts.size() == 1) {
        for (List<Word> o : out) {
          o.addAll(alts.get(0));
        }
        continue;
      }
      List<List<Word>> next = new ArrayList<>(out.size() * alts.size());
      for (List<Word> o : out) {
        for (List<Word> a : alts) {
          List<Word> c = new ArrayList<>(o);
          c.addAll(a);
          next.add(c);
        }
      }
      out = next;
    }
    return out;
  }

  /** The alternatives of one expansion; null when there are too many. */
  private List<List<Word>> value(Expansion e, String text, String cwd) {
    return switch (e.kind()) {
      case ARITHMETIC, LENGTH -> one(literal("0"));
      case COMMAND -> {
        List<Word> out =
            text.isEmpty() ? null : commandOutput.apply(text.substring(e.start(), e.end()), cwd);
        yield out == null ? one(computed(e, text)) : List.of(out);
      }
      case INDIRECT -> {
        // ${!m[@]}: the keys of an associative array the line assigned whole
        String n = e.name();
        String array =
            n.endsWith("[@]") || n.endsWith("[*]") ? n.substring(0, n.length() - 3) : null;
        List<Word> k = array == null || computed.contains(array) ? null : keys.get(array);
        yield k == null ? one(computed(e, text)) : List.of(k);
      }
      case PARAMETER -> parameter(e, text, cwd);
    };
  }

  private List<List<Word>> parameter(Expansion e, String text, String cwd) {
    List<List<Word>> base = base(e, text, cwd);
    if (base == null) {
      return null;
    }
    String op = e.op();
    if (op.isEmpty()) {
      return base;
    }
    switch (op) {
      case ":-", "-", ":=", "=" -> {
        List<List<Word>> out = new ArrayList<>(base.size() + 1);
        boolean fallBack = false;
        for (List<Word> alt : base) {
          if (isUnknown(alt)) {
            out.add(alt);
            fallBack = true;
          } else if (isEmpty(alt) && op.startsWith(":")) {
            fallBack = true;
          } else {
            out.add(alt);
          }
        }
        if (fallBack) {
          List<List<Word>> d = operand(e, cwd);
          if (d == null) {
            return null;
          }
          out.addAll(d);
          if (op.endsWith("=")) {
            store(e.name(), joined(d));
          }
        }
        return out.size() > MAX_ALTERNATIVES ? null : out;
      }
      case ":+", "+" -> {
        List<List<Word>> alt = operand(e, cwd);
        if (alt == null) {
          return null;
        }
        boolean maybeEmpty = false;
        for (List<Word> b : base) {
          maybeEmpty |= isUnknown(b) || isEmpty(b) && op.equals(":+");
        }
        if (!maybeEmpty) {
          return alt;
        }
        List<List<Word>> out = new ArrayList<>(alt);
        out.add(List.of());
        return out;
      }
      case ":?", "?" -> {
        return base;
      }
      default -> {
        List<List<Word>> out = new ArrayList<>(base.size());
        for (List<Word> alt : base) {
          List<Word> changed = isUnknown(alt) ? null : transform(e, alt);
          out.add(changed == null ? List.of(computed(e, text)) : changed);
        }
        return out;
      }
    }
  }

  /** A variable's own alternatives, its subscript applied. */
  private List<List<Word>> base(Expansion e, String text, String cwd) {
    String name = e.name();
    if (NUMERIC.contains(name)) {
      return one(literal("0"));
    }
    char c = name.charAt(0);
    if (Character.isDigit(c) || name.equals("@") || name.equals("*")) {
      return positional(e, text);
    }
    if (name.equals("_") || computed.contains(name) || ifsChanged && !e.quoted()) {
      return one(computed(e, text));
    }
    List<List<Word>> alts = values.get(name);
    if (alts == null) {
      if (name.equals("HOME") && home != null) {
        return one(literal(home));
      }
      if (name.equals("PWD") && cwd != null) {
        return one(literal(cwd));
      }
      return one(environment(e));
    }
    String index = e.index();
    List<List<Word>> out = new ArrayList<>(alts.size());
    for (List<Word> fields : alts) {
      if (isUnknown(fields)) {
        out.add(fields);
      } else if (index.equals("@")) {
        out.add(fields);
      } else if (index.equals("*")) {
        out.add(e.quoted() ? List.of(join(fields)) : fields);
      } else if (index.isEmpty() || ShellWalk.isDigits(index) && !indexed.contains(name)) {
        int i = index.isEmpty() ? 0 : Integer.parseInt(index.length() > 6 ? "999999" : index);
        out.add(i < fields.size() ? List.of(fields.get(i)) : List.of(literal("")));
      } else {
        for (Word f : fields) {
          out.add(List.of(f)); // xs[$i]: any element
        }
      }
      if (out.size() > MAX_ALTERNATIVES) {
        return null;
      }
    }
    return out;
  }

  private List<List<Word>> positional(Expansion e, String text) {
    if (positional == null) {
      return one(computed(e, text));
    }
    String name = e.name();
    if (name.equals("@") || name.equals("*")) {
      List<Word> args = positional.subList(Math.min(1, positional.size()), positional.size());
      return List.of(name.equals("*") && e.quoted() ? List.of(join(args)) : args);
    }
    int i = name.length() > 3 ? 999 : Integer.parseInt(name);
    return one(i < positional.size() ? positional.get(i) : literal(""));
  }

  /** The operand of {@code ${x:-WORD}}, {@code ${x:+WORD}}: its own alternatives. */
  private List<List<Word>> operand(Expansion e, String cwd) {
    Word w = e.operand();
    if (w == null) {
      return one(computed(e, ""));
    }
    List<List<Word>> alts = w.has(DYNAMIC) ? expand(w, cwd, false) : null;
    return alts != null ? alts : one(w.has(DYNAMIC) ? computed(e, "") : w);
  }

  /** {@code # ## % %% / // ^ ^^ , ,, : @}: the changed fields, or null when not computed here. */
  private static List<Word> transform(Expansion e, List<Word> fields) {
    Word operand = e.operand();
    if (operand == null || operand.has(DYNAMIC)) {
      return null;
    }
    String arg = operand.text();
    String op = e.op();
    if (op.equals(":")) {
      return substring(fields, arg, e.index().equals("@") || e.index().equals("*"));
    }
    List<Word> out = new ArrayList<>(fields.size());
    for (Word f : fields) {
      if (f.has(DYNAMIC)) {
        return null;
      }
      String v = f.text();
      String r =
          switch (op) {
            case "#", "##", "%", "%%" -> strip(v, arg, op, operand.has(QUOTED));
            case "/", "//", "/#", "/%" -> replace(v, arg, op);
            case "^", "^^", ",", ",," -> arg.isEmpty() ? caseChange(v, op) : null;
            case "@" ->
                switch (arg) {
                  case "U" -> caseChange(v, "^^");
                  case "L" -> caseChange(v, ",,");
                  case "u" -> caseChange(v, "^");
                  default -> null;
                };
            default -> null;
          };
      if (r == null) {
        return null;
      }
      out.add(withText(f, r));
    }
    return out;
  }

  private static String strip(String v, String pattern, String op, boolean quoted) {
    boolean glob = !quoted && Glob.isGlob(pattern);
    if (pattern.indexOf('[') >= 0 || pattern.indexOf('\\') >= 0 || quoted && Glob.isGlob(pattern)) {
      return null;
    }
    int n = v.length();
    switch (op) {
      case "#", "##" -> {
        boolean longest = op.equals("##");
        for (int k = 0; k <= n; k++) {
          int i = longest ? n - k : k;
          if (glob ? Glob.matches(pattern, v.substring(0, i)) : v.substring(0, i).equals(pattern)) {
            return v.substring(i);
          }
        }
        return v;
      }
      default -> {
        boolean longest = op.equals("%%");
        for (int k = 0; k <= n; k++) {
          int i = longest ? k : n - k;
          if (glob ? Glob.matches(pattern, v.substring(i)) : v.substring(i).equals(pattern)) {
            return v.substring(0, i);
          }
        }
        return v;
      }
    }
  }

  private static String replace(String v, String arg, String op) {
    int slash = arg.indexOf('/');
    String pattern = slash < 0 ? arg : arg.substring(0, slash);
    String with = slash < 0 ? "" : arg.substring(slash + 1);
    if (pattern.isEmpty() || Glob.isGlob(pattern) || pattern.indexOf('[') >= 0) {
      return pattern.isEmpty() ? v : null;
    }
    return switch (op) {
      case "//" -> v.replace(pattern, with);
      case "/#" -> v.startsWith(pattern) ? with + v.substring(pattern.length()) : v;
      case "/%" -> v.endsWith(pattern) ? v.substring(0, v.length() - pattern.length()) + with : v;
      default -> {
        int i = v.indexOf(pattern);
        yield i < 0 ? v : v.substring(0, i) + with + v.substring(i + pattern.length());
      }
    };
  }

  private static String caseChange(String v, String op) {
    if (v.isEmpty()) {
      return v;
    }
    return switch (op) {
      case "^^" -> v.toUpperCase(Locale.ROOT);
      case ",," -> v.toLowerCase(Locale.ROOT);
      case "^" -> v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
      default -> v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
    };
  }

  /** {@code ${x:OFFSET}}, {@code ${x:OFFSET:LENGTH}}, {@code ${xs[@]:OFFSET:LENGTH}}. */
  private static List<Word> substring(List<Word> fields, String arg, boolean elements) {
    String[] parts = arg.split(":", -1);
    if (parts.length > 2) {
      return null;
    }
    Integer off = integer(parts[0]);
    Integer len = parts.length > 1 ? integer(parts[1]) : Integer.valueOf(Integer.MAX_VALUE);
    if (off == null || len == null || len < 0) {
      return null;
    }
    if (elements) {
      int n = fields.size();
      int from = off < 0 ? Math.max(0, n + off) : Math.min(n, off);
      int to = (int) Math.min(n, (long) from + len);
      return fields.subList(from, to);
    }
    if (fields.size() != 1 || fields.get(0).has(DYNAMIC)) {
      return null;
    }
    String v = fields.get(0).text();
    int n = v.length();
    int from = off < 0 ? Math.max(0, n + off) : Math.min(n, off);
    int to = (int) Math.min(n, (long) from + len);
    return List.of(withText(fields.get(0), v.substring(from, to)));
  }

  private static Integer integer(String s) {
    String t = s.strip();
    boolean neg = t.startsWith("-");
    String digits = neg ? t.substring(1) : t;
    if (!ShellWalk.isDigits(digits) || digits.length() > 6) {
      return null;
    }
    int v = Integer.parseInt(digits);
    return neg ? -v : v;
  }

  // ------------------------------------------------------------------ values

  private static List<List<Word>> one(Word w) {
    return List.of(List.of(w));
  }

  static Word literal(String text) {
    return new Word(text, EXPANDED, List.of());
  }

  /** A value the line computes: its source text, unknown. */
  private static Word computed(Expansion e, String text) {
    String src = text.isEmpty() ? "$" + e.name() : text.substring(e.start(), e.end());
    return new Word(src, DYNAMIC | EXPANDED, List.of(), List.of(e.shift(-e.start())), List.of());
  }

  /** The value of a variable the line does not set: the user's environment, unknown. */
  private static Word environment(Expansion e) {
    String src = "$" + e.name();
    Expansion span =
        new Expansion(0, src.length(), ExpansionKind.PARAMETER, e.name(), "", "", null, true);
    return new Word(src, DYNAMIC | ENVIRONMENT | EXPANDED, List.of(), List.of(span), List.of());
  }

  private static boolean isUnknown(List<Word> alt) {
    return alt.size() == 1 && alt.get(0).has(DYNAMIC);
  }

  private static boolean isEmpty(List<Word> alt) {
    return alt.isEmpty() || alt.size() == 1 && alt.get(0).text().isEmpty();
  }

  private static List<List<Word>> joined(List<List<Word>> alts) {
    List<List<Word>> out = new ArrayList<>(alts.size());
    for (List<Word> a : alts) {
      out.add(List.of(join(a)));
    }
    return out;
  }

  /** Fields joined by spaces into one word ({@code "${xs[*]}"}, an assignment's value). */
  private static Word join(List<Word> fields) {
    if (fields.size() == 1) {
      return fields.get(0);
    }
    Alt a = new Alt();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        a.text(" ", 0, 1);
      }
      a.fields(List.of(fields.get(i)), false);
    }
    return a.finish(literal(""), true).get(0);
  }

  private static List<Word> concat(List<Word> a, List<Word> b) {
    List<Word> out = new ArrayList<>(a.size() + b.size());
    out.addAll(a);
    out.addAll(b);
    return out;
  }

  private static Word withText(Word w, String text) {
    return new Word(text, w.flags() | EXPANDED, List.of());
  }

  private static Word withFlags(Word w, int flags) {
    return new Word(w.text(), flags, w.substitutions(), w.expansions(), w.elements());
  }

  /** One alternative being built: the fields finished so far and the one being appended to. */
  private static final class Alt {
    final List<Field> fields = new ArrayList<>(1);

    Alt() {
      fields.add(new Field());
    }

    Alt copy() {
      Alt a = new Alt();
      a.fields.clear();
      for (Field f : fields) {
        a.fields.add(f.copy());
      }
      return a;
    }

    Field cur() {
      return fields.get(fields.size() - 1);
    }

    void text(String t, int from, int to) {
      if (to > from) {
        cur().text.append(t, from, to);
        cur().literal = true;
      }
    }

    /** Appends a value's fields: the first continues the current field, each further one is new. */
    void fields(List<Word> values, boolean split) {
      boolean first = true;
      for (Word v : values) {
        if (!first) {
          fields.add(new Field());
        }
        first = false;
        if (split && !v.has(DYNAMIC) && hasBlank(v.text())) {
          String[] parts = v.text().split("[ \t\n]+", -1);
          for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
              fields.add(new Field());
            }
            cur().append(withText(v, parts[i]), split);
          }
        } else {
          cur().append(v, split);
        }
      }
    }

    List<Word> finish(Word original, boolean assignment) {
      List<Word> out = new ArrayList<>(fields.size());
      for (Field f : fields) {
        if (f.text.length() == 0 && !f.literal && !original.has(QUOTED) && !assignment) {
          continue; // an unquoted empty value is no word at all
        }
        out.add(f.word(original));
      }
      return out;
    }

    private static boolean hasBlank(String s) {
      return s.indexOf(' ') >= 0 || s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0;
    }
  }

  /** One field being built. */
  private static final class Field {
    final StringBuilder text = new StringBuilder(16);
    List<Expansion> spans;
    int flags;
    boolean computed;
    boolean literal;

    Field copy() {
      Field f = new Field();
      f.text.append(text);
      f.spans = spans == null ? null : new ArrayList<>(spans);
      f.flags = flags;
      f.computed = computed;
      f.literal = literal;
      return f;
    }

    void append(Word v, boolean unquoted) {
      int at = text.length();
      if (at == 0 && v.has(TILDE)) {
        flags |= TILDE;
      }
      if (v.has(GLOB) || unquoted && !v.has(DYNAMIC) && PathFacts.hasGlob(v.text())) {
        flags |= GLOB;
      }
      text.append(v.text());
      if (v.has(DYNAMIC)) {
        flags |= DYNAMIC;
        computed |= !v.has(ENVIRONMENT);
        if (spans == null) {
          spans = new ArrayList<>(1);
        }
        for (Expansion e : v.expansions()) {
          spans.add(e.shift(at));
        }
        if (v.expansions().isEmpty()) {
          computed = true;
        }
      }
      literal |= v.text().length() > 0;
    }

    Word word(Word original) {
      int f = flags | EXPANDED | original.flags() & (QUOTED | ShellSyntax.BRACE);
      if (original.has(GLOB)) {
        f |= GLOB;
      }
      if (original.has(TILDE) && text.length() > 0 && text.charAt(0) == '~') {
        f |= TILDE;
      }
      if ((f & DYNAMIC) != 0 && !computed) {
        f |= ENVIRONMENT;
      }
      return new Word(
          text.toString(),
          f,
          computed ? original.substitutions() : List.of(),
          spans == null ? List.of() : spans,
          List.of());
    }
  }
}

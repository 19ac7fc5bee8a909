package dev.proctor.classify;

import dev.proctor.classify.ShellSyntax.Command;
import dev.proctor.classify.ShellSyntax.Expansion;
import dev.proctor.classify.ShellSyntax.ExpansionKind;
import dev.proctor.classify.ShellSyntax.FunctionDef;
import dev.proctor.classify.ShellSyntax.Group;
import dev.proctor.classify.ShellSyntax.Pipeline;
import dev.proctor.classify.ShellSyntax.Redirect;
import dev.proctor.classify.ShellSyntax.Script;
import dev.proctor.classify.ShellSyntax.Simple;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.ArrayList;
import java.util.List;

/**
 * A recursive-descent parser for the POSIX shell subset that coding agents write, plus the bash
 * forms they use most ({@code $'..'}, {@code |&}, {@code &>}, {@code [[ ]]}, process substitution).
 *
 * <p>Why hand-written: classification runs on every agent command inside a latency budget of a few
 * microseconds, and a wrong parse is a security bug. The parser therefore understands exactly the
 * constructs it supports ({@code case}, arrays, arithmetic commands and {@code for ((;;))},
 * expansions holding quotes or substitutions, process substitution, functions and loops are among
 * them) and rejects everything else ({@code select}, {@code coproc}, {@code ${x@P}}, input beyond
 * {@link #MAX_LENGTH} characters or nesting beyond {@link #MAX_DEPTH}, NUL bytes) with a {@link
 * ShellSyntaxException}, which the classifier turns into the worst class. It never executes or
 * expands anything: expansions are kept as text and command substitutions are parsed so their
 * commands can be classified too.
 */
final class ShellParser {

  /** The longest command the parser accepts, in characters. */
  static final int MAX_LENGTH = 64 * 1024;

  /** The deepest nesting of groups and substitutions the parser accepts. */
  static final int MAX_DEPTH = 32;

  private static final String[] NO_STOPS = {};
  private static final String[] STOP_BRACE = {"}"};
  private static final String[] STOP_THEN = {"then"};
  private static final String[] STOP_ELSE = {"elif", "else", "fi"};
  private static final String[] STOP_FI = {"fi"};
  private static final String[] STOP_DO = {"do"};
  private static final String[] STOP_DONE = {"done"};
  private static final String[] STOP_ESAC = {"esac"};
  private static final String[] UNEXPECTED = {"then", "elif", "else", "fi", "do", "done", "esac"};
  private static final String[] UNSUPPORTED = {"select", "coproc"};

  private final String s;
  private final int end;
  private int pos;
  private int depth;
  private final List<Redirect> pending = new ArrayList<>(0);

  /**
   * Reading the operand of {@code ${x:-...}}: blanks and operators are plain characters, and inside
   * double quotes ({@link #operandInQuotes}) so are single quotes.
   */
  private boolean operand;

  private boolean operandInQuotes;

  private ShellParser(String s, int start, int end, int depth) {
    this.s = s;
    this.pos = start;
    this.end = end;
    this.depth = depth;
  }

  /** Parses a whole command line. */
  static Script parse(String text) throws ShellSyntaxException {
    return parse(text, 0);
  }

  /** Parses a command line found at a nesting depth (for {@code bash -c}, backticks ...). */
  static Script parse(String text, int depth) throws ShellSyntaxException {
    if (depth > MAX_DEPTH) {
      throw new ShellSyntaxException("nesting deeper than " + MAX_DEPTH, 0);
    }
    if (text.length() > MAX_LENGTH) {
      throw new ShellSyntaxException("command longer than " + MAX_LENGTH + " characters", 0);
    }
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      throw new ShellSyntaxException("NUL byte", nul);
    }
    ShellParser p = new ShellParser(text, 0, text.length(), depth);
    Script script = p.parseScript(NO_STOPS, false);
    if (p.pos < p.end) {
      throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    }
    if (!p.pending.isEmpty()) {
      throw p.error("here-document has no body");
    }
    return script;
  }

  // ---------------------------------------------------------------- lists and pipelines

  private Script parseScript(String[] stops, boolean stopParen) throws ShellSyntaxException {
    return parseScript(stops, stopParen, false);
  }

  /** With {@code inCase}, a {@code ;;}, {@code ;&} or {@code ;;&} ends the list (a case arm). */
  private Script parseScript(String[] stops, boolean stopParen, boolean inCase)
      throws ShellSyntaxException {
    List<Pipeline> out = new ArrayList<>(4);
    while (true) {
      skipBlanks();
      if (pos >= end) {
        break;
      }
      char c = s.charAt(pos);
      if (c == '\n') {
        pos++;
        readHeredocs();
        continue;
      }
      if (c == ')') {
        if (stopParen) {
          break;
        }
        throw error("unexpected ')'");
      }
      if (atAnyWord(stops) || inCase && atCaseTerminator()) {
        break;
      }
      if (c == ';' || c == '&' || c == '|') {
        throw error("unexpected '" + c + "'");
      }
      parseAndOr(out);
      skipBlanks();
      if (pos >= end) {
        break;
      }
      c = s.charAt(pos);
      if (c == ';') {
        if (atCaseTerminator()) {
          if (inCase) {
            break;
          }
          throw error("unexpected ';;'");
        }
        pos++;
      } else if (c == '&') {
        pos++;
      } else if (c == '\n') {
        pos++;
        readHeredocs();
      } else if (c == ')' && stopParen) {
        break;
      } else {
        throw error("unexpected '" + c + "'");
      }
    }
    return new Script(out);
  }

  private void parseAndOr(List<Pipeline> out) throws ShellSyntaxException {
    out.add(parsePipeline());
    while (true) {
      skipBlanks();
      if (pos + 1 < end
          && ((s.charAt(pos) == '&' && s.charAt(pos + 1) == '&')
              || (s.charAt(pos) == '|' && s.charAt(pos + 1) == '|'))) {
        pos += 2;
        skipBlanksAndNewlines();
        out.add(parsePipeline());
      } else {
        return;
      }
    }
  }

  private Pipeline parsePipeline() throws ShellSyntaxException {
    skipBlanks();
    if (atWord("!")) {
      pos++;
      skipBlanks();
    }
    List<Command> commands = new ArrayList<>(2);
    commands.add(parseCommand());
    while (true) {
      skipBlanks();
      if (pos < end && s.charAt(pos) == '|' && (pos + 1 >= end || s.charAt(pos + 1) != '|')) {
        pos++;
        if (pos < end && s.charAt(pos) == '&') {
          pos++;
        }
        skipBlanksAndNewlines();
        commands.add(parseCommand());
      } else {
        return new Pipeline(commands);
      }
    }
  }

  // ---------------------------------------------------------------- commands

  private Command parseCommand() throws ShellSyntaxException {
    skipBlanks();
    if (pos >= end) {
      throw error("missing command");
    }
    char c = s.charAt(pos);
    if (c == '(') {
      if (pos + 1 < end && s.charAt(pos + 1) == '(') {
        Word expr = arithmeticBody();
        return new Group(false, List.of(), List.of(expr), trailingRedirects());
      }
      pos++;
      enter();
      Script body = parseScript(NO_STOPS, true);
      expect(')');
      leave();
      return new Group(true, List.of(body), List.of(), trailingRedirects());
    }
    if (atWord("{")) {
      pos++;
      enter();
      Script body = parseScript(STOP_BRACE, false);
      expectWord("}");
      leave();
      return new Group(false, List.of(body), List.of(), trailingRedirects());
    }
    if (atWord("if")) {
      return parseIf();
    }
    if (atWord("while") || atWord("until")) {
      pos += 5;
      enter();
      Script cond = parseScript(STOP_DO, false);
      expectWord("do");
      Script body = parseScript(STOP_DONE, false);
      expectWord("done");
      leave();
      return new Group(false, List.of(cond, body), List.of(), trailingRedirects());
    }
    if (atWord("for")) {
      return parseFor();
    }
    if (atWord("case")) {
      return parseCase();
    }
    if (atWord("function")) {
      pos += 8;
      skipBlanks();
      Word name = readWord();
      if (!name.isLiteral() || name.has(ShellSyntax.QUOTED) || name.text().isEmpty()) {
        throw error("function name must be a plain word");
      }
      skipBlanks();
      if (pos + 1 < end && s.charAt(pos) == '(') {
        pos++;
        skipBlanks();
        expect(')');
      }
      return functionBody(name.text());
    }
    if (atWord("[[")) {
      return parseDoubleBracket();
    }
    for (String w : UNSUPPORTED) {
      if (atWord(w)) {
        throw error("'" + w + "' is not supported");
      }
    }
    if (atAnyWord(UNEXPECTED) || atWord("}")) {
      throw error("unexpected reserved word");
    }
    return parseSimple();
  }

  private Command functionBody(String name) throws ShellSyntaxException {
    skipBlanksAndNewlines();
    if (pos >= end || !(s.charAt(pos) == '(' || atWord("{"))) {
      throw error("function body must be a group");
    }
    Command body = parseCommand();
    return new FunctionDef(name, body);
  }

  private Command parseIf() throws ShellSyntaxException {
    pos += 2;
    enter();
    List<Script> bodies = new ArrayList<>(4);
    bodies.add(parseScript(STOP_THEN, false));
    expectWord("then");
    bodies.add(parseScript(STOP_ELSE, false));
    while (true) {
      if (atWord("elif")) {
        pos += 4;
        bodies.add(parseScript(STOP_THEN, false));
        expectWord("then");
        bodies.add(parseScript(STOP_ELSE, false));
      } else if (atWord("else")) {
        pos += 4;
        bodies.add(parseScript(STOP_FI, false));
        expectWord("fi");
        break;
      } else {
        expectWord("fi");
        break;
      }
    }
    leave();
    return new Group(false, bodies, List.of(), trailingRedirects());
  }

  private Command parseFor() throws ShellSyntaxException {
    pos += 3;
    skipBlanks();
    if (pos + 1 < end && s.charAt(pos) == '(' && s.charAt(pos + 1) == '(') {
      Word header = arithmeticBody();
      enter();
      skipBlanks();
      if (pos < end && s.charAt(pos) == ';') {
        pos++;
      }
      return new Group(false, List.of(loopBody()), List.of(header), trailingRedirects());
    }
    Word var = readWord();
    if (!var.isLiteral() || var.text().isEmpty()) {
      throw error("for loop variable must be a name");
    }
    enter();
    List<Word> words = new ArrayList<>();
    skipBlanks();
    if (atWord("in")) {
      pos += 2;
      while (true) {
        skipBlanks();
        if (pos >= end) {
          throw error("unterminated for loop");
        }
        char c = s.charAt(pos);
        if (c == ';' || c == '\n') {
          pos++;
          if (c == '\n') {
            readHeredocs();
          }
          break;
        }
        if (isOperatorStart(c)) {
          throw error("unexpected '" + c + "' in for loop");
        }
        words.add(readWord());
      }
    } else if (pos < end && (s.charAt(pos) == ';')) {
      pos++;
    }
    return new Group(false, List.of(loopBody()), words, trailingRedirects(), var.text());
  }

  /** {@code do LIST done} of a {@code for} loop, which was entered: leaves it. */
  private Script loopBody() throws ShellSyntaxException {
    skipBlanksAndNewlines();
    expectWord("do");
    Script body = parseScript(STOP_DONE, false);
    expectWord("done");
    leave();
    return body;
  }

  /**
   * {@code case WORD in PATTERN|PATTERN) LIST ;; ... esac}: the subject and the patterns become the
   * group's words (their substitutions are classified), every arm's list a body.
   */
  private Command parseCase() throws ShellSyntaxException {
    pos += 4;
    skipBlanks();
    List<Word> words = new ArrayList<>();
    words.add(readWord());
    skipBlanksAndNewlines();
    if (!atWord("in")) {
      throw error("expected 'in'");
    }
    pos += 2;
    enter();
    List<Script> bodies = new ArrayList<>();
    while (true) {
      skipBlanksAndNewlines();
      if (pos >= end) {
        throw error("unterminated case");
      }
      if (atWord("esac")) {
        pos += 4;
        break;
      }
      if (s.charAt(pos) == '(') {
        pos++;
      }
      while (true) {
        skipBlanks();
        if (pos >= end) {
          throw error("unterminated case pattern");
        }
        char c = s.charAt(pos);
        if (c == ')') {
          pos++;
          break;
        }
        if (c == '|') {
          pos++;
          continue;
        }
        if (isOperatorStart(c) || c == '\n') {
          throw error("unexpected '" + c + "' in a case pattern");
        }
        words.add(readWord());
      }
      bodies.add(parseScript(STOP_ESAC, false, true));
      skipBlanks();
      if (atCaseTerminator()) {
        pos += s.startsWith(";;&", pos) ? 3 : 2;
      } else if (!atWord("esac")) {
        skipBlanksAndNewlines();
        if (!atWord("esac")) {
          throw error("expected ';;' or 'esac'");
        }
      }
    }
    leave();
    return new Group(false, bodies, words, trailingRedirects());
  }

  private boolean atCaseTerminator() {
    return pos + 1 < end
        && s.charAt(pos) == ';'
        && (s.charAt(pos + 1) == ';' || s.charAt(pos + 1) == '&');
  }

  /**
   * The text of {@code (( ... ))} as one word, starting at the first parenthesis; substitutions
   * inside are parsed.
   */
  private Word arithmeticBody() throws ShellSyntaxException {
    WordBuilder w = new WordBuilder();
    int start = pos;
    pos += 2;
    arithmeticUntilClose(w, 2);
    w.text.append(s, start, pos);
    w.flags |= ShellSyntax.DYNAMIC;
    return w.build();
  }

  /** Scans arithmetic text until {@code level} parentheses are closed. */
  private void arithmeticUntilClose(WordBuilder w, int level) throws ShellSyntaxException {
    scanNested(w, '(', ')', level, "unterminated arithmetic expression");
  }

  /**
   * Scans text nested in brackets ({@code $(( … ))}, {@code ${ … }}) until {@code level} of them
   * are closed, skipping escapes and single quotes and parsing double quotes, expansions, command
   * substitutions and backticks on the way, whose commands go into {@code w}.
   */
  private void scanNested(WordBuilder w, char open, char close, int level, String unterminated)
      throws ShellSyntaxException {
    enter();
    while (pos < end) {
      char c = s.charAt(pos);
      if (c == close || c == open) {
        pos++;
        level += c == open ? 1 : -1;
        if (level == 0) {
          leave();
          return;
        }
        continue;
      }
      if (c == '\\') {
        pos += 2;
        continue;
      }
      if (c == '\'') {
        int q = s.indexOf('\'', pos + 1);
        if (q < 0 || q >= end) {
          throw error("unterminated single quote");
        }
        pos = q + 1;
        continue;
      }
      WordBuilder inner = new WordBuilder();
      if (c == '"') {
        doubleQuoted(inner);
      } else if (c == '$') {
        dollar(inner, true);
      } else if (c == '`') {
        backtick(inner, true);
      } else {
        pos++;
        continue;
      }
      merge(w, inner);
    }
    throw error(unterminated);
  }

  private static void merge(WordBuilder into, WordBuilder from) {
    if (from.subs != null) {
      for (Script sc : from.subs) {
        into.sub(sc);
      }
    }
    into.flags |= from.flags & ShellSyntax.DYNAMIC;
  }

  private Command parseDoubleBracket() throws ShellSyntaxException {
    List<Word> words = new ArrayList<>();
    words.add(new Word("[[", 0, List.of()));
    pos += 2;
    while (true) {
      skipBlanksAndNewlines();
      if (pos >= end) {
        throw error("unterminated [[");
      }
      if (atWord("]]")) {
        pos += 2;
        words.add(new Word("]]", 0, List.of()));
        break;
      }
      char c = s.charAt(pos);
      if (c == '&' || c == '|' || c == '<' || c == '>' || c == '(' || c == ')' || c == ';') {
        if (c == ';') {
          throw error("unexpected ';' in [[");
        }
        int start = pos;
        while (pos < end && "&|<>()".indexOf(s.charAt(pos)) >= 0) {
          pos++;
        }
        words.add(new Word(s.substring(start, pos), 0, List.of()));
      } else {
        words.add(readWord());
      }
    }
    return new Simple(List.of(), words, trailingRedirects());
  }

  private Command parseSimple() throws ShellSyntaxException {
    List<Word> assignments = List.of();
    List<Word> words = new ArrayList<>(6);
    List<Redirect> redirects = List.of();
    while (true) {
      skipBlanks();
      if (pos >= end) {
        break;
      }
      char c = s.charAt(pos);
      if (c == '&' && pos + 1 < end && s.charAt(pos + 1) == '>') {
        redirects = add(redirects, parseRedirect());
        continue;
      }
      if (c == '\n' || c == ';' || c == '&' || c == '|' || c == ')') {
        break;
      }
      if (c == '(') {
        if (words.size() == 1 && assignments.isEmpty() && redirects.isEmpty()) {
          Word name = words.get(0);
          if (!name.isLiteral() || name.has(ShellSyntax.QUOTED)) {
            throw error("function name must be a plain word");
          }
          pos++;
          skipBlanks();
          expect(')');
          return functionBody(name.text());
        }
        throw error("unexpected '('");
      }
      if ((c == '<' || c == '>') && pos + 1 < end && s.charAt(pos + 1) == '(') {
        words.add(processSubstitution());
        continue;
      }
      if (c == '<' || c == '>' || (c >= '0' && c <= '9' && isIoNumber())) {
        redirects = add(redirects, parseRedirect());
        continue;
      }
      if (words.isEmpty() && isAssignmentStart()) {
        assignments = add(assignments, isArrayAssignment() ? readArrayAssignment() : readWord());
        continue;
      }
      if (!words.isEmpty() && isDeclaration(words.get(0)) && isArrayAssignment()) {
        words.add(readArrayAssignment());
        continue;
      }
      words.add(readWord());
    }
    if (words.isEmpty() && assignments.isEmpty() && redirects.isEmpty()) {
      throw error("missing command");
    }
    return new Simple(assignments, words, redirects);
  }

  private static <T> List<T> add(List<T> list, T item) {
    List<T> l = list.isEmpty() ? new ArrayList<>(2) : list;
    l.add(item);
    return l;
  }

  private boolean isIoNumber() {
    int k = pos;
    while (k < end && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
      k++;
    }
    return k < end
        && (s.charAt(k) == '<' || s.charAt(k) == '>')
        && !(k + 1 < end && s.charAt(k + 1) == '(');
  }

  private boolean isAssignmentStart() throws ShellSyntaxException {
    int k = pos;
    char c = s.charAt(k);
    if (!(Character.isLetter(c) && c < 128) && c != '_') {
      return false;
    }
    while (k < end && isNameChar(s.charAt(k))) {
      k++;
    }
    if (k < end && s.charAt(k) == '+') {
      k++;
    }
    if (k < end && s.charAt(k) == '[') {
      // name[subscript]=value: the word reader keeps the subscript (and parses its $(...)).
      while (k < end && s.charAt(k) != ']' && !isDelimiter(s.charAt(k))) {
        k++;
      }
      if (k >= end || s.charAt(k) != ']') {
        return false;
      }
      k++;
      if (k < end && s.charAt(k) == '+') {
        k++;
      }
    }
    return k < end && s.charAt(k) == '=';
  }

  /** True at {@code name=(} or {@code name+=(}: an array literal. */
  private boolean isArrayAssignment() {
    int k = pos;
    if (k >= end || !(Character.isLetter(s.charAt(k)) && s.charAt(k) < 128 || s.charAt(k) == '_')) {
      return false;
    }
    while (k < end && isNameChar(s.charAt(k))) {
      k++;
    }
    if (k < end && s.charAt(k) == '+') {
      k++;
    }
    return k + 1 < end && s.charAt(k) == '=' && s.charAt(k + 1) == '(';
  }

  private static boolean isDeclaration(Word w) {
    return switch (w.text()) {
      case "declare", "local", "typeset", "readonly", "export" -> w.isLiteral();
      default -> false;
    };
  }

  /**
   * {@code name=(a b c)}: one word {@code name=(a b c)} with the elements' text joined by spaces,
   * their flags and substitutions.
   */
  private Word readArrayAssignment() throws ShellSyntaxException {
    WordBuilder w = new WordBuilder();
    int eq = s.indexOf('=', pos);
    w.text.append(s, pos, eq + 2);
    pos = eq + 2;
    enter();
    boolean first = true;
    List<Word> elements = new ArrayList<>(4);
    while (true) {
      skipBlanksAndNewlines();
      if (pos >= end) {
        throw error("unterminated array");
      }
      if (s.charAt(pos) == ')') {
        pos++;
        break;
      }
      if (isOperatorStart(s.charAt(pos))) {
        throw error("unexpected '" + s.charAt(pos) + "' in an array");
      }
      Word e = readWord();
      if (!first) {
        w.text.append(' ');
      }
      first = false;
      w.text.append(e.text());
      w.flags |= e.flags();
      for (Script sc : e.substitutions()) {
        w.sub(sc);
      }
      elements.add(e);
    }
    leave();
    w.text.append(')');
    Word joined = w.build();
    return new Word(
        joined.text(), joined.flags(), joined.substitutions(), List.of(), List.copyOf(elements));
  }

  private List<Redirect> trailingRedirects() throws ShellSyntaxException {
    List<Redirect> out = List.of();
    while (true) {
      skipBlanks();
      if (pos >= end) {
        return out;
      }
      char c = s.charAt(pos);
      boolean amp = c == '&' && pos + 1 < end && s.charAt(pos + 1) == '>';
      if (amp || c == '<' || c == '>' || (c >= '0' && c <= '9' && isIoNumber())) {
        if ((c == '<' || c == '>') && pos + 1 < end && s.charAt(pos + 1) == '(') {
          throw error("process substitution after a compound command");
        }
        out = add(out, parseRedirect());
      } else {
        return out;
      }
    }
  }

  // ---------------------------------------------------------------- redirections

  private Redirect parseRedirect() throws ShellSyntaxException {
    while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
      pos++;
    }
    String op = readRedirectOperator();
    skipBlanks();
    boolean process =
        pos + 1 < end && (s.charAt(pos) == '<' || s.charAt(pos) == '>') && s.charAt(pos + 1) == '(';
    if (pos >= end || !process && isOperatorStart(s.charAt(pos)) || s.charAt(pos) == '\n') {
      throw error("redirection '" + op + "' has no target");
    }
    if (!op.startsWith("<<")
        && pos + 1 < end
        && (s.charAt(pos) == '<' || s.charAt(pos) == '>')
        && s.charAt(pos + 1) == '(') {
      return new Redirect(op, processSubstitution(), false, false); // done < <(git ls-files)
    }
    if (op.equals("<<") || op.equals("<<-")) {
      Word delim = readWord();
      if (delim.has(ShellSyntax.DYNAMIC) || delim.text().isEmpty()) {
        throw error("here-document delimiter must be a plain word");
      }
      Redirect r = new Redirect(op, delim, op.equals("<<-"), delim.has(ShellSyntax.QUOTED));
      pending.add(r);
      return r;
    }
    return new Redirect(op, readWord(), false, false);
  }

  private String readRedirectOperator() throws ShellSyntaxException {
    String[] ops = {"&>>", "&>", "<<<", "<<-", "<<", "<>", "<&", ">>", ">|", ">&", "<", ">"};
    for (String op : ops) {
      if (s.startsWith(op, pos)) {
        pos += op.length();
        return op;
      }
    }
    throw error("bad redirection");
  }

  private void readHeredocs() throws ShellSyntaxException {
    if (pending.isEmpty()) {
      return;
    }
    List<Redirect> todo = new ArrayList<>(pending);
    pending.clear();
    for (Redirect r : todo) {
      String delim = r.target.text();
      int bodyStart = pos;
      int bodyEnd = end;
      while (pos < end) {
        int lineStart = pos;
        int nl = s.indexOf('\n', pos);
        int lineEnd = nl < 0 || nl > end ? end : nl;
        int k = lineStart;
        if (r.stripTabs) {
          while (k < lineEnd && s.charAt(k) == '\t') {
            k++;
          }
        }
        pos = lineEnd < end ? lineEnd + 1 : end;
        if (lineEnd - k == delim.length() && s.startsWith(delim, k)) {
          bodyEnd = lineStart;
          break;
        }
      }
      if (bodyEnd == end) {
        throw error("here-document '" + delim + "' has no end line");
      }
      r.body = s.substring(bodyStart, bodyEnd);
      if (!r.quotedDelimiter) {
        r.bodySubstitutions = bodySubstitutions(bodyStart, bodyEnd);
      }
    }
  }

  private List<Script> bodySubstitutions(int start, int stop) throws ShellSyntaxException {
    ShellParser p = new ShellParser(s, start, stop, depth);
    WordBuilder w = new WordBuilder();
    while (p.pos < p.end) {
      char c = s.charAt(p.pos);
      if (c == '\\') {
        p.pos += 2;
      } else if (c == '$') {
        p.dollar(w, true);
      } else if (c == '`') {
        p.backtick(w, true);
      } else {
        p.pos++;
      }
    }
    return w.subs == null ? List.of() : w.subs;
  }

  // ---------------------------------------------------------------- words

  /** Accumulates one word's text, flags and substitutions. */
  private static final class WordBuilder {
    final StringBuilder text = new StringBuilder(16);
    int flags;
    List<Script> subs;
    List<Expansion> exps;

    void sub(Script sc) {
      if (subs == null) {
        subs = new ArrayList<>(1);
      }
      subs.add(sc);
      flags |= ShellSyntax.DYNAMIC;
    }

    /** Records an expansion whose source text was appended from {@code start} on. */
    void expansion(
        int start,
        ExpansionKind kind,
        String name,
        String index,
        String op,
        Word operand,
        boolean quoted) {
      if (exps == null) {
        exps = new ArrayList<>(1);
      }
      exps.add(new Expansion(start, text.length(), kind, name, index, op, operand, quoted));
      flags |= ShellSyntax.DYNAMIC;
    }

    Word build() {
      return new Word(
          text.toString(),
          flags,
          subs == null ? List.of() : subs,
          exps == null ? List.of() : exps,
          List.of());
    }
  }

  private Word processSubstitution() throws ShellSyntaxException {
    int start = pos;
    pos += 2;
    enter();
    Script body = parseScript(NO_STOPS, true);
    expect(')');
    leave();
    return new Word(
        s.substring(start, pos), ShellSyntax.PROCESS | ShellSyntax.DYNAMIC, List.of(body));
  }

  private Word readWord() throws ShellSyntaxException {
    WordBuilder w = new WordBuilder();
    int start = pos;
    loop:
    while (pos < end) {
      char c = s.charAt(pos);
      if (operand && (c == '\'' && operandInQuotes || isDelimiter(c))) {
        w.text.append(c); // ${x:-a b}: part of the operand
        pos++;
        continue;
      }
      switch (c) {
        case ' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>' -> {
          break loop;
        }
        case '\\' -> {
          if (pos + 1 >= end) {
            w.text.append('\\');
            pos++;
          } else if (s.charAt(pos + 1) == '\n') {
            pos += 2;
          } else {
            w.text.append(s.charAt(pos + 1));
            w.flags |= ShellSyntax.QUOTED;
            pos += 2;
          }
        }
        case '\'' -> {
          int close = s.indexOf('\'', pos + 1);
          if (close < 0 || close >= end) {
            throw error("unterminated single quote");
          }
          w.text.append(s, pos + 1, close);
          w.flags |= ShellSyntax.QUOTED;
          pos = close + 1;
        }
        case '"' -> doubleQuoted(w);
        case '`' -> backtick(w, operandInQuotes);
        case '$' -> dollar(w, operandInQuotes);
        case '*', '?' -> {
          w.flags |= ShellSyntax.GLOB;
          w.text.append(c);
          pos++;
        }
        case '[' -> {
          if (wordHasAhead(']')) {
            w.flags |= ShellSyntax.GLOB;
          }
          w.text.append(c);
          pos++;
        }
        case '{' -> {
          if (isBraceExpansion()) {
            w.flags |= ShellSyntax.BRACE;
          }
          w.text.append(c);
          pos++;
        }
        case '~' -> {
          if (pos == start) {
            w.flags |= ShellSyntax.TILDE;
          }
          w.text.append(c);
          pos++;
        }
        default -> {
          w.text.append(c);
          pos++;
        }
      }
    }
    if (pos == start && !operand) {
      throw error("expected a word");
    }
    return w.build();
  }

  private boolean wordHasAhead(char target) {
    for (int k = pos + 1; k < end; k++) {
      char c = s.charAt(k);
      if (c == target) {
        return true;
      }
      if (isDelimiter(c) || c == '\'' || c == '"') {
        return false;
      }
    }
    return false;
  }

  private boolean isBraceExpansion() {
    boolean sep = false;
    for (int k = pos + 1; k < end; k++) {
      char c = s.charAt(k);
      if (c == '}') {
        return sep;
      }
      if (c == ',' || (c == '.' && k + 1 < end && s.charAt(k + 1) == '.')) {
        sep = true;
      }
      if (isDelimiter(c) || c == '{') {
        return false;
      }
    }
    return false;
  }

  private void doubleQuoted(WordBuilder w) throws ShellSyntaxException {
    w.flags |= ShellSyntax.QUOTED;
    pos++;
    while (pos < end) {
      char c = s.charAt(pos);
      if (c == '"') {
        pos++;
        return;
      }
      if (c == '\\' && pos + 1 < end) {
        char n = s.charAt(pos + 1);
        if (n == '$' || n == '`' || n == '"' || n == '\\') {
          w.text.append(n);
          pos += 2;
        } else if (n == '\n') {
          pos += 2;
        } else {
          w.text.append('\\');
          pos++;
        }
      } else if (c == '$') {
        dollar(w, true);
      } else if (c == '`') {
        backtick(w, true);
      } else {
        w.text.append(c);
        pos++;
      }
    }
    throw error("unterminated double quote");
  }

  private void backtick(WordBuilder w, boolean inDoubleQuotes) throws ShellSyntaxException {
    int start = pos;
    pos++;
    StringBuilder inner = new StringBuilder();
    while (true) {
      if (pos >= end) {
        throw error("unterminated backquote");
      }
      char c = s.charAt(pos);
      if (c == '`') {
        pos++;
        break;
      }
      if (c == '\\' && pos + 1 < end) {
        char n = s.charAt(pos + 1);
        if (n == '$' || n == '`' || n == '\\' || (inDoubleQuotes && n == '"')) {
          inner.append(n);
          pos += 2;
          continue;
        }
      }
      inner.append(c);
      pos++;
    }
    w.sub(parse(inner.toString(), depth + 1));
    int at = w.text.length();
    w.text.append(s, start, pos);
    w.expansion(at, ExpansionKind.COMMAND, "", "", "", null, inDoubleQuotes);
  }

  private void dollar(WordBuilder w, boolean inDoubleQuotes) throws ShellSyntaxException {
    int start = pos;
    char n = pos + 1 < end ? s.charAt(pos + 1) : '\0';
    if (n == '\'' && !inDoubleQuotes) {
      pos += 2;
      ansiC(w);
      return;
    }
    if (n == '"' && !inDoubleQuotes) {
      pos++;
      doubleQuoted(w);
      return;
    }
    int at = w.text.length();
    if (n == '(') {
      if (pos + 2 < end && s.charAt(pos + 2) == '(') {
        arithmetic(w);
        w.expansion(at, ExpansionKind.ARITHMETIC, "", "", "", null, inDoubleQuotes);
        return;
      }
      pos += 2;
      enter();
      Script sc = parseScript(NO_STOPS, true);
      expect(')');
      leave();
      w.sub(sc);
      w.text.append(s, start, pos);
      w.expansion(at, ExpansionKind.COMMAND, "", "", "", null, inDoubleQuotes);
      return;
    }
    if (n == '{') {
      pos += 2;
      braceExpansionBody(w);
      if (s.startsWith("@P}", pos - 3)) {
        // ${x@P} expands the value as a prompt, which runs the value's $(...) at run time.
        throw error("${...@P} is not supported");
      }
      w.flags |= ShellSyntax.DYNAMIC;
      w.text.append(s, start, pos);
      parameter(w, at, start + 2, pos - 1, inDoubleQuotes);
      return;
    }
    if (isNameChar(n) || "@*#?$!-".indexOf(n) >= 0 && n != '\0') {
      pos++;
      if (isNameChar(n) && !(n >= '0' && n <= '9')) {
        while (pos < end && isNameChar(s.charAt(pos))) {
          pos++;
        }
      } else {
        pos++;
      }
      w.flags |= ShellSyntax.DYNAMIC;
      w.text.append(s, start, pos);
      w.expansion(
          at, ExpansionKind.PARAMETER, s.substring(start + 1, pos), "", "", null, inDoubleQuotes);
      return;
    }
    w.text.append('$');
    pos++;
  }

  /** Operators of {@code ${name OP operand}}, longest first. */
  private static final String[] PARAMETER_OPS = {
    ":-", ":=", ":+", ":?", "##", "%%", "//", "/#", "/%", "^^", ",,", "-", "=", "+", "?", "#", "%",
    "/", "^", ",", ":", "@"
  };

  /**
   * Describes the {@code ${...}} whose inside is {@code s[from, to)} and whose source text was
   * appended to {@code w} from {@code at}: {@code ${#x}} is a length, {@code ${!x}} indirect,
   * otherwise a name, an optional subscript, an operator and its operand (parsed as a word). What
   * it does not understand is an indirect (run-time) expansion, never an error.
   */
  private void parameter(WordBuilder w, int at, int from, int to, boolean quoted) {
    String inner = s.substring(from, to);
    if (inner.length() > 1 && inner.charAt(0) == '#' && "}:-=+?%/#".indexOf(inner.charAt(1)) < 0) {
      w.expansion(at, ExpansionKind.LENGTH, inner.substring(1), "", "", null, quoted);
      return;
    }
    if (inner.length() > 1 && inner.charAt(0) == '!') {
      w.expansion(at, ExpansionKind.INDIRECT, inner.substring(1), "", "", null, quoted);
      return;
    }
    int k = 0;
    if (k < inner.length() && isNameChar(inner.charAt(k)) && !Character.isDigit(inner.charAt(k))) {
      while (k < inner.length() && isNameChar(inner.charAt(k))) {
        k++;
      }
    } else {
      while (k < inner.length() && Character.isDigit(inner.charAt(k))) {
        k++;
      }
      if (k == 0 && !inner.isEmpty() && "@*#?$!-".indexOf(inner.charAt(0)) >= 0) {
        k = 1;
      }
    }
    String name = inner.substring(0, k);
    String index = "";
    if (k < inner.length() && inner.charAt(k) == '[') {
      int close = inner.indexOf(']', k);
      if (close < 0) {
        w.expansion(at, ExpansionKind.INDIRECT, inner, "", "", null, quoted);
        return;
      }
      index = inner.substring(k + 1, close);
      k = close + 1;
    }
    String op = "";
    for (String o : PARAMETER_OPS) {
      if (inner.startsWith(o, k)) {
        op = o;
        break;
      }
    }
    if (name.isEmpty() || op.isEmpty() && k < inner.length()) {
      w.expansion(at, ExpansionKind.INDIRECT, inner, "", "", null, quoted);
      return;
    }
    Word operand = null;
    if (!op.isEmpty()) {
      ShellParser p = new ShellParser(s, from + k + op.length(), to, depth);
      p.operand = true;
      p.operandInQuotes = quoted;
      try {
        operand = p.readWord();
      } catch (ShellSyntaxException e) {
        operand = null; // evaluated as unknown
      }
    }
    w.expansion(at, ExpansionKind.PARAMETER, name, index, op, operand, quoted);
  }

  private void arithmetic(WordBuilder w) throws ShellSyntaxException {
    int start = pos;
    pos += 3;
    arithmeticUntilClose(w, 2);
    w.flags |= ShellSyntax.DYNAMIC;
    w.text.append(s, start, pos);
  }

  /**
   * Scans the inside of {@code ${...}} after the brace up to its closing brace: quotes, escapes,
   * and nested expansions and substitutions ({@code ${x:-$(pwd)}}, {@code ${x//"a"/b}}), whose
   * commands are parsed into the word's substitutions.
   */
  private void braceExpansionBody(WordBuilder w) throws ShellSyntaxException {
    scanNested(w, '{', '}', 1, "unterminated ${");
  }

  private void ansiC(WordBuilder w) throws ShellSyntaxException {
    w.flags |= ShellSyntax.QUOTED;
    while (pos < end) {
      char c = s.charAt(pos);
      if (c == '\'') {
        pos++;
        return;
      }
      if (c != '\\' || pos + 1 >= end) {
        w.text.append(c);
        pos++;
        continue;
      }
      char n = s.charAt(pos + 1);
      pos += 2;
      switch (n) {
        case 'a' -> w.text.append('\u0007');
        case 'b' -> w.text.append('\b');
        case 'e', 'E' -> w.text.append('\u001b');
        case 'f' -> w.text.append('\f');
        case 'n' -> w.text.append('\n');
        case 'r' -> w.text.append('\r');
        case 't' -> w.text.append('\t');
        case 'v' -> w.text.append('\u000b');
        case 'x' -> appendCode(w, 16, 2);
        case 'u' -> appendCode(w, 16, 4);
        case 'U' -> appendCode(w, 16, 8);
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          pos--;
          appendCode(w, 8, 3);
        }
        case 'c' -> {
          if (pos >= end) {
            throw error("unterminated $'");
          }
          w.text.append((char) (s.charAt(pos) & 0x1f));
          pos++;
        }
        default -> {
          if (n != '\\' && n != '\'' && n != '"' && n != '?') {
            w.text.append('\\');
          }
          w.text.append(n);
        }
      }
    }
    throw error("unterminated $'");
  }

  private void appendCode(WordBuilder w, int radix, int maxDigits) throws ShellSyntaxException {
    int value = 0;
    int digits = 0;
    while (digits < maxDigits && pos < end && Character.digit(s.charAt(pos), radix) >= 0) {
      value = value * radix + Character.digit(s.charAt(pos), radix);
      pos++;
      digits++;
    }
    if (digits == 0) {
      throw error("bad escape in $'...'");
    }
    if (value == 0) {
      throw error("NUL byte in $'...'");
    }
    if (!Character.isValidCodePoint(value)) {
      throw error("bad code point in $'...'");
    }
    w.text.appendCodePoint(value);
  }

  // ---------------------------------------------------------------- scanning helpers

  private void skipBlanks() {
    while (pos < end) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t') {
        pos++;
      } else if (c == '\\' && pos + 1 < end && s.charAt(pos + 1) == '\n') {
        pos += 2;
      } else if (c == '#') {
        while (pos < end && s.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private void skipBlanksAndNewlines() throws ShellSyntaxException {
    while (true) {
      skipBlanks();
      if (pos < end && s.charAt(pos) == '\n') {
        pos++;
        readHeredocs();
      } else {
        return;
      }
    }
  }

  private boolean atWord(String w) {
    int after = pos + w.length();
    return s.startsWith(w, pos) && after <= end && (after == end || isDelimiter(s.charAt(after)));
  }

  private boolean atAnyWord(String[] words) {
    for (String w : words) {
      if (atWord(w)) {
        return true;
      }
    }
    return false;
  }

  private void expectWord(String w) throws ShellSyntaxException {
    skipBlanksAndNewlines();
    if (!atWord(w)) {
      throw error("expected '" + w + "'");
    }
    pos += w.length();
  }

  private void expect(char c) throws ShellSyntaxException {
    skipBlanksAndNewlines();
    if (pos >= end || s.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void enter() throws ShellSyntaxException {
    if (++depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
  }

  private void leave() {
    depth--;
  }

  private static boolean isDelimiter(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '('
        || c == ')' || c == '<' || c == '>';
  }

  private static boolean isOperatorStart(char c) {
    return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  }

  private ShellSyntaxException error(String message) {
    return new ShellSyntaxException(message, pos);
  }
}

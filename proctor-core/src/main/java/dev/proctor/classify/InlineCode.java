package dev.proctor.classify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a read-only one-liner ({@code python3 -c "import sys; print(sys.version)"}, {@code node -e
 * "console.log(require('./package.json').version)"}) from code that can do anything.
 *
 * <p>Why: agents print a version, a field of a manifest or a summary of a JSON report with a line
 * of Python or JavaScript; treating every such line as {@code code.exec} makes the hook ask for the
 * commonest inspection there is. Proving that code is read-only in general is impossible, so this
 * is an allowlist over the program's tokens, not an analysis of it: every name the code uses is a
 * builtin or module of a short list of pure ones, or a name the code itself assigns; every
 * attribute is of a list of reading ones (Python) or not of a list of dangerous ones on objects
 * that can only be data, the console and the few process facts allowed (JavaScript); files are read
 * only through {@code open(LITERAL)} (read mode), {@code Path(LITERAL)}, {@code
 * readFileSync(LITERAL)} or {@code require(LITERAL.json)}, and those literals are returned as the
 * files read. Anything else — an unknown name or module, {@code eval}, a dunder, a computed path, a
 * write mode, a path joined with {@code /} — is not read-only, and the caller keeps {@code
 * code.exec}.
 */
final class InlineCode {

  private InlineCode() {}

  /** Longer programs are not examined: the worst class. */
  static final int MAX_LENGTH = 4096;

  private static final Set<String> PYTHON_NAMES =
      Set.of(
          "print",
          "len",
          "sorted",
          "sum",
          "min",
          "max",
          "any",
          "all",
          "str",
          "int",
          "float",
          "bool",
          "list",
          "dict",
          "set",
          "tuple",
          "range",
          "enumerate",
          "zip",
          "map",
          "filter",
          "repr",
          "round",
          "abs",
          "isinstance",
          "reversed",
          "format",
          "True",
          "False",
          "None",
          "and",
          "or",
          "not",
          "in",
          "is",
          "for",
          "if",
          "else",
          "elif",
          "lambda",
          "import",
          "from",
          "as",
          "with",
          "open",
          "Path",
          "pass",
          "break",
          "continue",
          "while",
          "try",
          "except",
          "finally",
          "Exception",
          "KeyError",
          "ValueError");

  /** Modules whose import runs nothing of the project's or a third party's. */
  private static final Set<String> PYTHON_MODULES =
      Set.of(
          "sys",
          "json",
          "tomllib",
          "platform",
          "pathlib",
          "re",
          "math",
          "datetime",
          "collections",
          "itertools",
          "functools",
          "csv",
          "textwrap",
          "pprint",
          "string",
          "statistics",
          "sysconfig",
          "decimal",
          "fractions",
          "hashlib",
          "base64",
          "struct",
          "time",
          "locale",
          "importlib",
          "metadata",
          "configparser",
          "ast",
          "keyword",
          "operator",
          "unicodedata");

  private static final Set<String> PYTHON_ATTRIBUTES =
      Set.of(
          "version",
          "version_info",
          "executable",
          "platform",
          "prefix",
          "base_prefix",
          "maxsize",
          "byteorder",
          "implementation",
          "argv",
          "python_version",
          "python_implementation",
          "machine",
          "architecture",
          "loads",
          "load",
          "dumps",
          "Path",
          "read_text",
          "read_bytes",
          "read",
          "readlines",
          "readline",
          "exists",
          "is_file",
          "is_dir",
          "name",
          "stem",
          "suffix",
          "suffixes",
          "parent",
          "parts",
          "items",
          "keys",
          "values",
          "get",
          "split",
          "rsplit",
          "splitlines",
          "strip",
          "lstrip",
          "rstrip",
          "join",
          "lower",
          "upper",
          "title",
          "startswith",
          "endswith",
          "replace",
          "format",
          "count",
          "index",
          "find",
          "decode",
          "encode",
          "hexdigest",
          "digest",
          "md5",
          "sha1",
          "sha256",
          "sha512",
          "append",
          "extend",
          "sort",
          "most_common",
          "Counter",
          "defaultdict",
          "OrderedDict",
          "namedtuple",
          "reader",
          "DictReader",
          "findall",
          "search",
          "match",
          "group",
          "groups",
          "sub",
          "compile",
          "fullmatch",
          "isoformat",
          "now",
          "today",
          "fromisoformat",
          "strftime",
          "metadata",
          "distribution",
          "requires",
          "__version__",
          "literal_eval",
          "mean",
          "median",
          "stdev",
          "sqrt",
          "floor",
          "ceil",
          "log",
          "pi",
          "fromtimestamp",
          "timestamp",
          "zfill",
          "ljust",
          "rjust",
          "center",
          "isdigit",
          "isalpha",
          "casefold",
          "partition",
          "rpartition",
          "setdefault",
          "copy",
          "get_paths",
          "get_python_version",
          "get_platform",
          "calcsize",
          "b64decode",
          "b64encode",
          "ascii_letters",
          "digits",
          "wrap",
          "dedent",
          "indent",
          "pprint",
          "pformat",
          "chain",
          "groupby",
          "islice",
          "reduce",
          "partial",
          "itemgetter",
          "mode",
          "ConfigParser",
          "sections",
          "read_string",
          "float_info",
          "getdefaultencoding",
          "getfilesystemencoding",
          "stdlib_module_names",
          "builtin_module_names",
          "flags");

  private static final Set<String> JS_NAMES =
      Set.of(
          "console",
          "require",
          "process",
          "JSON",
          "Object",
          "Array",
          "Math",
          "Number",
          "String",
          "Boolean",
          "Date",
          "parseInt",
          "parseFloat",
          "isNaN",
          "Set",
          "Map",
          "Intl",
          "true",
          "false",
          "null",
          "undefined",
          "typeof",
          "instanceof",
          "new",
          "const",
          "let",
          "var",
          "of",
          "in",
          "for",
          "if",
          "else",
          "return",
          "NaN",
          "Infinity");

  /** Attributes that reach code, the environment or the file system, on whatever object. */
  private static final List<String> JS_DANGEROUS_ATTRIBUTE_PREFIXES =
      List.of(
          "constructor",
          "prototype",
          "__",
          "mainModule",
          "binding",
          "_linkedBinding",
          "dlopen",
          "env",
          "kill",
          "chdir",
          "set",
          "write",
          "append",
          "unlink",
          "rm",
          "rename",
          "copy",
          "cp",
          "mkdir",
          "mkdtemp",
          "symlink",
          "link",
          "chmod",
          "chown",
          "lchown",
          "truncate",
          "open",
          "create",
          "exec",
          "spawn",
          "fork",
          "utimes",
          "futimes",
          "watch",
          "emit",
          "on",
          "umask",
          "abort",
          "exit",
          "reallyExit",
          "send",
          "disconnect",
          "cpuUsage",
          "report",
          "permission",
          "assert",
          "dir",
          "Function",
          "eval",
          "import",
          "fetch",
          "request",
          "get",
          "resolve",
          "cache",
          "extensions",
          "main",
          "paths",
          "register");

  /** Properties of {@code process} that are facts about it, not ways to act. */
  private static final Set<String> JS_PROCESS =
      Set.of("version", "versions", "platform", "arch", "cwd", "argv", "execPath", "release");

  /**
   * The files a provably read-only Python or JavaScript one-liner reads (string literals as
   * written, possibly none), or empty if the code may do more than read.
   */
  static Optional<List<String>> readOnlyReads(String language, String code) {
    if (code.length() > MAX_LENGTH || code.isBlank()) {
      return Optional.empty();
    }
    List<Token> tokens = new ArrayList<>();
    if (!tokenize(code, language.equals("python"), tokens, 0)) {
      return Optional.empty();
    }
    return language.equals("python") ? python(tokens) : javascript(tokens);
  }

  /** A token: an identifier, a string literal (its value), or an operator or punctuation. */
  private record Token(Kind kind, String text) {}

  private enum Kind {
    NAME,
    STRING,
    OTHER
  }

  private static Optional<List<String>> python(List<Token> t) {
    Set<String> locals = pythonLocals(t);
    List<String> reads = new ArrayList<>();
    boolean usesPath = false;
    boolean divides = false;
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.kind() == Kind.OTHER && k.text().equals("/")) {
        divides = true;
      }
      if (k.kind() != Kind.NAME) {
        continue;
      }
      String n = k.text();
      boolean attribute = i > 0 && t.get(i - 1).text().equals(".");
      if (attribute) {
        if (!PYTHON_ATTRIBUTES.contains(n)) {
          return Optional.empty();
        }
      } else if (i > 0 && isImport(t, i)) {
        if (!PYTHON_MODULES.contains(n) && !PYTHON_ATTRIBUTES.contains(n)) {
          return Optional.empty(); // import requests, from os import system
        }
        continue;
      } else if (!PYTHON_NAMES.contains(n) && !PYTHON_MODULES.contains(n) && !locals.contains(n)) {
        return Optional.empty();
      }
      if (n.startsWith("__") && !n.equals("__version__")) {
        return Optional.empty();
      }
      if (n.equals("Path")) {
        usesPath = true;
      }
      if (n.equals("open") || n.equals("Path")) {
        if (attribute && n.equals("open")) {
          return Optional.empty(); // Path(x).open('w')
        }
        String file = literalCall(t, i, n.equals("open"));
        if (file == null) {
          return Optional.empty();
        }
        if (!file.isEmpty()) {
          reads.add(file);
        }
      }
    }
    if (usesPath && divides) {
      return Optional.empty(); // Path('.') / '.env'
    }
    return Optional.of(reads);
  }

  /** True if the name at {@code i} is a module of an {@code import} or {@code from} statement. */
  private static boolean isImport(List<Token> t, int i) {
    for (int j = i - 1; j >= 0; j--) {
      String x = t.get(j).text();
      if (x.equals("import") || x.equals("from")) {
        return true;
      }
      if (!(x.equals(",") || x.equals(".") || t.get(j).kind() == Kind.NAME && !x.equals("as"))) {
        return false;
      }
    }
    return false;
  }

  /**
   * The literal file {@code open("f")}/{@code open("f", "rb")} or {@code Path("f")} names at {@code
   * i}; "" for {@code Path()} with nothing; null if not a call with a literal (or opens for
   * writing).
   */
  private static String literalCall(List<Token> t, int i, boolean open) {
    if (i + 2 >= t.size() || !t.get(i + 1).text().equals("(")) {
      return null;
    }
    Token a = t.get(i + 2);
    if (a.kind() != Kind.STRING) {
      return !open && a.text().equals(")") ? "" : null;
    }
    int j = i + 3;
    while (j < t.size() && !t.get(j).text().equals(")")) {
      Token x = t.get(j);
      if (x.kind() == Kind.STRING && !x.text().matches("r[bt]?|rt|utf-?8|ascii|latin-?1")) {
        return null; // open(f, 'w')
      }
      if (x.kind() == Kind.NAME && !x.text().equals("encoding") && !x.text().equals("mode")) {
        return null;
      }
      j++;
    }
    return a.text();
  }

  /** Names the code assigns: {@code x = …}, {@code for a, b in}, {@code as f}, lambda params. */
  private static Set<String> pythonLocals(List<Token> t) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.kind() == Kind.NAME && i + 1 < t.size() && t.get(i + 1).text().equals("=")) {
        out.add(k.text());
      }
      String x = k.text();
      if (x.equals("for") || x.equals("lambda") || x.equals("as")) {
        for (int j = i + 1; j < t.size(); j++) {
          Token y = t.get(j);
          if (y.kind() == Kind.NAME && !y.text().equals("in")) {
            out.add(y.text());
          } else if (!(y.text().equals(",") || y.text().equals("(") || y.text().equals(")"))) {
            break;
          }
          if (x.equals("as")) {
            break;
          }
        }
      }
      if (k.kind() == Kind.NAME && i + 1 < t.size() && t.get(i + 1).text().equals(",")) {
        // a, b = …: the names of a tuple assignment
        int j = i;
        while (j + 2 < t.size()
            && t.get(j + 1).text().equals(",")
            && t.get(j + 2).kind() == Kind.NAME) {
          j += 2;
        }
        if (j + 1 < t.size() && t.get(j + 1).text().equals("=")) {
          for (int m = i; m <= j; m += 2) {
            out.add(t.get(m).text());
          }
        }
      }
    }
    out.removeAll(Set.of("open", "Path", "print"));
    return out;
  }

  private static Optional<List<String>> javascript(List<Token> t) {
    Set<String> locals = jsLocals(t);
    List<String> reads = new ArrayList<>();
    for (int i = 0; i < t.size(); i++) {
      Token k = t.get(i);
      if (k.kind() != Kind.NAME) {
        continue;
      }
      String n = k.text();
      boolean attribute = i > 0 && t.get(i - 1).text().equals(".");
      if (attribute) {
        for (String p : JS_DANGEROUS_ATTRIBUTE_PREFIXES) {
          if (n.startsWith(p)) {
            return Optional.empty();
          }
        }
        if (i > 1 && t.get(i - 2).text().equals("process") && !JS_PROCESS.contains(n)) {
          return Optional.empty();
        }
        if (n.equals("readFileSync") || n.equals("existsSync") || n.equals("readdirSync")) {
          String file = literalCall(t, i, true);
          if (file == null) {
            return Optional.empty();
          }
          if (n.equals("readFileSync")) {
            reads.add(file);
          }
        }
        continue;
      }
      if (!JS_NAMES.contains(n) && !locals.contains(n)) {
        return Optional.empty();
      }
      if (n.equals("process")
          && !(i + 2 < t.size()
              && t.get(i + 1).text().equals(".")
              && JS_PROCESS.contains(t.get(i + 2).text()))) {
        return Optional.empty();
      }
      if (n.equals("require")) {
        if (i + 3 >= t.size()
            || !t.get(i + 1).text().equals("(")
            || t.get(i + 2).kind() != Kind.STRING
            || !t.get(i + 3).text().equals(")")) {
          return Optional.empty();
        }
        String m = t.get(i + 2).text();
        if (m.endsWith(".json")) {
          reads.add(m);
        } else if (m.equals("fs") || m.equals("node:fs")) {
          if (!fsUse(t, i + 4) && !fsAlias(t, i)) {
            return Optional.empty(); // Object.values(require('fs')), fs['writeFileSync']
          }
        } else if (!m.equals("path")) {
          return Optional.empty(); // require('child_process'), require('./lib')
        }
      }
      if (i + 1 < t.size() && t.get(i + 1).text().equals("[") && fsAliases(t).contains(n)) {
        return Optional.empty();
      }
    }
    for (String alias : fsAliases(t)) {
      for (int i = 0; i < t.size(); i++) {
        Token k = t.get(i);
        boolean declaration = i + 2 < t.size() && t.get(i + 1).text().equals("=");
        if (k.kind() == Kind.NAME && k.text().equals(alias) && !declaration && !fsUse(t, i + 1)) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(reads);
  }

  /** Methods of {@code fs} that read and are checked for a literal file. */
  private static final Set<String> FS_READS = Set.of("readFileSync", "existsSync", "readdirSync");

  /** True if the tokens from {@code i} are {@code .readFileSync} or another reading method. */
  private static boolean fsUse(List<Token> t, int i) {
    return i + 1 < t.size()
        && t.get(i).text().equals(".")
        && FS_READS.contains(t.get(i + 1).text());
  }

  /** True for {@code const fs = require('fs')} at the {@code require} at {@code i}. */
  private static boolean fsAlias(List<Token> t, int i) {
    return i >= 3
        && t.get(i - 1).text().equals("=")
        && t.get(i - 2).kind() == Kind.NAME
        && Set.of("const", "let", "var").contains(t.get(i - 3).text());
  }

  /** The names {@code fs} is bound to ({@code const fs = require('fs')}). */
  private static Set<String> fsAliases(List<Token> t) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i + 2 < t.size(); i++) {
      if (t.get(i).text().equals("require")
          && (t.get(i + 2).text().equals("fs") || t.get(i + 2).text().equals("node:fs"))
          && fsAlias(t, i)) {
        out.add(t.get(i - 2).text());
      }
    }
    return out;
  }

  /** Names the code declares: {@code const x}, {@code let [a, b]}, arrow parameters. */
  private static Set<String> jsLocals(List<Token> t) {
    Set<String> out = new HashSet<>();
    for (int i = 0; i < t.size(); i++) {
      String x = t.get(i).text();
      if (x.equals("const") || x.equals("let") || x.equals("var")) {
        for (int j = i + 1; j < t.size(); j++) {
          Token y = t.get(j);
          if (y.kind() == Kind.NAME) {
            out.add(y.text());
          } else if (!"[]{},:".contains(y.text())) {
            break;
          }
        }
      }
      if (x.equals("=>")) {
        for (int j = i - 1; j >= 0; j--) {
          Token y = t.get(j);
          if (y.kind() == Kind.NAME) {
            out.add(y.text());
            if (j == i - 1) {
              break; // x => …
            }
          } else if (y.text().equals("(")) {
            break;
          } else if (!"[]{},:)".contains(y.text())) {
            break;
          }
        }
      }
    }
    out.removeAll(Set.of("require", "process", "eval", "Function", "import", "globalThis"));
    return out;
  }

  /**
   * Splits code into tokens; strings become one token with their value, the expressions of
   * f-strings and template literals are tokenized as code. False if the code cannot be read.
   */
  private static boolean tokenize(String s, boolean python, List<Token> out, int depth) {
    if (depth > 3) {
      return false;
    }
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (python && (c == ';' || c == '\n')) {
        out.add(new Token(Kind.OTHER, ";")); // ends an import statement
        i++;
        continue;
      }
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (python && c == '#' || !python && c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (Character.isLetter(c) || c == '_' || c == '$') {
        int start = i;
        while (i < n
            && (Character.isLetterOrDigit(s.charAt(i))
                || s.charAt(i) == '_'
                || s.charAt(i) == '$')) {
          i++;
        }
        String word = s.substring(start, i);
        if (python
            && i < n
            && (s.charAt(i) == '\'' || s.charAt(i) == '"')
            && word.toLowerCase(java.util.Locale.ROOT).matches("[rbfu]{1,2}")) {
          int end = stringEnd(s, i);
          if (end < 0) {
            return false;
          }
          String body = stringBody(s, i, end);
          if (word.toLowerCase(java.util.Locale.ROOT).contains("f")
              && !interpolations(body, '{', python, out, depth)) {
            return false;
          }
          out.add(new Token(Kind.STRING, body));
          i = end;
          continue;
        }
        out.add(new Token(Kind.NAME, word));
        continue;
      }
      if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Kind.OTHER, "0"));
        continue;
      }
      if (c == '\'' || c == '"' || c == '`' && !python) {
        int end = stringEnd(s, i);
        if (end < 0) {
          return false;
        }
        String body = stringBody(s, i, end);
        if (c == '`' && !interpolations(body, '$', false, out, depth)) {
          return false;
        }
        out.add(new Token(Kind.STRING, body));
        i = end;
        continue;
      }
      if (c == '\\') {
        return false;
      }
      if (c == '=' && i + 1 < n && s.charAt(i + 1) == '>') {
        out.add(new Token(Kind.OTHER, "=>"));
        i += 2;
        continue;
      }
      if ((c == '=' || c == '!' || c == '<' || c == '>') && i + 1 < n && s.charAt(i + 1) == '=') {
        out.add(new Token(Kind.OTHER, c + "="));
        i += 2;
        continue;
      }
      out.add(new Token(Kind.OTHER, String.valueOf(c)));
      i++;
    }
    return true;
  }

  /** The index after the string literal starting at {@code i} (triple quotes too), or -1. */
  private static int stringEnd(String s, int i) {
    char q = s.charAt(i);
    boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
    int j = i + (triple ? 3 : 1);
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '\\') {
        j += 2;
        continue;
      }
      if (triple ? s.startsWith(String.valueOf(q).repeat(3), j) : c == q) {
        return j + (triple ? 3 : 1);
      }
      if (!triple && c == '\n' && q != '`') {
        return -1;
      }
      j++;
    }
    return -1;
  }

  private static String stringBody(String s, int start, int end) {
    char q = s.charAt(start);
    int w = s.startsWith(String.valueOf(q).repeat(3), start) && end - start >= 6 ? 3 : 1;
    return s.substring(start + w, end - w);
  }

  /** Tokenizes the {@code {…}} of an f-string or {@code ${…}} of a template literal as code. */
  private static boolean interpolations(
      String body, char open, boolean python, List<Token> out, int depth) {
    int i = 0;
    while (i < body.length()) {
      int at = body.indexOf(open == '$' ? "${" : "{", i);
      if (at < 0) {
        return true;
      }
      int from = at + (open == '$' ? 2 : 1);
      if (python && from < body.length() && body.charAt(from) == '{') {
        i = from + 1; // {{ is a literal brace
        continue;
      }
      int level = 1;
      int j = from;
      while (j < body.length() && level > 0) {
        char c = body.charAt(j);
        if (c == '{') {
          level++;
        } else if (c == '}') {
          level--;
        }
        j++;
      }
      if (level != 0) {
        return false;
      }
      String expr = body.substring(from, j - 1);
      int colon = python ? formatSpec(expr) : -1;
      if (!tokenize(colon >= 0 ? expr.substring(0, colon) : expr, python, out, depth + 1)) {
        return false;
      }
      out.add(new Token(Kind.OTHER, ";"));
      i = j;
    }
    return true;
  }

  /** Where an f-string field's format spec starts ({@code :6.1f}), outside brackets; or -1. */
  private static int formatSpec(String expr) {
    int level = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '[' || c == '(') {
        level++;
      } else if (c == ']' || c == ')') {
        level--;
      } else if (c == '\'' || c == '"') {
        int end = stringEnd(expr, i);
        if (end < 0) {
          return -1;
        }
        i = end - 1;
      } else if (c == ':' && level == 0) {
        return i;
      } else if (c == '!' && level == 0 && i + 1 < expr.length() && expr.charAt(i + 1) != '=') {
        return i;
      }
    }
    return -1;
  }
}

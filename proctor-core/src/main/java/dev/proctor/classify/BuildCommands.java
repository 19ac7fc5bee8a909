package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.BUILD_RUN;
import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.SHELL_EXEC;

import dev.proctor.classify.ShellSyntax.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Arguments of build, test, lint and format tools ({@code build.run}) that change what they do:
 * {@code cmake -E} file commands, options that run code ({@code exec-option}), build files named by
 * option, and the files formatters, linters and compilers read or write.
 */
final class BuildCommands {

  private BuildCommands() {}

  /** Tools whose operands are files or directories they read, check or rewrite. */
  private static final Set<String> FILE_TOOLS =
      Set.of(
          "prettier",
          "black",
          "ruff",
          "ruff-format",
          "isort",
          "autopep8",
          "yapf",
          "clang-format",
          "clang-tidy",
          "gofmt",
          "goimports",
          "rustfmt",
          "shfmt",
          "eslint",
          "stylelint",
          "biome",
          "flake8",
          "mypy",
          "pylint",
          "pyright",
          "pytest",
          "py.test",
          "rubocop",
          "tsc",
          "ktlint",
          "swiftformat",
          "swiftlint",
          "pydocstyle",
          "bandit");

  /** Tool names handled here that end in a digit, dot or dash. */
  private static final Set<String> KNOWN = Set.of("py.test", "c++", "g++", "clang++");

  /** Options of those tools whose value is a file or directory. */
  private static final Set<String> FILE_VALUE_OPTIONS =
      Set.of(
          "--outDir",
          "--outFile",
          "--declarationDir",
          "--rootDir",
          "--project",
          "-p",
          "--output-file",
          "-o",
          "--config",
          "-c",
          "--rootdir",
          "--confcutdir",
          "--basetemp",
          "--junitxml",
          "--junit-xml",
          "--ignore-path",
          "--resolve-plugins-relative-to",
          "--rulesdir",
          "--cache-location",
          "--stdin-filepath",
          "--settings-path",
          "--rcfile");

  /** Short options, per tool, whose value is not a file (kept out of the operands). */
  private static final Map<String, String> SHORT_VALUES =
      Map.of(
          "pytest", "kmprcoWn",
          "py.test", "kmprcoWn",
          "black", "lt",
          "eslint", "cof",
          "prettier", "",
          "tsc", "p",
          "mypy", "mp",
          "pylint", "j",
          "isort", "l");

  /** Subcommands that come before the file operands. */
  private static final Set<String> SUBCOMMANDS =
      Set.of("check", "format", "lint", "rule", "server", "ci", "migrate");

  /** Reads the arguments of the build tool {@code name} run by a runner (npx, python -m). */
  static void tool(Invocation runner, String name, List<Word> args) {
    handle(
        new Invocation(
            name,
            args,
            runner.walk,
            runner.state,
            runner.depth,
            runner.stdinPiped,
            runner.fetchedBefore,
            runner.substitutionFetched,
            runner.redirects));
  }

  /** Records the targets, classes and tags that the arguments of a build tool imply. */
  static void handle(Invocation in) {
    String name = in.name.substring(in.name.lastIndexOf('/') + 1);
    for (Word w : in.args) {
      if (startsDynamic(w)) {
        in.tag("dynamic"); // a whole argument known only at run time may be any option
      }
    }
    switch (KNOWN.contains(name) ? name : CommandTable.stripVersion(name)) {
      case "cmake" -> cmake(in);
      case "make", "gmake" -> make(in);
      case "mvn", "mvnw" -> maven(in);
      case "gradle", "gradlew" -> gradle(in);
      case "ant" -> valueOptions(in, Set.of("-f", "-file", "-buildfile", "--file"));
      case "rake" -> rake(in);
      case "tox" -> valueOptions(in, Set.of("-c", "--conf", "--root"));
      case "ctest" -> valueOptions(in, Set.of("-S", "-SP", "--script", "--build-and-test"));
      case "gcc", "g++", "cc", "c++", "clang", "clang++" -> compiler(in);
      case "javac", "kotlinc", "scalac" -> javac(in);
      default -> {
        if (FILE_TOOLS.contains(name) || FILE_TOOLS.contains(CommandTable.stripVersion(name))) {
          fileTool(in);
        }
      }
    }
  }

  private static boolean startsDynamic(Word w) {
    String t = w.text();
    return w.has(ShellSyntax.DYNAMIC)
        && (t.startsWith("`") || t.startsWith("$") && !KNOWN_VARS.matcher(t).lookingAt());
  }

  /** Variables whose value Proctor knows (resolved against the context). */
  private static final java.util.regex.Pattern KNOWN_VARS =
      java.util.regex.Pattern.compile("\\$\\{?(HOME|PWD)\\b");

  private static void execOption(Invocation in) {
    in.cls(CODE_EXEC);
    in.tag("exec-option");
  }

  private static Word word(String text) {
    return new Word(text, 0, List.of());
  }

  /** Records the values of options naming build files or directories as path targets. */
  private static void valueOptions(Invocation in, Set<String> opts) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (opts.contains(t) && i + 1 < args.size()) {
        in.path(args.get(++i));
        continue;
      }
      for (String o : opts) {
        if (o.startsWith("--") && t.startsWith(o + "=")) {
          in.path(sub(w, t.substring(o.length() + 1)));
        } else if (!o.startsWith("--")
            && o.length() == 2
            && t.startsWith(o)
            && t.length() > 2
            && !t.startsWith("--")) {
          in.path(sub(w, t.substring(2)));
        }
      }
    }
  }

  private static Word sub(Word w, String text) {
    return new Word(text, w.flags(), w.substitutions());
  }

  // ------------------------------------------------------------------ cmake

  /**
   * Classifies {@code cmake -E TOOL …} as the command it stands for and {@code cmake -P SCRIPT} as
   * running a script; returns false for any other command, which is then a build.
   */
  static boolean replacesBuild(Invocation in) {
    if (!in.name.equals("cmake") && !in.name.endsWith("/cmake")) {
      return false;
    }
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      String t = args.get(i).text();
      if (t.equals("-E")) {
        cmakeTool(in, args.subList(i + 1, args.size()));
        return true;
      }
      if (t.equals("-P")) {
        in.cls(SHELL_EXEC);
        if (i + 1 < args.size()) {
          in.executedPath(args.get(i + 1));
        }
        return true;
      }
    }
    return false;
  }

  private static void cmake(Invocation in) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      String t = args.get(i).text();
      if ((t.equals("--build") || t.equals("--install")) && i + 1 < args.size()) {
        in.path(args.get(++i));
        continue;
      }
      if ((t.equals("-S") || t.equals("-B") || t.equals("-C")) && i + 1 < args.size()) {
        in.path(args.get(++i));
      } else if ((t.startsWith("-S") || t.startsWith("-B") || t.startsWith("-C"))
          && t.length() > 2) {
        in.path(sub(args.get(i), t.substring(2)));
      }
    }
  }

  private static void cmakeTool(Invocation in, List<Word> rest) {
    if (rest.isEmpty()) {
      in.cls(BUILD_RUN);
      return;
    }
    String tool = rest.get(0).text();
    List<Word> ops = rest.subList(1, rest.size());
    switch (tool) {
      case "rm" -> as(in, "rm", ops);
      case "remove" -> as(in, "rm", ops);
      case "remove_directory" -> as(in, "rm", prefixed("-r", ops));
      case "cat" -> as(in, "cat", ops);
      case "copy", "copy_if_different", "copy_directory", "copy_directory_if_different" ->
          as(in, "cp", prefixed("-r", ops));
      case "rename" -> as(in, "mv", ops);
      case "make_directory" -> as(in, "mkdir", prefixed("-p", ops));
      case "touch", "touch_nocreate" -> as(in, "touch", ops);
      case "create_symlink", "create_hardlink" -> as(in, "ln", ops);
      case "env", "time" -> as(in, tool.equals("env") ? "env" : "time", ops);
      case "chdir" -> {
        if (!ops.isEmpty()) {
          in.path(ops.get(0));
          in.nestedWords(ops.subList(1, ops.size()));
        }
      }
      case "tar" -> as(in, "tar", ops);
      case "echo", "echo_append", "true", "false", "capabilities", "environment", "sleep" ->
          in.cls(BUILD_RUN);
      default -> {
        in.cls(BUILD_RUN);
        in.readPaths(ops);
      }
    }
  }

  private static List<Word> prefixed(String opt, List<Word> ops) {
    List<Word> out = new ArrayList<>(ops.size() + 1);
    out.add(word(opt));
    out.add(word("--"));
    out.addAll(ops);
    return out;
  }

  private static void as(Invocation in, String cmd, List<Word> ops) {
    List<Word> words = new ArrayList<>(ops.size() + 1);
    words.add(word(cmd));
    words.addAll(ops);
    in.nestedWords(words);
  }

  // ------------------------------------------------------------------ make

  /** make variables that run code when set on the command line. */
  private static final Set<String> MAKE_EXEC_VARS =
      Set.of("SHELL", ".SHELLFLAGS", "MAKEFLAGS", "MFLAGS", "GNUMAKEFLAGS", "MAKESHELL");

  private static void make(Invocation in) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("--")) {
        continue;
      }
      if (t.equals("-E") || t.startsWith("--eval")) {
        execOption(in);
        if (t.equals("-E")) {
          i++;
        }
      } else if (t.equals("-f")
          || t.equals("-C")
          || t.equals("--file")
          || t.equals("--makefile")
          || t.equals("--directory")
          || t.equals("-I")
          || t.equals("--include-dir")) {
        if (i + 1 < args.size()) {
          in.path(args.get(++i));
        }
      } else if (t.startsWith("--file=")
          || t.startsWith("--makefile=")
          || t.startsWith("--directory=")
          || t.startsWith("--include-dir=")) {
        in.path(sub(w, t.substring(t.indexOf('=') + 1)));
      } else if (t.length() > 2 && t.charAt(0) == '-' && t.charAt(1) != '-') {
        char c = t.charAt(1);
        if (c == 'f' || c == 'C' || c == 'I') {
          in.path(sub(w, t.substring(2)));
        } else if (c == 'E') {
          execOption(in);
        }
      } else if (!t.startsWith("-") && t.indexOf('=') > 0) {
        String var =
            t.substring(0, t.indexOf('='))
                .replace(":", "")
                .replace("+", "")
                .replace("?", "")
                .trim();
        if (MAKE_EXEC_VARS.contains(var)) {
          execOption(in);
        }
      } else if ((t.equals("-o") || t.equals("-W") || t.equals("-j") || t.equals("-l"))) {
        i++;
      }
    }
  }

  // ------------------------------------------------------------------ JVM builds

  private static void maven(Invocation in) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if ((t.equals("-f")
              || t.equals("--file")
              || t.equals("-s")
              || t.equals("--settings")
              || t.equals("-gs")
              || t.equals("--global-settings"))
          && i + 1 < args.size()) {
        in.path(args.get(++i));
      } else if (t.startsWith("--file=") || t.startsWith("--settings=")) {
        in.path(sub(w, t.substring(t.indexOf('=') + 1)));
      } else if (t.startsWith("-Dexec.")) {
        execOption(in);
      } else if (t.equals("-D")
          && i + 1 < args.size()
          && args.get(i + 1).text().startsWith("exec.")) {
        execOption(in);
      } else if (!t.startsWith("-")
          && (t.startsWith("exec:")
              || t.contains("exec-maven-plugin")
              || t.startsWith("antrun:")
              || t.contains("maven-antrun-plugin"))) {
        execOption(in);
      }
    }
  }

  private static void gradle(Invocation in) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("-I") || t.equals("--init-script")) {
        execOption(in);
        if (i + 1 < args.size()) {
          in.path(args.get(++i));
        }
      } else if (t.startsWith("--init-script=") || (t.startsWith("-I") && t.length() > 2)) {
        execOption(in);
        in.path(sub(w, t.startsWith("-I") ? t.substring(2) : t.substring(t.indexOf('=') + 1)));
      } else if ((t.equals("-b")
              || t.equals("--build-file")
              || t.equals("-c")
              || t.equals("--settings-file")
              || t.equals("-p")
              || t.equals("--project-dir"))
          && i + 1 < args.size()) {
        in.path(args.get(++i));
      } else if (t.startsWith("--build-file=")
          || t.startsWith("--settings-file=")
          || t.startsWith("--project-dir=")) {
        in.path(sub(w, t.substring(t.indexOf('=') + 1)));
      }
    }
  }

  private static void rake(Invocation in) {
    valueOptions(in, Set.of("-f", "--rakefile", "-R", "--rakelibdir", "-I", "--libdir"));
    for (Word w : in.args) {
      String t = w.text();
      if (t.equals("-e")
          || t.equals("--execute")
          || t.equals("-E")
          || t.equals("--execute-continue")
          || t.equals("-p")
          || t.equals("--execute-print")
          || t.equals("-r")
          || t.equals("--require")) {
        execOption(in);
      }
    }
  }

  // ------------------------------------------------------------------ compilers

  /** Compiler options whose separate value is not a source file. */
  private static final Set<String> CC_SKIP =
      Set.of(
          "-o",
          "-x",
          "-D",
          "-U",
          "-L",
          "-l",
          "-I",
          "-isystem",
          "-iquote",
          "-idirafter",
          "-MF",
          "-MT",
          "-MQ",
          "-Xlinker",
          "-Xassembler",
          "-Xpreprocessor",
          "-Xclang",
          "-T",
          "-u",
          "-z",
          "-e",
          "-arch",
          "-target",
          "--target",
          "-isysroot",
          "--sysroot",
          "-std");

  private static void compiler(Invocation in) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("-wrapper") || t.equals("--wrapper")) {
        execOption(in);
        i++;
      } else if (t.startsWith("-fplugin")
          || t.startsWith("-B")
          || t.startsWith("--prefix")
          || t.startsWith("-specs")
          || t.startsWith("--specs")
          || t.startsWith("-fpass-plugin")
          || t.equals("-load")
          || t.startsWith("-Xclang=-load")) {
        execOption(in);
        if (t.equals("-B") || t.equals("--prefix") || t.equals("-load")) {
          i++;
        }
      } else if (t.equals("-include") || t.equals("-imacros")) {
        if (i + 1 < args.size()) {
          in.path(args.get(++i));
        }
      } else if (CC_SKIP.contains(t)) {
        i++;
      } else if (t.startsWith("@") && t.length() > 1) {
        in.path(sub(w, t.substring(1)));
      } else if (!t.startsWith("-") && !t.isEmpty()) {
        in.path(w);
      }
    }
  }

  private static final Set<String> JAVAC_VALUES =
      Set.of(
          "-cp",
          "-classpath",
          "--class-path",
          "-sourcepath",
          "--source-path",
          "-encoding",
          "--release",
          "-source",
          "--source",
          "-target",
          "--target",
          "-processor",
          "--module",
          "-m",
          "--module-path",
          "-p",
          "--add-modules",
          "--limit-modules",
          "--add-exports",
          "--add-reads",
          "--patch-module",
          "--module-source-path",
          "-bootclasspath",
          "--system",
          "--upgrade-module-path",
          "-Xmaxerrs",
          "-Xmaxwarns",
          "-jvm-target",
          "-language-version",
          "-api-version",
          "-module-name");

  private static void javac(Invocation in) {
    List<Word> args = in.args;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("-d") || t.equals("-s") || t.equals("-h")) {
        if (i + 1 < args.size()) {
          in.writePath(args.get(++i));
        }
      } else if (t.equals("-processorpath")
          || t.equals("--processor-path")
          || t.equals("--processor-module-path")) {
        if (i + 1 < args.size()) {
          in.path(args.get(++i));
        }
      } else if (JAVAC_VALUES.contains(t)) {
        i++;
      } else if (t.startsWith("@") && t.length() > 1) {
        in.path(sub(w, t.substring(1)));
      } else if (!t.startsWith("-") && !t.isEmpty()) {
        in.path(w);
      }
    }
  }

  // ------------------------------------------------------------------ formatters and linters

  private static void fileTool(Invocation in) {
    List<Word> args = in.args;
    String base = in.name.substring(in.name.lastIndexOf('/') + 1);
    boolean pytest = base.startsWith("pytest") || base.startsWith("py.test");
    String shortValues =
        SHORT_VALUES.getOrDefault(pytest ? "pytest" : CommandTable.stripVersion(base), "");
    boolean first = true;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("--")) {
        continue;
      }
      if (t.startsWith("--") && t.indexOf('=') > 0) {
        String name = t.substring(0, t.indexOf('='));
        if (FILE_VALUE_OPTIONS.contains(name)) {
          in.writePath(sub(w, t.substring(t.indexOf('=') + 1)));
        }
        continue;
      }
      if (FILE_VALUE_OPTIONS.contains(t) && i + 1 < args.size() && !(pytest && t.equals("-p"))) {
        in.writePath(args.get(++i));
        continue;
      }
      if (t.length() >= 2 && t.charAt(0) == '-' && t.charAt(1) != '-') {
        char c = t.charAt(1);
        if (shortValues.indexOf(c) >= 0) {
          String v =
              t.length() > 2 ? t.substring(2) : i + 1 < args.size() ? args.get(++i).text() : "";
          if (pytest && c == 'p' && (v.contains("/") || v.endsWith(".py"))) {
            execOption(in);
          }
        }
        continue;
      }
      if (t.startsWith("-")) {
        continue;
      }
      if (first && SUBCOMMANDS.contains(t) && !pytest) {
        first = false;
        continue;
      }
      first = false;
      String path = pytest && t.contains("::") ? t.substring(0, t.indexOf("::")) : t;
      in.writePath(sub(w, path));
    }
  }
}

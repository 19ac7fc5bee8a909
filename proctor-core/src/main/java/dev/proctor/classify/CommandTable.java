package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.BUILD_RUN;
import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.CONTAINER_ESCAPE;
import static dev.proctor.classify.ClassNames.FS_DELETE;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.NET_FETCH;
import static dev.proctor.classify.ClassNames.PACKAGE_INSTALL;
import static dev.proctor.classify.ClassNames.SHELL_EXEC;
import static dev.proctor.classify.ClassNames.SYSTEM_DESTRUCTIVE;
import static dev.proctor.classify.ClassNames.SYSTEM_MODIFY;

import dev.proctor.classify.ShellSyntax.Word;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The table of commands Proctor knows. Simple commands map to a {@link Kind} that says their class
 * and how their operands become targets; commands whose meaning depends on options or subcommands
 * have handlers here or in {@link GitCommands}, {@link NetworkCommands}, {@link PackageCommands}
 * and {@link InfraCommands}. A command not in the table is {@code shell.exec} with the tag {@code
 * unknown-command}.
 */
final class CommandTable {

  private CommandTable() {}

  /** The command table, read on first use. */
  private static final class Known {
    static final CommandTableFile.Table TABLE = load();

    private static CommandTableFile.Table load() {
      String name = "commands.txt";
      try (java.io.InputStream in = CommandTable.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + name);
        }
        return CommandTableFile.parse(
            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), name);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot read " + name, e);
      }
    }
  }

  /** The built-in command table. */
  static CommandTableFile.Table table() {
    return Known.TABLE;
  }

  /** The table's entry for a command name, also under its name without a version suffix. */
  static CommandSpec spec(String name) {
    Map<String, CommandSpec> commands = Known.TABLE.commands();
    CommandSpec s = commands.get(name);
    return s != null ? s : commands.get(stripVersion(name));
  }

  /**
   * Classifies one command by the table and the grammars. A publishing command given one of its
   * rehearsal options ({@code npm publish --dry-run}, {@code make -n deploy}, {@code goreleaser
   * release --snapshot}) ships nothing: it is {@code build.run}, not {@code data.export} with
   * {@code publish}.
   */
  static void classify(Invocation in) {
    CommandSpec spec = spec(in.name);
    if (spec == null
        || spec.grammar().rehearsals().isEmpty()
        || in.f.tags.contains("publish")
        || !hasOption(in.args, spec.grammar().rehearsals())) {
      classifyCommand(in);
      return;
    }
    boolean exported = in.f.classes.contains(ClassNames.DATA_EXPORT);
    classifyCommand(in);
    if (in.f.tags.remove("publish")) {
      if (!exported) {
        in.f.classes.remove(ClassNames.DATA_EXPORT);
      }
      in.cls(BUILD_RUN);
    }
  }

  /**
   * True if one of {@code options} is given ({@code -n}, {@code --dry-run[=…]}) before {@code --}.
   */
  private static boolean hasOption(List<Word> args, Set<String> options) {
    for (Word w : args) {
      String t = w.text();
      if (t.equals("--")) {
        return false;
      }
      int eq = t.indexOf('=');
      String value = eq > 0 ? t.substring(eq + 1) : "";
      if (options.contains(eq > 0 ? t.substring(0, eq) : t)
          && !value.equals("false")
          && !value.equals("0")
          && !value.equals("no")) {
        return true; // --dry-run, -DdryRun=true; not --dry-run=false
      }
    }
    return false;
  }

  private static void classifyCommand(Invocation in) {
    String n = in.name;
    TaxonomyLoader.UserCommand user = in.walk.userCommands.get(n);
    if (user != null) {
      if (spec(n) == null) {
        TableCommands.classifyUser(in, user); // the user's own CLI
        return;
      }
      // A built-in command the user declares: its class is added, so it can only raise.
      user.spec().actionClass().ifPresent(in::cls);
      user.tags().forEach(in::tag);
    }
    if (isVersionOrHelpQuery(in)) {
      in.cls(FS_READ);
      return;
    }
    switch (n) {
      case "cd", "pushd" -> cd(in);
      case "popd" -> {
        in.state.cwd = null;
        in.cls(FS_READ);
      }
      case "rm", "unlink", "rmdir", "srm", "trash", "trash-put" -> remove(in);
      case "shred", "wipe" -> shred(in);
      case "find" -> find(in);
      case "cp", "mv", "ln", "install", "rename", "mmv" -> copy(in);
      case "sed" -> sed(in);
      case "uniq" -> {
        Args a = in.parse("fsw", Set.of("--skip-fields", "--skip-chars", "--check-chars"));
        in.reads(a.operands.subList(0, Math.min(1, a.operands.size())));
        if (a.operands.size() > 1) {
          in.cls(FS_WRITE); // uniq IN OUT writes OUT
          in.writePath(a.operands.get(1));
        }
      }
      case "less", "more", "most", "zless" -> pager(in);
      case "vi", "vim", "nvim", "view", "gvim", "vimdiff", "ex", "ed" -> editor(in);
      case "awk", "gawk", "mawk", "nawk" -> awk(in);
      case "yq" -> {
        Args a = in.parse("e", Set.of("--expression"));
        if (a.has("-i", "--inplace")) {
          in.writePaths(a.operands.subList(Math.min(1, a.operands.size()), a.operands.size()));
        } else {
          in.reads(a.operands.subList(Math.min(1, a.operands.size()), a.operands.size()));
        }
      }
      case "tar", "bsdtar", "gtar" -> tar(in);
      case "getent" -> getent(in);
      case "echo", "printf" -> {
        in.cls(FS_READ);
        secretVariables(in);
      }
      case "zip" -> {
        Args a = in.parse("xibntP", Set.of());
        List<Word> zipArgs = new java.util.ArrayList<>(in.args);
        for (int i = 0; i < zipArgs.size(); i++) {
          String t = zipArgs.get(i).text();
          if (t.equals("-TT") || t.equals("--unzip-command")) {
            // zip -TT CMD runs CMD to test the archive.
            execOption(in);
            zipArgs.remove(i);
            if (i < zipArgs.size()) {
              zipArgs.remove(i);
            }
            i--;
          } else if (t.startsWith("-TT=") || t.startsWith("--unzip-command=")) {
            execOption(in);
            zipArgs.remove(i);
            i--;
          }
        }
        if (zipArgs.size() != in.args.size()) {
          a = Args.parse(zipArgs, "xibntP", Set.of(), false);
        }
        in.cls(FS_WRITE);
        if (!a.operands.isEmpty()) {
          in.writePath(a.operands.get(0));
          in.readPaths(a.operands.subList(1, a.operands.size()));
        }
        if (a.has("-r")) {
          in.tag("recursive");
        }
      }
      case "unzip" -> {
        Args a = in.parse("dxP", Set.of());
        if (a.has("-l", "-t", "-v", "-Z")) {
          in.reads(a.operands);
          return;
        }
        in.cls(FS_WRITE);
        in.readPaths(a.operands.isEmpty() ? a.operands : a.operands.subList(0, 1));
        for (Word d : a.values("-d")) {
          in.writePath(d);
        }
      }
      case "chmod", "chown", "chgrp" -> permissions(in);
      case "dd" -> dd(in);
      case "kill", "pkill", "killall" -> kill(in);
      case "printenv" -> {
        in.cls(FS_READ);
        List<Word> names = Args.parse(in.args).operands;
        if (names.isEmpty() || names.stream().anyMatch(w -> isSecretVariable(w.text()))) {
          in.label("secret"); // every variable, or a credential by name
        }
      }
      case "eval" -> eval(in);
      case "history" -> {
        in.cls(FS_READ);
        for (Word w : in.args) {
          if (ShellWalk.isFlagCluster(w.text(), "cdwranps")) {
            in.cls(SHELL_EXEC); // clearing or rewriting the history hides what was run
            in.tag("history-tamper");
          }
        }
      }
      case "unset" -> {
        in.cls(FS_READ);
        for (Word w : in.args) {
          if (w.text().startsWith("HIST")) {
            in.cls(SHELL_EXEC);
            in.tag("history-tamper");
          }
        }
      }
      case "source", "." -> source(in);
      case "trap" -> trap(in);
      case "alias" -> alias(in);
      case "shopt" -> shopt(in);
      case "set" -> set(in);
      case "enable" -> enable(in);
      case "declare", "typeset", "export", "readonly" -> declare(in);
      case "docker", "podman", "nerdctl", "docker-compose", "podman-compose", "finch" ->
          InfraCommands.docker(in);
      case "git" -> GitCommands.git(in);
      case "gh" -> GitCommands.gh(in);
      case "curl" -> NetworkCommands.curl(in);
      case "wget", "wget2" -> NetworkCommands.wget(in);
      case "http", "https", "xh", "xhs", "httpie", "curlie" -> NetworkCommands.httpie(in);
      case "aria2c", "axel", "yt-dlp", "youtube-dl" -> NetworkCommands.download(in);
      case "scp", "rsync", "rclone" -> NetworkCommands.copyRemote(in);
      case "ssh", "mosh", "autossh" -> NetworkCommands.ssh(in);
      case "openssl" -> NetworkCommands.openssl(in);
      case "psql",
          "mysql",
          "mariadb",
          "sqlite3",
          "duckdb",
          "mongosh",
          "mongo",
          "redis-cli",
          "valkey-cli",
          "clickhouse-client",
          "cqlsh",
          "sqlcmd",
          "pg_dump",
          "pg_dumpall",
          "mysqldump",
          "pg_restore",
          "mongodump",
          "mongorestore",
          "mongoexport",
          "mongoimport",
          "dropdb",
          "createdb" ->
          NetworkCommands.database(in);
      default -> {
        if (PackageCommands.classify(in) || InfraCommands.classify(in) || shellOrInterpreter(in)) {
          return;
        }
        if (n.startsWith("mkfs") || n.startsWith("mke2fs")) {
          in.cls(SYSTEM_DESTRUCTIVE);
          in.tag("disk");
          in.readPaths(Args.parse(in.args).operands);
          return;
        }
        CommandSpec spec = spec(n);
        if (spec == null || spec.handler().isPresent()) {
          in.cls(SHELL_EXEC);
          in.tag("unknown-command");
          return;
        }
        TableCommands.classify(in, spec);
      }
    }
  }

  /** Arguments that only ask a program for its version or usage. */
  private static final Set<String> QUERY_FLAGS =
      Set.of("--version", "-version", "-V", "--help", "-help", "-h", "-?", "version", "help");

  /**
   * True for {@code node --version}, {@code go version}, {@code cargo help build}, {@code kubectl
   * version --client}: a known program asked only for its version or help, with nothing on stdin.
   * {@code -v} counts except for shells and Python, where it means verbose.
   */
  private static boolean isVersionOrHelpQuery(Invocation in) {
    List<Word> args = in.args;
    if (args.isEmpty() || args.size() > 4 || in.stdinPiped || stdinRedirected(in)) {
      return false;
    }
    if (isSubcommandHelp(in)) {
      return true;
    }
    if (args.size() > 3) {
      return false;
    }
    String first = args.get(0).text();
    boolean runsFiles = SHELLS.contains(in.name) || CODE_FLAGS.containsKey(stripVersion(in.name));
    boolean verbose = first.equals("-v") && (SHELLS.contains(in.name) || in.name.startsWith("py"));
    if (!QUERY_FLAGS.contains(first) && !(first.equals("-v") && !verbose)
        || runsFiles && !first.startsWith("-")) {
      return false; // python version runs the file ./version
    }
    CommandSpec spec = spec(in.name);
    if (spec == null && !CODE_FLAGS.containsKey(stripVersion(in.name))
        || spec != null
            && (spec.operands() == CommandSpec.Role.SYSTEM
                || spec.operands() == CommandSpec.Role.DISK
                || spec.actionClass().orElse("").startsWith("system.")
                || spec.actionClass().orElse("").equals(ClassNames.ACCESS_CHANGE))) {
      return false; // shutdown -h halts: system tools' flags are not queries
    }
    boolean help = first.contains("help");
    for (Word w : args.subList(1, args.size())) {
      String t = w.text();
      if (!w.isLiteral() || t.equals("-w") || t.equals("--web") || !help && !t.startsWith("-")) {
        return false;
      }
    }
    return true;
  }

  /** Grammars of commands whose later operands are a program, script or remote command. */
  private static final Set<String> RUNNING_HANDLERS =
      Set.of("shell", "interpreter", "wrapper", "network", "database");

  /** Subcommands that run a program or package named after them, whose help that program gives. */
  private static final Set<String> RUNNING_VERBS =
      Set.of("run", "exec", "x", "dlx", "create", "init", "start", "serve", "dev", "foreach");

  /**
   * True for {@code cargo publish --help}, {@code git push --help}, {@code docker image prune
   * --help}: a known command's subcommand (one to three plain words) followed by {@code --help}
   * prints usage. Not for shells, interpreters, runners ({@code npx cowsay --help} fetches and runs
   * cowsay) or a subcommand that runs something ({@code uv run script.py --help}).
   */
  private static boolean isSubcommandHelp(Invocation in) {
    List<Word> args = in.args;
    String last = args.get(args.size() - 1).text();
    if (args.size() < 2 || !last.equals("--help")) { // -h is often a host or a format
      return false;
    }
    CommandSpec spec = spec(in.name);
    if (spec == null
        || spec.grammar().runsPrograms()
        || spec.handler().filter(RUNNING_HANDLERS::contains).isPresent()
        || SHELLS.contains(in.name)
        || CODE_FLAGS.containsKey(stripVersion(in.name))
        || spec.operands() == CommandSpec.Role.SYSTEM
        || spec.operands() == CommandSpec.Role.DISK
        || spec.actionClass().orElse("").startsWith("system.")) {
      return false;
    }
    if (in.name.equals("npx")
        || in.name.equals("bunx")
        || in.name.equals("pnpx")
        || in.name.equals("uvx")
        || in.name.equals("pipx")) {
      return false;
    }
    for (Word w : args.subList(0, args.size() - 1)) {
      String t = w.text();
      if (!w.isLiteral() || t.isEmpty() || RUNNING_VERBS.contains(t)) {
        return false;
      }
      for (int i = 0; i < t.length(); i++) {
        char c = t.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '-' || c == ':'))) {
          return false; // a path, an option or a value: not a subcommand
        }
      }
    }
    return true;
  }

  private static boolean stdinRedirected(Invocation in) {
    return in.stdinIsFile() || in.stdinIsHeredoc();
  }

  /** True for a build, test, lint or format tool of the table ({@code build.run}). */
  static boolean isBuildTool(String n) {
    CommandSpec s = Known.TABLE.commands().get(n);
    return s != null && s.operands() == CommandSpec.Role.BUILD;
  }

  static String stripVersion(String n) {
    int end = n.length();
    while (end > 0) {
      char c = n.charAt(end - 1);
      if ((c >= '0' && c <= '9') || c == '.' || c == '-') {
        end--;
      } else {
        break;
      }
    }
    return end == n.length() || end == 0 ? n : n.substring(0, end);
  }

  // ------------------------------------------------------------------ files

  private static void cd(Invocation in) {
    in.cls(FS_READ);
    Args a = in.parse("", Set.of());
    if (a.operands.isEmpty()) {
      in.state.cwd = in.walk.ctx.home().orElse(null);
      return;
    }
    Word w = a.operands.get(0);
    if (w.text().equals("-")) {
      in.state.cwd = null;
      return;
    }
    in.state.cwd = in.walk.resolve(w, in.state);
  }

  private static void remove(Invocation in) {
    Args a = in.parse("", Set.of("--interactive"));
    in.cls(FS_DELETE);
    boolean recursive = a.has("-r", "-R", "--recursive") || in.name.equals("rmdir");
    if (recursive && !in.name.equals("rmdir")) {
      in.tag("recursive");
    }
    if (a.has("-f", "--force")) {
      in.tag("force");
    }
    if (a.has("--no-preserve-root")) {
      in.cls(SYSTEM_DESTRUCTIVE);
    }
    String home = in.walk.ctx.home().orElse(null);
    for (Word w : a.operands) {
      String p = in.path(w);
      if (p == null) {
        continue;
      }
      if (PathFacts.isDestructiveRoot(p, home)) {
        in.cls(recursive || w.has(ShellSyntax.GLOB) ? SYSTEM_DESTRUCTIVE : SYSTEM_MODIFY);
      } else {
        in.writeFacts(p);
      }
      gitHistory(in, p);
    }
  }

  /** Deleting or moving away a repository's {@code .git} discards its history. */
  static void gitHistory(Invocation in, String p) {
    if (PathFacts.isGitHistory(p)) {
      in.cls(ClassNames.VCS_HISTORY_REWRITE);
      in.tag("git-history");
    }
  }

  private static void shred(Invocation in) {
    Args a = in.parse("nsx", Set.of("--iterations", "--size", "--random-source"));
    in.cls(FS_DELETE);
    for (Word w : a.operands) {
      String p = in.path(w);
      if (p != null && PathFacts.isRawDevice(p)) {
        in.cls(SYSTEM_DESTRUCTIVE);
        in.tag("raw-device");
      } else if (p != null) {
        in.writeFacts(p);
        gitHistory(in, p);
      }
    }
  }

  /**
   * {@code find ROOT… EXPRESSION}: a read of the roots; {@code -delete} deletes under them; the
   * command of {@code -exec}, {@code -execdir}, {@code -ok}, {@code -okdir} (the table's {@code
   * runs} options, up to {@code ;} or {@code +}) is classified as what it is, with {@code {}}
   * standing for what the expression selects: {@code ROOT/**}{@code /NAME} for each {@code -name}
   * or {@code -iname} pattern not negated, the pattern of {@code -path}, or the root itself when
   * nothing narrows the search (or {@code -o} may widen it).
   */
  private static void find(Invocation in) {
    in.cls(FS_READ);
    List<Word> args = in.args;
    int i = 0;
    while (i < args.size()
        && args.get(i).text().startsWith("-")
        && args.get(i).text().length() == 2
        && "HLPOD".indexOf(args.get(i).text().charAt(1)) >= 0) {
      i++;
    }
    String home = in.walk.ctx.home().orElse(null);
    boolean destructiveRoot = false;
    List<Word> roots = new java.util.ArrayList<>(1);
    while (i < args.size()) {
      String t = args.get(i).text();
      if (t.startsWith("-") || t.equals("(") || t.equals("!") || t.equals(")")) {
        break;
      }
      String p = in.path(args.get(i));
      roots.add(p == null ? args.get(i) : new Word(p, 0, List.of()));
      if (p != null && PathFacts.isDestructiveRoot(p, home)) {
        destructiveRoot = true;
      }
      i++;
    }
    if (roots.isEmpty()) {
      if (in.state.cwd != null && PathFacts.isDestructiveRoot(in.state.cwd, home)) {
        destructiveRoot = true;
      }
      in.walk.workingDirectory(in.state); // find with no start point searches "."
      roots.add(new Word(in.state.cwd == null ? "." : in.state.cwd, 0, List.of()));
    }
    Map<String, Set<String>> runs = spec("find").grammar().runsOptions();
    List<Word> found = selected(in, roots, args.subList(i, args.size()), runs);
    for (; i < args.size(); i++) {
      String t = args.get(i).text();
      Set<String> ends = runs.get(t);
      if (ends != null) {
        int j = i + 1;
        while (j < args.size() && !ends.contains(args.get(j).text())) {
          j++;
        }
        List<Word> cmd = args.subList(i + 1, j);
        if (cmd.isEmpty()) {
          in.unparseable("find -exec without a command");
        }
        boolean hadDelete = in.f.classes.contains(FS_DELETE);
        // -execdir runs in the directory of each file: somewhere under the (first) root.
        String dir = t.endsWith("dir") ? in.walk.resolve(roots.get(0), in.state) : null;
        in.runFor(cmd, found, false, dir);
        if (destructiveRoot && !hadDelete && in.f.classes.contains(FS_DELETE)) {
          in.cls(SYSTEM_DESTRUCTIVE);
        }
        i = j;
        continue;
      }
      switch (t) {
        case "-delete" -> {
          in.cls(FS_DELETE);
          in.tag("recursive");
          if (destructiveRoot) {
            in.cls(SYSTEM_DESTRUCTIVE);
          }
        }
        case "-fprint", "-fprint0", "-fprintf", "-fls" -> {
          if (i + 1 < args.size()) {
            in.cls(FS_WRITE);
            in.writePath(args.get(i + 1));
          }
        }
        default -> {}
      }
    }
  }

  /**
   * What a find expression selects under its roots: {@code ROOT/**}{@code /NAME} for each {@code
   * -name}/{@code -iname} pattern that is not negated, each {@code -path}/{@code -ipath} pattern,
   * and the roots themselves when no such test narrows the search or {@code -o} may widen it.
   */
  private static List<Word> selected(
      Invocation in, List<Word> roots, List<Word> expr, Map<String, Set<String>> runs) {
    List<Word> out = new java.util.ArrayList<>(2);
    boolean narrowed = false;
    boolean widened = false;
    int group = 0;
    for (int k = 0; k < expr.size(); k++) {
      String t = expr.get(k).text();
      Set<String> ends = runs.get(t);
      if (ends != null) {
        while (k < expr.size() && !ends.contains(expr.get(k).text())) {
          k++;
        }
        continue;
      }
      if (t.equals("-o") || t.equals("-or") || t.equals(",")) {
        widened = true;
        group = out.size();
      }
      String next = k + 1 < expr.size() ? expr.get(k + 1).text() : "";
      if (t.equals("-prune") && (next.equals("-o") || next.equals("-or"))) {
        // -name .git -prune -o …: excluded, not selected; without -o, later actions still apply
        // to what was pruned (-name .git -prune -exec rm -rf {} +)
        out.subList(group, out.size()).clear();
      }
      boolean negated =
          k > 0 && (expr.get(k - 1).text().equals("!") || expr.get(k - 1).text().equals("-not"));
      if (k + 1 >= expr.size() || negated) {
        continue;
      }
      Word pattern = expr.get(k + 1);
      switch (t) {
        case "-name", "-iname" -> {
          narrowed = true;
          for (Word r : roots) {
            out.add(
                new Word(
                    r.text() + "/**/" + pattern.text(), r.flags() | ShellSyntax.GLOB, List.of()));
          }
        }
        case "-path", "-ipath", "-wholename", "-iwholename" -> {
          narrowed = true;
          String p = in.walk.resolve(pattern, in.state);
          out.add(
              new Word(
                  p == null ? pattern.text() : p, pattern.flags() | ShellSyntax.GLOB, List.of()));
        }
        default -> {}
      }
    }
    if (!narrowed || widened) {
      out.addAll(0, roots);
    }
    return out;
  }

  private static void copy(Invocation in) {
    Args a =
        in.parse(
            in.name.equals("install") ? "tSbZTmog" : "tSbZT",
            Set.of("--target-directory", "--suffix", "--backup", "--mode", "--owner", "--group"));
    in.cls(FS_WRITE);
    if (a.has("-r", "-R", "--recursive", "-a", "--archive")) {
      in.tag("recursive");
    }
    if (a.has("-f", "--force")) {
      in.tag("force");
    }
    List<Word> ops = a.operands;
    List<Word> dest = a.values("-t", "--target-directory");
    String home = in.walk.ctx.home().orElse(null);
    int last = dest.isEmpty() ? ops.size() - 1 : ops.size();
    if (in.name.equals("ln") && a.has("-s", "--symbolic") && last > 0) {
      symlinks(in, ops, dest, last);
      return;
    }
    for (int i = 0; i < ops.size(); i++) {
      Word w = ops.get(i);
      if (i == last) {
        String p = in.writePath(w);
        if (p != null && in.name.equals("mv") && p.equals("/dev/null")) {
          in.cls(FS_DELETE);
        }
      } else {
        String p = in.path(w);
        if (p != null && in.name.equals("mv")) {
          if (PathFacts.isDestructiveRoot(p, home)) {
            in.cls(SYSTEM_DESTRUCTIVE);
          } else {
            in.writeFacts(p);
          }
          gitHistory(in, p);
        }
      }
    }
    for (Word d : dest) {
      in.writePath(d);
    }
  }

  /**
   * {@code ln -s TARGET... LINK}: the link is written; a relative target is resolved from the
   * link's directory, not the working directory ({@code ln -s ../README.md docs/README.md} points
   * at the project's README).
   */
  private static void symlinks(Invocation in, List<Word> ops, List<Word> dest, int last) {
    Word linkWord = dest.isEmpty() ? ops.get(last) : dest.get(0);
    String link = in.writePath(linkWord);
    for (Word d : dest.isEmpty() ? List.<Word>of() : dest.subList(1, dest.size())) {
      in.writePath(d);
    }
    boolean intoDirectory =
        !dest.isEmpty() || last > 1 || linkWord.text().endsWith("/") || link == null;
    String base =
        link == null
            ? null
            : intoDirectory ? link : link.substring(0, Math.max(1, link.lastIndexOf('/')));
    ShellWalk.State from = new ShellWalk.State(base);
    for (Word target : ops.subList(0, last)) {
      in.walk.path(target, target.text().startsWith("/") ? in.state : from);
    }
  }

  /** Marks a command whose option names a program or command to run: {@code code.exec}. */
  private static void execOption(Invocation in) {
    in.cls(CODE_EXEC);
    in.tag("exec-option");
  }

  private static void sed(Invocation in) {
    Args a = in.parse("efl", Set.of("--expression", "--file", "--line-length"));
    boolean scriptGiven = a.has("-e", "--expression", "-f", "--file");
    List<Word> files =
        scriptGiven || a.operands.isEmpty() ? a.operands : a.operands.subList(1, a.operands.size());
    boolean sandbox = a.has("--sandbox");
    for (Word s :
        scriptGiven
            ? a.values("-e", "--expression")
            : a.operands.subList(0, Math.min(1, a.operands.size()))) {
      SedScript script = SedScript.scan(s.text());
      if (sandbox) {
        continue;
      }
      if (script.exec) {
        in.cls(CODE_EXEC);
        in.tag("exec-option");
      }
      for (String w : script.writes) {
        Word file = new Word(w, s.flags(), List.of());
        String p = in.walk.resolve(file, in.state);
        if (p == null || !PathFacts.isHarmlessDevice(p)) {
          in.cls(FS_WRITE);
          in.writePath(file);
        }
      }
    }
    boolean inPlace = false;
    for (Args.Opt o : a.options) {
      if (o.name().equals("-i") || o.name().startsWith("--in-place")) {
        inPlace = true;
      }
    }
    if (inPlace) {
      in.writePaths(files);
    } else {
      in.reads(files);
    }
  }

  /**
   * What a sed script does beyond editing its stream: the {@code e} command and the {@code e} flag
   * of {@code s} run a shell command; the {@code w}/{@code W} commands and the {@code w} flag write
   * a file. A small scanner over addresses, commands and their arguments, not a full sed parser.
   */
  static final class SedScript {
    boolean exec;
    final List<String> writes = new java.util.ArrayList<>(1);

    static SedScript scan(String s) {
      SedScript out = new SedScript();
      int n = s.length();
      int i = 0;
      while (i < n) {
        char c = s.charAt(i);
        if (c == ';' || c == '\n' || c == ' ' || c == '\t' || c == '{' || c == '}' || c == '!') {
          i++;
          continue;
        }
        i = address(s, i);
        if (i < n && s.charAt(i) == ',') {
          i = address(s, i + 1);
        }
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '!' || s.charAt(i) == '\t')) {
          i++;
        }
        if (i >= n) {
          break;
        }
        char cmd = s.charAt(i++);
        switch (cmd) {
          case 'e' -> {
            out.exec = true;
            i = endOfLine(s, i);
          }
          case 's' -> i = substitute(s, i, out);
          case 'y' -> {
            if (i < n) {
              char d = s.charAt(i);
              i = skipDelimited(s, skipDelimited(s, i + 1, d), d);
            }
          }
          case 'w', 'W' -> {
            int end = endOfLine(s, i);
            String file = s.substring(i, end).trim();
            if (!file.isEmpty()) {
              out.writes.add(file);
            }
            i = end;
          }
          case 'r', 'R', 'a', 'i', 'c', '#' -> i = endOfLine(s, i);
          case ':', 'b', 't', 'T' -> {
            while (i < n && s.charAt(i) != ';' && s.charAt(i) != '\n') {
              i++;
            }
          }
          default -> {}
        }
      }
      return out;
    }

    private static int address(String s, int i) {
      int n = s.length();
      if (i < n && (s.charAt(i) == '/' || s.charAt(i) == '\\')) {
        char d = s.charAt(i) == '/' ? '/' : i + 1 < n ? s.charAt(i + 1) : '/';
        i = skipDelimited(s, s.charAt(i) == '/' ? i + 1 : i + 2, d);
        while (i < n && (s.charAt(i) == 'I' || s.charAt(i) == 'M')) {
          i++;
        }
        return i;
      }
      while (i < n && ("0123456789$~+".indexOf(s.charAt(i)) >= 0)) {
        i++;
      }
      return i;
    }

    private static int substitute(String s, int i, SedScript out) {
      int n = s.length();
      if (i >= n) {
        return i;
      }
      char d = s.charAt(i);
      i = skipDelimited(s, skipDelimited(s, i + 1, d), d);
      while (i < n && s.charAt(i) != ';' && s.charAt(i) != '\n' && s.charAt(i) != '}') {
        char f = s.charAt(i);
        if (f == 'e') {
          out.exec = true;
        } else if (f == 'w') {
          int end = endOfLine(s, i + 1);
          String file = s.substring(i + 1, end).trim();
          if (!file.isEmpty()) {
            out.writes.add(file);
          }
          return end;
        }
        i++;
      }
      return i;
    }

    /** The index after the next unescaped delimiter, from {@code i}. */
    private static int skipDelimited(String s, int i, char d) {
      int n = s.length();
      while (i < n) {
        char c = s.charAt(i);
        if (c == '\\') {
          i += 2;
          continue;
        }
        i++;
        if (c == d) {
          return i;
        }
      }
      return n;
    }

    private static int endOfLine(String s, int i) {
      int nl = s.indexOf('\n', i);
      return nl < 0 ? s.length() : nl;
    }
  }

  private static final Set<String> PAGER_LONG_WITH_VALUE =
      Set.of(
          "--log-file",
          "--LOG-FILE",
          "--lesskey-file",
          "--lesskey-src",
          "--tag",
          "--pattern",
          "--prompt",
          "--shift",
          "--tabs",
          "--window",
          "--max-back-scroll",
          "--max-forw-scroll",
          "--tag-file",
          "--jump-target");

  /**
   * less, more: a {@code +cmd} operand is a pager command run at start-up, and {@code !} or {@code
   * |} in it runs a shell command; a lesskey file can set LESSOPEN.
   */
  private static void pager(Invocation in) {
    Args a = in.parse("bhjkoOpPtTxyz#", PAGER_LONG_WITH_VALUE);
    List<Word> files = new java.util.ArrayList<>(a.operands.size());
    for (Word w : a.operands) {
      String t = w.text();
      if (t.startsWith("+")) {
        if (t.indexOf('!') >= 0 || t.indexOf('|') >= 0 || !w.isLiteral()) {
          execOption(in);
        }
      } else {
        files.add(w);
      }
    }
    if (a.has("-k", "--lesskey-file", "--lesskey-src")) {
      execOption(in);
    }
    in.reads(files);
    for (Word log : a.values("-o", "-O", "--log-file", "--LOG-FILE")) {
      in.cls(FS_WRITE);
      in.writePath(log);
    }
  }

  private static final Set<String> HARMLESS_EDITOR_COMMANDS =
      Set.of("", "$", "q", "q!", "qa", "qa!", "w", "wq", "wqa", "x", "xa", "wq!", "x!");

  /**
   * vi, vim, nvim, ex, ed: the files are written; start-up commands ({@code -c}, {@code --cmd},
   * {@code +cmd}), sourced scripts ({@code -S}, {@code -s}, {@code -u}) and ex or ed commands read
   * from stdin can run anything ({@code :!cmd}, {@code :sh}, {@code :py}), so they are {@code
   * code.exec} unless they only move the cursor or quit.
   */
  private static void editor(Invocation in) {
    Args a = in.parse("cSusiTwWtqlU", Set.of("--cmd", "--startuptime", "--listen", "--server"));
    List<Word> files = new java.util.ArrayList<>(a.operands.size());
    for (Word w : a.operands) {
      if (w.text().startsWith("+") && !in.name.equals("ed")) {
        if (!harmlessEditorCommand(w, w.text().substring(1))) {
          execOption(in);
        }
      } else {
        files.add(w);
      }
    }
    for (Word c : a.values("-c", "--cmd")) {
      if (!harmlessEditorCommand(c, c.text())) {
        execOption(in);
      }
    }
    for (Args.Opt o : a.options) {
      String name = o.name();
      if (name.equals("-S") || name.equals("-s") && o.value() != null || name.equals("-l")) {
        execOption(in);
      }
      if (name.equals("-u") || name.equals("-U")) {
        String v = o.value() == null ? "" : o.value().text();
        if (!v.equals("NONE") && !v.equals("NORC") && !v.equals("DEFAULTS")) {
          execOption(in);
        }
      }
    }
    boolean exMode =
        in.name.equals("ex") || in.name.equals("ed") || a.has("-e", "-E", "--headless");
    if (exMode && (in.stdinPiped || in.stdinIsFile())) {
      execOption(in);
    }
    if (exMode) {
      for (ShellSyntax.Redirect r : in.redirects) {
        String body = r.op.equals("<<<") ? r.target.text() : r.isHeredoc() ? r.body : null;
        if (body != null && (body.indexOf('!') >= 0 || !r.target.isLiteral() && !r.isHeredoc())) {
          execOption(in);
        }
      }
    }
    in.writePaths(files);
    for (Word w : a.values("-w", "-W")) {
      in.writePath(w);
    }
  }

  private static boolean harmlessEditorCommand(Word w, String cmd) {
    if (!w.isLiteral()) {
      return false;
    }
    String c = cmd.startsWith(":") ? cmd.substring(1) : cmd;
    if (HARMLESS_EDITOR_COMMANDS.contains(c) || ShellWalk.isDigits(c)) {
      return true;
    }
    return (c.startsWith("/") || c.startsWith("?")) && c.indexOf('|') < 0;
  }

  private static void awk(Invocation in) {
    Args a = in.parse("fvFi", Set.of("--file", "--assign", "--field-separator", "--include"));
    List<Word> ops = a.operands;
    List<Word> progFiles = a.values("-f", "--file");
    String program = progFiles.isEmpty() && !ops.isEmpty() ? ops.get(0).text() : "";
    List<Word> files = progFiles.isEmpty() && !ops.isEmpty() ? ops.subList(1, ops.size()) : ops;
    boolean inPlace = false;
    for (Word w : a.values("-i", "--include")) {
      inPlace |= w.text().equals("inplace");
    }
    if (!progFiles.isEmpty() || AwkProgram.runsOrWrites(program)) {
      in.cls(CODE_EXEC);
    }
    in.readPaths(progFiles);
    if (inPlace) {
      in.writePaths(files);
    } else {
      in.reads(files);
    }
  }

  private static void tar(Invocation in) {
    List<Word> args = in.args;
    if (!args.isEmpty() && !args.get(0).text().startsWith("-") && args.get(0).isLiteral()) {
      Word first = args.get(0);
      java.util.ArrayList<Word> fixed = new java.util.ArrayList<>(args.size());
      fixed.add(new Word("-" + first.text(), first.flags(), first.substitutions()));
      fixed.addAll(args.subList(1, args.size()));
      args = fixed;
    }
    Args a =
        Args.parse(
            args,
            "fCbTXIKgLNV",
            Set.of(
                "--file",
                "--directory",
                "--exclude",
                "--files-from",
                "--use-compress-program",
                "--transform",
                "--to-command",
                "--checkpoint-action",
                "--owner",
                "--group"),
            false);
    if (a.has("--to-command", "--checkpoint-action", "-I", "--use-compress-program")) {
      execOption(in);
    }
    for (Word list : a.values("-T", "--files-from")) {
      // The member names come from a file: what is read or written is not known.
      in.cls(FS_READ);
      in.tag("dynamic");
      if (!list.text().equals("-")) {
        in.path(list);
      }
    }
    if (a.has("-x", "--extract", "--get")) {
      in.cls(FS_WRITE);
      if (a.has("-P", "--absolute-names")) {
        // Members named /etc/... or ../.. are written where they say, anywhere.
        in.tag("outside-project");
        in.tag("absolute-names");
        in.path(new Word("/", 0, List.of()));
      }
      in.readPaths(a.values("-f", "--file"));
      List<Word> dirs = a.values("-C", "--directory");
      if (dirs.isEmpty()) {
        String cwd = in.state.cwd;
        if (cwd != null) {
          in.writeFacts(cwd);
        }
      }
      for (Word d : dirs) {
        in.writePath(d);
      }
    } else if (a.has("-c", "--create", "-r", "--append", "-u", "--update")) {
      in.cls(FS_WRITE);
      for (Word f : a.values("-f", "--file")) {
        in.writePath(f);
      }
      in.readPaths(a.operands);
    } else {
      in.reads(a.values("-f", "--file"));
    }
  }

  /**
   * {@code getent}: the host databases ({@code hosts}, {@code ahosts*}) resolve names through DNS,
   * which carries data out; the other databases are local reads.
   */
  private static void getent(Invocation in) {
    Args a = in.parse("s", Set.of("--service"));
    String db = a.operandText(0);
    in.cls(FS_READ);
    if (db.equals("hosts") || db.startsWith("ahosts") || db.equals("networks")) {
      in.cls(NET_FETCH);
      for (Word w : a.operands.subList(1, a.operands.size())) {
        if (w.isLiteral()) {
          in.host(PathFacts.host(w.text()));
        } else {
          in.tag("dynamic");
        }
      }
    }
  }

  /**
   * Labels {@code echo}/{@code printf} of a credential variable ({@code $AWS_SECRET_ACCESS_KEY},
   * {@code ${GITHUB_TOKEN}}, {@code *_PASSWORD*}, {@code *_KEY}) secret: it prints the value.
   */
  private static void secretVariables(Invocation in) {
    for (Word w : in.args) {
      String t = w.text();
      int i = t.indexOf('$');
      while (i >= 0 && i + 1 < t.length()) {
        int start = t.charAt(i + 1) == '{' ? i + 2 : i + 1;
        int end = start;
        while (end < t.length()
            && (Character.isLetterOrDigit(t.charAt(end)) || t.charAt(end) == '_')) {
          end++;
        }
        if (isSecretVariable(t.substring(start, end))) {
          in.label("secret");
          return;
        }
        i = t.indexOf('$', end);
      }
    }
  }

  /**
   * True for a variable that holds a credential ({@code commands.txt}: {@code variable … secret},
   * such as {@code *TOKEN*}, {@code *_KEY}).
   */
  static boolean isSecretVariable(String name) {
    return !name.isEmpty()
        && table()
            .variableIs(name.toUpperCase(java.util.Locale.ROOT), CommandTableFile.Risk.SECRET);
  }

  /**
   * True for a variable whose value is, or names a file that holds, a credential ({@code
   * $GITHUB_TOKEN}, {@code $KUBECONFIG}): reading the file it names is reading a secret.
   */
  static boolean namesSecret(String name) {
    return isSecretVariable(name)
        || !name.isEmpty()
            && table()
                .variableIs(
                    name.toUpperCase(java.util.Locale.ROOT), CommandTableFile.Risk.SECRET_FILE);
  }

  private static void permissions(Invocation in) {
    Args a = in.parse("", Set.of("--reference", "--from"));
    boolean recursive = a.has("-R", "--recursive");
    if (recursive) {
      in.tag("recursive");
    }
    List<Word> ops = a.operands;
    if (ops.isEmpty()) {
      in.cls(FS_WRITE);
      return;
    }
    String mode = ops.get(0).text();
    if (in.name.equals("chmod")
        && (mode.contains("s") && (mode.contains("+") || mode.contains("="))
            || (mode.length() == 4 && "4567".indexOf(mode.charAt(0)) >= 0))) {
      in.cls(SYSTEM_MODIFY);
      in.tag("setuid");
    }
    String home = in.walk.ctx.home().orElse(null);
    String root = in.walk.ctx.cwd().orElse(null);
    in.cls(FS_WRITE);
    for (Word w : ops.subList(1, ops.size())) {
      String p = in.path(w);
      if (p == null) {
        continue;
      }
      if (recursive && PathFacts.isDestructiveRoot(p, home)) {
        in.cls(SYSTEM_DESTRUCTIVE);
      } else if (root == null || !PathFacts.isInside(p, root)) {
        in.cls(SYSTEM_MODIFY);
      }
    }
  }

  private static void dd(Invocation in) {
    in.cls(FS_READ);
    for (Word w : in.args) {
      String t = w.text();
      if (t.startsWith("of=")) {
        Word target = new Word(t.substring(3), w.flags(), w.substitutions());
        in.cls(FS_WRITE);
        in.writePath(target);
      } else if (t.startsWith("if=")) {
        in.path(new Word(t.substring(3), w.flags(), w.substitutions()));
      }
    }
  }

  private static void kill(Invocation in) {
    Args a = Args.parse(in.args);
    if (in.name.equals("kill")
        && !in.args.isEmpty()
        && (in.args.get(0).text().equals("-0")
            || in.args.get(0).text().equals("-l")
            || in.args.get(0).text().equals("-L")
            || in.args.get(0).text().equals("-s") && a.operandText(0).equals("0"))) {
      in.cls(FS_READ); // kill -0 PID asks whether the process exists; kill -l lists signals
      return;
    }
    for (Word w : in.args) {
      if (w.text().equals("-1") && in.name.equals("kill")) {
        in.cls(SYSTEM_DESTRUCTIVE);
        return;
      }
    }
    if (in.name.equals("killall") && !a.operands.isEmpty() && a.operandText(0).equals("-9")) {
      in.cls(SYSTEM_MODIFY);
    }
    in.cls(SHELL_EXEC);
  }

  /**
   * {@code trap CODE SIGNAL...}: the handler runs when the signal (or exit) comes, so it is
   * classified as the script it is ({@code trap 'rm -rf build' EXIT} deletes, {@code trap 'echo
   * interrupted' INT} reads); a handler computed at run time is unparseable. Listing, resetting or
   * ignoring signals is a read.
   */
  private static void trap(Invocation in) {
    in.cls(FS_READ);
    Args a = Args.parse(in.args);
    if (a.operands.isEmpty() || a.has("-l", "-p")) {
      return;
    }
    Word code = a.operands.get(0);
    if (a.operands.size() == 1
        || code.text().equals("-")
        || (code.isLiteral() && code.text().isEmpty())) {
      return; // trap SIG, trap - SIG, trap '' SIG: reset or ignore
    }
    in.nestedText(code);
  }

  /**
   * {@code alias NAME=BODY}: the body runs whenever NAME is typed later (with {@code shopt -s
   * expand_aliases}), so it is classified as a command of its own; a body with expansions is
   * unparseable. Listing aliases is a read.
   */
  private static void alias(Invocation in) {
    in.cls(FS_READ);
    for (Word w : Args.parse(in.args).operands) {
      int eq = w.text().indexOf('=');
      if (eq < 0) {
        continue;
      }
      in.cls(SHELL_EXEC);
      if (!w.isLiteral()) {
        in.unparseable("alias body with expansions");
        continue;
      }
      String body = w.text().substring(eq + 1);
      if (!body.isBlank()) {
        in.nested(body);
      }
    }
  }

  /** {@code shopt}: printing options is a read; setting or unsetting one changes the shell. */
  private static void shopt(Invocation in) {
    Args a = Args.parse(in.args);
    in.cls(a.has("-s", "-u") ? SHELL_EXEC : FS_READ);
  }

  private static final Set<String> SAFE_SET_OPTIONS =
      Set.of(
          "errexit",
          "nounset",
          "pipefail",
          "xtrace",
          "verbose",
          "noclobber",
          "errtrace",
          "functrace",
          "noglob",
          "noexec");

  /**
   * {@code set}: with no arguments it prints every variable (secrets included); {@code -e}, {@code
   * -u}, {@code -x}, {@code -o pipefail} and similar only make the script stricter or louder; any
   * other option changes how later commands are read ({@code -o posix} expands aliases).
   */
  private static void set(Invocation in) {
    in.cls(FS_READ);
    if (in.args.isEmpty()) {
      in.label("secret");
      return;
    }
    for (int i = 0; i < in.args.size(); i++) {
      Word w = in.args.get(i);
      String t = w.text();
      if (t.equals("--") || t.equals("-")) {
        return; // the rest are positional parameters
      }
      if (!w.isLiteral() || !(t.startsWith("-") || t.startsWith("+"))) {
        if (!w.isLiteral()) {
          in.cls(SHELL_EXEC);
        }
        return;
      }
      for (int k = 1; k < t.length(); k++) {
        char c = t.charAt(k);
        if (c == 'o') {
          if (i + 1 < in.args.size()) {
            Word opt = in.args.get(++i);
            if (!opt.isLiteral() || !SAFE_SET_OPTIONS.contains(opt.text())) {
              in.cls(SHELL_EXEC);
            }
          }
        } else if ("euxvCETfn".indexOf(c) < 0) {
          in.cls(SHELL_EXEC);
        }
      }
    }
  }

  /** {@code enable}: listing builtins is a read; loading one from a file runs its code. */
  private static void enable(Invocation in) {
    Args a = Args.parse(in.args, "fd", Set.of(), false);
    if (a.has("-f")) {
      in.cls(CODE_EXEC);
      for (Word f : a.values("-f")) {
        in.executedPath(f);
      }
      return;
    }
    in.cls(a.operands.isEmpty() ? FS_READ : SHELL_EXEC);
  }

  /**
   * {@code declare}, {@code typeset}, {@code export}, {@code readonly}: without names (or with
   * {@code -p} and no names) they print variables and their values, secrets included.
   */
  private static void declare(Invocation in) {
    in.cls(FS_READ);
    Args a = Args.parse(in.args);
    boolean functionsOnly = a.has("-f", "-F");
    if (!functionsOnly && (a.operands.isEmpty() || a.has("-p"))) {
      in.label("secret");
    }
  }

  /**
   * {@code eval WORD…}: the words joined are a script, classified as what it is ({@code eval ls}
   * reads); text computed at run time ({@code eval "$(cmd)"}, {@code eval "$x"} of a value the line
   * does not give) is unparseable.
   */
  private static void eval(Invocation in) {
    in.cls(FS_READ);
    in.tag("eval");
    StringBuilder sb = new StringBuilder();
    for (Word w : in.args) {
      if (!w.isLiteral()) {
        in.unparseable("eval of text computed at run time");
        if (in.substitutionFetched) {
          in.tag("fetch-exec");
        }
        return;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(w.text());
    }
    if (sb.length() > 0) {
      in.nested(sb.toString());
    }
  }

  private static void source(Invocation in) {
    Args a = Args.parse(in.args, "", Set.of(), true);
    if (a.operands.isEmpty()) {
      in.unparseable("source without a file");
      return;
    }
    scriptOperand(in, a.operands.get(0), a.operands.subList(1, a.operands.size()));
  }

  /**
   * Programs that, named as a pager or editor, only show text or do nothing: {@code GIT_PAGER=cat},
   * {@code git -c core.pager=cat}, {@code man -P cat}, {@code GIT_SEQUENCE_EDITOR=:}. With letter
   * options only ({@code less -R}); {@code less -k} (a key file that can set variables) and every
   * other program still run code.
   */
  private static final Set<String> PASSIVE_PROGRAMS =
      Set.of("cat", "less", "more", "most", ":", "true", "/bin/cat", "/usr/bin/cat", "/bin/true");

  /** True if a pager, editor or program value only shows text ({@link #PASSIVE_PROGRAMS}). */
  static boolean passiveProgram(String value) {
    String[] words = value.trim().split("\\s+");
    if (words.length == 0 || !PASSIVE_PROGRAMS.contains(words[0])) {
      return false;
    }
    for (int i = 1; i < words.length; i++) {
      if (!words[i].matches("-[A-JL-Za-z]+")) {
        return false;
      }
    }
    return true;
  }

  /** A script file and its arguments; see {@link #scriptOperand(Invocation, Word, List)}. */
  private static void scriptOperand(Invocation in, List<Word> args, int index) {
    scriptOperand(in, args.get(index), args.subList(index + 1, args.size()));
  }

  /**
   * A script file run by a shell or interpreter: the project's own files are build.run ({@link
   * Invocation#projectCode}), other local files shell.exec, computed ones code.exec.
   */
  private static void scriptOperand(Invocation in, Word script, List<Word> rest) {
    String t = script.text();
    if (script.has(ShellSyntax.PROCESS) || !script.isLiteral()) {
      in.cls(CODE_EXEC);
      if (in.substitutionFetched) {
        in.tag("fetch-exec");
      }
      return;
    }
    if (t.equals("/dev/stdin") || t.equals("-")) {
      in.codeFromStdin(in.name.endsWith("sh") || in.name.equals("source") || in.name.equals("."));
      return;
    }
    String p = in.path(script);
    if (p != null) {
      in.f.executed.add(p);
    }
    if (!in.projectCode(p, rest)) {
      in.cls(SHELL_EXEC);
    }
  }

  // ------------------------------------------------------------------ shells and interpreters

  private static final Set<String> SHELLS =
      Set.of(
          "sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "yash", "posh", "busybox",
          "rbash", "tcsh", "csh");

  private static final Map<String, String> CODE_FLAGS = new HashMap<>();

  static {
    CODE_FLAGS.put("python", "c");
    CODE_FLAGS.put("pypy", "c");
    CODE_FLAGS.put("node", "ep");
    CODE_FLAGS.put("nodejs", "ep");
    CODE_FLAGS.put("perl", "eE");
    CODE_FLAGS.put("ruby", "e");
    CODE_FLAGS.put("php", "r");
    CODE_FLAGS.put("lua", "e");
    CODE_FLAGS.put("luajit", "e");
    CODE_FLAGS.put("Rscript", "e");
    CODE_FLAGS.put("osascript", "e");
    CODE_FLAGS.put("julia", "eE");
    CODE_FLAGS.put("pwsh", "cC");
    CODE_FLAGS.put("powershell", "cC");
    CODE_FLAGS.put("tclsh", "");
    CODE_FLAGS.put("groovy", "e");
    CODE_FLAGS.put("elixir", "e");
    CODE_FLAGS.put("erl", "");
    CODE_FLAGS.put("scala", "e");
    CODE_FLAGS.put("kotlin", "e");
    CODE_FLAGS.put("jrunscript", "e");
  }

  private static final Set<String> PYTHON_BUILD_MODULES =
      Set.of(
          "pytest",
          "unittest",
          "mypy",
          "black",
          "ruff",
          "flake8",
          "pylint",
          "isort",
          "tox",
          "nox",
          "build",
          "coverage",
          "compileall",
          "py_compile",
          "doctest",
          "pyright",
          "pycodestyle",
          "pydocstyle",
          "bandit",
          "twine-check",
          "sphinx",
          "mkdocs",
          "nose2",
          "hypothesis",
          "timeit",
          "cProfile",
          "pdb",
          "json.tool",
          "tabnanny",
          "pyflakes");

  private static boolean shellOrInterpreter(Invocation in) {
    String n = in.name;
    if (SHELLS.contains(n)) {
      shell(in);
      return true;
    }
    String base = CODE_FLAGS.containsKey(n) ? n : stripVersion(n);
    if (!CODE_FLAGS.containsKey(base)) {
      return false;
    }
    String codeFlags = CODE_FLAGS.get(base);
    List<Word> args = in.args;
    boolean perlInPlace = false;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("--")) {
        break;
      }
      if (t.startsWith("--")) {
        if (t.equals("--eval")
            || t.startsWith("--eval=")
            || t.equals("--print")
            || t.equals("-Command")
            || t.equals("--command")) {
          in.cls(CODE_EXEC);
          return true;
        }
        if (base.equals("node")
            && (t.equals("--require")
                || t.equals("--import")
                || t.equals("--loader")
                || t.equals("--experimental-loader"))) {
          i++;
        }
        continue;
      }
      if (t.startsWith("-") && t.length() > 1) {
        if (base.equals("pwsh") || base.equals("powershell")) {
          String lower = t.toLowerCase(java.util.Locale.ROOT);
          if (lower.startsWith("-c") || lower.startsWith("-e")) {
            in.cls(CODE_EXEC);
            if (lower.startsWith("-e")) {
              in.tag("encoded");
            }
            return true;
          }
          continue;
        }
        if (base.equals("perl") && t.indexOf('i') > 0) {
          perlInPlace = true;
        }
        for (int k = 1; k < t.length(); k++) {
          if (codeFlags.indexOf(t.charAt(k)) >= 0) {
            Word code =
                k + 1 < t.length() ? w.slice(k + 1) : i + 1 < args.size() ? args.get(i + 1) : null;
            if (!perlInPlace && code != null && code.isLiteral() && readOnlyCode(in, base, code)) {
              return true; // python3 -c "import sys; print(sys.version)"
            }
            in.cls(CODE_EXEC);
            if (perlInPlace) {
              in.writePaths(operandsAfterCode(args, i));
            }
            return true;
          }
        }
        if (base.equals("python") && t.startsWith("-m")) {
          String module =
              t.length() > 2 ? t.substring(2) : i + 1 < args.size() ? args.get(i + 1).text() : "";
          pythonModule(in, module, args.subList(Math.min(i + 2, args.size()), args.size()));
          return true;
        }
        if (base.equals("perl") && (t.startsWith("-M") || t.startsWith("-I"))) {
          continue;
        }
        if (t.equals("-W") || t.equals("-X") || t.equals("-r") && base.equals("node")) {
          i++;
        }
        continue;
      }
      if (t.equals("-") && readOnlyStdin(in, base)) {
        return true; // python3 - <<'PY' … PY
      }
      scriptOperand(in, args, i);
      return true;
    }
    if (readOnlyStdin(in, base)) {
      return true;
    }
    in.codeFromStdin(false);
    return true;
  }

  /** The language {@link InlineCode} reads for an interpreter, or null. */
  private static String inlineLanguage(String base) {
    return switch (base) {
      case "python", "pypy" -> "python";
      case "node", "nodejs" -> "javascript";
      default -> null;
    };
  }

  /**
   * A one-liner {@link InlineCode} proves read-only is {@code fs.read} of the files it opens by
   * name (none: it only prints facts); anything else stays {@code code.exec}.
   */
  private static boolean readOnlyCode(Invocation in, String base, Word code) {
    String language = inlineLanguage(base);
    if (language == null) {
      return false;
    }
    java.util.Optional<List<String>> reads = InlineCode.readOnlyReads(language, code.text());
    if (reads.isEmpty()) {
      return false;
    }
    in.cls(FS_READ);
    for (String file : reads.get()) {
      in.readOperands(List.of(new Word(file, ShellSyntax.QUOTED, List.of())));
    }
    return true;
  }

  /** A program given on stdin as a literal here-document, examined like a one-liner. */
  private static boolean readOnlyStdin(Invocation in, String base) {
    for (ShellSyntax.Redirect r : in.redirects) {
      if (r.isHeredoc()
          && (r.quotedDelimiter || r.body.indexOf('$') < 0 && r.body.indexOf('`') < 0)) {
        return readOnlyCode(in, base, new Word(r.body, ShellSyntax.QUOTED, List.of()));
      }
    }
    return false;
  }

  private static List<Word> operandsAfterCode(List<Word> args, int codeFlagIndex) {
    int start = Math.min(codeFlagIndex + 2, args.size());
    return args.subList(start, args.size());
  }

  private static void pythonModule(Invocation in, String module, List<Word> rest) {
    String top =
        module.contains(".") && !module.equals("json.tool")
            ? module.substring(0, module.indexOf('.'))
            : module;
    if (module.equals("json.tool")) {
      in.reads(Args.parse(rest).operands); // python -m json.tool FILE prints FILE
      return;
    }
    if (PYTHON_BUILD_MODULES.contains(module) || PYTHON_BUILD_MODULES.contains(top)) {
      in.cls(BUILD_RUN);
      BuildCommands.tool(in, top, rest);
      return;
    }
    switch (top) {
      case "pip", "ensurepip", "pipx", "uv", "poetry" -> {
        Invocation pip =
            new Invocation(
                top,
                rest,
                in.walk,
                in.state,
                in.depth,
                in.stdinPiped,
                in.fetchedBefore,
                in.substitutionFetched,
                in.redirects);
        if (!PackageCommands.classify(pip)) {
          in.cls(PACKAGE_INSTALL);
        }
      }
      case "venv", "virtualenv" -> {
        in.cls(FS_WRITE);
        in.writePaths(Args.parse(rest).operands);
      }
      case "http" -> {
        in.cls(SHELL_EXEC);
        in.tag("server");
      }
      case "base64", "zipfile", "tarfile", "gzip" -> in.cls(FS_WRITE);
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static void shell(Invocation in) {
    List<Word> args = in.args;
    if (in.name.equals("busybox")) {
      if (args.isEmpty()) {
        in.cls(SHELL_EXEC);
        return;
      }
      in.nestedWords(args);
      return;
    }
    boolean command = false;
    boolean stdinScript = false;
    boolean noexec = false;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (stdinScript && !command) {
        break;
      }
      if (noexec && !command && !(w.isLiteral() && t.startsWith("-"))) {
        in.cls(FS_READ); // bash -n script: a syntax check, nothing runs
        in.readPaths(args.subList(i, args.size()));
        return;
      }
      if (!w.isLiteral() && !command) {
        scriptOperand(in, args, i);
        return;
      }
      if (t.equals("--") || t.equals("-")) {
        if (command || stdinScript) {
          continue;
        }
        if (i + 1 < args.size()) {
          scriptOperand(in, args, i + 1);
          return;
        }
        break;
      }
      if (t.equals("-o")
          || t.equals("-O")
          || t.equals("+o")
          || t.equals("+O")
          || t.equals("--rcfile")
          || t.equals("--init-file")) {
        i++;
        continue;
      }
      if (t.startsWith("--")) {
        continue;
      }
      if ((t.startsWith("-") || t.startsWith("+")) && t.length() > 1) {
        if (t.indexOf('c') > 0) {
          command = true;
        }
        if (t.indexOf('s') > 0 && t.charAt(0) == '-') {
          stdinScript = true;
        }
        if (t.indexOf('n') > 0 && t.charAt(0) == '-') {
          noexec = true;
        }
        continue;
      }
      if (command) {
        if (!w.isLiteral()) {
          in.unparseable("a shell -c script computed at run time");
          if (in.substitutionFetched) {
            in.tag("fetch-exec");
          }
          return;
        }
        in.nestedScript(t, args.subList(i + 1, args.size())); // bash -c SCRIPT NAME ARGS…
        return;
      }
      scriptOperand(in, args, i);
      return;
    }
    if (command) {
      in.unparseable("shell -c without a script");
      return;
    }
    if (!in.stdinPiped && !in.stdinIsHeredoc() && !in.stdinIsFile()) {
      in.cls(SHELL_EXEC);
      return;
    }
    in.codeFromStdin(true);
  }

  static boolean isContainerEscapeMount(String spec) {
    String src = spec;
    int colon = spec.indexOf(':');
    if (colon >= 0) {
      src = spec.substring(0, colon);
    }
    if (spec.startsWith("type=") || spec.contains("source=") || spec.contains("src=")) {
      for (String part : spec.split(",")) {
        if (part.startsWith("source=") || part.startsWith("src=")) {
          src = part.substring(part.indexOf('=') + 1);
        }
      }
    }
    String s = src.endsWith("/") && src.length() > 1 ? src.substring(0, src.length() - 1) : src;
    return s.contains("docker.sock")
        || s.contains("containerd.sock")
        || s.contains("podman.sock")
        || s.equals("/")
        || s.equals("/etc")
        || s.equals("/root")
        || s.equals("/proc")
        || s.equals("/sys")
        || s.equals("/dev")
        || s.equals("/var/run")
        || s.equals("/run")
        || s.equals("/boot")
        || s.equals("/var/lib/docker")
        || s.equals("/home");
  }

  static void markEscape(Invocation in, String what) {
    in.cls(CONTAINER_ESCAPE);
    in.tag(what);
  }
}

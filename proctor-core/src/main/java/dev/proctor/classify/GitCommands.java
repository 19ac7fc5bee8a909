package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.ACCESS_CHANGE;
import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.CONNECTOR_READ;
import static dev.proctor.classify.ClassNames.CONNECTOR_WRITE;
import static dev.proctor.classify.ClassNames.DATA_EXPORT;
import static dev.proctor.classify.ClassNames.FS_DELETE;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.NET_FETCH;
import static dev.proctor.classify.ClassNames.SHELL_EXEC;
import static dev.proctor.classify.ClassNames.SYSTEM_MODIFY;
import static dev.proctor.classify.ClassNames.VCS_HISTORY_REWRITE;
import static dev.proctor.classify.ClassNames.VCS_LOCAL;
import static dev.proctor.classify.ClassNames.VCS_PUSH;
import static dev.proctor.classify.ClassNames.WORKFLOW_INVOKE;

import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Set;

/**
 * {@code git} and {@code gh}. Read-only git commands are {@code fs.read}; local changes {@code
 * vcs.local}; commands that discard work or rewrite history {@code vcs.history_rewrite}; pushes
 * {@code vcs.push} with {@code remote} and {@code branch} targets, and a forced push is both {@code
 * vcs.push} and {@code vcs.history_rewrite} with the tag {@code force-push}.
 */
final class GitCommands {

  private GitCommands() {}

  private static final Set<String> READ =
      Set.of(
          "status",
          "log",
          "diff",
          "show",
          "blame",
          "annotate",
          "grep",
          "ls-files",
          "ls-tree",
          "ls-remote",
          "cat-file",
          "rev-parse",
          "rev-list",
          "describe",
          "shortlog",
          "show-ref",
          "for-each-ref",
          "name-rev",
          "merge-base",
          "whatchanged",
          "count-objects",
          "fsck",
          "verify-commit",
          "verify-tag",
          "verify-pack",
          "help",
          "version",
          "--version",
          "--help",
          "check-ignore",
          "check-attr",
          "var",
          "cherry",
          "range-diff",
          "diff-tree",
          "diff-files",
          "diff-index",
          "show-branch",
          "instaweb-help",
          "bugreport",
          "-v");

  private static final Set<String> LOCAL =
      Set.of(
          "add",
          "commit",
          "init",
          "merge",
          "cherry-pick",
          "revert",
          "mv",
          "rm",
          "apply",
          "am",
          "format-patch",
          "bisect",
          "notes",
          "worktree",
          "submodule",
          "sparse-checkout",
          "switch",
          "fetch",
          "pull",
          "remote",
          "tag",
          "branch",
          "stash",
          "restore",
          "checkout",
          "reset",
          "gc",
          "prune",
          "repack",
          "maintenance",
          "lfs",
          "rerere",
          "archive",
          "bundle",
          "citool",
          "gui",
          "update-index",
          "write-tree",
          "commit-tree",
          "read-tree",
          "hash-object",
          "mktag",
          "mktree",
          "pack-refs",
          "reflog",
          "update-ref",
          "symbolic-ref",
          "config",
          "clean",
          "push",
          "clone",
          "rebase",
          "filter-branch",
          "filter-repo",
          "replace",
          "credential",
          "send-email",
          "request-pull",
          "daemon",
          "hook",
          "stage",
          "column");

  /** Read subcommands whose operands may name files: pathspecs, {@code rev:path}. */
  private static final Set<String> PATH_READS =
      Set.of(
          "status",
          "log",
          "diff",
          "show",
          "blame",
          "annotate",
          "grep",
          "ls-files",
          "ls-tree",
          "cat-file",
          "whatchanged",
          "shortlog",
          "diff-tree",
          "diff-files",
          "diff-index",
          "difftool",
          "range-diff",
          "check-ignore",
          "check-attr",
          "rev-list");

  /**
   * Records the files a read subcommand shows: every operand may be a path (git takes pathspecs
   * without {@code --} when they exist, and {@code diff --no-index} compares any two files), and
   * {@code rev:path} or {@code :stage:path} names a file in a commit. Revisions recorded as paths
   * stay inside the project and cost nothing; a missed {@code .env} would.
   */
  private static void readPaths(Invocation g, String sub, List<Word> rest) {
    if (!PATH_READS.contains(sub)) {
      return;
    }
    boolean patternPending = sub.equals("grep");
    boolean afterDashes = false;
    for (int k = 0; k < rest.size(); k++) {
      Word w = rest.get(k);
      String t = w.text();
      if (!afterDashes && t.equals("--")) {
        afterDashes = true;
        continue;
      }
      if (!afterDashes && t.startsWith("-") && !w.has(ShellSyntax.DYNAMIC)) {
        if (sub.equals("grep") && (t.equals("-e") || t.equals("-f"))) {
          patternPending = false;
          k++;
        }
        continue;
      }
      if (patternPending && !afterDashes) {
        patternPending = false;
        continue;
      }
      String path = afterDashes ? null : revisionPath(t);
      if (path != null) {
        if (!path.isEmpty()) {
          g.readOperands(List.of(w.slice(t.length() - path.length())));
        }
        continue;
      }
      g.readOperands(List.of(w));
    }
  }

  /**
   * The file a {@code rev:path} or {@code :stage:path} revision names (empty for {@code rev:}), or
   * null if the text has no colon and names a commit, tree or branch only.
   */
  static String revisionPath(String t) {
    int colon = t.indexOf(':');
    if (colon < 0) {
      return null;
    }
    return t.length() > 3 && t.charAt(0) == ':' && t.charAt(2) == ':'
        ? t.substring(3)
        : t.substring(colon + 1);
  }

  static void git(Invocation in) {
    List<Word> args = in.args;
    ShellWalk.State st = in.state;
    // The directories git acts on when the options name them: -C, --git-dir, --work-tree.
    List<Word> repository = new java.util.ArrayList<>(2);
    boolean moved = false;
    int i = 0;
    while (i < args.size()) {
      String t = args.get(i).text();
      if (t.equals("-C") && i + 1 < args.size()) {
        ShellWalk.State s2 = st.copy();
        s2.cwd = in.walk.resolve(args.get(i + 1), st);
        st = s2;
        moved = true;
        i += 2;
      } else if (t.equals("-c") && i + 1 < args.size()) {
        configKey(in, args.get(i + 1).text());
        i += 2;
      } else if ((t.equals("--git-dir") || t.equals("--work-tree")) && i + 1 < args.size()) {
        repository.add(args.get(i + 1));
        i += 2;
      } else if (t.startsWith("--git-dir=") || t.startsWith("--work-tree=")) {
        Word w = args.get(i);
        repository.add(new Word(t.substring(t.indexOf('=') + 1), w.flags(), w.substitutions()));
        i++;
      } else if (t.equals("--namespace")
          || t.equals("--exec-path")
              && i + 1 < args.size()
              && !args.get(i + 1).text().startsWith("-")) {
        if (t.equals("--exec-path")) {
          in.cls(CODE_EXEC);
        }
        i += 2;
      } else if (t.startsWith("--exec-path=") || t.startsWith("--config-env")) {
        in.cls(CODE_EXEC);
        i++;
      } else if (t.startsWith("-")) {
        i++;
      } else {
        break;
      }
    }
    if (i >= args.size()) {
      in.cls(FS_READ);
      in.walk.workingDirectory(st);
      return;
    }
    Word subWord = args.get(i);
    String sub = subWord.text();
    if (moved || !repository.isEmpty()) {
      // git works in a directory other than the shell's: that directory is what it reads and
      // writes (a repository made in Proctor's data directory is a way to copy its keys out).
      in.walk.workingDirectory(st);
      for (Word w : repository) {
        String p = in.walk.path(w, st);
        if (p != null && !READ.contains(sub)) {
          in.writeFacts(p);
        }
      }
      if (st.cwd != null && !READ.contains(sub)) {
        in.writeFacts(st.cwd);
      }
    }
    List<Word> rest = args.subList(i + 1, args.size());
    Invocation g =
        st == in.state
            ? in
            : new Invocation(
                "git",
                rest,
                in.walk,
                st,
                in.depth,
                in.stdinPiped,
                in.fetchedBefore,
                in.substitutionFetched,
                in.redirects);
    if (!subWord.isLiteral()) {
      in.unparseable("git subcommand computed at run time");
      return;
    }
    if (sub.equals("difftool") || sub.equals("mergetool")) {
      // A configured or given tool (-x, --extcmd, -t, diff.tool) is a program git runs.
      in.cls(CODE_EXEC);
      in.tag("exec-option");
      in.walk.workingDirectory(st);
      return;
    }
    if (READ.contains(sub)) {
      in.cls(FS_READ);
      in.walk.workingDirectory(st);
      if (sub.equals("ls-remote")) {
        in.cls(NET_FETCH);
      }
      Args a = Args.parse(rest, "", Set.of("--output"), false);
      if (a.has("--output")) {
        in.cls(FS_WRITE);
        for (Word out : a.values("--output")) {
          in.writePath(out);
        }
      }
      if (sub.equals("diff") && a.has("--ext-diff")) {
        in.cls(CODE_EXEC);
      }
      if (sub.equals("grep") && a.has("-O", "--open-files-in-pager")) {
        in.cls(CODE_EXEC);
        in.tag("exec-option");
      }
      readPaths(g, sub, rest);
      return;
    }
    if (!LOCAL.contains(sub)) {
      in.cls(SHELL_EXEC);
      in.tag("unknown-command");
      return;
    }
    Args a =
        Args.parse(
            rest,
            "mFCcSuObBtoX",
            Set.of(
                "--message",
                "--file",
                "--author",
                "--date",
                "--onto",
                "--strategy",
                "--strategy-option",
                "--exec",
                "--upload-pack",
                "--receive-pack",
                "--repo",
                "--push-option",
                "--origin",
                "--branch",
                "--depth",
                "--reference",
                "--template",
                "--separate-git-dir",
                "--config",
                "--format",
                "--index-filter",
                "--tree-filter",
                "--msg-filter",
                "--env-filter",
                "--commit-filter",
                "--parent-filter",
                "--subdirectory-filter",
                "--tag-name-filter",
                "--prefix",
                "--output",
                "--output-directory",
                "--directory",
                "--remote"),
            false);
    switch (sub) {
      case "push" ->
          push(
              g,
              Args.parse(
                  rest, "o", Set.of("--repo", "--push-option", "--receive-pack", "--exec"), false));
      case "clone" -> clone(g, a);
      case "reset" -> {
        in.cls(a.has("--hard", "--merge", "--keep") ? VCS_HISTORY_REWRITE : VCS_LOCAL);
        if (a.has("--hard")) {
          in.tag("discard-changes");
        }
      }
      case "rebase" -> {
        if (a.has("--abort", "--continue", "--skip", "--quit", "--show-current-patch")) {
          in.cls(VCS_LOCAL);
        } else {
          in.cls(VCS_HISTORY_REWRITE);
          if (a.has("--exec", "-x")) {
            in.cls(SHELL_EXEC);
          }
        }
      }
      case "filter-branch", "filter-repo", "replace" -> {
        in.cls(VCS_HISTORY_REWRITE);
        if (sub.equals("filter-branch")) {
          in.cls(SHELL_EXEC);
        }
      }
      case "commit" -> {
        in.cls(VCS_LOCAL);
        if (a.has("--amend")) {
          in.tag("amend");
        }
        if (a.has("--no-verify", "-n")) {
          in.tag("no-verify");
        }
        messageFiles(g, a, true);
        pathspecSource(g, a);
        for (Word w : a.operands) {
          g.path(w);
        }
      }
      case "checkout", "restore" -> {
        boolean discard =
            sub.equals("restore") && !a.has("--staged", "-S")
                || a.has("-f", "--force")
                || rest.stream().anyMatch(w -> w.text().equals("--"))
                || (sub.equals("checkout")
                    && a.operands.size() == 1
                    && a.operandText(0).equals("."));
        if (sub.equals("restore") && a.has("--staged", "-S") && !a.has("--worktree", "-W")) {
          discard = false;
        }
        in.cls(discard ? VCS_HISTORY_REWRITE : VCS_LOCAL);
        if (discard) {
          in.tag("discard-changes");
        }
        pathspecSource(g, a);
        // Every operand may be a file restored from the index or a commit (git checkout main
        // .mcp.json, git checkout .mcp.json); a branch name recorded as a project path costs
        // nothing.
        for (Word w : a.operands) {
          g.writePath(w);
        }
      }
      case "clean" -> {
        in.cls(a.has("-n", "--dry-run") ? FS_READ : FS_DELETE);
        if (a.has("-f", "--force")) {
          in.tag("force");
        }
        if (a.has("-d")) {
          in.tag("recursive");
        }
      }
      case "branch" -> {
        in.cls(VCS_LOCAL);
        if (a.has("-D") || (a.has("-d", "--delete") && a.has("-f", "--force"))) {
          in.cls(VCS_HISTORY_REWRITE);
        }
      }
      case "stash" -> {
        String verb = a.operandText(0);
        in.cls(verb.equals("drop") || verb.equals("clear") ? VCS_HISTORY_REWRITE : VCS_LOCAL);
      }
      case "reflog" -> {
        String verb = a.operandText(0);
        in.cls(verb.equals("expire") || verb.equals("delete") ? VCS_HISTORY_REWRITE : FS_READ);
      }
      case "gc", "prune" -> {
        in.cls(VCS_LOCAL);
        for (Args.Opt o : a.options) {
          if (o.name().startsWith("--prune") || o.name().equals("--expire")) {
            in.cls(VCS_HISTORY_REWRITE);
          }
        }
      }
      case "update-ref" -> in.cls(a.has("-d") ? VCS_HISTORY_REWRITE : VCS_LOCAL);
      case "config" ->
          config(
              g,
              Args.parse(
                  rest,
                  "f",
                  Set.of("--file", "--blob", "--type", "--default", "--comment"),
                  false));
      case "init" -> {
        in.cls(VCS_LOCAL);
        if (a.has("--template")) {
          // The template directory's hooks are copied into .git/hooks and run on the next commit.
          in.cls(CODE_EXEC);
          in.tag("exec-option");
        }
        List<Word> dirs = new java.util.ArrayList<>(a.values("--separate-git-dir"));
        dirs.addAll(a.operands);
        for (Word d : dirs) {
          g.cls(FS_WRITE);
          g.writePath(d);
        }
      }
      case "mv" -> {
        in.cls(VCS_LOCAL);
        pathspecSource(g, a);
        List<Word> ops = a.operands;
        if (!ops.isEmpty()) {
          g.cls(FS_WRITE);
          for (Word src : ops.subList(0, ops.size() - 1)) {
            g.path(src);
          }
          g.writePath(ops.get(ops.size() - 1));
        }
      }
      case "rm" -> {
        boolean cached = a.has("--cached");
        in.cls(cached ? VCS_LOCAL : FS_DELETE);
        if (a.has("-r")) {
          in.tag("recursive");
        }
        pathspecSource(g, a);
        for (Word w : a.operands) {
          g.path(w);
        }
      }
      case "add", "stage" -> {
        in.cls(VCS_LOCAL);
        pathspecSource(g, a);
        for (Word w : a.operands) {
          g.path(w);
        }
      }
      case "am" -> {
        in.cls(VCS_LOCAL);
        g.readPaths(a.operands);
      }
      case "tag", "merge", "notes" -> {
        in.cls(VCS_LOCAL);
        messageFiles(g, a, false);
      }
      case "fetch", "pull" -> {
        in.cls(VCS_LOCAL);
        if (a.has("--upload-pack")) {
          in.cls(CODE_EXEC);
        }
        Word remote = a.operand(0);
        if (remote != null) {
          remote(in, remote);
          if (remote.text().contains("://") || remote.text().contains(":")) {
            in.cls(NET_FETCH); // from a URL rather than a configured remote
          }
        }
      }
      case "remote" -> {
        in.cls(
            a.operands.isEmpty()
                    || a.operandText(0).equals("show")
                    || a.operandText(0).equals("get-url")
                ? FS_READ
                : VCS_LOCAL);
        String verb = a.operandText(0);
        if (verb.equals("add") || verb.equals("set-url") || verb.equals("rename")) {
          // Where later pushes go: a remote that is not origin or upstream, or a new URL.
          in.tag("remote-change");
        }
        for (Word w : a.operands.subList(Math.min(1, a.operands.size()), a.operands.size())) {
          String t = w.text();
          if (t.contains("://") || t.contains("@") || t.contains(":")) {
            repositoryLocation(in, w);
          }
        }
      }
      case "submodule" -> submodule(g, rest);
      case "bisect" -> in.cls(a.operandText(0).equals("run") ? SHELL_EXEC : VCS_LOCAL);
      case "credential" -> {
        in.cls(a.operandText(0).equals("fill") ? FS_READ : ACCESS_CHANGE);
        in.label("secret");
      }
      case "send-email", "request-pull" -> in.cls(DATA_EXPORT);
      case "daemon" -> {
        in.cls(DATA_EXPORT);
        in.tag("server");
      }
      case "hook" -> in.cls(SHELL_EXEC);
      case "format-patch" -> {
        in.cls(VCS_LOCAL);
        List<Word> dirs = a.values("-o", "--output-directory");
        if (!dirs.isEmpty()) {
          in.cls(FS_WRITE);
          for (Word d : dirs) {
            in.writePath(d);
          }
        }
      }
      case "bundle" -> {
        in.cls(VCS_LOCAL);
        if (a.operandText(0).equals("create") && a.operands.size() > 1) {
          in.cls(FS_WRITE);
          in.writePath(a.operands.get(1));
        }
      }
      case "apply" -> {
        in.cls(VCS_LOCAL);
        if (a.has("--unsafe-paths")) {
          // Lets the patch write outside the work tree.
          in.cls(FS_WRITE);
          in.tag("unsafe-paths");
          in.tag("outside-project");
        }
        for (Word d : a.values("--directory")) {
          in.cls(FS_WRITE);
          in.writePath(d);
        }
        g.readPaths(a.operands);
      }
      case "archive" -> {
        in.cls(FS_WRITE);
        for (Word out : a.values("-o", "--output")) {
          in.writePath(out);
        }
        if (a.has("--remote")) {
          in.cls(NET_FETCH);
        }
      }
      case "lfs" -> {
        String verb = a.operandText(0);
        in.cls(verb.equals("push") ? VCS_PUSH : VCS_LOCAL);
      }
      case "worktree" -> {
        in.cls(VCS_LOCAL);
        if (a.operandText(0).equals("add") && a.operands.size() > 1) {
          in.cls(FS_WRITE);
          in.writePath(a.operands.get(1));
        }
        if (a.operandText(0).equals("remove") && a.has("-f", "--force")) {
          in.cls(FS_DELETE);
        }
      }
      default -> in.cls(VCS_LOCAL);
    }
  }

  /** {@code --pathspec-from-file} reads the paths from a file or stdin: they are not known. */
  private static void pathspecSource(Invocation in, Args a) {
    for (Args.Opt o : a.options) {
      if (o.name().equals("--pathspec-from-file")) {
        in.tag("dynamic");
        if (o.value() != null && !o.value().text().equals("-")) {
          in.path(o.value());
        }
      }
    }
  }

  /**
   * Records the message and template files of commit, tag, merge and notes ({@code -F}, {@code
   * --file}, {@code --template}, commit's {@code -t}) as read paths: their text goes into history.
   */
  private static void messageFiles(Invocation in, Args a, boolean commit) {
    List<Word> files =
        commit ? a.values("-F", "--file", "--template", "-t") : a.values("-F", "--file");
    for (Word w : files) {
      if (!w.text().equals("-")) {
        in.path(w);
      }
    }
  }

  /**
   * {@code git submodule}: {@code add URL PATH} clones a repository into PATH; {@code foreach CMD}
   * runs CMD in a shell in every submodule.
   */
  private static void submodule(Invocation in, List<Word> rest) {
    Args a =
        Args.parse(
            rest, "b", Set.of("--branch", "--name", "--reference", "--depth", "--jobs"), false);
    String verb = a.operandText(0);
    in.cls(VCS_LOCAL);
    if (verb.equals("add") && a.operands.size() > 1) {
      in.cls(NET_FETCH);
      in.fetched();
      Word url = a.operands.get(1);
      repositoryLocation(in, url);
      // Without PATH the submodule goes where the URL's last segment says (x.git -> x).
      Word path = a.operands.size() > 2 ? a.operands.get(2) : humanishName(url);
      in.cls(FS_WRITE);
      in.writePath(path);
    } else if (verb.equals("foreach")) {
      List<Word> cmd = a.operands.subList(1, a.operands.size());
      if (cmd.isEmpty() || !cmd.stream().allMatch(Word::isLiteral)) {
        in.cls(SHELL_EXEC);
        in.tag("dynamic");
        return;
      }
      StringBuilder script = new StringBuilder();
      for (Word w : cmd) {
        script.append(script.length() == 0 ? "" : " ").append(w.text());
      }
      in.nested(script.toString());
    }
  }

  /** The directory git derives from a repository URL: its last segment without {@code .git}. */
  private static Word humanishName(Word url) {
    String t = url.text();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.endsWith(".git")) {
      t = t.substring(0, t.length() - 4);
    }
    int cut = Math.max(t.lastIndexOf('/'), t.lastIndexOf(':'));
    String name = t.substring(cut + 1);
    return new Word(name.isEmpty() ? "." : name, url.flags() & ~ShellSyntax.TILDE, List.of());
  }

  private static void configKey(Invocation in, String keyValue) {
    int eq = keyValue.indexOf('=');
    String key = (eq < 0 ? keyValue : keyValue.substring(0, eq)).toLowerCase(java.util.Locale.ROOT);
    String value = eq < 0 ? "" : keyValue.substring(eq + 1);
    if (CommandTable.table().gitConfigRunsProgram(key)
        && !(eq >= 0 && CommandTable.passiveProgram(value))) {
      // The value is a command git runs later (commands.txt lists the keys: pagers, drivers,
      // filters, textconv, credential helpers, ssh commands, editors, browsers ...).
      in.cls(CODE_EXEC);
      in.tag("git-config-exec");
      return;
    }
    if (key.startsWith("remote.") && (key.endsWith(".url") || key.endsWith(".pushurl"))
        || key.startsWith("url.")) {
      // Redirects where pushes and fetches go.
      in.tag("remote-change");
      String location =
          key.startsWith("url.") ? key.substring(4, Math.max(4, key.lastIndexOf('.'))) : value;
      if (!location.isEmpty()) {
        repositoryLocation(in, new Word(location, 0, List.of()));
      }
    }
    if ((key.startsWith("http.") || key.startsWith("remote.")) && key.endsWith(".proxy")) {
      // Fetches and pushes go through this host: the allowlist applies to it as well.
      in.tag("remote-change");
      if (!value.isEmpty()) {
        in.host(PathFacts.host(value));
      }
    }
    if (key.startsWith("alias.") && value.startsWith("!")) {
      in.cls(CODE_EXEC);
      in.tag("git-config-exec");
    }
  }

  private static final Set<String> CONFIG_READ_FLAGS =
      Set.of(
          "--get",
          "--get-all",
          "--get-regexp",
          "--list",
          "-l",
          "--get-urlmatch",
          "--show-origin",
          "--show-scope",
          "--name-only");

  private static void config(Invocation in, Args a) {
    boolean read =
        a.operands.size() <= 1 || a.operandText(0).equals("get") || a.operandText(0).equals("list");
    for (Args.Opt o : a.options) {
      if (CONFIG_READ_FLAGS.contains(o.name())) {
        read = true;
      }
      if (o.name().equals("--unset")
          || o.name().equals("--unset-all")
          || o.name().equals("--add")
          || o.name().equals("--replace-all")) {
        read = false;
      }
    }
    List<Word> files = a.values("-f", "--file");
    if (read) {
      in.cls(FS_READ);
      for (Word f : files) {
        in.path(f);
      }
      if (printsSecrets(a, files)) {
        in.label("secret");
      }
      return;
    }
    in.cls(VCS_LOCAL);
    for (Word f : files) {
      in.cls(FS_WRITE);
      in.writePath(f);
    }
    List<Word> ops = a.operands;
    if (ops.isEmpty()) {
      return;
    }
    int keyIndex = ops.size() >= 3 && ops.get(0).text().equals("set") ? 1 : 0;
    String value = keyIndex + 1 < ops.size() ? ops.get(keyIndex + 1).text() : "";
    configKey(in, ops.get(keyIndex).text() + "=" + value);
    if (a.has("--global") && files.isEmpty()) {
      // ~/.gitconfig applies to every repository of the user: a write outside the project.
      in.cls(FS_WRITE);
      String home = in.walk.ctx.home().orElse(null);
      if (home != null) {
        in.writePath(new Word(home + "/.gitconfig", 0, List.of()));
      } else {
        in.tag("outside-project");
      }
    }
    if (a.has("--system")) {
      in.cls(SYSTEM_MODIFY);
    }
  }

  /** Key fragments of settings that hold credentials: {@code http.extraheader}, tokens. */
  private static final List<String> SECRET_KEY_PARTS =
      List.of("extraheader", "token", "password", "secret");

  /**
   * True if a config read prints every setting ({@code -l}, {@code --list}, {@code list}, {@code
   * --get-regexp}, {@code --get-urlmatch}, {@code --show-origin}), which includes credentials such
   * as {@code http.extraheader}, or reads a key that holds one. A listing of a named file that is
   * not a git config file ({@code -f .gitmodules}) is not; the file's own path is checked.
   */
  private static boolean printsSecrets(Args a, List<Word> files) {
    boolean configFile =
        files.isEmpty() && !a.has("--blob")
            || files.stream()
                .anyMatch(
                    f ->
                        f.has(ShellSyntax.DYNAMIC)
                            || f.text().toLowerCase(java.util.Locale.ROOT).endsWith("config"));
    if (configFile
        && (a.has("-l", "--list", "--get-regexp", "--get-urlmatch", "--show-origin", "--regexp")
            || a.operandText(0).equals("list"))) {
      return true;
    }
    for (Word w : a.operands) {
      String key = w.text().toLowerCase(java.util.Locale.ROOT);
      for (String part : SECRET_KEY_PARTS) {
        if (key.contains(part)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void push(Invocation in, Args a) {
    in.cls(VCS_PUSH);
    boolean force = a.has("-f", "--force", "--force-if-includes", "--mirror");
    for (Args.Opt o : a.options) {
      if (o.name().startsWith("--force-with-lease")) {
        force = true;
      }
    }
    if (a.has("--delete", "-d")) {
      in.tag("delete-branch");
      in.cls(VCS_HISTORY_REWRITE);
    }
    if (a.has("--all", "--mirror", "--tags", "--branches")) {
      in.tag("all-branches");
    }
    if (a.has("--all", "--mirror", "--branches", "--prune")) {
      // Every branch, or deleting remote branches without a local one: no branch is written out.
      in.tag("unresolved-ref");
    }
    if (a.has("--no-verify")) {
      in.tag("no-verify");
    }
    if (a.has("--receive-pack", "--exec")) {
      in.cls(CODE_EXEC);
    }
    List<Word> ops = a.operands;
    List<Word> repo = a.values("--repo");
    for (Word r : repo) {
      remote(in, r);
    }
    List<Word> specs = ops;
    if (repo.isEmpty() && !ops.isEmpty()) {
      remote(in, ops.get(0));
      specs = ops.subList(1, ops.size());
    }
    if (specs.isEmpty() && !a.has("--all", "--mirror", "--tags", "--branches")) {
      in.tag("implicit-branch");
    }
    for (Word w : specs) {
      String spec = w.text();
      if (!w.isLiteral()) {
        in.tag("dynamic");
        in.tag("unresolved-ref");
      }
      if (spec.startsWith("+")) {
        force = true;
        spec = spec.substring(1);
      }
      if (spec.equals(":")) {
        in.tag("all-branches");
        in.tag("unresolved-ref");
        continue;
      }
      int colon = spec.lastIndexOf(':');
      String dst = colon >= 0 ? spec.substring(colon + 1) : spec;
      if (colon == 0) {
        in.tag("delete-branch");
        in.cls(VCS_HISTORY_REWRITE);
      }
      if (dst.equals("HEAD") || dst.isEmpty()) {
        in.tag("implicit-branch");
        continue;
      }
      String branch = branchOf(dst);
      if (branch == null) {
        in.tag("unresolved-ref");
        in.target(Target.Kind.BRANCH, dst);
      } else {
        in.target(Target.Kind.BRANCH, branch);
        if (!branch.equals(dst) && !dst.startsWith("refs/heads/")
            || branch.equals(dst) && RELEASE_TAG.matcher(dst).matches()) {
          // git pushes the tag when one of that name exists: v3.0.0 is a release, not a branch.
          in.tag("unresolved-ref");
        }
      }
    }
    if (force) {
      in.tag("force-push");
      in.cls(VCS_HISTORY_REWRITE);
    }
  }

  /** A name shaped like a release tag ({@code v3.0.0}, {@code 1.4.2-rc1}). */
  private static final java.util.regex.Pattern RELEASE_TAG =
      java.util.regex.Pattern.compile("v?[0-9]+(\\.[0-9]+)+([-+][0-9A-Za-z.-]+)?");

  /**
   * The branch a push destination names: a plain name or {@code refs/heads/<name>}; {@code
   * heads/<name>} also names a branch (git expands it) but is flagged by the caller. Null for
   * anything else: wildcards, tags, other refs, revision expressions.
   */
  private static String branchOf(String dst) {
    if (dst.indexOf('*') >= 0
        || dst.indexOf('^') >= 0
        || dst.indexOf('~') >= 0
        || dst.indexOf('@') >= 0
        || dst.indexOf(':') >= 0
        || dst.indexOf('?') >= 0
        || dst.indexOf('[') >= 0
        || dst.indexOf('\\') >= 0
        || dst.startsWith("-")) {
      return null;
    }
    String name = dst;
    if (name.startsWith("refs/heads/")) {
      name = name.substring("refs/heads/".length());
    } else if (name.startsWith("heads/")) {
      name = name.substring("heads/".length());
    } else if (name.startsWith("refs/")
        || name.startsWith("tags/")
        || name.startsWith("remotes/")
        || name.startsWith("notes/")) {
      return null;
    }
    return name.isEmpty() || name.startsWith("/") || name.endsWith("/") ? null : name;
  }

  /**
   * Records the remote of a push, fetch or remote command: a name becomes a {@code remote} target;
   * a URL or {@code user@host:path} also a {@code url} and its {@code domain}; a local path a
   * {@code path}.
   */
  private static void remote(Invocation in, Word w) {
    String t = w.text();
    if (!w.isLiteral()) {
      in.tag("dynamic");
    }
    in.target(Target.Kind.REMOTE, t);
    repositoryLocation(in, w);
  }

  /** Adds url and domain targets for a repository URL, or a path target for a local one. */
  private static void repositoryLocation(Invocation in, Word w) {
    String t = w.text();
    if (t.contains("://")) {
      in.url(w);
      if (t.startsWith("ext::") || t.startsWith("fd::")) {
        in.cls(CODE_EXEC);
      }
      return;
    }
    if (t.startsWith("ext::")) {
      in.cls(CODE_EXEC);
      in.target(Target.Kind.URL, t);
      return;
    }
    int colon = t.indexOf(':');
    int slash = t.indexOf('/');
    if (colon > 0 && (slash < 0 || colon < slash)) {
      // scp-like user@host:path or host:path
      int at = t.lastIndexOf('@', colon);
      String host = t.substring(at + 1, colon).toLowerCase(java.util.Locale.ROOT);
      in.target(Target.Kind.URL, t);
      in.host(host);
      return;
    }
    if (t.startsWith("/") || t.startsWith(".") || t.startsWith("~")) {
      in.path(w);
    }
  }

  private static void clone(Invocation in, Args a) {
    in.cls(NET_FETCH);
    in.cls(VCS_LOCAL);
    in.fetched();
    if (a.has("--upload-pack", "-u", "--template")) {
      in.cls(CODE_EXEC);
    }
    for (Word c : a.values("-c", "--config")) {
      configKey(in, c.text());
    }
    List<Word> ops = a.operands;
    if (!ops.isEmpty()) {
      Word src = ops.get(0);
      String t = src.text();
      int colon = t.indexOf(':');
      int slash = t.indexOf('/');
      if (t.contains("://") || t.startsWith("ext::") || colon > 0 && (slash < 0 || colon < slash)) {
        repositoryLocation(in, src);
      } else {
        in.path(src);
      }
      if (ops.size() > 1) {
        in.cls(FS_WRITE);
        in.writePath(ops.get(1));
      }
    }
  }

  // ------------------------------------------------------------------ GitHub CLI

  private static final Set<String> GH_READ_VERBS =
      Set.of(
          "list",
          "view",
          "status",
          "diff",
          "checks",
          "search",
          "browse",
          "watch",
          "ls",
          "download",
          "verify",
          "--version",
          "version",
          "help",
          "issues",
          "prs",
          "repos",
          "code",
          "commits");

  static void gh(Invocation in) {
    Args a =
        in.parse(
            "RqtXfFHpjLsSbBlAaeuo",
            Set.of(
                "--repo",
                "--jq",
                "--template",
                "--method",
                "--field",
                "--raw-field",
                "--header",
                "--input",
                "--hostname",
                "--body",
                "--title",
                "--base",
                "--head",
                "--label",
                "--assignee",
                "--reviewer",
                "--milestone",
                "--state",
                "--limit",
                "--json",
                "--search",
                "--body-file",
                "--branch",
                "--ref",
                "--env",
                "--org",
                "--visibility",
                "--cache"));
    String group = a.operandText(0);
    String verb = a.operandText(1);
    for (Word r : a.values("-R", "--repo")) {
      in.target(Target.Kind.RESOURCE, r.text());
    }
    switch (group) {
      case "auth" -> {
        if (verb.equals("status")) {
          in.cls(FS_READ);
          if (a.has("-t", "--show-token")) {
            in.label("secret");
          }
        } else if (verb.equals("token")) {
          in.cls(FS_READ);
          in.label("secret");
        } else {
          in.cls(ACCESS_CHANGE);
        }
      }
      case "secret", "ssh-key", "gpg-key" -> {
        in.cls(verb.equals("list") ? CONNECTOR_READ : ACCESS_CHANGE);
        if (!verb.equals("list")) {
          in.label("secret");
        }
      }
      case "api" -> {
        String method = "GET";
        for (Word m : a.values("-X", "--method")) {
          method = m.text().toUpperCase(java.util.Locale.ROOT);
        }
        boolean fields = a.has("-f", "-F", "--field", "--raw-field", "--input");
        if (fields && method.equals("GET") && a.values("-X", "--method").isEmpty()) {
          method = "POST";
        }
        in.cls(method.equals("GET") || method.equals("HEAD") ? CONNECTOR_READ : CONNECTOR_WRITE);
        in.host("api.github.com");
      }
      case "workflow", "run" -> {
        if (verb.equals("run")
            || verb.equals("rerun")
            || verb.equals("enable")
            || verb.equals("disable")
            || verb.equals("cancel")) {
          in.cls(WORKFLOW_INVOKE);
        } else if (verb.equals("delete")) {
          in.cls(CONNECTOR_WRITE);
        } else {
          in.cls(CONNECTOR_READ);
        }
      }
      case "repo" -> {
        switch (verb) {
          case "clone" -> {
            in.cls(NET_FETCH);
            in.cls(VCS_LOCAL);
            in.fetched();
          }
          case "delete",
              "archive",
              "rename",
              "edit",
              "create",
              "fork",
              "sync",
              "set-default",
              "unarchive",
              "deploy-key" ->
              in.cls(CONNECTOR_WRITE);
          default ->
              in.cls(
                  GH_READ_VERBS.contains(verb) || verb.isEmpty()
                      ? CONNECTOR_READ
                      : CONNECTOR_WRITE);
        }
      }
      case "gist" ->
          in.cls(
              verb.equals("create") || verb.equals("edit")
                  ? DATA_EXPORT
                  : GH_READ_VERBS.contains(verb) ? CONNECTOR_READ : CONNECTOR_WRITE);
      case "extension", "ext" ->
          in.cls(
              verb.equals("install") || verb.equals("upgrade")
                  ? ClassNames.PACKAGE_INSTALL
                  : verb.equals("list") ? FS_READ : SHELL_EXEC);
      case "codespace", "cs" ->
          in.cls(
              verb.equals("ssh")
                  ? SHELL_EXEC
                  : GH_READ_VERBS.contains(verb) ? CONNECTOR_READ : CONNECTOR_WRITE);
      case "config", "alias" -> {
        in.cls(verb.equals("get") || verb.equals("list") ? FS_READ : FS_WRITE);
        String key = a.operandText(2).toLowerCase(java.util.Locale.ROOT);
        if (group.equals("config") && key.contains("token")) {
          in.label("secret"); // gh config get oauth_token prints the token
        }
      }
      case "", "help", "version", "--version", "completion" -> in.cls(FS_READ);
      case "pr" -> {
        if (verb.equals("checkout")) {
          in.cls(VCS_LOCAL);
          in.cls(NET_FETCH);
        } else if (verb.equals("merge")) {
          in.cls(CONNECTOR_WRITE);
          in.cls(VCS_PUSH);
        } else {
          in.cls(GH_READ_VERBS.contains(verb) ? CONNECTOR_READ : CONNECTOR_WRITE);
        }
      }
      default -> {
        if (GH_READ_VERBS.contains(group)) {
          in.cls(CONNECTOR_READ);
        } else {
          in.cls(GH_READ_VERBS.contains(verb) ? CONNECTOR_READ : CONNECTOR_WRITE);
        }
      }
    }
  }
}

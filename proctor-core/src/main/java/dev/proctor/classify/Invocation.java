package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.ACCESS_CHANGE;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.SYSTEM_DESTRUCTIVE;
import static dev.proctor.classify.ClassNames.SYSTEM_MODIFY;

import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Redirect;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;

/**
 * One simple command after its wrappers were removed, with everything a command handler needs: the
 * name and arguments, where it runs, what it is connected to, and where to record findings.
 */
final class Invocation {

  final String name;
  final List<Word> args;
  final ShellWalk walk;
  final Findings f;
  final ShellWalk.State state;
  final int depth;
  final boolean stdinPiped;
  final boolean fetchedBefore;
  final boolean substitutionFetched;
  final List<Redirect> redirects;

  Invocation(
      String name,
      List<Word> args,
      ShellWalk walk,
      ShellWalk.State state,
      int depth,
      boolean stdinPiped,
      boolean fetchedBefore,
      boolean substitutionFetched,
      List<Redirect> redirects) {
    this.name = name;
    this.args = args;
    this.walk = walk;
    this.f = walk.findings;
    this.state = state;
    this.depth = depth;
    this.stdinPiped = stdinPiped;
    this.fetchedBefore = fetchedBefore;
    this.substitutionFetched = substitutionFetched;
    this.redirects = redirects;
  }

  void cls(String c) {
    f.cls(c);
  }

  void tag(String t) {
    f.tag(t);
  }

  void label(String l) {
    f.label(l);
  }

  void target(Target.Kind kind, String value) {
    if (!value.isEmpty()) {
      f.target(new Target(kind, value));
    }
  }

  Args parse(String shortWithValue, java.util.Set<String> longWithValue) {
    return Args.parse(args, shortWithValue, longWithValue, false);
  }

  /** Records a path target and its facts; returns the absolute path, or null if unresolved. */
  String path(Word w) {
    return walk.path(w, state);
  }

  /** Records every operand as a path target of a read. */
  void readPaths(List<Word> words) {
    for (Word w : words) {
      if (!w.text().equals("-")) {
        path(w);
      }
    }
  }

  /** Records a written path; system paths raise the class, raw devices are destructive. */
  String writePath(Word w) {
    String p = path(w);
    if (p != null) {
      writeFacts(p);
    }
    return p;
  }

  /** Records a file a network command downloads to. */
  String downloadPath(Word w) {
    String p = writePath(w);
    if (p != null) {
      f.downloaded.add(p);
    }
    return p;
  }

  /** Records a file run as a program or script. */
  void executedPath(Word w) {
    String p = path(w);
    if (p != null) {
      f.executed.add(p);
    }
  }

  /**
   * Runs a file of the project ({@code python manage.py test}, {@code bin/rails test}, {@code
   * ./build/tests/unit_tests}): the project's own code, run as its build and tests run it, so
   * {@code build.run} with the tag {@code project-code}. Not when the line fetched something before
   * (the file may be what it fetched), when the file was downloaded, lies under {@code .git}, or
   * when its name or a literal operand publishes by the task words ({@code ./deploy.sh}, {@code
   * python manage.py deploy}); those stay {@code shell.exec}. Returns true if it was project code.
   */
  /** Names of environments other than the developer's own: production, staging, live. */
  private static final java.util.regex.Pattern SHARED_ENVIRONMENT =
      java.util.regex.Pattern.compile(
          "(?i)(^|[^a-z])(prod|production|prd|staging|stage|live|preprod)([^a-z]|$)");

  boolean projectCode(String p, List<Word> operands) {
    String root = walk.ctx.cwd().orElse(null);
    if (p == null
        || root == null
        || fetchedBefore
        || substitutionFetched
        || f.fetches > 0
        || f.downloaded.contains(p)
        || !PathFacts.isInside(p, root)
        || p.contains("/.git/")) {
      return false;
    }
    String rel = p.substring(root.length());
    for (String part : rel.split("/")) {
      int dot = part.lastIndexOf('.');
      if (!part.isEmpty() && TableCommands.publishes(dot > 0 ? part.substring(0, dot) : part)) {
        return false;
      }
    }
    for (Word w : operands) {
      if (w.isLiteral() && !w.text().startsWith("-") && TableCommands.publishes(w.text())
          || SHARED_ENVIRONMENT.matcher(w.text()).find()) {
        return false;
      }
    }
    for (Target t : f.targets) {
      if (t.kind() == Target.Kind.ENVIRONMENT && SHARED_ENVIRONMENT.matcher(t.value()).find()) {
        return false; // RAILS_ENV=production bin/rails db:schema:load runs against production
      }
    }
    cls(ClassNames.BUILD_RUN);
    tag("project-code");
    return true;
  }

  void writeFacts(String p) {
    if (PathFacts.isHarmlessDevice(p)) {
      return;
    }
    if (PathFacts.isRawDevice(p)) {
      cls(SYSTEM_DESTRUCTIVE);
      tag("raw-device");
    } else if (PathFacts.isSystem(p)) {
      cls(SYSTEM_MODIFY);
    } else if (PathFacts.isShellInit(p, walk.ctx.home().orElse(null))) {
      cls(SYSTEM_MODIFY);
      tag("persistence");
    } else if (PathFacts.isAuthorizedKeys(p)) {
      cls(ACCESS_CHANGE);
    } else if (PathFacts.isGitHistory(p)) {
      // truncate -s0 .git/HEAD, echo > .git/index: the repository's history, not a project file
      cls(ClassNames.VCS_HISTORY_REWRITE);
      tag("git-history");
    }
  }

  /** Records written paths as {@code fs.write}. */
  void writePaths(List<Word> words) {
    cls(FS_WRITE);
    for (Word w : words) {
      if (!w.text().equals("-")) {
        writePath(w);
      }
    }
  }

  /** Records an operand list as reads with class {@code fs.read}. */
  void reads(List<Word> words) {
    cls(FS_READ);
    if (words.isEmpty() && !stdinPiped) {
      walk.workingDirectory(state); // ls, grep -r, find with no operand act on the directory
    }
    readOperands(words);
  }

  /** Records the files a read-only command reads ({@link ShellWalk#readPath}). */
  void readOperands(List<Word> words) {
    for (Word w : words) {
      if (!w.text().equals("-")) {
        walk.readPath(w, state);
      }
    }
  }

  /** Records a URL and its host. */
  void url(Word w) {
    walk.url(w);
  }

  /** Records a host name. */
  void host(String host) {
    walk.host(host);
  }

  /** Classifies a script given as text (bash -c, eval, su -c), one level deeper. */
  void nested(String script) {
    walk.nested(script, state.copy(), depth + 1);
  }

  /**
   * Classifies a script given to a shell with its positional parameters ({@code bash -c SCRIPT NAME
   * ARGS…}: {@code $0} is NAME, {@code $1} the first of ARGS).
   */
  void nestedScript(String script, List<Word> positional) {
    List<Word> before = walk.vars.bindPositional(List.copyOf(positional));
    try {
      nested(script);
    } finally {
      walk.vars.restorePositional(before);
    }
  }

  /** Classifies a command given as words (find -exec, xargs, bundle exec), with wrappers. */
  void nestedWords(List<Word> words) {
    if (!words.isEmpty()) {
      walk.commandWords(
          words,
          state.copy(),
          depth + 1,
          stdinPiped,
          fetchedBefore,
          substitutionFetched,
          List.of());
    }
  }

  /**
   * Classifies a script given as one word ({@code nodemon --exec 'npm test'}); unparseable if
   * computed.
   */
  void nestedText(Word script) {
    if (!script.isLiteral()) {
      unparseable("a script given with expansions");
      if (substitutionFetched) {
        tag("fetch-exec");
      }
      return;
    }
    nested(script.text());
  }

  /** The most files found a runner's command is classified for. */
  private static final int MAX_FOUND = 4;

  /**
   * Classifies a command a finder runs for the files it finds ({@code find -exec}, {@code fd -x}),
   * one level deeper: each {@code {}} in it (and fd's {@code {/}}, {@code {//}}, {@code {.}},
   * {@code {/.}}) stands for what was found, {@code found} (a directory searched, or a pattern
   * under it such as {@code /p/**}{@code /*.md}); a command without one gets it appended when
   * {@code append}. With a {@code cwd} the command runs there ({@code -execdir}).
   */
  void runFor(List<Word> command, List<Word> found, boolean append, String cwd) {
    if (command.isEmpty()) {
      return;
    }
    for (Word item : found.subList(0, Math.min(MAX_FOUND, found.size()))) {
      List<Word> cmd = new java.util.ArrayList<>(command.size() + 1);
      boolean replaced = false;
      for (int i = 0; i < command.size(); i++) {
        Word w = command.get(i);
        Word r = i == 0 ? null : withFound(w, item);
        replaced |= r != null;
        cmd.add(r == null ? w : r);
      }
      if (!replaced && append) {
        cmd.add(item);
      }
      ShellWalk.State st = state.copy();
      if (cwd != null) {
        st.cwd = cwd;
      }
      walk.commandWords(
          cmd, st, depth + 1, stdinPiped, fetchedBefore, substitutionFetched, List.of());
    }
  }

  private static Word withFound(Word w, Word item) {
    String t = w.text();
    if (t.indexOf('{') < 0) {
      return null;
    }
    String it = item.text();
    int slash = it.lastIndexOf('/');
    String base = it.substring(slash + 1);
    String parent = slash > 0 ? it.substring(0, slash) : slash == 0 ? "/" : ".";
    String r =
        t.replace("{//}", parent)
            .replace("{/.}", stripExtension(base))
            .replace("{/}", base)
            .replace("{.}", stripExtension(it))
            .replace("{}", it);
    if (r.equals(t)) {
      return null;
    }
    int flags = w.flags() & ~ShellSyntax.BRACE | item.flags() & ShellSyntax.GLOB;
    if (t.startsWith("{}")) {
      flags |= item.flags() & (ShellSyntax.TILDE | ShellSyntax.DYNAMIC | ShellSyntax.ENVIRONMENT);
    }
    return new Word(r, flags, w.substitutions(), List.of(), List.of());
  }

  private static String stripExtension(String p) {
    int dot = p.lastIndexOf('.');
    return dot > p.lastIndexOf('/') + 1 ? p.substring(0, dot) : p;
  }

  /** Marks the command as something Proctor cannot understand safely. */
  void unparseable(String why) {
    walk.unparseable(why);
  }

  /** Records a network fetch, so that a later pipeline stage that runs code sees it. */
  void fetched() {
    f.fetches++;
  }

  /** True if stdin of this command is a here-document or here-string. */
  boolean stdinIsHeredoc() {
    for (Redirect r : redirects) {
      if (r.isHeredoc() || r.op.equals("<<<")) {
        return true;
      }
    }
    return false;
  }

  /** True if stdin is redirected from a file. */
  boolean stdinIsFile() {
    for (Redirect r : redirects) {
      if (r.op.equals("<")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Handles a program that reads code from stdin when given no script: code from a pipe is {@code
   * pipe-to-shell} (and {@code fetch-exec} after a network fetch); from a here-document the body is
   * parsed when {@code shellBody} and it is literal.
   */
  void codeFromStdin(boolean shellBody) {
    if (stdinPiped) {
      cls(ClassNames.CODE_EXEC);
      tag("pipe-to-shell");
      if (fetchedBefore) {
        tag("fetch-exec");
      }
      return;
    }
    for (Redirect r : redirects) {
      if (r.isHeredoc() || r.op.equals("<<<")) {
        cls(ClassNames.CODE_EXEC);
        if (!shellBody) {
          return;
        }
        if (r.op.equals("<<<")) {
          if (r.target.isLiteral()) {
            nested(r.target.text());
          } else {
            unparseable("here-string with expansions run as a script");
          }
        } else if (r.quotedDelimiter || (r.body.indexOf('$') < 0 && r.body.indexOf('`') < 0)) {
          nested(r.body);
        } else {
          unparseable("here-document with expansions run as a script");
        }
        return;
      }
    }
    if (stdinIsFile()) {
      cls(ClassNames.SHELL_EXEC);
      return;
    }
    cls(ClassNames.CODE_EXEC);
  }
}

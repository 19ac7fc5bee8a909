package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.Classification;
import dev.proctor.action.Target;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The classifier for tool calls from every surface. Claude Code's own tools are classified by their
 * arguments ({@code Bash} through {@link ShellClassifier}); {@code mcp__<server>__<tool>} and other
 * tools through the taxonomy's mappings, else {@code tool.call}.
 *
 * <p>Fail-closed rules: a call whose required argument is missing or of the wrong type is {@code
 * shell.unparseable} with the tag {@code malformed}; a declared class can only raise the class, and
 * a declared class the taxonomy does not know counts as {@code shell.unparseable} with the tag
 * {@code unknown-declared-class}. The call's declared labels are kept.
 */
public final class ToolClassifier implements Classifier {

  private static final String MCP_PREFIX = "mcp__";

  private final Taxonomy taxonomy;
  private final ShellClassifier shell;
  private final List<String> protectedPaths;

  /** A classifier over a taxonomy. */
  public ToolClassifier(Taxonomy taxonomy) {
    this(taxonomy, List.of());
  }

  /**
   * A classifier over a taxonomy that also tags {@code proctor-config} on paths inside the given
   * absolute directories (Proctor's data, keys and configuration).
   */
  public ToolClassifier(Taxonomy taxonomy, List<String> protectedPaths) {
    this.taxonomy = requireNonNull(taxonomy, "taxonomy is null");
    this.shell = new ShellClassifier(taxonomy);
    this.protectedPaths = List.copyOf(protectedPaths);
  }

  /** The class, targets, labels and tags of a tool call; never throws for hostile arguments. */
  @Override
  public Classification classify(ToolCall call) {
    requireNonNull(call, "call is null");
    ClassifyContext ctx =
        ClassifyContext.lenient(
                call.contextString("cwd").orElse(null), call.contextString("home").orElse(null))
            .withProtectedPaths(protectedPaths);
    Findings f = new Findings();
    boolean ok;
    try {
      ok = classifyTool(call, ctx, f);
    } catch (RuntimeException e) {
      ok = false;
    }
    if (!ok) {
      return new Classification(
          ClassNames.SHELL_UNPARSEABLE,
          Set.of(ClassNames.SHELL_UNPARSEABLE),
          List.of(),
          call.labels(),
          Set.of("malformed"));
    }
    f.labels.addAll(call.labels());
    if (call.declaredClass().isPresent()) {
      String declared = call.declaredClass().get();
      if (taxonomy.contains(declared)) {
        f.cls(declared);
      } else {
        f.cls(ClassNames.SHELL_UNPARSEABLE);
        f.tag("unknown-declared-class");
      }
    }
    return f.toClassification(taxonomy);
  }

  /** Fills the findings; false if the call is malformed. */
  private boolean classifyTool(ToolCall call, ClassifyContext ctx, Findings f) {
    String tool = call.tool();
    JsonNode args = call.arguments();
    if (ClaudeCodeTools.isBuiltIn(tool) && !args.isObject()) {
      return false;
    }
    ShellWalk walk = new ShellWalk(f, ctx);
    ShellWalk.State st = new ShellWalk.State(ctx.cwd().orElse(null));
    switch (tool) {
      case "Bash", "Monitor" -> {
        // Monitor runs its command in a shell too.
        JsonNode c = args.get("command");
        if (c == null || !c.isTextual()) {
          return false;
        }
        Classification sc = shell.classify(c.textValue(), ctx);
        f.classes.addAll(sc.classes());
        f.tags.addAll(sc.tags());
        f.labels.addAll(sc.labels());
        sc.targets().forEach(f::target);
        return true;
      }
      case "Read", "NotebookRead" -> {
        String p = requiredString(args, tool.equals("Read") ? "file_path" : "notebook_path");
        if (p == null) {
          return false;
        }
        f.cls(ClassNames.FS_READ);
        walk.path(word(p), st);
        return true;
      }
      case "Grep", "Glob", "LS" -> {
        Optional<String> p = optionalString(args, "path");
        if (tool.equals("LS") && p.isEmpty()) {
          return false;
        }
        if (!tool.equals("LS") && requiredString(args, "pattern") == null) {
          return false;
        }
        f.cls(ClassNames.FS_READ);
        if (p.isPresent()) {
          walk.path(word(p.get()), st);
        } else if (st.cwd != null) {
          walk.path(word(st.cwd), st);
        } else {
          f.tag("outside-project");
          f.tag("dynamic");
        }
        if (tool.equals("Glob")) {
          String pattern = args.get("pattern").textValue();
          if (pattern.startsWith("/") || pattern.startsWith("..") || pattern.contains("/../")) {
            walk.path(word(pattern), st);
          }
        }
        if (tool.equals("Grep")) {
          Optional<String> glob = optionalString(args, "glob");
          if (glob.isPresent()) {
            fileGlob(glob.get(), p, st, f);
          }
        }
        return true;
      }
      case "Write", "Edit", "MultiEdit", "NotebookEdit" -> {
        String p =
            requiredString(args, tool.equals("NotebookEdit") ? "notebook_path" : "file_path");
        if (p == null) {
          return false;
        }
        if (tool.equals("MultiEdit")) {
          JsonNode edits = args.get("edits");
          if (edits == null || !edits.isArray()) {
            return false;
          }
        }
        f.cls(ClassNames.FS_WRITE);
        String resolved = walk.path(word(p), st);
        if (resolved != null) {
          writeFacts(resolved, ctx, f);
          PlantedCode.analyze(
              f, ctx, taxonomy.commands(), resolved, newContent(tool, args), !tool.equals("Write"));
        }
        return true;
      }
      case "WebFetch" -> {
        String url = requiredString(args, "url");
        if (url == null) {
          return false;
        }
        f.cls(ClassNames.NET_FETCH);
        walk.url(word(url));
        return true;
      }
      case "WebSearch" -> {
        if (requiredString(args, "query") == null) {
          return false;
        }
        f.cls(ClassNames.NET_SEARCH);
        for (String key : List.of("allowed_domains", "blocked_domains")) {
          JsonNode d = args.get(key);
          if (d != null && d.isArray() && key.equals("allowed_domains")) {
            for (JsonNode e : d) {
              if (e.isTextual()) {
                walk.host(e.textValue());
              }
            }
          }
        }
        return true;
      }
      case "Task", "Agent" -> {
        if (requiredString(args, "prompt") == null) {
          return false;
        }
        f.cls(ClassNames.AGENT_DELEGATE);
        JsonNode type = args.get("subagent_type");
        if (type != null && type.isTextual()) {
          f.target(new Target(Target.Kind.RESOURCE, "agent:" + type.textValue()));
        }
        return true;
      }
      case "TodoWrite", "TodoRead", "ExitPlanMode", "BashOutput", "KillBash", "KillShell" -> {
        f.cls(ClassNames.FS_READ);
        f.tag("agent-internal");
        return true;
      }
      default -> {
        return mapped(call, tool, args, walk, st, f);
      }
    }
  }

  private boolean mapped(
      ToolCall call, String tool, JsonNode args, ShellWalk walk, ShellWalk.State st, Findings f) {
    Optional<ToolMapping> m;
    if (tool.startsWith(MCP_PREFIX)) {
      f.tag("mcp");
      int sep = tool.indexOf("__", MCP_PREFIX.length());
      if (sep <= MCP_PREFIX.length() || sep + 2 >= tool.length()) {
        f.cls(ClassNames.TOOL_CALL);
        f.tag("malformed-name");
        return true;
      }
      m = taxonomy.mcpMapping(tool.substring(MCP_PREFIX.length(), sep), tool.substring(sep + 2));
    } else {
      m = taxonomy.toolMapping(tool);
    }
    if (m.isEmpty()) {
      return shellLike(tool, args, walk, st, f);
    }
    ToolMapping mapping = m.get();
    if (mapping.sql().isPresent()) {
      JsonNode q = args.at(mapping.sql().get());
      if (!q.isTextual()) {
        return false; // the statement is missing or not text: malformed, the worst class
      }
      SqlClassifier.classify(q.textValue(), f);
    } else if (mapping.classBy().isPresent()) {
      JsonNode v = args.at(mapping.classBy().get().pointer());
      String chosen = v.isTextual() ? mapping.classBy().get().values().get(v.textValue()) : null;
      f.cls(chosen != null ? chosen : mapping.actionClass());
    } else {
      f.cls(mapping.actionClass());
    }
    f.labels.addAll(mapping.labels());
    f.tags.addAll(mapping.tags());
    for (TargetPointer tp : mapping.targets()) {
      JsonNode node = args.at(tp.compiled());
      if (node.isMissingNode() || node.isNull()) {
        continue;
      }
      if (node.isArray()) {
        for (JsonNode e : node) {
          if (!target(tp, e, walk, st, f)) {
            return false;
          }
        }
      } else if (!target(tp, node, walk, st, f)) {
        return false;
      }
    }
    return true;
  }

  /** Shell tools of other harnesses whose command is POSIX shell: Gemini CLI, Codex, Cursor … */
  private static final Set<String> POSIX_SHELL_TOOLS =
      Set.of(
          "shell",
          "local_shell",
          "container.exec",
          "exec_command",
          "execute_command",
          "run_shell_command",
          "run_terminal_cmd",
          "run_command",
          "run_in_terminal",
          "bash",
          "terminal");

  /** Tool names that say the tool runs commands or code. */
  private static final java.util.regex.Pattern SHELL_LIKE_NAME =
      java.util.regex.Pattern.compile(
          "(?i).*(shell|bash|zsh|terminal|powershell|pwsh|cmd|command|exec|console|repl|script"
              + "|python|node|eval|run_code|interpreter).*");

  /**
   * A tool without a mapping. A harness's POSIX shell tool is classified by the shell classifier
   * (its {@code command}, {@code cmd} or argv); a tool that runs commands or code in a language
   * Proctor does not parse (PowerShell, a REPL, an MCP server's shell) is code execution of the
   * worst class, never a plain {@code tool.call}; anything else is {@code tool.call}.
   */
  private boolean shellLike(
      String tool, JsonNode args, ShellWalk walk, ShellWalk.State st, Findings f) {
    String name = tool.startsWith(MCP_PREFIX) ? tool.substring(tool.lastIndexOf("__") + 2) : tool;
    JsonNode cmd = args.isObject() ? firstPresent(args, "command", "cmd", "script", "code") : null;
    if (!tool.startsWith(MCP_PREFIX) && POSIX_SHELL_TOOLS.contains(name) && cmd != null) {
      String text = commandText(cmd);
      if (text == null) {
        return false;
      }
      ClassifyContext ctx = walk.ctx;
      JsonNode dir = firstPresent(args, "workdir", "cwd", "directory");
      if (dir != null && dir.isTextual() && dir.textValue().startsWith("/")) {
        text = "cd " + PlantedCode.shellQuote(dir.textValue()) + " && " + text;
      }
      Classification sc = shell.classify(text, ctx);
      f.classes.addAll(sc.classes());
      f.tags.addAll(sc.tags());
      f.labels.addAll(sc.labels());
      sc.targets().forEach(f::target);
      f.tag("shell-tool");
      return true;
    }
    if (SHELL_LIKE_NAME.matcher(name).matches() || cmd != null && cmd.isTextual()) {
      f.cls(ClassNames.CODE_EXEC);
      f.cls(ClassNames.SHELL_UNPARSEABLE);
      f.tag("shell-tool");
      f.tag("unparsed-shell");
      return true;
    }
    f.cls(ClassNames.TOOL_CALL);
    f.tag("unmapped");
    return true;
  }

  private static JsonNode firstPresent(JsonNode args, String... names) {
    for (String n : names) {
      JsonNode v = args.get(n);
      if (v != null && !v.isNull()) {
        return v;
      }
    }
    return null;
  }

  /** A command string, or an argv ({@code ["bash", "-lc", "…"]}) as a command line. */
  private static String commandText(JsonNode cmd) {
    if (cmd.isTextual()) {
      return cmd.textValue();
    }
    if (!cmd.isArray() || cmd.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode a : cmd) {
      if (!a.isTextual()) {
        return null;
      }
      sb.append(sb.length() == 0 ? "" : " ").append(PlantedCode.shellQuote(a.textValue()));
    }
    return sb.toString();
  }

  private static boolean target(
      TargetPointer tp, JsonNode node, ShellWalk walk, ShellWalk.State st, Findings f) {
    if (!node.isValueNode() || node.isNull()) {
      return false;
    }
    String v = node.asText();
    if (tp.form() == TargetPointer.Form.GIT_REVISION) {
      v = GitCommands.revisionPath(v);
      if (v == null) {
        return true; // a plain revision names no file
      }
    }
    switch (tp.kind()) {
      case PATH -> walk.path(word(v), st);
      case URL -> walk.url(word(v));
      case DOMAIN -> walk.host(v.toLowerCase(java.util.Locale.ROOT));
      case AMOUNT -> {
        if (!isAmount(v)) {
          return false; // an amount that is not a number is malformed: the worst class
        }
        f.target(new Target(tp.kind(), v.strip()));
      }
      default -> {
        if (!v.isEmpty()) {
          f.target(new Target(tp.kind(), v));
        }
      }
    }
    return true;
  }

  /** A finite decimal number such as {@code 250} or {@code -19.99}. */
  static boolean isAmount(String v) {
    if (!v.strip().matches("-?[0-9]{1,18}(\\.[0-9]{1,18})?")) {
      return false;
    }
    return Double.isFinite(Double.parseDouble(v.strip()));
  }

  /**
   * Checks the file-name glob of {@code Grep} ({@code .env}, {@code *.pem}, {@code **}{@code
   * /id_rsa}, {@code {.env,x}}) against secret names, under the search directory: Grep reads the
   * files it selects.
   */
  private static void fileGlob(
      String pattern, Optional<String> dir, ShellWalk.State st, Findings f) {
    String base = dir.orElse(st.cwd == null ? "" : st.cwd);
    List<String> patterns = BraceExpansion.expand(pattern);
    if (patterns == null) {
      f.tag("dynamic");
      return;
    }
    for (String one : patterns) {
      String last = one.substring(one.lastIndexOf('/') + 1);
      if (PathFacts.isSecretPattern(base + "/" + one) || PathFacts.isSecretPattern(last)) {
        f.label("secret");
      }
    }
  }

  private static void writeFacts(String p, ClassifyContext ctx, Findings f) {
    if (PathFacts.isRawDevice(p)) {
      f.cls(ClassNames.SYSTEM_DESTRUCTIVE);
      f.tag("raw-device");
    } else if (PathFacts.isSystem(p)) {
      f.cls(ClassNames.SYSTEM_MODIFY);
    } else if (PathFacts.isShellInit(p, ctx.home().orElse(null))) {
      f.cls(ClassNames.SYSTEM_MODIFY);
      f.tag("persistence");
    } else if (PathFacts.isAuthorizedKeys(p)) {
      f.cls(ClassNames.ACCESS_CHANGE);
    }
  }

  /** The text a write puts into the file: the whole content, or the new parts of an edit. */
  private static String newContent(String tool, JsonNode args) {
    StringBuilder sb = new StringBuilder();
    switch (tool) {
      case "Write" -> sb.append(args.path("content").asText(""));
      case "Edit" -> sb.append(args.path("new_string").asText(""));
      case "NotebookEdit" -> sb.append(args.path("new_source").asText(""));
      default -> {
        for (JsonNode e : args.path("edits")) {
          sb.append(e.path("new_string").asText("")).append('\n');
        }
      }
    }
    return sb.toString();
  }

  /**
   * A file tool's path as a word. Harnesses expand a leading {@code ~} to the home directory, so it
   * is read as the shell reads it; were it taken literally, it would name a harmless directory
   * called {@code ~} instead.
   */
  private static Word word(String text) {
    return new Word(text, text.startsWith("~") ? ShellSyntax.TILDE : 0, List.of());
  }

  /** The value of a required non-empty string argument, or null if missing or mistyped. */
  private static String requiredString(JsonNode args, String name) {
    JsonNode n = args.get(name);
    if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
      return null;
    }
    return n.textValue();
  }

  /** Empty when absent or null; a present argument of the wrong type makes the call malformed. */
  private static Optional<String> optionalString(JsonNode args, String name) {
    JsonNode n = args.get(name);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException("argument '" + name + "' must be a string");
    }
    return n.textValue().isEmpty() ? Optional.empty() : Optional.of(n.textValue());
  }
}

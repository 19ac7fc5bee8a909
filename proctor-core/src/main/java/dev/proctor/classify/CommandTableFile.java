package dev.proctor.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the command table, a line-oriented text format (see the head of {@code commands.txt} and
 * docs/taxonomy.md): {@code preset} and {@code command} blocks of indented {@code key values}
 * lines, {@code variable} and {@code gitconfig} lines. A plain format rather than YAML: it loads in
 * about a millisecond on the hook's short-lived JVM and needs no YAML reader.
 */
final class CommandTableFile {

  private CommandTableFile() {}

  /** How dangerous an environment variable is when a command line sets it. */
  enum Risk {
    /** Names a program or injects code into what runs. */
    EXEC,
    /** Points a package manager at another index or registry. */
    INDEX,
    /** Sends network clients through another host. */
    PROXY,
    /** Holds a credential: printing the value shows it. */
    SECRET,
    /** Names a file that holds credentials: reading the file it names reads them. */
    SECRET_FILE,
    /** Names the deployment environment the program runs against (RAILS_ENV, NODE_ENV). */
    ENVIRONMENT
  }

  /**
   * A rule for environment variable names: exact, {@code PREFIX*}, {@code *SUFFIX}, {@code A*B}.
   */
  record Variable(String pattern, Risk risk) {
    boolean matches(String name) {
      int star = pattern.indexOf('*');
      if (star < 0) {
        return pattern.equals(name);
      }
      String head = pattern.substring(0, star);
      String tail = pattern.substring(star + 1);
      if (tail.indexOf('*') >= 0) {
        int second = tail.indexOf('*');
        String mid = tail.substring(0, second);
        String end = tail.substring(second + 1);
        return name.startsWith(head)
            && name.endsWith(end)
            && name.length() >= head.length() + end.length() + mid.length()
            && name.substring(head.length(), name.length() - end.length()).contains(mid);
      }
      return name.length() > head.length() + tail.length()
          && name.startsWith(head)
          && name.endsWith(tail);
    }
  }

  /**
   * The words of task, goal and script names ({@code taskwords} lines): a name with a {@code
   * publish} word ships the project, one with a {@code release} word too unless a {@code local}
   * word comes just before it ({@code assembleRelease}); a {@code rehearsal} word after the
   * publishing one makes it something else ({@code release:notes}, {@code deploy:check}); {@code
   * task} names are whole tasks that publish though no word says so ({@code jib}).
   */
  record TaskWords(
      Set<String> publish,
      Set<String> release,
      Set<String> local,
      Set<String> rehearsal,
      Set<String> tasks) {
    TaskWords {
      publish = Set.copyOf(publish);
      release = Set.copyOf(release);
      local = Set.copyOf(local);
      rehearsal = Set.copyOf(rehearsal);
      tasks = Set.copyOf(tasks);
    }

    /**
     * True if a task, goal or script name publishes, deploys or releases: split at {@code : - _ . /
     * + ;}, spaces and camel case, a word is a publishing word, or a release word not after a local
     * one, and no rehearsal word follows it.
     */
    boolean publishes(String task) {
      if (tasks.contains(task)) {
        return true;
      }
      String prev = "";
      boolean publishing = false;
      int start = 0;
      int n = task.length();
      for (int i = 0; i <= n; i++) {
        char c = i < n ? task.charAt(i) : ':';
        boolean sep = ":-_./+; ,".indexOf(c) >= 0;
        boolean camel = i > start && i < n && Character.isUpperCase(c);
        if (sep || camel) {
          if (i > start) {
            String word = task.substring(start, i).toLowerCase(Locale.ROOT);
            if (publishing && rehearsal.contains(word)) {
              publishing = false; // release:notes, deploy:check
            } else if (publish.contains(word) || release.contains(word) && !local.contains(prev)) {
              publishing = true;
            }
            prev = word;
          }
          start = sep ? i + 1 : i;
        }
      }
      return publishing;
    }
  }

  /** The parsed table. */
  record Table(
      Map<String, CommandSpec> commands,
      List<Variable> variables,
      List<String> gitConfigExec,
      TaskWords taskWords) {

    /** The risk of setting a variable, if the table lists it. */
    Optional<Risk> variable(String name) {
      for (Variable v : variables) {
        if (v.matches(name)) {
          return Optional.of(v.risk());
        }
      }
      return Optional.empty();
    }

    /** True if one of the table's rules gives the variable this risk. */
    boolean variableIs(String name, Risk risk) {
      for (Variable v : variables) {
        if (v.risk() == risk && v.matches(name)) {
          return true;
        }
      }
      return false;
    }

    /** True if a git configuration key (any case) holds a command git runs. */
    boolean gitConfigRunsProgram(String key) {
      String k = key.toLowerCase(Locale.ROOT);
      for (String p : gitConfigExec) {
        if (keyMatches(p, k)) {
          return true;
        }
      }
      return false;
    }

    /** {@code a.*.b}: {@code *} stands for one or more dotted parts of the key. */
    static boolean keyMatches(String pattern, String key) {
      return parts(pattern.split("\\."), 0, key.split("\\."), 0);
    }

    private static boolean parts(String[] p, int i, String[] k, int j) {
      if (i == p.length) {
        return j == k.length;
      }
      if (p[i].equals("*")) {
        for (int n = j + 1; n <= k.length; n++) {
          if (parts(p, i + 1, k, n)) {
            return true;
          }
        }
        return false;
      }
      if (j == k.length) {
        return false;
      }
      boolean same =
          p[i].endsWith("*")
              ? k[j].startsWith(p[i].substring(0, p[i].length() - 1))
              : p[i].equals(k[j]);
      return same && parts(p, i + 1, k, j + 1);
    }
  }

  /** A block being read: a preset or a command. */
  private static final class Block {
    final List<String> names;
    final int line;
    String cls;
    CommandSpec.Role role;
    final Set<String> values = new LinkedHashSet<>();
    boolean tasks;
    final Set<String> reads = new LinkedHashSet<>();
    final Set<String> writes = new LinkedHashSet<>();
    final Set<String> execs = new LinkedHashSet<>();
    final Map<String, CommandSpec.Verb> verbs = new LinkedHashMap<>();
    String handler;
    final Set<String> gtfobins = new LinkedHashSet<>();
    boolean terminal;
    final List<CommandSpec.Example> examples = new ArrayList<>();
    int runsFrom = -1;
    final Map<String, Set<String>> runsOptions = new LinkedHashMap<>();
    final Set<String> scriptOptions = new LinkedHashSet<>();
    String scriptOperands = "";
    boolean assignments;
    boolean bsd;
    String bsdLetters = "";
    final List<CommandSpec.OptionFact> options = new ArrayList<>();
    final Set<String> tags = new LinkedHashSet<>();
    final Set<String> rehearsals = new LinkedHashSet<>();
    final Set<String> tasksAfter = new LinkedHashSet<>();

    Block(List<String> names, int line) {
      this.names = names;
      this.line = line;
    }
  }

  static final Set<String> GTFOBINS_FUNCTIONS =
      Set.of(
          "shell",
          "command",
          "reverse-shell",
          "bind-shell",
          "file-read",
          "file-write",
          "upload",
          "download",
          "library-load");

  /** Parses the table; a fault names the line ({@code source:line: what}). */
  static Table parse(String text, String source) {
    Map<String, Block> presets = new HashMap<>();
    Map<String, CommandSpec> commands = new HashMap<>(1024);
    List<Variable> variables = new ArrayList<>();
    List<String> gitConfig = new ArrayList<>();
    Map<String, Set<String>> taskWords = new HashMap<>();
    for (String role : List.of("publish", "release", "local", "rehearsal", "task")) {
      taskWords.put(role, new LinkedHashSet<>());
    }
    Block cur = null;
    boolean curIsPreset = false;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i <= lines.length; i++) {
      String raw = i < lines.length ? lines[i] : "";
      int lineNo = i + 1;
      String line = raw.strip();
      boolean indented = !raw.isEmpty() && (raw.charAt(0) == ' ' || raw.charAt(0) == '\t');
      if (i == lines.length || !indented && !line.isEmpty() && !line.startsWith("#")) {
        if (cur != null && !curIsPreset) {
          addCommand(cur, commands, source);
        }
        cur = null;
        if (i == lines.length) {
          break;
        }
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> w = tokens(line);
      String key = w.get(0);
      List<String> rest = w.subList(1, w.size());
      if (!indented) {
        switch (key) {
          case "preset" -> {
            need(rest.size() == 1, source, lineNo, "preset takes one name");
            cur = new Block(List.copyOf(rest), lineNo);
            curIsPreset = true;
            presets.put(rest.get(0), cur);
          }
          case "command" -> {
            need(!rest.isEmpty(), source, lineNo, "command needs a name");
            cur = new Block(List.copyOf(rest), lineNo);
            curIsPreset = false;
          }
          case "variable" -> {
            need(rest.size() >= 2, source, lineNo, "variable needs names and a risk");
            Risk risk = risk(rest.get(rest.size() - 1), source, lineNo);
            for (String n : rest.subList(0, rest.size() - 1)) {
              variables.add(new Variable(n, risk));
            }
          }
          case "gitconfig" -> gitConfig.addAll(rest);
          case "taskwords" -> {
            need(
                rest.size() >= 2 && taskWords.containsKey(rest.get(0)),
                source,
                lineNo,
                "taskwords publish|release|local|rehearsal|task WORD…");
            taskWords.get(rest.get(0)).addAll(rest.subList(1, rest.size()));
          }
          default -> throw fault(source, lineNo, "unknown entry '" + key + "'");
        }
        continue;
      }
      need(cur != null, source, lineNo, "an indented line outside a block");
      switch (key) {
        case "kind" -> {
          need(rest.size() == 1 && presets.containsKey(rest.get(0)), source, lineNo, "bad kind");
          Block p = presets.get(rest.get(0));
          cur.cls = p.cls;
          cur.role = p.role;
          cur.values.addAll(p.values);
          cur.reads.addAll(p.reads);
          cur.writes.addAll(p.writes);
          cur.execs.addAll(p.execs);
        }
        case "class" -> {
          need(rest.size() == 1, source, lineNo, "class takes one name");
          cur.cls = rest.get(0);
        }
        case "operands" -> {
          need(rest.size() == 1, source, lineNo, "operands takes one role");
          cur.role =
              CommandSpec.Role.of(rest.get(0))
                  .orElseThrow(() -> fault(source, lineNo, "unknown role " + rest.get(0)));
        }
        case "values" -> cur.values.addAll(rest);
        case "tasks" -> {
          need(
              rest.isEmpty() || rest.size() >= 2 && rest.get(0).equals("after"),
              source,
              lineNo,
              "tasks [after WORD…]");
          cur.tasks = true;
          cur.tasksAfter.addAll(rest.isEmpty() ? rest : rest.subList(1, rest.size()));
        }
        case "rehearsal" -> {
          need(!rest.isEmpty(), source, lineNo, "rehearsal needs options");
          cur.rehearsals.addAll(rest);
        }
        case "read" -> cur.reads.addAll(rest);
        case "write" -> cur.writes.addAll(rest);
        case "exec" -> cur.execs.addAll(rest);
        case "verb" -> {
          int sep = rest.indexOf("::");
          need(sep >= 1 && sep < rest.size() - 1, source, lineNo, "verb CLASS [TAG…] :: WORD…");
          CommandSpec.Verb v = new CommandSpec.Verb(rest.get(0), Set.copyOf(rest.subList(1, sep)));
          for (String word : rest.subList(sep + 1, rest.size())) {
            need(cur.verbs.put(word, v) == null, source, lineNo, "verb '" + word + "' twice");
          }
        }
        case "handler" -> {
          need(rest.size() == 1, source, lineNo, "handler takes one name");
          cur.handler = rest.get(0);
        }
        case "gtfobins" -> {
          for (String fn : rest) {
            if (!GTFOBINS_FUNCTIONS.contains(fn)) {
              throw fault(source, lineNo, "unknown function " + fn);
            }
          }
          cur.gtfobins.addAll(rest);
        }
        case "terminal" -> cur.terminal = true;
        case "example" -> cur.examples.add(example(line, source, lineNo));
        case "runs" -> runs(cur, rest, source, lineNo);
        case "script" -> {
          need(!rest.isEmpty(), source, lineNo, "script needs options or 'operands'");
          if (rest.equals(List.of("operands")) || rest.equals(List.of("each"))) {
            cur.scriptOperands = rest.get(0).equals("each") ? "each" : "joined";
          } else {
            cur.scriptOptions.addAll(rest);
          }
        }
        case "assignments" -> cur.assignments = true;
        case "bsd" -> {
          cur.bsd = true;
          cur.bsdLetters = String.join("", rest);
        }
        case "option" -> cur.options.add(optionFact(rest, source, lineNo));
        case "tag" -> cur.tags.addAll(rest);
        default -> throw fault(source, lineNo, "unknown key '" + key + "'");
      }
    }
    return new Table(
        Map.copyOf(commands),
        List.copyOf(variables),
        List.copyOf(gitConfig),
        new TaskWords(
            taskWords.get("publish"),
            taskWords.get("release"),
            taskWords.get("local"),
            taskWords.get("rehearsal"),
            taskWords.get("task")));
  }

  /** {@code runs operands [after N]} or {@code runs OPTION… [until WORD…]}. */
  private static void runs(Block b, List<String> rest, String source, int line) {
    need(!rest.isEmpty(), source, line, "runs needs 'operands' or options");
    if (rest.get(0).equals("operands")) {
      need(
          rest.size() == 1 || rest.size() == 3 && rest.get(1).equals("after"),
          source,
          line,
          "runs operands [after N]");
      b.runsFrom = rest.size() == 1 ? 0 : Integer.parseInt(rest.get(2));
      return;
    }
    int until = rest.indexOf("until");
    List<String> opts = until < 0 ? rest : rest.subList(0, until);
    Set<String> ends = until < 0 ? Set.of() : Set.copyOf(rest.subList(until + 1, rest.size()));
    need(!opts.isEmpty(), source, line, "runs needs options");
    for (String o : opts) {
      b.runsOptions.put(o, ends);
    }
  }

  /** {@code option NAME… [class CLASS] [tag TAG…] [label LABEL…]}. */
  private static CommandSpec.OptionFact optionFact(List<String> rest, String source, int line) {
    Set<String> names = new LinkedHashSet<>();
    String cls = null;
    Set<String> tags = new LinkedHashSet<>();
    Set<String> labels = new LinkedHashSet<>();
    String key = null;
    for (String w : rest) {
      if (w.equals("class") || w.equals("tag") || w.equals("label")) {
        key = w;
      } else if (key == null) {
        names.add(w);
      } else if (key.equals("class")) {
        need(cls == null, source, line, "option takes one class");
        cls = w;
      } else if (key.equals("tag")) {
        tags.add(w);
      } else {
        labels.add(w);
      }
    }
    need(
        !names.isEmpty() && (cls != null || !tags.isEmpty() || !labels.isEmpty()),
        source,
        line,
        "option NAME… [class CLASS] [tag TAG…] [label LABEL…]");
    return new CommandSpec.OptionFact(names, Optional.ofNullable(cls), tags, labels);
  }

  private static void addCommand(Block b, Map<String, CommandSpec> commands, String source) {
    boolean runner = b.runsFrom >= 0 || !b.scriptOperands.isEmpty();
    if (b.handler == null && !runner && (b.cls == null || b.role == null)) {
      throw fault(source, b.line, "command needs a kind, a class and operands, or a handler");
    }
    StringBuilder letters = new StringBuilder();
    Set<String> longs = new LinkedHashSet<>();
    for (Set<String> opts : List.of(b.values, b.reads, b.writes, b.execs, b.scriptOptions)) {
      for (String o : opts) {
        if (o.length() == 2 && o.charAt(0) == '-') {
          letters.append(o.charAt(1));
        } else {
          longs.add(o);
        }
      }
    }
    // One entry shared by the command's names (its aliases).
    CommandSpec spec =
        new CommandSpec(
            b.names.get(0),
            Optional.ofNullable(b.cls),
            b.role == null ? CommandSpec.Role.NONE : b.role,
            letters.toString(),
            longs,
            b.tasks,
            b.reads,
            b.writes,
            b.execs,
            b.verbs,
            Optional.ofNullable(b.handler),
            b.gtfobins,
            b.terminal,
            b.examples,
            source + ":" + b.line,
            new CommandSpec.Grammar(
                b.runsFrom,
                b.runsOptions,
                b.scriptOptions,
                b.scriptOperands,
                b.assignments,
                b.bsd,
                b.bsdLetters,
                b.options,
                b.tags,
                b.rehearsals,
                b.tasksAfter));
    for (String n : b.names) {
      if (commands.put(n, spec) != null) {
        throw fault(source, b.line, "command '" + n + "' listed twice");
      }
    }
  }

  private static CommandSpec.Example example(String line, String source, int lineNo) {
    int sep = line.indexOf(" :: ");
    need(sep > 0, source, lineNo, "example needs ' :: COMMAND'");
    String[] head = tokens(line.substring("example".length(), sep)).toArray(new String[0]);
    need(head.length >= 1 && head.length <= 3, source, lineNo, "example CLASS [TAGS [LABELS]]");
    return new CommandSpec.Example(
        line.substring(sep + 4),
        head[0],
        head.length > 1 ? words(head[1]) : List.of(),
        head.length > 2 ? words(head[2]) : List.of());
  }

  private static List<String> words(String col) {
    return col.equals("-") ? List.of() : Arrays.asList(col.split(","));
  }

  /** The words of a line, split at spaces and tabs (no regular expression: this runs cold). */
  private static List<String> tokens(String line) {
    List<String> out = new ArrayList<>(8);
    int n = line.length();
    int i = 0;
    while (i < n) {
      while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      int start = i;
      while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      if (i > start) {
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  private static Risk risk(String word, String source, int line) {
    try {
      return Risk.valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw fault(source, line, "unknown risk " + word);
    }
  }

  private static void need(boolean ok, String source, int line, String what) {
    if (!ok) {
      throw fault(source, line, what);
    }
  }

  private static IllegalStateException fault(String source, int line, String what) {
    return new IllegalStateException(source + ":" + line + ": " + what);
  }
}

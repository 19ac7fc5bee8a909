package dev.proctor.classify;

import static dev.proctor.classify.ClassNames.CODE_EXEC;
import static dev.proctor.classify.ClassNames.DATA_EXPORT;
import static dev.proctor.classify.ClassNames.FS_READ;
import static dev.proctor.classify.ClassNames.FS_WRITE;
import static dev.proctor.classify.ClassNames.PACKAGE_INSTALL;

import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import java.util.Set;

/**
 * Classifies a command by its table entry ({@link CommandSpec}): the options that name programs,
 * read or written files, the subcommand, and the operands by their role. Commands that need a
 * grammar have handlers of their own; this is everything else.
 */
final class TableCommands {

  private TableCommands() {}

  static void classify(Invocation in, CommandSpec spec) {
    CommandSpec.Grammar g = spec.grammar();
    List<List<Word>> slots = new java.util.ArrayList<>(0);
    List<Word> args = g.runsOptions().isEmpty() ? in.args : runSlots(in.args, g, slots);
    Args a = Args.parse(args, spec.valueLetters(), spec.longValues(), false);
    if (g.bsd()) {
      a = a.withBsdClusters(g.bsdValueLetters()); // ps aux: a, u and x, not files
    }
    for (Args.Opt o : a.options) {
      String n = o.name();
      if (spec.execs().contains(n)
          && !(o.value() != null && CommandTable.passiveProgram(o.value().text()))) {
        in.cls(CODE_EXEC);
        in.tag("exec-option");
      } else if (o.value() != null && spec.writes().contains(n)) {
        in.cls(FS_WRITE);
        in.writePath(o.value());
      } else if (o.value() != null && spec.reads().contains(n)) {
        if (spec.actionClass().orElse("").equals(FS_READ)) {
          in.readOperands(List.of(o.value()));
        } else {
          in.path(o.value());
        }
      }
    }
    List<Word> ops = a.operands;
    String cls = spec.actionClass().orElse(ClassNames.SHELL_EXEC);
    if (!spec.verbs().isEmpty()) {
      CommandSpec.Verb v = spec.verbs().get(ops.isEmpty() ? "-" : ops.get(0).text());
      if (v != null) {
        cls = v.actionClass();
        v.tags().forEach(in::tag);
        ops = ops.isEmpty() ? ops : ops.subList(1, ops.size());
      }
    }
    for (CommandSpec.OptionFact fact : g.options()) {
      if (a.has(fact.names().toArray(new String[0]))) {
        fact.tags().forEach(in::tag);
        fact.labels().forEach(in::label);
        if (fact.actionClass().isPresent()) {
          cls = fact.actionClass().get(); // crontab -l reads
        }
      }
    }
    g.tags().forEach(in::tag);
    for (Word script : a.values(g.scriptOptions().toArray(new String[0]))) {
      in.nestedText(script); // nodemon --exec 'npm test'
    }
    if (spec.tasks()) {
      List<Word> tasks = ops;
      if (!g.tasksAfter().isEmpty()) {
        boolean after = !ops.isEmpty() && g.tasksAfter().contains(ops.get(0).text());
        tasks = after ? ops.subList(1, ops.size()) : List.of(); // bazel run //:push
      }
      for (Word w : tasks) {
        if (w.isLiteral() && w.text().indexOf('=') < 0 && publishes(w.text())) {
          in.cls(DATA_EXPORT);
          in.tag("publish");
        }
      }
    }
    switch (spec.operands()) {
      case READ -> {
        in.cls(cls);
        in.reads(ops);
      }
      case WRITE -> {
        in.cls(cls);
        in.writePaths(ops);
      }
      case NONE -> in.cls(cls);
      case PATTERN_READ -> {
        in.cls(cls);
        boolean given = a.has("-e", "--regexp", "-f", "--file");
        in.reads(given || ops.isEmpty() ? ops : ops.subList(1, ops.size()));
      }
      case FILTER_READ -> filterRead(in, cls, a, ops);
      case HOST_LAST -> {
        in.cls(cls);
        in.fetched();
        if (!ops.isEmpty()) {
          Word h = ops.get(ops.size() - 1);
          if (h.isLiteral()) {
            in.host(PathFacts.host(h.text().startsWith("@") ? h.text().substring(1) : h.text()));
          } else {
            in.tag("dynamic");
          }
        }
      }
      case HOST_FIRST -> {
        in.cls(cls);
        if (a.has("-l", "--listen")) {
          in.tag("listen");
        }
        for (Word w : ops) {
          if (w.isLiteral() && !ShellWalk.isDigits(w.text())) {
            String h = w.text();
            int at = h.indexOf('@');
            in.host(PathFacts.host(at >= 0 ? h.substring(at + 1) : h));
            break;
          }
        }
      }
      case BUILD -> build(in, cls);
      case SYSTEM -> in.cls(isInspection(in.name, Args.parse(in.args)) ? FS_READ : cls);
      case DISK -> {
        in.cls(cls);
        in.tag("disk");
        in.readPaths(Args.parse(in.args).operands);
      }
    }
    for (List<Word> command : slots) {
      // fd -x CMD: CMD runs for the files found under the operands (or here).
      in.runFor(command, ops.isEmpty() ? List.of(new Word(".", 0, List.of())) : ops, true, null);
    }
  }

  /**
   * Removes the runner slots ({@code runs OPTION… until WORD…}: {@code fd -x rm {} ;}) from the
   * arguments into {@code slots}, and returns the other arguments.
   */
  static List<Word> runSlots(List<Word> args, CommandSpec.Grammar g, List<List<Word>> slots) {
    List<Word> kept = new java.util.ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      Set<String> ends = g.runsOptions().get(args.get(i).text());
      if (ends == null || !args.get(i).isLiteral()) {
        kept.add(args.get(i));
        continue;
      }
      int j = i + 1;
      while (j < args.size() && !ends.contains(args.get(j).text())) {
        j++;
      }
      slots.add(args.subList(i + 1, j));
      i = j;
    }
    return kept;
  }

  /**
   * A command the user's taxonomy declares: classified by its entry like a table command, with the
   * entry's tags and the values of its {@code environment} options as environment targets.
   */
  static void classifyUser(Invocation in, TaxonomyLoader.UserCommand user) {
    classify(in, user.spec());
    user.tags().forEach(in::tag);
    if (!user.environmentOptions().isEmpty()) {
      CommandSpec s = user.spec();
      for (Word env :
          in.parse(s.valueLetters(), s.longValues())
              .values(user.environmentOptions().toArray(new String[0]))) {
        if (env.isLiteral()) {
          in.target(dev.proctor.action.Target.Kind.ENVIRONMENT, env.text());
        } else {
          in.tag("dynamic");
        }
      }
    }
  }

  /**
   * {@code jq FILTER FILE...}: the filter is the first operand unless {@code -f} gave it; {@code
   * --arg NAME VALUE} and {@code --argjson} take two values, {@code --slurpfile}/{@code --rawfile
   * NAME FILE} read FILE; after {@code --args}/{@code --jsonargs} operands are values, not files.
   */
  private static void filterRead(Invocation in, String cls, Args a, List<Word> ops) {
    in.cls(cls);
    List<Word> args = in.args;
    List<Word> files = new java.util.ArrayList<>(ops.size());
    boolean filterGiven = a.has("-f", "--from-file");
    boolean filterSeen = filterGiven;
    boolean valuesOnly = false;
    for (int i = 0; i < args.size(); i++) {
      Word w = args.get(i);
      String t = w.text();
      if (t.equals("--arg") || t.equals("--argjson")) {
        i += 2;
      } else if (t.equals("--slurpfile") || t.equals("--rawfile")) {
        if (i + 2 < args.size()) {
          in.path(args.get(i + 2));
        }
        i += 2;
      } else if (t.equals("--args") || t.equals("--jsonargs")) {
        valuesOnly = true;
      } else if (t.equals("-f")
          || t.equals("--from-file")
          || t.equals("-L")
          || t.equals("--indent")) {
        i++;
      } else if (t.startsWith("-") && t.length() > 1 && !w.has(ShellSyntax.DYNAMIC)) {
        continue;
      } else if (!filterSeen) {
        filterSeen = true;
      } else if (!valuesOnly) {
        files.add(w);
      }
    }
    if (!files.isEmpty() || !in.stdinPiped && !in.stdinIsFile() && !in.stdinIsHeredoc()) {
      in.readOperands(files);
    }
  }

  private static void build(Invocation in, String cls) {
    if (BuildCommands.replacesBuild(in)) {
      return;
    }
    in.cls(cls);
    BuildCommands.handle(in);
    if (COMPILERS.contains(in.name)) {
      for (Word out : Args.parse(in.args, "oIDLlxUu", Set.of(), false).values("-o")) {
        in.cls(FS_WRITE);
        in.writePath(out);
      }
    }
    if ((in.name.equals("make") || in.name.equals("gmake"))
        && Args.parse(in.args, "CfIjloW", Set.of(), false).operands.stream()
            .anyMatch(w -> w.text().equals("install") || w.text().equals("uninstall"))) {
      in.cls(PACKAGE_INSTALL);
    }
    if (in.name.equals("pre-commit") || in.name.equals("husky") || in.name.equals("lefthook")) {
      Args a = Args.parse(in.args);
      if (a.operandText(0).equals("install") || a.operandText(0).equals("init")) {
        in.cls(FS_WRITE);
        in.tag("agent-config");
      }
    }
  }

  /**
   * True if a build task, goal or script name publishes, deploys or releases, by the table's task
   * words ({@code taskwords} in commands.txt: {@code make release}, {@code release:perform}, {@code
   * publishToMavenCentral}, but not {@code assembleRelease} or {@code release:notes}).
   */
  static boolean publishes(String task) {
    return CommandTable.table().taskWords().publishes(task);
  }

  /** C-family compilers whose {@code -o FILE} names the file they write. */
  private static final Set<String> COMPILERS =
      Set.of("gcc", "g++", "cc", "c++", "clang", "clang++", "rustc", "swiftc", "ghc", "zig");

  private static boolean isInspection(String name, Args a) {
    String first = a.operandText(0);
    return switch (name) {
      case "mount", "hostname", "ifconfig" ->
          a.operands.isEmpty() || name.equals("ifconfig") && a.operands.size() == 1;
      case "ip" ->
          a.operands.size() <= 2
              || a.operandText(1).equals("show")
              || a.operandText(1).equals("list");
      case "launchctl" -> first.equals("list") || first.equals("print");
      case "sysctl" -> !a.has("-w") && a.operands.stream().noneMatch(w -> w.text().contains("="));
      case "route" -> first.isEmpty() || first.equals("-n") || first.equals("get");
      case "diskutil" -> first.equals("list") || first.equals("info");
      case "defaults" -> first.equals("read") || first.equals("domains");
      default -> false;
    };
  }
}

package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.action.Classification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs against invariants: the classifier never throws, always names a class of the
 * taxonomy, is deterministic, never rates a command with an unknown name below shell.exec, gates a
 * compound at the highest of its parts, and classifies {@code bash -c 'X'} as X.
 */
class ShellClassifierPropertyTest {

  private static final Taxonomy TAXONOMY = Taxonomy.builtIn();
  private static final ShellClassifier SHELL = new ShellClassifier(TAXONOMY);
  private static final ClassifyContext CTX = ShellClassifierTest.CTX;
  private static final long SEED = 0x5eed_c1a55L;

  private static final String[] ATOMS = {
    "ls",
    "cat",
    "rm",
    "-rf",
    "/",
    "~",
    "$HOME",
    "'",
    "\"",
    "`",
    "$(",
    ")",
    "(",
    "{",
    "}",
    ";",
    "&&",
    "||",
    "|",
    "&",
    ">",
    ">>",
    "<",
    "<<",
    "EOF",
    "\n",
    "\\",
    "$'",
    "curl",
    "sh",
    "bash",
    "-c",
    "sudo",
    "git",
    "push",
    "--force",
    "*",
    "?",
    "[",
    "]",
    "#",
    "=",
    "x=1",
    "eval",
    "if",
    "then",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "case",
    "esac",
    " ",
    "\t",
    "python",
    "-e",
    "xargs",
    "env",
    "timeout",
    "10",
    "/dev/sda",
    "of=/dev/sda",
    "dd",
    "::",
    "!",
    "[[",
    "]]",
    "$x",
    "${x}"
  };

  private static int risk(String cls) {
    int i = 0;
    List<ActionClass> all = new ArrayList<>(TAXONOMY.classes());
    all.sort(ActionClass.BY_RISK);
    for (ActionClass c : all) {
      if (c.name().equals(cls)) {
        return i;
      }
      i++;
    }
    throw new AssertionError("unknown class " + cls);
  }

  private static Classification classify(String s) {
    Classification c = SHELL.classify(s, CTX);
    assertThat(TAXONOMY.contains(c.actionClass())).isTrue();
    for (String x : c.classes()) {
      assertThat(TAXONOMY.contains(x)).as(x).isTrue();
    }
    assertThat(c.actionClass()).isEqualTo(TAXONOMY.highest(c.classes()).name());
    return c;
  }

  @Test
  void classify_randomBytes_neverThrowsAndNamesKnownClass() {
    Random r = new Random(SEED);
    for (int i = 0; i < 5_000; i++) {
      byte[] b = new byte[r.nextInt(80)];
      r.nextBytes(b);
      String s = new String(b, StandardCharsets.ISO_8859_1);
      Classification c = classify(s);
      if (s.indexOf('\0') >= 0) {
        assertThat(c.actionClass()).isEqualTo("shell.unparseable");
      }
    }
  }

  @Test
  void classify_randomShellishText_neverThrowsAndIsDeterministic() {
    Random r = new Random(SEED + 1);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + r.nextInt(12);
      for (int k = 0; k < n; k++) {
        sb.append(ATOMS[r.nextInt(ATOMS.length)]);
        if (r.nextBoolean()) {
          sb.append(' ');
        }
      }
      String s = sb.toString();
      assertThat(classify(s)).as(s).isEqualTo(classify(s));
    }
  }

  @Test
  void classify_unknownCommandName_isNeverBelowShellExec() {
    Random r = new Random(SEED + 2);
    String[] prefixes = {"", "ls && ", "echo a; ", "cat x | ", "timeout 5 ", "env A=1 ", "nice "};
    String[] suffixes = {"", " --all", " -rf /tmp/x", " > out", " | wc -l", " && ls"};
    int floor = risk("shell.exec");
    for (int i = 0; i < 2_000; i++) {
      StringBuilder name = new StringBuilder("zq");
      for (int k = 0; k < 1 + r.nextInt(8); k++) {
        name.append((char) ('a' + r.nextInt(26)));
      }
      String cmd =
          prefixes[r.nextInt(prefixes.length)] + name + suffixes[r.nextInt(suffixes.length)];
      Classification c = classify(cmd);
      assertThat(risk(c.actionClass())).as(cmd + " -> " + c).isGreaterThanOrEqualTo(floor);
    }
  }

  @Test
  void classify_compoundOfCorpusCommands_isAtLeastHighestOfParts() throws Exception {
    List<String> cmds = new ArrayList<>();
    ShellClassifierTest.corpus().forEach(a -> cmds.add((String) a.get()[1]));
    cmds.removeIf(c -> c.contains("\n") || c.contains("<<") || c.trim().endsWith("&"));
    Random r = new Random(SEED + 3);
    for (int i = 0; i < 2_000; i++) {
      String a = cmds.get(r.nextInt(cmds.size()));
      String b = cmds.get(r.nextInt(cmds.size()));
      Classification ca = classify(a);
      Classification cb = classify(b);
      if (ca.actionClass().equals("shell.unparseable")
          || cb.actionClass().equals("shell.unparseable")) {
        continue;
      }
      Classification both = classify("( " + a + "\n) && ( " + b + "\n)");
      String expected = TAXONOMY.highest(List.of(ca.actionClass(), cb.actionClass())).name();
      // At least the highest part: a fetch before the project's code makes running it riskier
      // (curl ... && python tool.py is no longer project-code), never less.
      assertThat(risk(both.actionClass()))
          .as(a + " && " + b + " -> " + both.actionClass() + ", parts " + expected)
          .isGreaterThanOrEqualTo(risk(expected));
    }
  }

  @Test
  void classify_wrappedInBashC_matchesUnwrapped() throws Exception {
    ShellClassifierTest.corpus()
        .forEach(
            args -> {
              String cmd = (String) args.get()[1];
              Classification plain = classify(cmd);
              if (plain.actionClass().equals("shell.unparseable")) {
                return;
              }
              String quoted = "'" + cmd.replace("'", "'\\''") + "'";
              Classification wrapped = classify("bash -c " + quoted);
              assertThat(wrapped.actionClass()).as(cmd).isEqualTo(plain.actionClass());
            });
  }
}

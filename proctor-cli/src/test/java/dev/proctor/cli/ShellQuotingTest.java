package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line {@code proctor exec} classifies for an argument vector is the one a real shell
 * splits back into exactly that vector: checked with {@code bash} and {@code sh} themselves.
 */
class ShellQuotingTest {

  static Stream<List<String>> vectors() {
    List<List<String>> out = new ArrayList<>();
    out.add(List.of("echo", "hello"));
    out.add(List.of("rm", "-rf", "build/", "a b", ""));
    out.add(List.of("printf", "%s\\n", "$HOME", "`id`", "$(id)", "*", "?", "[a]", "{a,b}"));
    out.add(List.of("echo", "it's", "\"q\"", "a;b", "a&&b", "a|b", ">x", "<y", "2>&1", "#c"));
    out.add(List.of("echo", "~", "~root", "a=b", "-n", "--x=1", "\\", "\t", "line\nbreak"));
    out.add(List.of("echo", "ünïcode", "日本", "!", "!!", "^", "%", "@", "+=", ","));
    // Seeded random words over the characters shells treat specially.
    Random random = new Random(11);
    String alphabet = "ab '\"\\$`*?[]{}()<>|&;#~=!%^,.:/-_@\n\t";
    for (int i = 0; i < 30; i++) {
      List<String> v = new ArrayList<>(List.of("printf"));
      v.add("[%s]");
      for (int w = 0; w < 4; w++) {
        StringBuilder b = new StringBuilder();
        for (int c = random.nextInt(6); c > 0; c--) {
          b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        v.add(b.toString());
      }
      out.add(v);
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void join_anyVector_isSplitBackIntoExactlyItByBashAndSh(List<String> argv) throws Exception {
    String line = ShellQuoting.join(argv);
    for (String shell : List.of("bash", "sh")) {
      // The shell prints each word it got, NUL-terminated, instead of running the command.
      String script = "for w in " + line + "; do printf '%s\\0' \"$w\"; done";
      Process p = new ProcessBuilder(shell, "-c", script).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      List<String> words = new ArrayList<>(List.of(out.split("\0", -1)));
      words.remove(words.size() - 1);
      assertThat(words).as("%s split %s", shell, line).isEqualTo(argv);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FOO=1", "if", "while", "!", "{", "time", "=cmd"})
  void join_firstWordAShellWouldReadAsSyntax_isQuoted(String first) {
    assertThat(ShellQuoting.join(List.of(first, "x"))).startsWith("'").endsWith(" x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"make", "./gradlew", "/usr/bin/env", "git", "a-b_c.d"})
  void join_plainWords_stayBare(String first) {
    assertThat(ShellQuoting.join(List.of(first, "-rf", "build/", "k=v")))
        .isEqualTo(first + " -rf build/ k=v");
  }
}

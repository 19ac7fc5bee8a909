package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.classify.ShellSyntax.Group;
import dev.proctor.classify.ShellSyntax.Script;
import dev.proctor.classify.ShellSyntax.Simple;
import dev.proctor.classify.ShellSyntax.Word;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellParserTest {

  private static Simple only(String text) throws ShellSyntaxException {
    Script s = ShellParser.parse(text);
    assertThat(s.pipelines()).hasSize(1);
    assertThat(s.pipelines().get(0).commands()).hasSize(1);
    return (Simple) s.pipelines().get(0).commands().get(0);
  }

  private static List<String> texts(List<Word> words) {
    return words.stream().map(Word::text).toList();
  }

  @Test
  void parse_quotesAndEscapes_areRemoved() throws Exception {
    Simple c = only("echo 'a b' \"c d\" e\\ f \"x\\\"y\" 'it'\\''s' \\$HOME");
    assertThat(texts(c.words()))
        .containsExactly("echo", "a b", "c d", "e f", "x\"y", "it's", "$HOME");
    assertThat(c.words().get(6).has(ShellSyntax.DYNAMIC)).isFalse();
  }

  @Test
  void parse_ansiCQuotes_decodeEscapes() throws Exception {
    Simple c = only("printf $'a\\tb\\x41\\n' $'\\'q\\''");
    assertThat(texts(c.words())).containsExactly("printf", "a\tbA\n", "'q'");
  }

  @Test
  void parse_lineContinuation_joinsWords() throws Exception {
    Simple c = only("ls \\\n  -la \\\n  src");
    assertThat(texts(c.words())).containsExactly("ls", "-la", "src");
  }

  @Test
  void parse_listsAndPipelines_flattenInOrder() throws Exception {
    Script s = ShellParser.parse("a | b |& c && d || e; f & g\nh");
    assertThat(s.pipelines()).hasSize(6);
    assertThat(s.pipelines().get(0).commands()).hasSize(3);
  }

  @Test
  void parse_operatorsWithoutSpaces_split() throws Exception {
    Script s = ShellParser.parse("a&&b||c;d|e");
    assertThat(s.pipelines()).hasSize(4);
  }

  @Test
  void parse_commandSubstitution_isParsedInsideWord() throws Exception {
    Simple c = only("echo \"x$(ls $(pwd))y\" `whoami`");
    Word w = c.words().get(1);
    assertThat(w.has(ShellSyntax.DYNAMIC)).isTrue();
    assertThat(w.substitutions()).hasSize(1);
    Simple inner = (Simple) w.substitutions().get(0).pipelines().get(0).commands().get(0);
    assertThat(inner.words().get(1).substitutions()).hasSize(1);
    assertThat(c.words().get(2).substitutions()).hasSize(1);
  }

  @Test
  void parse_assignments_precedeCommandOnly() throws Exception {
    Simple c = only("A=1 B=\"x y\" cmd C=2");
    assertThat(texts(c.assignments())).containsExactly("A=1", "B=x y");
    assertThat(texts(c.words())).containsExactly("cmd", "C=2");
  }

  @Test
  void parse_redirections_areRecognised() throws Exception {
    Simple c = only("cmd >out 2>>err <in &>all >|clobber 2>&1 >&- 3<>rw");
    assertThat(c.redirects())
        .extracting(r -> r.op)
        .containsExactly(">", ">>", "<", "&>", ">|", ">&", ">&", "<>");
    assertThat(c.redirects())
        .extracting(r -> r.target.text())
        .containsExactly("out", "err", "in", "all", "clobber", "1", "-", "rw");
    assertThat(texts(c.words())).containsExactly("cmd");
  }

  @Test
  void parse_hereDocuments_readBodiesAndContinue() throws Exception {
    Script s =
        ShellParser.parse(
            "cat <<EOF | sort\nb $(date)\na\nEOF\ncat <<-'X'\n\t$(no)\n\tX\necho done");
    assertThat(s.pipelines()).hasSize(3);
    Simple first = (Simple) s.pipelines().get(0).commands().get(0);
    assertThat(first.redirects().get(0).body).isEqualTo("b $(date)\na\n");
    assertThat(first.redirects().get(0).bodySubstitutions).hasSize(1);
    Simple second = (Simple) s.pipelines().get(1).commands().get(0);
    assertThat(second.redirects().get(0).quotedDelimiter).isTrue();
    assertThat(second.redirects().get(0).bodySubstitutions).isEmpty();
  }

  @Test
  void parse_groupsAndCompounds_areGroups() throws Exception {
    for (String text :
        List.of(
            "( cd x; ls )",
            "{ ls; pwd; }",
            "if a; then b; elif c; then d; else e; fi",
            "while true; do ls; done",
            "until false; do ls; done",
            "for f in a b $(ls); do echo $f; done",
            "for f\ndo echo; done")) {
      Script s = ShellParser.parse(text);
      assertThat(s.pipelines().get(0).commands().get(0)).as(text).isInstanceOf(Group.class);
    }
  }

  @Test
  void parse_functionDefinitions_areParsed() throws Exception {
    Script s = ShellParser.parse("f() { ls; }; function g { pwd; }; f");
    assertThat(s.pipelines()).hasSize(3);
    assertThat(s.pipelines().get(0).commands().get(0)).isInstanceOf(ShellSyntax.FunctionDef.class);
  }

  @Test
  void parse_commentsAndHashInWords() throws Exception {
    Simple c = only("echo a#b # comment | rm -rf /");
    assertThat(texts(c.words())).containsExactly("echo", "a#b");
  }

  @Test
  void parse_globsTildeBraceAndProcessSubstitution_areFlagged() throws Exception {
    Simple c = only("ls *.txt ~/x {a,b} <(true) '*'");
    assertThat(c.words().get(1).has(ShellSyntax.GLOB)).isTrue();
    assertThat(c.words().get(2).has(ShellSyntax.TILDE)).isTrue();
    assertThat(c.words().get(3).has(ShellSyntax.BRACE)).isTrue();
    assertThat(c.words().get(4).has(ShellSyntax.PROCESS)).isTrue();
    assertThat(c.words().get(5).has(ShellSyntax.GLOB)).isFalse();
  }

  @Test
  void parse_doubleBrackets_keepOperatorsInside() throws Exception {
    Script s = ShellParser.parse("[[ -f a && $x < 3 ]] && echo ok");
    assertThat(s.pipelines()).hasSize(2);
    Simple c = (Simple) s.pipelines().get(0).commands().get(0);
    assertThat(texts(c.words())).contains("&&", "<");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "case \"$(uname -s)\" in\n  Linux) echo l ;;\n  Darwin|FreeBSD) echo b ;&\n  *) ;;\nesac",
        "case $1 in (-h|--help) echo usage;; esac",
        "(( count++ )) && echo $count",
        "for ((i=0; i<3; i++)); do echo $i; done",
        "for (( ; ; )) do break; done",
        "files=(a.txt \"b c.txt\" $(ls))",
        "declare -a xs=(1 2 3); local ys+=(4)",
        "sizes[src]=$(du -s src); echo ${sizes[src]} ${#sizes[@]}",
        "echo ${x:-$(pwd)} ${y//\"a\"/b} ${z:-'q'}",
        "echo $(( $(wc -l < a) + 1 ))",
        "while read -r l; do echo $l; done < <(git ls-files)",
        "diff <(sort a) <(sort b) > >(tee log)"
      })
  void parse_bashThatAgentsWrite_parses(String text) throws Exception {
    assertThat(ShellParser.parse(text).pipelines()).isNotEmpty();
  }

  @Test
  void parse_substitutionsInsideExpansionsAndArithmetic_areParsed() throws Exception {
    Script s = ShellParser.parse("echo ${x:-$(rm a)} $(( $(rm b) ))");
    Simple c = (Simple) s.pipelines().get(0).commands().get(0);
    assertThat(c.words().get(1).substitutions()).hasSize(1);
    assertThat(c.words().get(2).substitutions()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "echo 'open",
        "echo \"open",
        "echo $(ls",
        "echo `ls",
        "echo $'x",
        "ls |",
        "ls &&",
        "|| ls",
        "; ls",
        "ls )",
        "( ls",
        "{ ls; ",
        "if true; then ls",
        "for x in a; do ls",
        "case a in a) ls",
        "case a in a) ls;; ",
        "case a b in a) ;; esac",
        "select x in a; do ls; done",
        "(( 1 + 2 )",
        "a=(1 2",
        "echo ${x@P}",
        "echo ${x:-$(ls}",
        "echo $(( $(ls) )",
        "for ((i=0; i<3; i++)) do ls",
        "cat <<EOF",
        "cat <<EOF\nbody",
        "ls >",
        "echo a\0b",
        "coproc ls"
      })
  void parse_unsupportedOrBrokenInput_throws(String text) {
    assertThatThrownBy(() -> ShellParser.parse(text)).isInstanceOf(ShellSyntaxException.class);
  }

  @Test
  void parse_tooLongInput_throws() {
    String big = "echo " + "a".repeat(ShellParser.MAX_LENGTH);
    assertThatThrownBy(() -> ShellParser.parse(big)).isInstanceOf(ShellSyntaxException.class);
  }

  @Test
  void parse_tooDeepNesting_throws() throws Exception {
    String ok = "( ".repeat(10) + "ls" + " )".repeat(10);
    ShellParser.parse(ok);
    String deep = "( ".repeat(40) + "ls" + " )".repeat(40);
    assertThatThrownBy(() -> ShellParser.parse(deep)).isInstanceOf(ShellSyntaxException.class);
    String subs = "echo " + "$(echo ".repeat(40) + "x" + ")".repeat(40);
    assertThatThrownBy(() -> ShellParser.parse(subs)).isInstanceOf(ShellSyntaxException.class);
  }
}

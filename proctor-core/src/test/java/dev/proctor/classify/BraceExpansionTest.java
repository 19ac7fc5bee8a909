package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BraceExpansionTest {

  @Test
  void expand_commaList_givesEveryAlternative() {
    assertThat(BraceExpansion.expand("{.env,x}")).containsExactly(".env", "x");
    assertThat(BraceExpansion.expand(".env{,}")).containsExactly(".env", ".env");
    assertThat(BraceExpansion.expand("src/{a,b{1,2}}.ts"))
        .containsExactly("src/a.ts", "src/b1.ts", "src/b2.ts");
  }

  @Test
  void expand_sequence_givesEveryValue() {
    assertThat(BraceExpansion.expand("f{1..3}")).containsExactly("f1", "f2", "f3");
    assertThat(BraceExpansion.expand("{c..a}")).containsExactly("c", "b", "a");
  }

  @Test
  void expand_noExpression_keepsTheWord() {
    assertThat(BraceExpansion.expand("${HOME}/{x}")).containsExactly("${HOME}/{x}");
    assertThat(BraceExpansion.expand("@{u}")).containsExactly("@{u}");
  }

  @Test
  void expand_tooManyWords_givesNull() {
    assertThat(BraceExpansion.expand("x{1..100}")).isNull();
    assertThat(BraceExpansion.expand("{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}")).isNull();
  }
}

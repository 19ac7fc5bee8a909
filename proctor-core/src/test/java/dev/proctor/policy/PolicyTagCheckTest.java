package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.proctor.classify.Taxonomy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With the taxonomy's tag catalog, a condition testing a tag nobody emits does not load. */
class PolicyTagCheckTest {

  private static PolicyLoader loader(Taxonomy taxonomy) {
    return new PolicyLoader(ClassCatalog.of(taxonomy), Fixtures.DECLARED);
  }

  private static String policy(String when) {
    return "policy: {id: t, version: 1}\nrules:\n  - id: r\n    when: '"
        + when
        + "'\n"
        + "    effect: deny\n";
  }

  @Test
  void load_misspelledTag_failsWithDidYouMean() {
    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                loader(Taxonomy.builtIn())
                    .load(List.of(PolicySource.of("p.yaml", policy("\"fetch-exe\" in tags")))));
    assertThat(e).isNotNull();
    assertThat(e.problems())
        .anySatisfy(
            p -> {
              assertThat(p.line()).isEqualTo(4);
              assertThat(p.message())
                  .contains("unknown tag 'fetch-exe'")
                  .contains("did you mean 'fetch-exec'?");
            });
  }

  @Test
  void load_misspelledTagInsideALiteralBlock_namesItsLineAndColumn() {
    String yaml =
        "policy: {id: t, version: 1}\n"
            + "rules:\n"
            + "  - id: r\n"
            + "    when: |\n"
            + "      tool == \"Bash\" &&\n"
            + "        (\"sudoo\" in tags)\n"
            + "    effect: deny\n";
    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () -> loader(Taxonomy.builtIn()).load(List.of(PolicySource.of("p.yaml", yaml))));

    assertThat(e).isNotNull();
    assertThat(e.problems())
        .extracting(PolicyProblem::toString)
        .anySatisfy(
            p ->
                assertThat(p).startsWith("p.yaml:6:11: rule r: unknown tag 'sudoo' (did you mean"));
  }

  @Test
  void load_tagWithoutNeighbour_namesTheList() {
    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                loader(Taxonomy.builtIn())
                    .load(List.of(PolicySource.of("p.yaml", policy("\"zzzzzzzz\" in tags")))));
    assertThat(e.getMessage()).contains("unknown tag 'zzzzzzzz'").contains("docs/taxonomy.md");
  }

  @Test
  void load_knownAndUserDeclaredTags_load() throws Exception {
    Taxonomy t =
        Taxonomy.parse("tools:\n  crm_export: {class: data.export, tags: [bulk]}\n", "t.yaml");
    Policy p =
        loader(t)
            .load(
                List.of(
                    PolicySource.of(
                        "p.yaml", policy("\"bulk\" in tags || \"fetch-exec\" in tags"))));
    assertThat(p.rules()).hasSize(1);
  }

  @Test
  void load_catalogWithoutTags_checksNothing() throws Exception {
    Policy p = Fixtures.loader().load(List.of(PolicySource.of("p.yaml", policy("\"x\" in tags"))));
    assertThat(p.rules()).hasSize(1);
  }
}

package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The check that runs each fast path beside CEL on every example and test case: agreement passes,
 * and a fast path that answers differently fails the case (so the policy does not load), naming the
 * rule and both answers. A broken fast path is simulated by pairing one expression's CEL program
 * with another expression's guard or direct evaluator.
 */
class FastPathCheckTest {

  private static Condition condition(String expression) {
    PolicyCel.Compiled c = PolicyCel.compile(expression);
    assertThat(c.issues()).isEmpty();
    return c.condition();
  }

  /** The CEL program of {@code cel} with the fast paths of {@code fast}. */
  private static Condition mismatched(String cel, String fast) {
    Condition f = condition(fast);
    return new Condition(condition(cel).program(), f.guard(), f.direct());
  }

  private static RequestView view(Fixtures.Req r) {
    return new RequestView(r.build(), Map.of("domains", List.of()));
  }

  @Test
  void disagreement_sameExpression_none() {
    Condition c = condition("\"x\" in tags || paths.exists(p, p.inside(cwd))");
    assertThat(c.hasFastPath()).isTrue();
    assertThat(c.disagreement(view(req("fs.read")))).isEmpty();
    assertThat(c.disagreement(view(req("fs.read").tag("x")))).isEmpty();
    assertThat(c.disagreement(view(req("fs.read").path("/etc/x").noContext()))).isEmpty();
  }

  @Test
  void disagreement_directSaysOtherwise_namesBothAnswers() {
    Condition c = mismatched("\"x\" in tags", "tags.size() >= 0");
    assertThat(c.disagreement(view(req("fs.read"))))
        .hasValue("the direct evaluator says true, CEL says false");
  }

  @Test
  void disagreement_guardSkipsWhatCelMatches_named() {
    Condition c = mismatched("tool == \"Bash\"", "\"sudo\" in tags");
    assertThat(c.disagreement(view(req("fs.read").tool("Bash"))))
        .hasValue("the guard says false, CEL says true");
  }

  @Test
  void disagreement_celFailsWhereDirectAnswers_named() {
    Condition c = mismatched("cwd == \"/w\"", "tool != \"\"");
    assertThat(c.disagreement(view(req("fs.read").noContext())))
        .hasValueSatisfying(
            d -> assertThat(d).startsWith("the direct evaluator says true, CEL says error ("));
  }

  @Test
  void check_exampleWhereFastPathDisagrees_failsNamingRuleAndAnswers() throws Exception {
    Policy loaded =
        Fixtures.loader()
            .load(
                List.of(
                    PolicySource.of(
                        "policy.yaml",
                        "policy: {id: p, version: 1}\n"
                            + "rules:\n"
                            + "  - {id: tagged, when: '\"x\" in tags', effect: deny}\n"
                            + "  - {id: read, match: {class: fs.read}, effect: allow}\n"
                            + "expect:\n"
                            + "  - name: a plain read\n"
                            + "    request: {tool: Read, class: fs.read}\n"
                            + "    effect: allow\n")));
    assertThat(
            PolicyTestRunner.check(loaded, Fixtures.DECLARED, loaded.examples().get(0)).failure())
        .isEmpty();
    Rule tagged = loaded.rule("tagged").orElseThrow();
    Rule read = loaded.rule("read").orElseThrow();
    Policy broken =
        new Policy(
            loaded.id(),
            loaded.version(),
            loaded.description(),
            loaded.digest(),
            List.of(
                new CompiledRule(
                    tagged,
                    0,
                    Set.of(),
                    List.of(),
                    List.of(),
                    mismatched("\"x\" in tags", "true || \"x\" in tags")),
                new CompiledRule(read, 1, Set.of("fs.read"), List.of(), List.of(), null)),
            loaded.defaults(),
            loaded.allowlists(),
            loaded.examples(),
            Fixtures.CATALOG,
            PrincipalDirectory.EMPTY,
            java.util.Map.of());
    assertThat(
            PolicyTestRunner.check(broken, Fixtures.DECLARED, broken.examples().get(0)).failure())
        .hasValueSatisfying(
            f ->
                assertThat(f)
                    .contains(
                        "a fast path disagrees with CEL: rule tagged: the direct evaluator says"
                            + " true, CEL says false"));
  }
}

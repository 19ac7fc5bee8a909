package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.action.ActionRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard that lets the policy skip a CEL evaluation: what it recognizes, and, over seeded random
 * requests, that a condition whose guard says no always evaluates to false.
 */
class GuardTest {

  private static Guard guard(String expression) {
    PolicyCel.Compiled c = PolicyCel.compile(expression);
    assertThat(c.issues()).isEmpty();
    return c.condition().guard();
  }

  private static RequestView view(ActionRequest request) {
    return new RequestView(request, Map.of("domains", List.of("github.com")));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'\"sudo\" in tags'                                   | Member[list=tags, value=sudo]",
        "'class == \"shell.unparseable\"'                     | ClassIs[value=shell.unparseable]",
        "'\"fs.read\" == class'                               | ClassIs[value=fs.read]",
        "'paths.exists(p, p.inside(cwd))'                     | NonEmpty[list=paths]",
        "'\"a\" in labels || urls.exists(u, u != \"\")'       "
            + "| Or[left=Member[list=labels, value=a], right=NonEmpty[list=urls]]",
        "'tool == \"Bash\" && \"x\" in classes'               | Member[list=classes, value=x]",
        "'paths.exists(tags, tags == \"x\")'                   | NonEmpty[list=paths]",
      })
  void of_recognizedShapes_giveExactAtoms(String expression, String expected) {
    assertThat(guard(expression)).hasToString(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'!(\"sudo\" in tags)'",
        "'\"sudo\" in tags || tool == \"Bash\"'",
        "'paths.all(p, p.inside(cwd))'",
        "'paths.size() > 0'",
        "'\"x\" in context'",
        "'tool == \"Bash\"'",
        "'[\"x\"].exists(t, t in tags)'",
        "'\"x\" in tags ? false : true'",
      })
  void of_otherShapes_alwaysEvaluate(String expression) {
    assertThat(guard(expression)).isSameAs(Guard.ALWAYS);
  }

  @Test
  void mayHold_bashCallWithoutTargetsOrTags_skipsTheProtectionRules() {
    RequestView v = view(req("build.run").also("vcs.local").build());
    assertThat(guard("\"proctor-config\" in tags || paths.exists(p, glob(p, \"**/x\"))").mayHold(v))
        .isFalse();
    assertThat(guard("\"secret\" in labels").mayHold(v)).isFalse();
    assertThat(guard("\"secret\" in labels").mayHold(view(req("fs.read").label("secret").build())))
        .isTrue();
  }

  static LongStream seeds() {
    return LongStream.range(1, 201);
  }

  private static final List<String> VALUES =
      List.of("secret", "sudo", "fetch-exec", "proctor-config", "agent-config", "malformed");
  private static final List<String> CLASSES =
      List.of("fs.read", "fs.write", "fs.delete", "build.run", "vcs.push", "shell.unparseable");

  private static final Map<String, PolicyCel.Compiled> COMPILED = compiled();

  private static Map<String, PolicyCel.Compiled> compiled() {
    Map<String, PolicyCel.Compiled> out = new java.util.LinkedHashMap<>();
    try {
      for (String condition : conditions()) {
        out.put(condition, PolicyCel.compile(condition));
      }
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Every condition of the default pack plus a few written to stress the combinators. */
  private static List<String> conditions() throws PolicyException {
    List<String> out = new ArrayList<>();
    for (Rule r : Policies.defaultPack(Fixtures.CATALOG, Fixtures.DECLARED).rules()) {
      r.when().ifPresent(out::add);
    }
    out.add("\"secret\" in labels && paths.exists(p, p.inside(cwd))");
    out.add("(\"sudo\" in tags || class == \"fs.read\") && urls.exists(u, url_host(u) == \"x\")");
    out.add("domains.exists(d, d == \"github.com\") || branches.exists(b, b == \"main\")");
    out.add("\"fs.write\" in classes && paths.exists(p, p.inside(home))");
    return out;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void mayHold_false_conditionEvaluatesToFalse(long seed) throws Exception {
    Random random = new Random(seed);
    Fixtures.Req b = req(CLASSES.get(random.nextInt(CLASSES.size())));
    if (random.nextBoolean()) {
      b.also(CLASSES.get(random.nextInt(CLASSES.size())));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      b.tag(VALUES.get(random.nextInt(VALUES.size())));
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      b.label(VALUES.get(random.nextInt(VALUES.size())));
    }
    String[] paths = {"/work/project/a", "/home/dev/.ssh/id_rsa", "/etc/passwd", "/work/project"};
    for (int i = random.nextInt(3); i > 0; i--) {
      b.path(paths[random.nextInt(paths.length)]);
    }
    if (random.nextInt(3) == 0) {
      b.target("url", random.nextBoolean() ? "https://github.com/x" : "not a url");
    }
    if (random.nextInt(3) == 0) {
      b.target("branch", random.nextBoolean() ? "main" : "feature");
    }
    if (random.nextInt(4) == 0) {
      b.noContext();
    }
    ActionRequest request = b.build();
    for (Map.Entry<String, PolicyCel.Compiled> e : COMPILED.entrySet()) {
      String condition = e.getKey();
      PolicyCel.Compiled c = e.getValue();
      if (!c.condition().guard().mayHold(view(request))) {
        assertThat(c.condition().program().eval(view(request)))
            .as("%s on %s", condition, request.classification())
            .isEqualTo(false);
      }
    }
  }
}

package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random rule sets: the decision is always the most restrictive effect of the enforced rules
 * that match, names exactly those rules, and a matching deny always wins.
 */
class CombiningPropertyTest {

  private static final List<String> CLASSES =
      List.of("fs.read", "fs.write", "build.run", "vcs.local");
  private static final List<String> TAGS = List.of("a", "b", "c");
  private static final Effect[] EFFECTS = {
    Effect.ALLOW, Effect.STEP_UP, Effect.ASK, Effect.DEFER, Effect.DENY
  };

  static LongStream seeds() {
    return LongStream.range(1, 101);
  }

  private record Spec(String id, String cls, String tag, Effect effect, boolean shadow) {}

  @ParameterizedTest
  @MethodSource("seeds")
  void decide_randomRules_mostRestrictiveMatchingEffectWins(long seed) throws Exception {
    Random random = new Random(seed);
    List<Spec> specs = new ArrayList<>();
    StringBuilder yaml = new StringBuilder("policy: {id: prop, version: 1}\nrules:\n");
    int n = 1 + random.nextInt(12);
    for (int i = 0; i < n; i++) {
      Spec s =
          new Spec(
              "r" + i,
              random.nextInt(4) == 0 ? null : CLASSES.get(random.nextInt(CLASSES.size())),
              random.nextBoolean() ? null : TAGS.get(random.nextInt(TAGS.size())),
              EFFECTS[random.nextInt(EFFECTS.length)],
              random.nextInt(6) == 0);
      specs.add(s);
      yaml.append("  - id: ").append(s.id).append('\n');
      if (s.cls != null) {
        yaml.append("    match: {class: ").append(s.cls).append("}\n");
      }
      if (s.tag != null) {
        yaml.append("    when: '\"").append(s.tag).append("\" in tags'\n");
      }
      yaml.append("    effect: ").append(s.effect.wireName()).append('\n');
      if (s.shadow) {
        yaml.append("    mode: shadow\n");
      }
    }
    Policy policy = Fixtures.load(yaml.toString());
    for (int trial = 0; trial < 20; trial++) {
      String cls = CLASSES.get(random.nextInt(CLASSES.size()));
      Fixtures.Req r = req(cls);
      TreeSet<String> tags = new TreeSet<>();
      for (String t : TAGS) {
        if (random.nextBoolean()) {
          r.tag(t);
          tags.add(t);
        }
      }
      Effect expected = null;
      List<String> ids = new ArrayList<>();
      for (Spec s : specs) {
        boolean matches =
            !s.shadow
                && (s.cls == null || s.cls.equals(cls))
                && (s.tag == null || tags.contains(s.tag));
        if (matches) {
          expected = expected == null ? s.effect : expected.mostRestrictive(s.effect);
        }
      }
      if (expected == null) {
        expected = Fixtures.CATALOG.find(cls).orElseThrow().defaultControl();
      }
      for (Spec s : specs) {
        boolean matches =
            !s.shadow
                && (s.cls == null || s.cls.equals(cls))
                && (s.tag == null || tags.contains(s.tag));
        if (matches && s.effect == expected) {
          ids.add(s.id);
        }
      }
      ids.sort(null);
      Decision d = policy.decide(r.build());
      assertThat(d.effect()).as("seed %d trial %d", seed, trial).isEqualTo(expected);
      assertThat(d.ruleIds()).isEqualTo(ids);
      if (ids.isEmpty()) {
        continue;
      }
      boolean denyMatched =
          specs.stream()
              .anyMatch(
                  s ->
                      !s.shadow
                          && s.effect == Effect.DENY
                          && (s.cls == null || s.cls.equals(cls))
                          && (s.tag == null || tags.contains(s.tag)));
      if (denyMatched) {
        assertThat(d).isInstanceOf(Decision.Deny.class);
      }
    }
  }
}

package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random rule sets with gates ({@code require_approval}) beside plain rules. Against an
 * oracle written from the combining table in docs/policy-language.md: a gate turns what is
 * otherwise allowed (allow, modify, step_up, an ask) into ask, leaves deny and defer alone, and
 * never grants: the same policy without its gates is never more restrictive, and a gate over a
 * class nothing else allows stays denied.
 */
class GateCombiningPropertyTest {

  /** Classes with each kind of default: allow (low), ask (medium), deny (high, critical). */
  private static final Map<String, Effect> DEFAULTS =
      Map.of(
          "fs.read", Effect.ALLOW,
          "fs.write", Effect.ASK,
          "shell.exec", Effect.DENY,
          "payment", Effect.DENY);

  private static final List<String> CLASSES = new ArrayList<>(new TreeSet<>(DEFAULTS.keySet()));
  private static final List<String> TAGS = List.of("a", "b", "c");
  private static final Effect[] EFFECTS = {
    Effect.ALLOW, Effect.STEP_UP, Effect.ASK, Effect.DEFER, Effect.DENY
  };

  static LongStream seeds() {
    return LongStream.range(1, 201);
  }

  /** A generated rule; {@code effect} null means a gate. */
  private record Spec(String id, String cls, String tag, Effect effect) {
    boolean gate() {
      return effect == null;
    }
  }

  private static String yaml(List<Spec> specs, boolean withGates) {
    StringBuilder y = new StringBuilder("policy: {id: gates, version: 1}\nrules:\n");
    if (!withGates && specs.stream().allMatch(Spec::gate)) {
      return "policy: {id: gates, version: 1}\nrules: []\n";
    }
    for (Spec s : specs) {
      if (s.gate() && !withGates) {
        continue;
      }
      y.append("  - id: ").append(s.id).append('\n');
      if (s.cls != null) {
        y.append("    match: {class: ").append(s.cls).append("}\n");
      }
      if (s.tag != null) {
        y.append("    when: '\"").append(s.tag).append("\" in tags'\n");
      }
      if (s.gate()) {
        y.append("    require_approval: {groups: [leads]}\n");
      } else {
        y.append("    effect: ").append(s.effect.wireName()).append('\n');
        if (s.effect == Effect.ASK) {
          y.append("    approval: {groups: [askers]}\n");
        }
      }
    }
    return y.toString();
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void decide_randomRulesWithGates_matchTheCombiningTable(long seed) throws Exception {
    Random random = new Random(seed);
    List<Spec> specs = new ArrayList<>();
    int n = 1 + random.nextInt(10);
    for (int i = 0; i < n; i++) {
      boolean gate = random.nextInt(3) == 0;
      specs.add(
          new Spec(
              "r" + i,
              random.nextInt(4) == 0 ? null : CLASSES.get(random.nextInt(CLASSES.size())),
              random.nextBoolean() ? null : TAGS.get(random.nextInt(TAGS.size())),
              gate ? null : EFFECTS[random.nextInt(EFFECTS.length)]));
    }
    Policy withGates = Fixtures.load(yaml(specs, true));
    Policy withoutGates = Fixtures.load(yaml(specs, false));
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
      Effect others = null;
      List<String> gates = new ArrayList<>();
      for (Spec s : specs) {
        boolean matches =
            (s.cls == null || s.cls.equals(cls)) && (s.tag == null || tags.contains(s.tag));
        if (!matches) {
          continue;
        }
        if (s.gate()) {
          gates.add(s.id);
        } else {
          others = others == null ? s.effect : others.mostRestrictive(s.effect);
        }
      }
      if (others == null) {
        others = DEFAULTS.get(cls);
      }
      boolean gated =
          !gates.isEmpty()
              && (others == Effect.ALLOW || others == Effect.STEP_UP || others == Effect.ASK);
      Effect expected = gated ? Effect.ASK : others;

      Decision d = withGates.decide(r.build());
      Decision plain = withoutGates.decide(r.build());
      String why = "seed " + seed + ", class " + cls + ", tags " + tags + "\n" + yaml(specs, true);
      assertThat(d.effect()).as(why).isEqualTo(expected);
      assertThat(d.effect().compareTo(plain.effect()))
          .as("a gate never loosens: " + why)
          .isGreaterThanOrEqualTo(0);
      if (plain.effect() == Effect.DENY || plain.effect() == Effect.DEFER) {
        assertThat(d.effect()).as("a gate never grants: " + why).isEqualTo(plain.effect());
      }
      if (gated) {
        assertThat(d.ruleIds()).as(why).containsAll(gates);
      } else {
        assertThat(d.ruleIds()).as(why).noneMatch(gates::contains);
      }
    }
  }
}

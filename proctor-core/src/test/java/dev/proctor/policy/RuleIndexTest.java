package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.proctor.decision.Effect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Large generated policies load, decide correctly and look only at the rules that can apply. */
class RuleIndexTest {

  /** A generated policy in files of 1,000 rules (each file stays under the size limit). */
  static List<PolicySource> generated(int rules) {
    List<PolicySource> files = new java.util.ArrayList<>();
    files.add(PolicySource.of("policy.yaml", "policy: {id: big, version: 1}\n"));
    for (int start = 0; start < rules; start += 1000) {
      files.add(
          PolicySource.of(
              String.format("rules-%05d.yaml", start),
              rules(start, Math.min(rules, start + 1000))));
    }
    return files;
  }

  private static String rules(int from, int to) {
    StringBuilder y = new StringBuilder("rules:\n");
    String[] classes = {"fs.read", "fs.write", "net.fetch", "vcs.push", "build.run"};
    for (int i = from; i < to; i++) {
      y.append("  - id: rule-").append(i).append('\n');
      y.append("    match: {class: ").append(classes[i % classes.length]);
      y.append(", tool: tool-").append(i).append("}\n");
      y.append("    when: 'paths.exists(p, p.inside(\"/data/").append(i).append("\"))'\n");
      y.append("    effect: ").append(i % 2 == 0 ? "allow" : "deny").append('\n');
    }
    return y.toString();
  }

  @Test
  void load_tenThousandRules_decidesFromAHandfulOfCandidates() throws Exception {
    Policy p = Fixtures.loader().load(generated(10_000));
    assertThat(p.rules()).hasSize(10_000);
    Evaluation allow = p.evaluate(req("fs.read").tool("tool-9990").path("/data/9990/x").build());
    assertThat(allow.decision().effect()).isEqualTo(Effect.ALLOW);
    assertThat(allow.decision().ruleIds()).containsExactly("rule-9990");
    assertThat(allow.candidates()).isEqualTo(1);
    Evaluation deny = p.evaluate(req("fs.write").tool("tool-9991").path("/data/9991/y").build());
    assertThat(deny.decision().ruleIds()).containsExactly("rule-9991");
    assertThat(deny.decision().effect()).isEqualTo(Effect.DENY);
    // Right tool, wrong class: the rule is not even a candidate.
    assertThat(p.evaluate(req("vcs.local").tool("tool-9990").build()).candidates()).isZero();
  }

  @Test
  void candidates_classGlobAndAnyClassRules_bothIncluded() throws Exception {
    Policy p =
        Fixtures.load(
            "policy: {id: g, version: 1}\nrules:\n"
                + "  - {id: conn, match: {class: 'connector.*'}, effect: ask}\n"
                + "  - {id: any, when: '\"x\" in tags', effect: deny}\n"
                + "  - {id: other, match: {class: fs.read}, effect: allow}\n");
    Evaluation e = p.evaluate(req("connector.read").build());
    assertThat(e.candidates()).isEqualTo(2);
    assertThat(e.decision().ruleIds()).isEqualTo(List.of("conn"));
  }
}

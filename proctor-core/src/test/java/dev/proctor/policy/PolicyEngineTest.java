package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.Principal;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import dev.proctor.decision.Obligation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

  private static final String HEADER = "policy: {id: test, version: 3, description: d}\n";

  @Test
  void decide_denyAndAllowBothMatch_denyWinsWithItsRuleId() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - {id: allow-read, match: {class: fs.read}, effect: allow}\n"
                + "  - {id: no-secrets, when: '\"secret\" in labels', effect: deny, reason: secret}\n"
                + "  - {id: z-deny-too, match: {class: fs.read}, when: 'paths.size() > 5', effect: deny}\n");
    Decision d = p.decide(req("fs.read").label("secret").path("/work/project/.env").build());
    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(d.ruleIds()).containsExactly("no-secrets");
    assertThat(d.reason()).isEqualTo("secret");
    assertThat(d.policy()).isEqualTo(p.ref());
    assertThat(d.policy().digest()).hasSize(64);
    assertThat(p.evaluate(req("fs.read").build()).decision().ruleIds())
        .containsExactly("allow-read");
  }

  @Test
  void decide_severalRulesWithWinningEffect_namesAllSorted() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - {id: z-rule, match: {class: fs.read}, effect: ask}\n"
                + "  - {id: a-rule, match: {class: [fs.read, fs.write]}, effect: ask}\n"
                + "  - {id: m-rule, match: {class: fs.read}, effect: allow}\n");
    Decision d = p.decide(req("fs.read").build());
    assertThat(d).isInstanceOf(Decision.RequireApproval.class);
    assertThat(d.ruleIds()).containsExactly("a-rule", "z-rule");
    assertThat(((Decision.RequireApproval) d).requirement()).isEqualTo(ApprovalRequirement.DEFAULT);
  }

  @Test
  void decide_noRuleMatched_usesPolicyDefaultThenHighImpactDenyThenTaxonomy() throws Exception {
    Policy p = Fixtures.load(HEADER + "defaults:\n  shell.exec: ask\n  'connector.*': step_up\n");
    assertThat(p.decide(req("shell.exec").build()).effect()).isEqualTo(Effect.ASK);
    assertThat(p.decide(req("connector.write").build()).effect()).isEqualTo(Effect.STEP_UP);
    Decision high = p.decide(req("code.exec").build());
    assertThat(high.effect()).isEqualTo(Effect.DENY);
    assertThat(high.reason()).contains("unmatched high-impact action");
    assertThat(high.ruleIds()).isEmpty();
    assertThat(p.decide(req("fs.read").build()).effect()).isEqualTo(Effect.ALLOW);
    assertThat(p.decide(req("net.fetch").build()).effect()).isEqualTo(Effect.ASK);
    assertThat(p.decide(req("made.up").build()).reason()).contains("not in the taxonomy");
  }

  @Test
  void decide_compoundCommand_everyClassMustBeCovered() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER + "rules:\n  - {id: build, match: {class: build.run}, effect: allow}\n");
    // "make && rm -rf dist": the delete part matched no rule; fs.delete is high impact.
    Decision d = p.decide(req("fs.delete").also("build.run").build());
    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.reason()).contains("fs.delete");
    assertThat(p.decide(req("build.run").also("vcs.local").build()).effect())
        .isEqualTo(Effect.ALLOW);
  }

  @Test
  void decide_conditionFailsToEvaluate_deniesNamingTheRule() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - {id: in-project, match: {class: fs.read}, when: 'paths.all(x, x.inside(cwd))', effect: allow}\n"
                + "  - {id: arg-check, match: {class: shell.exec}, when: 'arguments.command.startsWith(\"ls\")', effect: allow}\n");
    Decision d = p.decide(req("fs.read").path("/work/project/a").noContext().build());
    assertThat(d).isInstanceOf(Decision.Deny.class);
    assertThat(d.ruleIds()).containsExactly("in-project");
    assertThat(d.reason()).contains("rule in-project: condition could not be evaluated");
    Decision wrongType =
        p.decide(
            req("shell.exec")
                .arguments(new ObjectMapper().createObjectNode().put("command", 42))
                .build());
    assertThat(wrongType.effect()).isEqualTo(Effect.DENY);
    assertThat(wrongType.ruleIds()).containsExactly("arg-check");
  }

  @Test
  void decide_shadowRule_reportedNotEnforced() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - {id: read, match: {class: fs.read}, effect: allow}\n"
                + "  - {id: candidate, match: {class: fs.read}, effect: deny, mode: shadow, reason: would deny}\n");
    Evaluation e = p.evaluate(req("fs.read").build());
    assertThat(e.decision().effect()).isEqualTo(Effect.ALLOW);
    assertThat(e.shadowHits())
        .containsExactly(new Evaluation.ShadowHit("candidate", Effect.DENY, "would deny"));
    assertThat(e.matchedRules()).containsExactly("read");
  }

  @Test
  void decide_modifyRule_returnsPatchedArgumentsLeavingRequestUntouched() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - id: no-verify\n"
                + "    match: {class: vcs.local, tool: Bash}\n"
                + "    effect: modify\n"
                + "    modify:\n"
                + "      set: {/timeout: 60000, /options/sandbox: true}\n"
                + "      remove: [/dangerouslyDisableSandbox]\n"
                + "    obligations: {redact: [/env], snapshot: true, time_limit: 10m}\n");
    ObjectNode args =
        new ObjectMapper()
            .createObjectNode()
            .put("command", "git commit")
            .put("dangerouslyDisableSandbox", true);
    Decision d = p.decide(req("vcs.local").arguments(args).build());
    assertThat(d).isInstanceOf(Decision.Modify.class);
    assertThat(((Decision.Modify) d).arguments().toString())
        .isEqualTo("{\"command\":\"git commit\",\"options\":{\"sandbox\":true},\"timeout\":60000}");
    assertThat(args.has("dangerouslyDisableSandbox")).isTrue();
    assertThat(d.obligations())
        .containsExactly(
            new Obligation.Redact(List.of("/env")),
            new Obligation.Snapshot(),
            new Obligation.TimeLimit(Duration.ofMinutes(10)));
  }

  @Test
  void decide_askWithApprovalBlock_carriesRequirement() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - id: push\n"
                + "    match: {class: vcs.push}\n"
                + "    effect: ask\n"
                + "    approval:\n"
                + "      groups: [maintainers, security]\n"
                + "      quorum: 2\n"
                + "      expiry: 30m\n"
                + "      escalation: {after: 10m, groups: [leads]}\n"
                + "    budget: {metric: count, limit: 20, per: [agent, session], window: 1h}\n"
                + "    rate_limit: {limit: 5, per: session, window: 1m}\n"
                + "    breaker: {trip: denials, threshold: 3, window: 10m, when_open: deny, cool_down: 5m}\n");
    Decision d = p.decide(req("vcs.push").build());
    assertThat(((Decision.RequireApproval) d).requirement())
        .isEqualTo(
            new ApprovalRequirement(
                List.of("maintainers", "security"), 2, Duration.ofMinutes(30), true));
    Rule rule = p.rule("push").orElseThrow();
    assertThat(rule.approval().orElseThrow().escalation())
        .contains(new Rule.Escalation(Duration.ofMinutes(10), List.of("leads")));
    assertThat(rule.budget())
        .contains(new Rule.Budget("count", 20, List.of("agent", "session"), Duration.ofHours(1)));
    assertThat(rule.rateLimit())
        .contains(new Rule.RateLimit(5, List.of("session"), Duration.ofMinutes(1)));
    assertThat(rule.breaker())
        .contains(
            new Rule.Breaker(
                "denials", 3, Duration.ofMinutes(10), Effect.DENY, Duration.ofMinutes(5)));
  }

  @Test
  void decide_deferAndStepUp_returnTheirDecisionKinds() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - {id: wait, match: {class: db.write}, effect: defer, defer: {timeout: 2m}}\n"
                + "  - {id: reauth, match: {class: access.change}, effect: step_up}\n");
    assertThat(p.decide(req("db.write").build()))
        .isEqualTo(
            new Decision.Defer(
                new Decision.Basis("rule wait: defer", List.of("wait"), p.ref(), List.of()),
                Duration.ofMinutes(2)));
    assertThat(p.decide(req("access.change").build())).isInstanceOf(Decision.StepUp.class);
  }

  @Test
  void decide_toolAndPrincipalMatch_restrictCandidates() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n"
                + "  - {id: mcp-gh, match: {tool: 'mcp__github__*'}, effect: allow}\n"
                + "  - {id: alice-only, match: {class: payment, principal: {human: [alice]}}, effect: ask}\n");
    assertThat(p.decide(req("tool.call").tool("mcp__github__create_issue").build()).ruleIds())
        .containsExactly("mcp-gh");
    assertThat(p.decide(req("tool.call").tool("mcp__slack__post").build()).effect())
        .isEqualTo(Effect.DENY);
    Principal alice =
        new Principal(
            Optional.of("alice"),
            Optional.of("a"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of());
    assertThat(p.decide(req("payment").principal(alice).build()).effect()).isEqualTo(Effect.ASK);
    assertThat(p.decide(req("payment").build()).effect()).isEqualTo(Effect.DENY);
  }

  @Test
  void decide_allowlistAndHelpersInCel_work() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "allowlists:\n  domains: [github.com, '*.githubusercontent.com']\n"
                + "rules:\n"
                + "  - id: egress\n"
                + "    match: {class: net.fetch}\n"
                + "    when: >\n"
                + "      urls.all(u, domain_matches(url_host(u), allowlist.domains))\n"
                + "      && domains.all(d, domain_matches(d, allowlist.domains))\n"
                + "    effect: allow\n");
    assertThat(
            p.decide(req("net.fetch").target("url", "https://raw.githubusercontent.com/x").build())
                .effect())
        .isEqualTo(Effect.ALLOW);
    assertThat(p.decide(req("net.fetch").target("url", "https://evil.com/x").build()).effect())
        .isEqualTo(Effect.ASK);
    assertThat(p.allowlists().domains()).containsExactly("github.com", "*.githubusercontent.com");
  }

  @Test
  void digest_sameFilesAnyOrder_sameDigest_changedByteChangesIt() throws Exception {
    PolicySource a = PolicySource.of("a.yaml", HEADER);
    PolicySource b = PolicySource.of("b.yaml", "rules:\n  - {id: r, effect: deny}\n");
    String d1 = Fixtures.loader().load(List.of(a, b)).digest();
    String d2 = Fixtures.loader().load(List.of(b, a)).digest();
    String d3 =
        Fixtures.loader()
            .load(List.of(a, PolicySource.of("b.yaml", "rules:\n  - {id: r, effect: deny} \n")))
            .digest();
    assertThat(d1).isEqualTo(d2).isNotEqualTo(d3);
  }

  @Test
  void load_failingExpect_refusesPolicyAtTheExample() {
    String yaml =
        HEADER
            + "rules:\n"
            + "  - {id: read, match: {class: fs.read}, effect: allow}\n"
            + "expect:\n"
            + "  - name: reading is allowed\n"
            + "    request: {tool: Read, class: fs.read, arguments: {file_path: /w/a}}\n"
            + "    effect: allow\n"
            + "    rule: read\n"
            + "  - name: shell is denied\n"
            + "    request: {tool: Bash, class: fs.read}\n"
            + "    effect: deny\n";
    PolicyException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            PolicyException.class, () -> Fixtures.load(yaml));
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).toString())
        .startsWith(
            "policy.yaml:9:5: expect 'shell is denied' failed: expected deny, got allow by read");
  }

  @Test
  void load_passingExpect_loadsAndKeepsExamples() throws Exception {
    Policy p =
        Fixtures.load(
            HEADER
                + "rules:\n  - {id: read, match: {class: fs.read}, effect: allow}\n"
                + "expect:\n  - {name: ok, request: {tool: Read, class: fs.read}, effect: allow, rule: read}\n");
    assertThat(p.examples()).hasSize(1);
    assertThat(p.version()).isEqualTo("3");
  }
}

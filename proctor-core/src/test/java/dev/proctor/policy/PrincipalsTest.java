package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.proctor.action.Principal;
import dev.proctor.decision.Effect;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Identity comes from {@code principals.yaml}: groups, roles and typed attributes are looked up by
 * the principal's id, matched by {@code match.principal} and read by CEL; context is typed.
 */
class PrincipalsTest {

  static final String PRINCIPALS =
      """
      agents:
        support-bot:
          sponsor: alice
          groups: [support]
          roles: [refunds]
          attributes: {team: support, trust_level: 2, risk_score: 0.25, on_call: true,
                       regions: [eu, us]}
        finance-bot:
          sponsor: bob
          groups: [finance]
          roles: [payments]
          attributes: {team: finance, trust_level: 4}
      humans:
        alice: {groups: [support-leads], roles: [approver]}
        bob: {groups: [finance-leads]}
      services:
        nightly: {sponsor: bob, groups: [batch]}
      """;

  static final String POLICY =
      """
      policy: {id: identity, version: 1}
      rules:
        - id: support-refunds
          match: {class: payment, principal: {roles: [refunds]}}
          when: principal.attributes.trust_level >= 2 && context.amount <= 100
          effect: allow
        - id: finance-team
          match: {class: payment, principal: {groups: [finance, treasury]}}
          effect: ask
          approval: {groups: [finance-leads]}
        - id: unregistered
          when: '!principal.registered'
          effect: deny
          reason: unknown principal
        - id: vip-risk
          match: {class: comm.external}
          when: >-
            context.vip && context.risk_score > 50 &&
            principal.attributes.regions.exists(r, r in context.regions)
          effect: deny
        - id: sponsored-read
          match: {class: fs.read}
          when: has(principal.sponsor) && principal.sponsor == "alice" && principal.kind == "agent"
          effect: allow
      """;

  private static Policy load() throws PolicyException {
    return Fixtures.loader()
        .load(
            List.of(
                PolicySource.of("policy.yaml", POLICY),
                PolicySource.of("principals.yaml", PRINCIPALS)));
  }

  private static Principal agent(String id) {
    return Principal.agentSession(id, "s1");
  }

  @Test
  void resolve_agent_groupsRolesAttributesFromTheFile() throws Exception {
    PrincipalDirectory.Identity who = load().principals().resolve(agent("support-bot"));

    assertThat(who.registered()).isTrue();
    assertThat(who.groups()).containsExactly("support");
    assertThat(who.roles()).containsExactly("refunds");
    assertThat(who.attributes())
        .containsEntry("trust_level", 2L)
        .containsEntry("risk_score", 0.25)
        .containsEntry("on_call", true)
        .containsEntry("regions", List.of("eu", "us"));
    assertThat(who.sponsor()).contains("alice");
  }

  @Test
  void resolve_subAgent_actsWithItsParentsEntry() throws Exception {
    assertThat(load().principals().resolve(agent("support-bot/reviewer")).roles())
        .containsExactly("refunds");
  }

  @Test
  void resolve_boundGroups_addedToTheFilesGroups() throws Exception {
    Principal bound =
        new Principal(
            Optional.empty(),
            Optional.of("support-bot"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            List.of("key-group"));
    assertThat(load().principals().resolve(bound).groups()).containsExactly("key-group", "support");
  }

  @Test
  void decide_matchOnRole_andTypedContextInCel() throws Exception {
    Policy p = load();
    assertThat(
            p.decide(req("payment").principal(agent("support-bot")).context("amount", 80L).build())
                .ruleIds())
        .containsExactly("support-refunds");
    // 150 is not <= 100: the rule does not match, and payment is critical: denied by default.
    assertThat(
            p.decide(req("payment").principal(agent("support-bot")).context("amount", 150L).build())
                .effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void decide_matchOnGroup_onlyForMembers() throws Exception {
    Policy p = load();
    assertThat(p.decide(req("payment").principal(agent("finance-bot")).build()).ruleIds())
        .containsExactly("finance-team");
    assertThat(p.decide(req("payment").principal(agent("support-bot")).build()).ruleIds())
        .doesNotContain("finance-team");
  }

  @Test
  void decide_unregisteredPrincipal_seesNoGroupsAndIsDenied() throws Exception {
    Policy p = load();
    var d = p.decide(req("fs.read").principal(agent("stranger")).build());
    assertThat(d.effect()).isEqualTo(Effect.DENY);
    assertThat(d.ruleIds()).containsExactly("unregistered");
  }

  @Test
  void decide_sponsorAndKind_readInCel() throws Exception {
    assertThat(load().decide(req("fs.read").principal(agent("support-bot")).build()).ruleIds())
        .containsExactly("sponsored-read");
  }

  @Test
  void decide_typedContext_boolsNumbersAndLists() throws Exception {
    var d =
        load()
            .decide(
                req("comm.external")
                    .principal(agent("support-bot"))
                    .context("vip", true)
                    .context("risk_score", 72L)
                    .context("regions", List.of("us"))
                    .build());
    assertThat(d.ruleIds()).containsExactly("vip-risk");
  }

  @Test
  void load_principalsFile_isPartOfTheDigest() throws Exception {
    Policy with = load();
    Policy without = Fixtures.loader().load(List.of(PolicySource.of("policy.yaml", POLICY)));
    assertThat(with.digest()).isNotEqualTo(without.digest());
    assertThat(without.principals().isEmpty()).isTrue();
  }

  @TestFactory
  Stream<DynamicTest> load_badPrincipalsFile_refusedWithExactPosition()
      throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/dev/proctor/policy/bad-principals").toURI());
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () -> {
                      String text = Files.readString(f, StandardCharsets.UTF_8);
                      String expect = text.lines().findFirst().orElseThrow();
                      String[] parts = expect.substring("# expect: ".length()).split(": ", 2);
                      PolicyException e =
                          catchThrowableOfType(
                              PolicyException.class,
                              () ->
                                  Fixtures.loader()
                                      .load(
                                          List.of(
                                              PolicySource.of(
                                                  "policy.yaml", "policy: {id: p, version: 1}\n"),
                                              PolicySource.of("principals.yaml", text))));
                      assertThat(e).as("the principals file must be refused").isNotNull();
                      assertThat(e.problems())
                          .as(e.getMessage())
                          .anySatisfy(
                              p -> {
                                assertThat(p.file()).isEqualTo("principals.yaml");
                                assertThat(p.line() + ":" + p.column()).isEqualTo(parts[0]);
                                assertThat(p.message()).contains(parts[1]);
                              });
                    }));
  }
}

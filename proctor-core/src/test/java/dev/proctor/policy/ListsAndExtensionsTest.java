package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.proctor.action.Principal;
import dev.proctor.decision.Effect;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Named lists merged across files, read in CEL and in {@code match:}; CEL's extension libraries;
 * the {@code recipients}, {@code amounts} and {@code targets_by_kind} variables.
 */
class ListsAndExtensionsTest {

  private static final String MAIN =
      """
      policy: {id: lists, version: 1}
      lists:
        payout_accounts: [acct-1, acct-2]
        partner_domains: [partner.example, "*.bank.example"]
      rules:
        - id: payouts
          match: {tool: {list: finance_tools}}
          when: >-
            arguments.account in lists.payout_accounts &&
            amounts.all(a, a <= 1000)
          effect: allow
        - id: mail-partners
          match: {class: comm.external}
          when: >-
            recipients.size() > 0 &&
            recipients.all(r, domain_matches(email_domain(r), lists.partner_domains))
          effect: allow
        - id: warehouse-reads
          match: {class: db.read}
          when: >-
            targets_by_kind.database.size() > 0 &&
            targets_by_kind.database.all(d, d.lowerAscii().startsWith("analytics"))
          effect: allow
      """;

  private static final String MORE =
      """
      lists:
        payout_accounts: [acct-3, acct-1]
        finance_tools: [pay_out, "stripe_*"]
      rules:
        - id: ext-strings
          match: {class: fs.read}
          when: >-
            tool.lowerAscii().replace("_", "-") == "read-file" &&
            "a,b,c".split(",").size() == 3 &&
            ["x", "y"].join("-") == "x-y"
          effect: allow
        - id: ext-lists-sets-math
          match: {class: fs.write}
          when: >-
            [1, 2, 2, 3].distinct().size() == 3 &&
            sets.intersects(principal.groups, ["editors"]) &&
            math.greatest([3, 9, 4]) == 9
          effect: allow
      """;

  private static Policy load() throws PolicyException {
    return Fixtures.loader()
        .load(
            List.of(
                PolicySource.of("policy.yaml", MAIN),
                PolicySource.of("more.yaml", MORE),
                PolicySource.of("principals.yaml", "agents:\n  writer: {groups: [editors]}\n")));
  }

  @Test
  void lists_mergedAcrossFiles_inFileOrderEachOnce() throws Exception {
    assertThat(load().lists().get("payout_accounts")).containsExactly("acct-3", "acct-1", "acct-2");
  }

  @Test
  void decide_listInMatchAndCel_sameEntries() throws Exception {
    Policy p = load();
    var ok =
        req("payment")
            .tool("pay_out")
            .arguments(Fixtures.json("{\"account\": \"acct-3\"}"))
            .target("amount", "250")
            .build();
    assertThat(p.decide(ok).ruleIds()).containsExactly("payouts");
    var globbedTool =
        req("payment")
            .tool("stripe_refund")
            .arguments(Fixtures.json("{\"account\": \"acct-1\"}"))
            .build();
    assertThat(p.decide(globbedTool).ruleIds()).containsExactly("payouts");
    var tooMuch =
        req("payment")
            .tool("pay_out")
            .arguments(Fixtures.json("{\"account\": \"acct-1\"}"))
            .target("amount", "1000.5")
            .build();
    assertThat(p.decide(tooMuch).effect()).isEqualTo(Effect.DENY);
  }

  @Test
  void decide_recipients_everyRecipientChecked() throws Exception {
    Policy p = load();
    assertThat(
            p.decide(
                    req("comm.external")
                        .target("recipient", "Ann <ann@partner.example>")
                        .target("recipient", "bo@eu.bank.example")
                        .build())
                .ruleIds())
        .containsExactly("mail-partners");
    assertThat(
            p.decide(
                    req("comm.external")
                        .target("recipient", "ann@partner.example")
                        .target("recipient", "eve@elsewhere.example")
                        .build())
                .effect())
        .isEqualTo(Effect.DENY);
  }

  @Test
  void decide_targetsByKind_haveEveryKind() throws Exception {
    Policy p = load();
    assertThat(p.decide(req("db.read").target("database", "Analytics_EU").build()).ruleIds())
        .containsExactly("warehouse-reads");
    // No database target: the list is empty, not missing.
    assertThat(p.decide(req("db.read").build()).ruleIds()).isEmpty();
  }

  @Test
  void decide_celExtensions_stringsListsSetsMath() throws Exception {
    Policy p = load();
    assertThat(p.decide(req("fs.read").tool("read_file").build()).ruleIds())
        .containsExactly("ext-strings");
    assertThat(
            p.decide(req("fs.write").principal(Principal.agentSession("writer", "s")).build())
                .ruleIds())
        .containsExactly("ext-lists-sets-math");
  }

  @Test
  void load_unknownListInCondition_positionAndSuggestion() {
    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                Fixtures.load(
                    """
                    policy: {id: p, version: 1}
                    lists: {payout_accounts: [a]}
                    rules:
                      - id: r
                        when: '"x" in lists.payout_acounts'
                        effect: allow
                    """));
    assertThat(e.problems())
        .anySatisfy(
            pr -> {
              assertThat(pr.line() + ":" + pr.column()).isEqualTo("5:25");
              assertThat(pr.message())
                  .contains("unknown list 'payout_acounts' (did you mean 'payout_accounts'?)");
            });
  }

  @Test
  void load_unknownListInMatch_positionAndSuggestion() {
    PolicyException e =
        catchThrowableOfType(
            PolicyException.class,
            () ->
                Fixtures.load(
                    """
                    policy: {id: p, version: 1}
                    lists: {finance_tools: [a]}
                    rules:
                      - id: r
                        match: {tool: {list: finanse_tools}}
                        effect: allow
                    """));
    assertThat(e.problems())
        .anySatisfy(
            pr -> {
              assertThat(pr.line() + ":" + pr.column()).isEqualTo("5:26");
              assertThat(pr.message()).contains("did you mean 'finance_tools'?");
            });
  }
}

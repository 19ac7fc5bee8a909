package dev.proctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Effect;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mediator decides by what the policy directory carries: the identity its principals file gives
 * an id, and the tool mappings of its {@code taxonomy.yaml}.
 */
class IdentityMediationTest {

  @Test
  void build_taxonomyInPolicyDirectory_mapsTheTools(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        policy: {id: warehouse, version: 1}
        rules:
          - id: reads
            match: {class: db.read}
            effect: allow
        """);
    Files.writeString(dir.resolve("taxonomy.yaml"), "tools:\n  warehouse_query: {sql: /query}\n");
    try (Proctor proctor = Proctor.builder().policyDirectory(dir).inMemoryLog().build()) {
      ToolCall select =
          ToolCall.builder("warehouse_query").argument("query", "SELECT id FROM orders").build();
      ToolCall drop = ToolCall.builder("warehouse_query").argument("query", "DROP TABLE x").build();

      assertThat(proctor.mediator().mediate(select).decision().ruleIds()).containsExactly("reads");
      var denied = proctor.mediator().mediate(drop);
      assertThat(denied.request().classification().tags()).contains("destructive");
      assertThat(denied.decision().effect()).isEqualTo(Effect.DENY);
    }
  }

  @Test
  void build_taxonomyFileAndDirectoryTaxonomy_refused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "policy: {id: p, version: 1}\n");
    Files.writeString(dir.resolve("taxonomy.yaml"), "tools:\n  t: {class: fs.read}\n");
    Path other = Files.writeString(dir.resolveSibling(dir.getFileName() + "-tax.yaml"), "{}\n");
    assertThatThrownBy(
            () -> Proctor.builder().policyDirectory(dir).taxonomyFile(other).inMemoryLog().build())
        .hasMessageContaining("two taxonomies");
  }

  @Test
  void mediate_principalsFileInPolicyDirectory_groupsComeFromIt(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        policy: {id: support, version: 1}
        rules:
          - id: crm-readers
            match: {tool: crm_lookup, principal: {groups: [support]}}
            effect: allow
        """);
    Files.writeString(
        dir.resolve("principals.yaml"),
        """
        agents:
          support-bot: {groups: [support], sponsor: alice}
        humans:
          alice: {}
        """);
    try (Proctor proctor = Proctor.builder().policyDirectory(dir).inMemoryLog().build()) {
      ToolCall asSupport =
          ToolCall.builder("crm_lookup")
              .principal(Principal.agentSession("support-bot", "s1"))
              .declaredClass("connector.read")
              .build();
      ToolCall asOther =
          ToolCall.builder("crm_lookup")
              .principal(Principal.agentSession("other-bot", "s1"))
              .declaredClass("connector.read")
              .build();

      assertThat(proctor.mediator().mediate(asSupport).decision().ruleIds())
          .containsExactly("crm-readers");
      assertThat(proctor.mediator().mediate(asOther).decision().ruleIds()).isEmpty();
      assertThat(proctor.policy().principals().resolve(asSupport.principal()).sponsor())
          .contains("alice");
    }
  }

  @Test
  void mediate_typedContext_reachesTheCondition(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("policy.yaml"),
        """
        policy: {id: typed, version: 1}
        rules:
          - id: small-refund
            match: {tool: refund}
            when: context.amount < 100 && !context.flagged
            effect: allow
        """);
    try (Proctor proctor = Proctor.builder().policyDirectory(dir).inMemoryLog().build()) {
      ToolCall small =
          ToolCall.builder("refund")
              .declaredClass("payment")
              .context("amount", 40)
              .context("flagged", false)
              .build();
      assertThat(proctor.mediator().mediate(small).decision().effect()).isEqualTo(Effect.ALLOW);
    }
  }
}

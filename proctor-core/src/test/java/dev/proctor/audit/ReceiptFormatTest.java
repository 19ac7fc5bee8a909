package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.CanonicalJson;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Obligation;
import dev.proctor.lifecycle.LifecycleState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pins the receipt format with golden files: a change to any byte of a receipt is a format change
 * and must come with a new schema version. Regenerate with {@code -Dproctor.golden.update=true}.
 */
class ReceiptFormatTest {

  private static final String PREV = "1".repeat(64);

  static Map<String, LifecycleEvent> cases() {
    ActionRequest r = AuditFixtures.request("act-1");
    Decision allow = AuditFixtures.allow();
    ActionRecord a = ActionRecord.of(r, allow.obligations());
    ActionRecord plain = ActionRecord.of(r, List.of());
    ActionRecord all = ActionRecord.of(r, List.of(new Obligation.Redact(List.of(""))));
    Decision.RateLimited limited =
        new Decision.RateLimited(
            new Decision.Basis(
                "budget spent", List.of("budget-1"), AuditFixtures.POLICY, List.of()),
            Duration.ofSeconds(30));
    return new java.util.TreeMap<>(
        Map.of(
            "requested", new LifecycleEvent.Requested(plain),
            "allowed", new LifecycleEvent.Decided(a, DecisionRecord.of(allow)),
            "rate-limited", new LifecycleEvent.Decided(plain, DecisionRecord.of(limited)),
            "approved",
                new LifecycleEvent.ApprovalResolved(
                    a,
                    LifecycleState.APPROVED,
                    new ApprovalRecord(
                        List.of(
                            new ApprovalRecord.Vote(
                                "bob@example.com", "approve", AuditFixtures.T0.plusSeconds(40))))),
            "succeeded",
                new LifecycleEvent.Finished(
                    a,
                    LifecycleState.SUCCEEDED,
                    Outcome.ofOutput(Optional.of(0L), "pushed\n".getBytes(StandardCharsets.UTF_8))),
            "rolled-back-all-redacted",
                new LifecycleEvent.RolledBack(
                    all,
                    new Outcome(Optional.empty(), Optional.empty(), Optional.of("reverted")))));
  }

  static Stream<String> names() {
    return cases().keySet().stream();
  }

  @ParameterizedTest
  @MethodSource("names")
  void encode_goldenCase_matchesPinnedBytes(String name) throws IOException {
    String json =
        ReceiptFormat.encode(
            cases().get(name), 41, PREV, "rcpt-" + name, AuditFixtures.T0.plusSeconds(60));
    String resource = "golden/" + name + ".json";
    if (Boolean.getBoolean("proctor.golden.update")) {
      Path p = Path.of("src/test/resources/dev/proctor/audit", resource);
      Files.createDirectories(p.getParent());
      Files.writeString(p, json + "\n");
    }
    try (InputStream in = getClass().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(json + "\n");
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void encode_anyCase_isCanonicalWithoutFractions(String name) {
    String json = ReceiptFormat.encode(cases().get(name), 0, PREV, "x", AuditFixtures.T0);
    JsonNode node = AuditFixtures.json(json);
    assertThat(CanonicalJson.write(node)).isEqualTo(json);
    assertThat(hasFraction(node)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("names")
  void encode_idNeedingEscapes_staysCanonical(String name) {
    String json =
        ReceiptFormat.encode(cases().get(name), 7, PREV, "id \"q\" \\ \u00e9\n", AuditFixtures.T0);
    JsonNode node = AuditFixtures.json(json);
    assertThat(CanonicalJson.write(node)).isEqualTo(json);
    assertThat(node.get("id").asText()).isEqualTo("id \"q\" \\ \u00e9\n");
  }

  private static boolean hasFraction(JsonNode n) {
    if (n.isNumber()) {
      return !n.isIntegralNumber();
    }
    for (JsonNode c : n) {
      if (hasFraction(c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void actionRecord_redactObligation_replacesValueWithItsDigest() {
    ActionRecord a =
        ActionRecord.of(AuditFixtures.request("a"), AuditFixtures.allow().obligations());
    assertThat(a.parameters().get("token").asText())
        .startsWith("[redacted sha256:")
        .doesNotContain("s3cr3t");
    assertThat(a.parameters().get("timeout").asText()).isEqualTo("1.5");
    assertThat(a.redacted()).containsExactly("/token");
  }

  @Test
  void decisionRecord_stepUp_movesToApprovalRequired() {
    Decision.StepUp s =
        new Decision.StepUp(
            new Decision.Basis("re-authenticate", List.of("r"), AuditFixtures.POLICY, List.of()));
    assertThat(DecisionRecord.of(s).state()).isEqualTo(LifecycleState.APPROVAL_REQUIRED);
  }
}

package dev.proctor.mediate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GatewayTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC);

  private static final ToolCall CALL =
      new ToolCall(
          Principal.agentSession("claude", "s1"),
          "api",
          "Read",
          "",
          JsonNodeFactory.instance.objectNode().put("file_path", "/p/a"),
          Optional.empty(),
          Set.of("pii"),
          Map.of("cwd", "/p"));

  @Test
  void mediate_allowingPolicy_returnsItsDecisionAndTheClassifiedRequest() {
    Gateway gateway =
        new Gateway(
            call -> Classification.of("fs.read"),
            request -> new Decision.Allow("ok", List.of("r1"), "d1", List.of()),
            () -> "d1",
            CLOCK);

    Mediation m = gateway.mediate(CALL);

    assertThat(m.decision().effect()).isEqualTo(Effect.ALLOW);
    assertThat(m.request().actionClass()).isEqualTo("fs.read");
    assertThat(m.request().labels()).containsExactly("pii");
    assertThat(m.request().time()).isEqualTo(CLOCK.instant());
  }

  @Test
  void mediate_classifierThrows_deniesWithTheReason() {
    Gateway gateway =
        new Gateway(
            call -> {
              throw new IllegalStateException("boom");
            },
            request -> new Decision.Allow("ok", List.of(), "d1", List.of()),
            () -> "d1",
            CLOCK);

    Mediation m = gateway.mediate(CALL);

    assertThat(m.decision()).isInstanceOf(Decision.Deny.class);
    assertThat(m.decision().reason()).contains("could not be classified").contains("boom");
    assertThat(m.request().classification().tags()).contains("classifier-error");
  }

  @Test
  void mediate_policyThrows_denies() {
    Gateway gateway =
        new Gateway(
            call -> Classification.of("fs.read"),
            request -> {
              throw new IllegalArgumentException("no such key: url");
            },
            () -> "d1",
            CLOCK);

    Decision decision = gateway.mediate(CALL).decision();

    assertThat(decision).isInstanceOf(Decision.Deny.class);
    assertThat(decision.reason()).contains("no such key: url");
    assertThat(decision.policyDigest()).isEqualTo("d1");
  }

  @Test
  void mediate_policyReturnsNull_denies() {
    Gateway gateway =
        new Gateway(call -> Classification.of("fs.read"), request -> null, () -> "d1", CLOCK);

    assertThat(gateway.mediate(CALL).decision()).isInstanceOf(Decision.Deny.class);
  }

  @Test
  void mediate_twoCalls_getDistinctIds() {
    Gateway gateway =
        new Gateway(
            call -> Classification.of("fs.read"),
            request -> new Decision.Allow("ok", List.of(), "d1", List.of()),
            () -> "d1",
            CLOCK);

    assertThat(gateway.mediate(CALL).request().id())
        .isNotEqualTo(gateway.mediate(CALL).request().id());
  }
}

package dev.proctor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.MediationJson;
import dev.proctor.decision.Decision;

/** The JSON {@code proctor check} prints ({@link MediationJson}) and its exit code. */
final class DecisionJson {

  private DecisionJson() {}

  static ObjectNode render(Mediation mediation) {
    return MediationJson.render(mediation);
  }

  /** The exit code of {@code proctor check}: 0 allow or modify, 1 deny, 3 ask, step-up, defer. */
  static int exitCode(Decision decision) {
    return switch (decision.effect()) {
      case ALLOW, MODIFY -> 0;
      case DENY -> 1;
      case ASK, STEP_UP, DEFER -> 3;
    };
  }
}

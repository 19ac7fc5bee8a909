package dev.proctor.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Target;
import dev.proctor.audit.Receipt;
import dev.proctor.decision.Decision;
import java.util.Collection;
import java.util.TreeSet;

/** The JSON {@code proctor check} prints: the decision, why, and what the classifiers found. */
final class DecisionJson {

  private DecisionJson() {}

  static ObjectNode render(Mediation mediation) {
    Decision decision = mediation.decision();
    ActionRequest request = mediation.request();
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("decision", decision.kind().wireName());
    out.put("reason", decision.reason());
    strings(out.putArray("rules"), decision.ruleIds());
    ObjectNode policy = out.putObject("policy");
    policy.put("id", decision.policy().id());
    policy.put("version", decision.policy().version());
    policy.put("digest", decision.policy().digest());
    decision.rewrittenArguments().ifPresent(a -> out.set("arguments", a));
    if (decision instanceof Decision.RequireApproval approval) {
      ObjectNode a = out.putObject("approval");
      strings(a.putArray("groups"), approval.requirement().approverGroups());
      a.put("quorum", approval.requirement().quorum());
      a.put("expiry", approval.requirement().expiry().toString());
    }
    out.put("class", request.actionClass());
    strings(out.putArray("classes"), new TreeSet<>(request.classification().classes()));
    ArrayNode targets = out.putArray("targets");
    for (Target t : request.classification().targets()) {
      targets.addObject().put("kind", t.kind().wireName()).put("value", t.value());
    }
    strings(out.putArray("labels"), new TreeSet<>(request.labels()));
    strings(out.putArray("tags"), new TreeSet<>(request.classification().tags()));
    out.put("requestId", request.id());
    out.put("actionDigest", request.digest());
    strings(out.putArray("receipts"), mediation.receipts().stream().map(Receipt::id).toList());
    return out;
  }

  /** The exit code of {@code proctor check}: 0 allow or modify, 1 deny, 3 ask, step-up, defer. */
  static int exitCode(Decision decision) {
    return switch (decision.effect()) {
      case ALLOW, MODIFY -> 0;
      case DENY -> 1;
      case ASK, STEP_UP, DEFER -> 3;
    };
  }

  private static void strings(ArrayNode array, Collection<String> values) {
    values.forEach(array::add);
  }
}

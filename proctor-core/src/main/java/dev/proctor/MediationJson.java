package dev.proctor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Target;
import dev.proctor.audit.Receipt;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import java.util.Collection;
import java.util.TreeSet;

/**
 * A mediation as JSON, the same for {@code proctor check} and the HTTP API's decide: the decision,
 * why, under which policy, what the classifiers found, the action id ({@code requestId}) and the
 * ids of the durable receipts (empty when the decision could not be recorded and is a deny).
 */
public final class MediationJson {

  private MediationJson() {}

  /** The JSON of one mediation. */
  public static ObjectNode render(Mediation mediation) {
    Decision decision = mediation.decision();
    ActionRequest request = mediation.request();
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("decision", decision.kind().wireName());
    out.put("reason", decision.reason());
    strings(out.putArray("rules"), decision.ruleIds());
    dev.proctor.audit.ReceiptFormat.policyRef(out.putObject("policy"), decision.policy());
    decision.rewrittenArguments().ifPresent(a -> out.set("arguments", a));
    if (decision instanceof Decision.RequireApproval approval) {
      ObjectNode a = out.putObject("approval");
      strings(a.putArray("groups"), approval.requirement().approverGroups());
      a.put("quorum", approval.requirement().quorum());
      a.put("expiry", dev.proctor.policy.Durations.format(approval.requirement().expiry()));
      if (approval.requirement().stepUp() != ApprovalRequirement.StepUp.NONE) {
        a.put("stepUp", approval.requirement().stepUp().wireName());
      }
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

  private static void strings(ArrayNode array, Collection<String> values) {
    values.forEach(array::add);
  }
}

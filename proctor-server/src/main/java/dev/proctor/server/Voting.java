package dev.proctor.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediator;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.Approver;
import dev.proctor.approval.HeldAction;
import java.util.Set;

/**
 * What every surface that takes a person's vote shares — the approvals API and {@code proctor
 * approvals} on the local store — so that the same person is the same approver everywhere: who a
 * person votes as, how a held action reads as JSON, the HTTP status of each refusal, and how a
 * refused vote is recorded (a denied action of class {@value #CLASS}).
 */
public final class Voting {

  /** The class refused votes are recorded under. */
  public static final String CLASS = "proctor.approval";

  /** The approver group a person with the {@code approver} role votes as. */
  public static final String GROUP = "approvers";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Voting() {}

  /** The approver an authenticated person votes as: in {@value #GROUP} when they hold the role. */
  public static Approver approver(String person, Set<Role> roles) {
    requireNonNull(person, "person is null");
    return new Approver(person, roles.contains(Role.APPROVER) ? Set.of(GROUP) : Set.of());
  }

  /** The HTTP status of a refused vote. */
  public static int status(ApprovalException.Code code) {
    return switch (code) {
      case NOT_FOUND -> 404;
      case SEPARATION_OF_DUTIES, NOT_AN_APPROVER, STEP_UP_FAILED -> 403;
      case STEP_UP_REQUIRED -> 401;
      case REASON_REQUIRED -> 400;
      case UNAVAILABLE -> 503;
      default -> 409;
    };
  }

  /**
   * Records a refused vote as a denied action of class {@value #CLASS}: the action id (at most 512
   * characters), the vote, the voter, the refusal's code and where the vote came from.
   */
  public static void recordRefusal(
      Mediator mediator,
      String surface,
      String person,
      String actionId,
      String verb,
      ApprovalException e,
      String from) {
    ObjectNode args = F.objectNode();
    args.put("actionId", actionId.length() > 512 ? actionId.substring(0, 512) : actionId);
    args.put("vote", verb);
    args.put("voter", person);
    args.put("reason", e.code().wireName());
    args.put("remote", from);
    mediator.refuse(
        ToolCall.builder(CLASS).surface(surface).arguments(args).declaredClass(CLASS).build(),
        e.getMessage());
  }

  /**
   * A held action as approvers read it: the whole recorded action (tool, class, digest, canonical
   * parameters, requester), why a human is needed (rules, reason, policy digest), the requirement,
   * who cannot approve, when it was held and expires, and the votes so far.
   */
  public static ObjectNode json(HeldAction h) {
    ObjectNode o = F.objectNode();
    o.put("actionId", h.actionId());
    o.put("state", h.state().wireName());
    o.put("tool", h.tool());
    o.put("class", h.actionClass());
    o.put("actionDigest", h.actionDigest());
    o.set("parameters", h.parameters());
    ObjectNode req = o.putObject("requester");
    h.requester().agent().ifPresent(v -> req.put("agent", v));
    h.requester().human().ifPresent(v -> req.put("owner", v));
    h.requester().session().ifPresent(v -> req.put("session", v));
    ArrayNode rules = o.putArray("rules");
    h.ruleIds().forEach(rules::add);
    o.put("reason", h.reason());
    o.put("policyDigest", h.policyDigest());
    ObjectNode need = o.putObject("requirement");
    ArrayNode groups = need.putArray("groups");
    h.requirement().approverGroups().forEach(groups::add);
    need.put("quorum", h.requirement().quorum());
    need.put("stepUp", h.requirement().stepUp().wireName());
    ArrayNode ex = o.putArray("cannotApprove");
    h.excluded().stream().sorted().forEach(ex::add);
    o.put("created", h.created().toString());
    o.put("expires", h.expires().toString());
    ArrayNode votes = o.putArray("votes");
    for (HeldAction.Vote v : h.votes()) {
      ObjectNode vo = votes.addObject();
      vo.put("approver", v.approver());
      vo.put("decision", v.decision());
      v.reason().ifPresent(r -> vo.put("reason", r));
      vo.put("time", v.time().toString());
    }
    return o;
  }
}

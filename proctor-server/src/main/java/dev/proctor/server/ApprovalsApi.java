package dev.proctor.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Proctor;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.Approver;
import dev.proctor.approval.HeldAction;
import dev.proctor.approval.StepUpCheck;
import dev.proctor.lifecycle.LifecycleState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The approvals routes: held actions for approvers to read and vote on, and a long-poll for anyone
 * who may read the action (its agent included) to wait for the decision. A refused vote is a clear
 * error ({@code not-found} 404, {@code separation-of-duties} and {@code not-an-approver} 403,
 * {@code already-decided}, {@code already-voted} and {@code expired} 409, {@code reason-required}
 * 400, {@code store-unavailable} 503, {@code step-up-required} 401 and {@code step-up-failed} 403)
 * and is recorded as a denied action of class {@code proctor.approval}; nothing else changes. A
 * person approves as the approver group {@code approvers} when they hold the approver role ({@link
 * Voting}).
 *
 * <p>Step-up: an action whose rule says {@code step_up: totp} counts an approving vote only with
 * {@code "totp": "<code>"} in the body, a fresh code from the voter's own enrolled authenticator
 * (used up once accepted). Approval tokens: an answer that shows an {@code approved} action carries
 * its signed {@code token}, which the executing side presents to {@code Mediator.mediate(call,
 * token, execution)}.
 */
final class ApprovalsApi {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ProctorServer server;
  private final Proctor proctor;
  private final ServerConfig.Approvals settings;
  private final Identities identities;

  ApprovalsApi(
      ProctorServer server,
      Proctor proctor,
      ServerConfig.Approvals settings,
      Identities identities) {
    this.identities = identities;
    this.server = server;
    this.proctor = proctor;
    this.settings = settings;
  }

  List<ProctorServer.Route> routes() {
    return List.of(
        new ProctorServer.Route(
            "GET", "/v1/approvals", List.of(Role.Permission.APPROVE), false, this::list),
        new ProctorServer.Route(
            "GET",
            "/v1/approvals/**",
            List.of(Role.Permission.APPROVE, Role.Permission.DECIDE),
            false,
            this::show),
        new ProctorServer.Route(
            "POST", "/v1/approvals/**", List.of(Role.Permission.APPROVE), true, this::vote));
  }

  private void list(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    int limit = (int) x.number("limit", 100, 1, 1000);
    ObjectNode o = F.objectNode();
    ArrayNode a = o.putArray("approvals");
    proctor.approvals().pending(limit).forEach(h -> a.add(Voting.json(h)));
    x.json(200, o);
  }

  /** {@code GET /v1/approvals/{id}} or {@code GET /v1/approvals/{id}/wait?timeout=MS}. */
  private void show(Exchange x, Optional<Caller> c, Map<String, String> p) throws Exception {
    String rest = p.get("rest");
    boolean wait = rest.endsWith("/wait");
    String id = Api.decodedId(wait ? rest.substring(0, rest.length() - "/wait".length()) : rest);
    HeldAction held =
        proctor
            .approvals()
            .get(id)
            .orElseThrow(
                () ->
                    new HttpError(
                        404, "not-found", "no held action " + ProctorServer.printable(id)));
    if (c.get() instanceof Caller.Agent a
        && !held.requester()
            .agent()
            .map(n -> n.equals(a.name()) || n.startsWith(a.name() + "/"))
            .orElse(false)) {
      throw HttpError.auth(403, "forbidden", "the action belongs to another agent");
    }
    if (wait) {
      long ms =
          x.number("timeout", settings.maxWait().toMillis(), 0, settings.maxWait().toMillis());
      proctor.approvals().await(id, Duration.ofMillis(ms));
      held = proctor.approvals().get(id).orElseThrow();
    }
    ObjectNode shown = Voting.json(held);
    proctor.approvals().token(id).ifPresent(tk -> shown.put("token", tk));
    x.json(200, shown);
  }

  /** {@code POST /v1/approvals/{id}/approve} or {@code …/reject} with {@code {"reason"}}. */
  private void vote(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    String rest = p.get("rest");
    int slash = rest.lastIndexOf('/');
    String verb = slash < 0 ? "" : rest.substring(slash + 1);
    if (slash <= 0 || !(verb.equals("approve") || verb.equals("reject"))) {
      throw new HttpError(404, "not-found", "no route " + ProctorServer.printable(x.path()));
    }
    String id = Api.decodedId(rest.substring(0, slash));
    if (!(c.get() instanceof Caller.Person person)) {
      throw HttpError.auth(403, "forbidden", "only people vote");
    }
    Optional<String> reason;
    Optional<String> totp;
    try {
      byte[] raw = x.body();
      JsonNode body = raw.length == 0 ? F.objectNode() : JsonInput.parse(raw);
      if (!body.isObject()) {
        throw new HttpError(400, "bad-request", "/: expected a JSON object");
      }
      for (String name : (Iterable<String>) body::fieldNames) {
        if (!name.equals("reason") && !name.equals("totp")) {
          throw new HttpError(
              400,
              "bad-request",
              "/"
                  + ProctorServer.printable(name)
                  + ": unknown member; a vote has only 'reason' and 'totp'");
        }
      }
      JsonNode r = body.get("reason");
      if (r != null && !r.isTextual()) {
        throw new HttpError(400, "bad-request", "/reason: expected a string");
      }
      reason = Optional.ofNullable(r).map(JsonNode::textValue);
      JsonNode t = body.get("totp");
      if (t != null && !t.isTextual()) {
        throw new HttpError(400, "bad-request", "/totp: expected a string of digits");
      }
      totp = Optional.ofNullable(t).map(JsonNode::textValue);
    } catch (BadInputException e) {
      throw new HttpError(400, "bad-request", e.getMessage());
    }
    Approver approver = Voting.approver(person.name(), person.roles());
    try {
      StepUpCheck stepUp =
          totp.isEmpty()
              ? StepUpCheck.NONE
              : (method, who) -> identities.checkTotp(who, totp.get());
      LifecycleState state =
          verb.equals("approve")
              ? proctor.approvals().approve(id, approver, stepUp)
              : proctor.approvals().reject(id, approver, reason.orElse(""));
      ObjectNode o = F.objectNode();
      o.put("actionId", id);
      o.put("state", state.wireName());
      o.put("voter", person.name());
      proctor.approvals().token(id).ifPresent(tk -> o.put("token", tk));
      x.json(200, o);
    } catch (ApprovalException e) {
      Voting.recordRefusal(proctor.mediator(), "api", person.name(), id, verb, e, x.remote());
      throw new HttpError(Voting.status(e.code()), e.code().wireName(), e.getMessage());
    }
  }
}

package dev.proctor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.Principal;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Writes receipts in their one wire form, {@code proctor.receipt/1}: RFC 8785 canonical JSON with
 * strings, integers, booleans and nulls only (the JSON Schema is {@code docs/receipt.schema.json}).
 * Times are RFC 3339 UTC strings with exactly three fraction digits so that one instant has one
 * spelling.
 */
public final class ReceiptFormat {

  /** The schema id every receipt carries. */
  public static final String SCHEMA = "proctor.receipt/1";

  /** The {@code prev} of the first receipt: 64 zeros. */
  public static final String GENESIS_PREV = "0".repeat(64);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ReceiptFormat() {}

  /** An instant as receipts spell it, such as {@code 2026-11-26T10:15:30.120Z}. */
  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** The canonical JSON of the receipt of an event at a position of the log. */
  public static String encode(
      LifecycleEvent event, long sequence, String prev, String id, Instant time) {
    return body(event).complete(id, sequence, prev, time(time));
  }

  /**
   * The part of a receipt that its event alone fixes, already canonical: everything but {@code id},
   * {@code prev}, {@code seq} and {@code time}.
   *
   * <p>Why a receipt is built in two steps: the log serialises appends on one writer thread, and
   * only that thread knows a receipt's {@code seq} and {@code prev}. The body — the action, the
   * decision, approval or outcome, almost all of the bytes — is written on the caller's thread; the
   * writer splices in the four position fields. RFC 8785 sorts members by name and writes each
   * nested value independently of where it sits, so the splice gives exactly the bytes of
   * canonicalising the whole receipt: the top-level names in order are {@code action}, {@code
   * approval} or {@code decision}, {@code event}, {@code id}, {@code outcome}, {@code prev}, {@code
   * schema}, {@code seq}, {@code time}.
   */
  static Body body(LifecycleEvent event) {
    return body(event, CanonicalJson.write(action(event.action())));
  }

  /**
   * The bodies of consecutive events; events that share one action record (a decision's {@code
   * requested} and decision events) share its canonical JSON, written once.
   */
  static List<Body> bodies(List<LifecycleEvent> events) {
    List<Body> out = new ArrayList<>(events.size());
    ActionRecord last = null;
    String lastJson = null;
    for (LifecycleEvent e : events) {
      if (e.action() != last) {
        last = e.action();
        lastJson = CanonicalJson.write(action(last));
      }
      out.add(body(e, lastJson));
    }
    return out;
  }

  private static Body body(LifecycleEvent event, String actionJson) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    StringBuilder head = new StringBuilder(actionJson.length() + 512);
    head.append("{\"action\":").append(actionJson);
    String outcome = "";
    if (event instanceof LifecycleEvent.Decided d) {
      head.append(",\"decision\":").append(CanonicalJson.write(decision(d.decision())));
    } else if (event instanceof LifecycleEvent.ApprovalResolved a) {
      ObjectNode approval = f.objectNode();
      var votes = approval.putArray("votes");
      for (ApprovalRecord.Vote v : a.approval().votes()) {
        ObjectNode vote = votes.addObject();
        vote.put("approver", v.approver());
        vote.put("decision", v.decision());
        vote.put("time", time(v.time()));
      }
      a.approval().reason().ifPresent(r -> approval.put("reason", r));
      head.append(",\"approval\":").append(CanonicalJson.write(approval));
    } else if (event instanceof LifecycleEvent.Finished fin) {
      outcome = ",\"outcome\":" + CanonicalJson.write(outcome(fin.outcome()));
    } else if (event instanceof LifecycleEvent.RolledBack rb) {
      outcome = ",\"outcome\":" + CanonicalJson.write(outcome(rb.outcome()));
    }
    head.append(",\"event\":").append(string(event.state().wireName()));
    return new Body(head.toString(), outcome);
  }

  /** A receipt body: the canonical text before {@code id} and the optional outcome member. */
  record Body(String head, String outcome) {

    /** The whole receipt at a position of the log; {@code time} as {@link #time} spells it. */
    String complete(String id, long sequence, String prev, String time) {
      StringBuilder b = new StringBuilder(head.length() + outcome.length() + 224);
      b.append(head).append(",\"id\":").append(string(id)).append(outcome);
      b.append(",\"prev\":").append(string(prev));
      b.append(",\"schema\":\"").append(SCHEMA).append('"');
      b.append(",\"seq\":").append(sequence);
      b.append(",\"time\":").append(string(time)).append('}');
      return b.toString();
    }
  }

  /** A JSON string in canonical form; plain printable ASCII needs no escapes. */
  private static String string(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return CanonicalJson.write(JsonNodeFactory.instance.textNode(s));
      }
    }
    return '"' + s + '"';
  }

  /** The receipt hash of canonical receipt JSON: its RFC 9162 leaf hash in lower-case hex. */
  public static String hash(byte[] canonical) {
    return HexFormat.of().formatHex(Merkle.leafHash(canonical));
  }

  private static ObjectNode action(ActionRecord a) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", a.id());
    o.put("time", time(a.time()));
    o.put("surface", a.surface());
    o.put("tool", a.tool());
    o.put("operation", a.operation());
    o.put("class", a.actionClass());
    o.put("digest", a.digest());
    o.set("requester", requester(a.requester(), a));
    o.set("parameters", a.parameters());
    o.put("parametersDigest", a.parametersDigest());
    if (!a.redacted().isEmpty()) {
      a.redacted().forEach(o.putArray("redacted")::add);
    }
    a.payloadDigest().ifPresent(v -> o.put("payloadDigest", v));
    return o;
  }

  /**
   * The action part of a stored receipt, as it was recorded (redacted parameters included), so that
   * later events of the action carry the same action record without classifying it again.
   */
  public static ActionRecord action(String receiptJson) {
    JsonNode a;
    try {
      a = Json.MAPPER.readTree(receiptJson).path("action");
    } catch (IOException e) {
      throw new IllegalArgumentException("receipt is not JSON: " + e.getMessage(), e);
    }
    if (!a.isObject()) {
      throw new IllegalArgumentException("receipt has no action");
    }
    JsonNode r = a.path("requester");
    List<String> chain = new ArrayList<>();
    r.path("delegationChain").forEach(v -> chain.add(v.asText()));
    List<String> groups = new ArrayList<>();
    r.path("groups").forEach(v -> groups.add(v.asText()));
    Principal requester =
        new Principal(
            text(r, "human"),
            text(r, "agent"),
            text(r, "service"),
            text(r, "session"),
            text(r, "tenant"),
            chain,
            groups);
    List<String> redacted = new ArrayList<>();
    a.path("redacted").forEach(v -> redacted.add(v.asText()));
    return new ActionRecord(
        required(a, "id"),
        Instant.parse(required(a, "time")),
        required(a, "surface"),
        required(a, "tool"),
        required(a, "operation"),
        required(a, "class"),
        required(a, "digest"),
        requester,
        text(r, "scope"),
        a.path("parameters"),
        required(a, "parametersDigest"),
        redacted,
        text(a, "payloadDigest"));
  }

  private static Optional<String> text(JsonNode o, String name) {
    JsonNode v = o.get(name);
    return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
  }

  private static String required(JsonNode o, String name) {
    return text(o, name)
        .orElseThrow(() -> new IllegalArgumentException("receipt action has no " + name));
  }

  private static ObjectNode requester(Principal p, ActionRecord a) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    p.human().ifPresent(v -> o.put("human", v));
    p.agent().ifPresent(v -> o.put("agent", v));
    p.service().ifPresent(v -> o.put("service", v));
    p.session().ifPresent(v -> o.put("session", v));
    p.tenant().ifPresent(v -> o.put("tenant", v));
    a.scope().ifPresent(v -> o.put("scope", v));
    p.delegationChain().forEach(o.putArray("delegationChain")::add);
    if (!p.groups().isEmpty()) {
      p.groups().forEach(o.putArray("groups")::add);
    }
    return o;
  }

  private static ObjectNode decision(DecisionRecord d) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("result", d.kind().wireName());
    policyRef(o.putObject("policy"), d.policy());
    d.ruleIds().forEach(o.putArray("ruleIds")::add);
    o.put("reason", d.reason());
    d.modifiedParametersDigest().ifPresent(v -> o.put("modifiedParametersDigest", v));
    d.waitMillis().ifPresent(v -> o.put("waitMillis", v));
    return o;
  }

  /**
   * Writes a policy reference into {@code o} as receipts and answers spell it: id, version, digest
   * and, only for a policy that extends a baseline, the baseline's reference under {@code baseline}
   * (so receipts of policies without one keep their bytes).
   */
  public static void policyRef(ObjectNode o, dev.proctor.decision.PolicyRef ref) {
    o.put("id", ref.id());
    o.put("version", ref.version());
    o.put("digest", ref.digest());
    ref.baseline().ifPresent(b -> policyRef(o.putObject("baseline"), b));
  }

  private static ObjectNode outcome(Outcome out) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    out.exitStatus().ifPresent(v -> o.put("exitStatus", v));
    out.outputHash().ifPresent(v -> o.put("outputHash", v));
    out.detail().ifPresent(v -> o.put("detail", v));
    return o;
  }
}

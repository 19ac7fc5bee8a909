package dev.proctor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import dev.proctor.store.LogReader;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.StoredEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the log out: as JSON Lines for verification and archiving (an {@code proctor.export/1}
 * header, then each receipt's canonical JSON exactly as stored, each checkpoint and co-signature
 * right after the last receipt it covers, and — when the export ends between two checkpoints — a
 * {@code proctor.covered-by/1} line: the next checkpoint with the consistency proof from the
 * export's end to it), or as OCSF JSON Lines (API Activity events) for SIEMs.
 */
public final class LogExport {

  private LogExport() {}

  /**
   * Writes receipts {@code [from, to)} as verifiable JSON Lines; the header carries the Merkle
   * frontier and hash of the receipts before {@code from} so that a later checkpoint confirms them.
   */
  public static long jsonLines(LogReader store, long from, long to, OutputStream out)
      throws IOException {
    long end = Math.min(to, store.size());
    long start = Math.max(0, Math.min(from, end));
    ObjectNode header = JsonNodeFactory.instance.objectNode();
    header.put("schema", LogVerifier.EXPORT_SCHEMA);
    header.put("logId", store.logId());
    header.put("from", start);
    header.put(
        "prev",
        start == 0 ? ReceiptFormat.GENESIS_PREV : store.entry(start - 1).orElseThrow().hash());
    var frontier = header.putArray("frontier");
    Frontier.load(store::node, start)
        .hashes()
        .forEach(h -> frontier.add(HexFormat.of().formatHex(h)));
    line(out, CanonicalJson.write(header));
    Map<Long, List<String>> after = new TreeMap<>();
    boolean signedAtEnd = false;
    for (StoredCheckpoint c : store.checkpoints(start, end)) {
      after.computeIfAbsent(c.size(), k -> new ArrayList<>()).add(c.json());
      signedAtEnd |= c.size() == end;
    }
    for (StoredCosignature c : store.cosignatures(start, end)) {
      after.computeIfAbsent(c.size(), k -> new ArrayList<>()).add(c.json());
    }
    writeAfter(after, start, out);
    long[] count = {0};
    try {
      store.scan(
          start,
          end,
          (StoredEntry e) -> {
            try {
              line(out, e.json());
              writeAfter(after, e.sequence() + 1, out);
              count[0]++;
            } catch (IOException ex) {
              throw new UncheckedIOException(ex);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (end > start && !signedAtEnd) {
      coveredBy(store, end, out);
    }
    return count[0];
  }

  /**
   * Writes the first checkpoint beyond {@code end} with the consistency proof from {@code end} to
   * it, if the log has one, so that the export's last receipts are covered by a signature too.
   */
  private static void coveredBy(LogReader store, long end, OutputStream out) throws IOException {
    long size = store.size();
    StoredCheckpoint next = null;
    // Look in growing windows: a long log has many checkpoints beyond an old export's end.
    for (long window = 1024; next == null && end < size; window *= 2) {
      long to = end + window > size || end + window < 0 ? size : end + window;
      List<StoredCheckpoint> found = store.checkpoints(end + 1, to);
      if (!found.isEmpty()) {
        next = found.get(0);
      } else if (to == size) {
        break;
      }
    }
    if (next == null) {
      return;
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("schema", LogVerifier.COVERED_BY_SCHEMA);
    o.put("size", end);
    o.set("checkpoint", Json.MAPPER.readTree(next.json()));
    var proof = o.putArray("proof");
    Merkle.consistencyProof(store::node, end, next.size())
        .forEach(h -> proof.add(HexFormat.of().formatHex(h)));
    line(out, CanonicalJson.write(o));
  }

  private static void writeAfter(Map<Long, List<String>> after, long size, OutputStream out)
      throws IOException {
    List<String> lines = after.remove(size);
    if (lines != null) {
      for (String l : lines) {
        line(out, l);
      }
    }
  }

  /** Writes receipts {@code [from, to)} as OCSF 1.3 API Activity events, one JSON line each. */
  public static long ocsf(LogReader store, long from, long to, OutputStream out)
      throws IOException {
    long[] count = {0};
    try {
      store.scan(
          Math.max(0, from),
          Math.min(to, store.size()),
          (StoredEntry e) -> {
            try {
              line(out, CanonicalJson.write(ocsfEvent(Json.MAPPER.readTree(e.json()), e)));
              count[0]++;
            } catch (IOException ex) {
              throw new UncheckedIOException(ex);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return count[0];
  }

  /** One receipt as an OCSF API Activity event (class 6003). */
  static ObjectNode ocsfEvent(JsonNode r, StoredEntry e) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    String event = r.path("event").asText();
    boolean denied =
        switch (event) {
          case "denied",
              "rate_limited",
              "rejected",
              "expired",
              "canceled",
              "failed",
              "interrupted" ->
              true;
          default -> false;
        };
    o.put("category_uid", 6);
    o.put("class_uid", 6003);
    o.put("activity_id", 99);
    o.put("type_uid", 600399);
    o.put("time", e.timeMillis());
    o.put("severity_id", denied ? 3 : 1);
    o.put("status_id", denied ? 2 : 1);
    o.put("status", denied ? "Failure" : "Success");
    o.put("status_detail", event);
    o.put("message", event + " " + r.path("action").path("tool").asText());
    ObjectNode metadata = o.putObject("metadata");
    metadata.put("version", "1.3.0");
    metadata.put("uid", e.receiptId());
    metadata.put("sequence", e.sequence());
    metadata.put("correlation_uid", e.actionId());
    ObjectNode product = metadata.putObject("product");
    product.put("name", "Proctor");
    product.put("vendor_name", "Proctor");
    ObjectNode actor = o.putObject("actor");
    JsonNode req = r.path("action").path("requester");
    ObjectNode user = actor.putObject("user");
    user.put("name", req.path("human").asText(req.path("agent").asText("unknown")));
    if (req.has("agent")) {
      actor.put("app_name", req.path("agent").asText());
    }
    if (req.has("session")) {
      actor.putObject("session").put("uid", req.path("session").asText());
    }
    ObjectNode api = o.putObject("api");
    api.put("operation", r.path("action").path("operation").asText());
    api.putObject("service").put("name", r.path("action").path("tool").asText());
    ObjectNode unmapped = o.putObject("unmapped");
    unmapped.put("proctor_event", event);
    unmapped.put("proctor_action_class", r.path("action").path("class").asText());
    unmapped.put("proctor_action_digest", r.path("action").path("digest").asText());
    unmapped.put("proctor_receipt_hash", e.hash());
    if (r.has("decision")) {
      unmapped.set("proctor_decision", r.get("decision"));
    }
    if (r.has("outcome")) {
      unmapped.set("proctor_outcome", r.get("outcome"));
    }
    return o;
  }

  private static void line(OutputStream out, String json) throws IOException {
    out.write(json.getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }
}

package dev.proctor.mcp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Report;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalException;
import dev.proctor.audit.Outcome;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.policy.Policy;
import dev.proctor.policy.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code proctor mcp stdio}: to the MCP client it is the server on standard input and output; it
 * runs the real server as a child process and relays newline-delimited JSON-RPC both ways, reading
 * only what policy needs and forwarding each message's original bytes. Three methods are mediated:
 * a {@code tools/call} is decided and recorded before it is forwarded, and its answer is recorded
 * as the action's outcome (a denied call is answered here and never reaches the server); a {@code
 * tools/list} answer has its tools pinned and the tools that can never be allowed, or whose
 * definition changed since pinned, taken out; and {@code notifications/cancelled} for a call in
 * flight records it as interrupted.
 *
 * <p>Why ids are tracked per direction: both sides number their requests from 0, so a client
 * request {@code 0} and a server request {@code 0} are different requests. Only the client's
 * requests are tracked (by the key of their id); a message from the server with a method is a
 * request or notification of the server's, relayed as is, and a message from the client without a
 * method is its answer to one of those, relayed as is.
 *
 * <p>Threads: the client's messages are read and handled on one thread and the server's on another,
 * each in arrival order; a {@code tools/call} is decided on the client's thread, so the client's
 * later messages (its cancellation of that call, say) are handled after the decision.
 */
public final class StdioGateway {

  private static final Logger LOG = LoggerFactory.getLogger(StdioGateway.class);

  /** The surface name MCP calls carry. */
  public static final String SURFACE = "mcp";

  /** How the gateway is run; every size in bytes. */
  public record Options(
      String server,
      int maxMessageBytes,
      int maxResultBytes,
      Duration approvalWait,
      Duration exitGrace) {
    public Options {
      PinStore.checkName(server);
      if (maxMessageBytes < 1024) {
        throw new IllegalArgumentException("the message limit must be at least 1 KiB");
      }
      if (maxResultBytes < 1 || maxResultBytes > maxMessageBytes) {
        throw new IllegalArgumentException(
            "the result limit must be positive and at most the message limit");
      }
      requireNonNull(approvalWait, "approvalWait is null");
      requireNonNull(exitGrace, "exitGrace is null");
      if (approvalWait.isNegative() || exitGrace.isNegative()) {
        throw new IllegalArgumentException("durations must not be negative");
      }
    }
  }

  /** A client request forwarded to the server and not answered yet. */
  private sealed interface Pending {}

  private record Other(String method) implements Pending {}

  private record ListTools() implements Pending {}

  private record Call(String actionId, String tool) implements Pending {}

  private final Mediator mediator;
  private final PinStore pins;
  private final Options options;
  private final Principal principal;
  private final Map<String, Object> context;

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  /** The hash of each tool's definition in the server's latest {@code tools/list} answer. */
  private final Map<String, String> listed = new ConcurrentHashMap<>();

  /** Set once the client's input ended: the server's output ending then is no news. */
  private volatile boolean clientGone;

  /** Set once the server's output ended: the client's later requests are answered as errors. */
  private volatile boolean serverGone;

  private final Object toClient = new Object();
  private final Object toServer = new Object();
  private OutputStream clientOut;
  private OutputStream serverIn;

  /**
   * A gateway deciding through the mediator, pinning into the store, for calls made in the working
   * directory {@code cwd} by the user whose home is {@code home} (the agent's, as for a hook).
   */
  public StdioGateway(
      Mediator mediator, PinStore pins, Options options, String cwd, Optional<String> home) {
    this.mediator = requireNonNull(mediator, "mediator is null");
    this.pins = requireNonNull(pins, "pins is null");
    this.options = requireNonNull(options, "options is null");
    this.principal =
        new Principal(
            Optional.empty(),
            Optional.of(SURFACE + "/" + options.server()),
            Optional.empty(),
            Optional.of(UUID.randomUUID().toString()),
            Optional.empty(),
            List.of());
    Map<String, Object> ctx = new HashMap<>();
    ctx.put("cwd", requireNonNull(cwd, "cwd is null"));
    home.ifPresent(h -> ctx.put("home", h));
    ctx.put("mcp_server", options.server());
    this.context = Map.copyOf(ctx);
  }

  /** The name of a server's tool as policies see it: {@code mcp__<server>__<tool>}. */
  public static String toolName(String server, String tool) {
    return "mcp__" + server + "__" + tool;
  }

  /**
   * Relays between the client's streams and the server process until the client's input ends (then
   * the server's input is closed and it gets {@code exitGrace} to exit before it is destroyed) or
   * the server ends (then every request in flight is answered with an error). Returns 0 when the
   * client ended the session, else the server's exit status (1 when it exited 0 unasked).
   */
  public int run(InputStream clientIn, OutputStream clientOut, Process server)
      throws InterruptedException {
    this.clientOut = requireNonNull(clientOut, "clientOut is null");
    this.serverIn = server.getOutputStream();
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Thread fromServer =
        new Thread(
            () -> {
              try {
                relayServer(server.getInputStream());
              } catch (IOException | RuntimeException e) {
                LOG.warn("reading the MCP server failed: {}", e.toString());
              }
              if (clientGone) {
                return;
              }
              serverGone = true;
              serverEnded();
              int status;
              try {
                status =
                    server.waitFor(options.exitGrace().toMillis(), TimeUnit.MILLISECONDS)
                        ? server.exitValue()
                        : 1;
              } catch (InterruptedException e) {
                status = 1;
              }
              LOG.warn("the MCP server's output ended (exit status {}); the gateway ends", status);
              done.complete(status == 0 ? 1 : status);
            },
            "proctor-mcp-server");
    fromServer.setDaemon(true);
    Thread fromClient =
        new Thread(
            () -> {
              try {
                relayClient(clientIn);
              } catch (IOException | RuntimeException e) {
                LOG.warn("reading the MCP client failed: {}", e.toString());
              }
              done.complete(0);
            },
            "proctor-mcp-client");
    fromClient.setDaemon(true);
    fromServer.start();
    fromClient.start();
    int code;
    try {
      code = done.get();
    } catch (java.util.concurrent.ExecutionException e) {
      code = 1;
    }
    if (code == 0) {
      clientGone = true;
      clientEnded();
    }
    stop(server);
    // The server's thread may still be recording the outcome of a call it just relayed; the
    // caller closes the log after this returns.
    fromServer.join(TimeUnit.SECONDS.toMillis(5));
    return code;
  }

  /** Closes the server's input, waits the grace period for it to exit, then destroys it. */
  private void stop(Process server) throws InterruptedException {
    synchronized (toServer) {
      try {
        serverIn.close();
      } catch (IOException e) {
        // Already closed: the server is gone.
      }
    }
    if (!server.waitFor(options.exitGrace().toMillis(), TimeUnit.MILLISECONDS)) {
      server.destroy();
      if (!server.waitFor(1, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor(1, TimeUnit.SECONDS);
      }
    }
    server.descendants().forEach(ProcessHandle::destroyForcibly);
  }

  // ---- client to server ----------------------------------------------------------------------

  private void relayClient(InputStream in) throws IOException {
    LineReader reader = new LineReader(in, options.maxMessageBytes());
    for (Optional<LineReader.Line> next = reader.next(); next.isPresent(); next = reader.next()) {
      LineReader.Line line = next.get();
      try {
        fromClient(line);
      } catch (RuntimeException e) {
        // A fault of the gateway's own must not end the session: the message is answered as
        // refused where it had an id, and the next one is read.
        LOG.error("a client message could not be handled", e);
        Optional<JsonNode> id = JsonRpc.idOfPrefix(line.bytes());
        if (id.isPresent()) {
          sendClient(
              JsonRpc.error(id.get(), JsonRpc.INVALID_REQUEST, "proctor: " + e.getMessage()));
        }
      }
    }
  }

  private void fromClient(LineReader.Line line) {
    if (line.oversize()) {
      Optional<JsonNode> id = JsonRpc.idOfPrefix(line.bytes());
      LOG.warn("refused a client message of {} bytes", line.length());
      sendClient(
          JsonRpc.error(
              id.orElse(null),
              JsonRpc.INVALID_REQUEST,
              "proctor: message of "
                  + line.length()
                  + " bytes refused: the limit is "
                  + options.maxMessageBytes()
                  + " bytes"));
      return;
    }
    if (blank(line.bytes())) {
      return;
    }
    JsonNode msg;
    try {
      msg = JsonRpc.parse(line.bytes());
    } catch (IOException e) {
      sendClient(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: " + firstLine(e)));
      return;
    }
    if (msg.isArray()) {
      sendClient(
          JsonRpc.error(
              null,
              JsonRpc.INVALID_REQUEST,
              "proctor: JSON-RPC batches are not accepted (MCP removed batching in 2025-06-18)"));
      return;
    }
    if (!msg.isObject()) {
      sendClient(
          JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "proctor: a message must be an object"));
      return;
    }
    JsonNode methodNode = msg.get("method");
    if (methodNode == null) {
      // The client's answer to a request of the server's: relayed as is.
      sendServer(line.bytes());
      return;
    }
    JsonNode idNode = msg.get("id");
    if (!methodNode.isTextual()) {
      sendClient(
          JsonRpc.error(
              usableId(idNode), JsonRpc.INVALID_REQUEST, "proctor: 'method' must be a string"));
      return;
    }
    String method = methodNode.textValue();
    if (idNode == null) {
      if (method.equals("notifications/cancelled")) {
        cancelled(msg);
      }
      sendServer(line.bytes());
      return;
    }
    Optional<String> key = JsonRpc.idKey(idNode);
    if (key.isEmpty()) {
      sendClient(
          JsonRpc.error(
              null, JsonRpc.INVALID_REQUEST, "proctor: a request id must be a string or integer"));
      return;
    }
    if (serverGone) {
      sendClient(JsonRpc.error(idNode, JsonRpc.SERVER_GONE, "proctor: the MCP server has ended"));
      return;
    }
    if (pending.containsKey(key.get())) {
      sendClient(
          JsonRpc.error(
              idNode,
              JsonRpc.INVALID_REQUEST,
              "proctor: request id " + idNode + " is already in use by a request in flight"));
      return;
    }
    switch (method) {
      case "tools/call" -> call(msg, idNode, key.get(), line.bytes());
      case "tools/list" -> forward(key.get(), new ListTools(), line.bytes());
      default -> forward(key.get(), new Other(method), line.bytes());
    }
  }

  private void forward(String key, Pending p, byte[] bytes) {
    pending.put(key, p);
    sendServer(bytes);
  }

  /** Decides a {@code tools/call}; forwards it when allowed, else answers it here. */
  private void call(JsonNode msg, JsonNode id, String key, byte[] raw) {
    JsonNode params = msg.get("params");
    JsonNode name = params == null ? null : params.get("name");
    if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
      sendClient(
          JsonRpc.error(
              id, JsonRpc.INVALID_PARAMS, "proctor: tools/call needs params.name, a string"));
      return;
    }
    String tool = name.textValue();
    JsonNode args = params.get("arguments");
    ToolCall call =
        new ToolCall(
            principal,
            SURFACE,
            toolName(options.server(), tool),
            "",
            args == null || args.isNull() ? JsonNodeFactory.instance.objectNode() : args,
            Optional.empty(),
            Set.of(),
            context);
    if (args != null && !args.isNull() && !args.isObject()) {
      deny(id, mediator.refuse(call, "tools/call arguments must be a JSON object"));
      return;
    }
    Optional<String> blocked = pinBlock(tool);
    if (blocked.isPresent()) {
      deny(id, mediator.refuse(call, blocked.get()));
      return;
    }
    Mediation m = mediator.mediate(call);
    Decision d = m.decision();
    String actionId = m.request().id();
    if (d.kind() == Decision.Kind.REQUIRE_APPROVAL) {
      d = awaitApproval(m, (Decision.RequireApproval) d);
      if (!d.allows()) {
        sendClient(JsonRpc.toolError(id, denial(d)));
        return;
      }
    } else if (!d.allows()) {
      deny(id, m);
      return;
    }
    byte[] out = raw;
    if (d.rewrittenArguments().isPresent()) {
      ObjectNode copy = (ObjectNode) msg.deepCopy();
      ((ObjectNode) copy.get("params")).set("arguments", d.rewrittenArguments().get());
      out = JsonRpc.bytes(copy);
    }
    forward(key, new Call(actionId, tool), out);
  }

  /**
   * Why a tool may not be called because of its pin: its definition in this session's list differs
   * from its pin (re-read from the file, in case an operator approved it meanwhile), or it was not
   * listed in this session, so its definition is unknown.
   */
  private Optional<String> pinBlock(String tool) {
    String seen = listed.get(tool);
    if (seen == null) {
      return Optional.of(
          "tool '"
              + tool
              + "' was not in the server's tools/list answer in this session, so its definition"
              + " cannot be checked against its pin; list the tools first");
    }
    Optional<String> pinned;
    try {
      pinned = pins.pinnedHash(tool);
    } catch (IOException | RuntimeException e) {
      return Optional.of("the pin store cannot be read (" + e.getMessage() + ")");
    }
    if (pinned.isPresent() && pinned.get().equals(seen)) {
      return Optional.empty();
    }
    return Optional.of(changedReason(tool, pinned.orElse("none"), seen));
  }

  private String changedReason(String tool, String pinned, String seen) {
    return "the definition of tool '"
        + tool
        + "' changed since it was pinned (pin sha256:"
        + pinned
        + ", now sha256:"
        + seen
        + "); blocked until an operator runs: proctor mcp pins approve --name "
        + options.server()
        + " "
        + tool;
  }

  /**
   * An action held for approval: waits for an approver up to the configured bound when Proctor
   * holds it; an action nobody approved in time is canceled, and the answer is a deny.
   */
  private Decision awaitApproval(Mediation m, Decision.RequireApproval ask) {
    String id = m.request().id();
    boolean heldHere =
        ask.requirement().answeredAt() == ApprovalRequirement.AnsweredAt.PROCTOR
            && !m.receipts().isEmpty();
    if (heldHere && !options.approvalWait().isZero()) {
      try {
        Optional<LifecycleState> s = mediator.approvals().await(id, options.approvalWait());
        if (s.isPresent() && s.get() == LifecycleState.APPROVED) {
          return new Decision.Allow(ask.basis());
        }
        if (s.isPresent() && s.get() != LifecycleState.APPROVAL_REQUIRED) {
          return Decision.Deny.failClosed(
              "approval required: the approval ended "
                  + s.get().wireName()
                  + " ("
                  + ask.reason()
                  + ")",
              ask.policy());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warn("waiting for the approval of {} failed: {}", id, e.getMessage());
      }
    }
    if (heldHere && mediator.state(id).orElse(null) == LifecycleState.APPROVAL_REQUIRED) {
      try {
        mediator
            .approvals()
            .cancel(id, "the MCP client was answered while the approval was pending");
      } catch (ApprovalException | RuntimeException e) {
        LOG.warn("the held action {} could not be canceled: {}", id, e.getMessage());
      }
    }
    return Decision.Deny.failClosed(
        "approval required: "
            + ask.reason()
            + (heldHere && !options.approvalWait().isZero()
                ? "; no approver answered within " + options.approvalWait().toSeconds() + " s"
                : "; the MCP stdio gateway does not wait for approvals (--approval-wait)"),
        ask.policy());
  }

  private void deny(JsonNode id, Mediation m) {
    sendClient(JsonRpc.toolError(id, denial(m.decision())));
  }

  private static String denial(Decision d) {
    return "Proctor denied this call: "
        + d.reason()
        + (d.ruleIds().isEmpty() ? "" : " (rules: " + String.join(", ", d.ruleIds()) + ")");
  }

  /** The client canceled a request: a tool call in flight is recorded as interrupted. */
  private void cancelled(JsonNode msg) {
    JsonNode params = msg.get("params");
    Optional<String> key = JsonRpc.idKey(params == null ? null : params.get("requestId"));
    if (key.isEmpty()) {
      return;
    }
    Pending p = pending.remove(key.get());
    if (p instanceof Call c) {
      String why =
          params.path("reason").isTextual()
              ? "canceled by the client: " + params.path("reason").textValue()
              : "canceled by the client";
      report(c, LifecycleState.INTERRUPTED, Optional.empty(), why);
    }
  }

  // ---- server to client ----------------------------------------------------------------------

  private void relayServer(InputStream in) throws IOException {
    LineReader reader = new LineReader(in, options.maxMessageBytes());
    for (Optional<LineReader.Line> next = reader.next(); next.isPresent(); next = reader.next()) {
      try {
        fromServer(next.get());
      } catch (RuntimeException e) {
        LOG.error("a server message could not be handled; dropped", e);
      }
    }
  }

  private void fromServer(LineReader.Line line) {
    if (line.oversize()) {
      Optional<JsonNode> id = JsonRpc.idOfPrefix(line.bytes());
      Optional<String> key = id.flatMap(i -> JsonRpc.idKey(i));
      Pending p = key.map(pending::remove).orElse(null);
      LOG.warn("dropped a server message of {} bytes (over the limit)", line.length());
      if (p != null) {
        String why =
            "proctor: the server's answer of "
                + line.length()
                + " bytes is over the limit of "
                + options.maxMessageBytes()
                + " bytes; refused";
        answerRefused(id.get(), p, why);
      }
      return;
    }
    if (blank(line.bytes())) {
      return;
    }
    JsonNode msg;
    try {
      msg = JsonRpc.parse(line.bytes());
    } catch (IOException e) {
      LOG.warn("dropped a server message that is not JSON: {}", firstLine(e));
      return;
    }
    if (!msg.isObject()) {
      LOG.warn("dropped a server message that is not a JSON object");
      return;
    }
    if (msg.has("method")) {
      // A request or notification of the server's: relayed in order.
      sendClient(line.bytes());
      return;
    }
    Optional<String> key = JsonRpc.idKey(msg.get("id"));
    Pending p = key.map(pending::remove).orElse(null);
    if (p == null) {
      // An answer to a request that was canceled, or to none: the client expects nothing.
      LOG.info("dropped a server answer for id {}, which has no request in flight", msg.get("id"));
      return;
    }
    if (p instanceof Call c) {
      answered(c, msg, line);
    } else if (p instanceof ListTools) {
      sendClient(filterTools(msg, line.bytes()));
    } else {
      sendClient(line.bytes());
    }
  }

  /**
   * A tool call's answer: relayed unless it is over the result limit, then recorded as the action's
   * outcome.
   */
  private void answered(Call c, JsonNode msg, LineReader.Line line) {
    if (line.length() > options.maxResultBytes()) {
      String why =
          "proctor: the tool's result of "
              + line.length()
              + " bytes is over the limit of "
              + options.maxResultBytes()
              + " bytes; refused";
      report(c, LifecycleState.FAILED, Optional.of(line.bytes()), why);
      sendClient(JsonRpc.toolError(msg.get("id"), why));
      return;
    }
    // The answer goes out first: the outcome is no decision, and waiting for its receipt would add
    // a durable write to every call's latency. The action's decision is on record already.
    sendClient(line.bytes());
    JsonNode result = msg.get("result");
    if (result == null) {
      report(
          c,
          LifecycleState.FAILED,
          Optional.of(line.bytes()),
          "the server answered with a JSON-RPC error: "
              + msg.path("error").path("message").asText(""));
    } else if (result.path("isError").asBoolean(false)) {
      report(c, LifecycleState.FAILED, Optional.of(output(result)), "the tool reported an error");
    } else {
      report(c, LifecycleState.SUCCEEDED, Optional.of(output(result)), null);
    }
  }

  private static byte[] output(JsonNode result) {
    try {
      return CanonicalJson.bytes(result);
    } catch (RuntimeException e) {
      return JsonRpc.bytes(result);
    }
  }

  /** A request whose answer cannot be relayed: a tool call gets a refusal, others an error. */
  private void answerRefused(JsonNode id, Pending p, String why) {
    if (p instanceof Call c) {
      report(c, LifecycleState.FAILED, Optional.empty(), why);
      sendClient(JsonRpc.toolError(id, why));
    } else {
      sendClient(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, why));
    }
  }

  /**
   * A {@code tools/list} answer with its tools pinned, and without the tools whose definition
   * changed since pinned or that the policy can never allow; the tools kept are the server's
   * objects as sent, in the server's order. An answer without a tools array is relayed as is.
   */
  private byte[] filterTools(JsonNode msg, byte[] raw) {
    JsonNode tools = msg.path("result").get("tools");
    if (tools == null || !tools.isArray()) {
      return raw;
    }
    List<ToolDefinition> defs = new ArrayList<>();
    List<JsonNode> nodes = new ArrayList<>();
    for (JsonNode tool : tools) {
      try {
        defs.add(ToolDefinition.of(tool));
        nodes.add(tool);
      } catch (IllegalArgumentException e) {
        LOG.warn("hid a tool the server listed: {}", e.getMessage());
      }
    }
    Map<String, PinStore.Observation> seen;
    try {
      seen = pins.observe(defs);
    } catch (IOException | RuntimeException e) {
      // Without the pins nothing listed can be trusted: the list is empty, and calls are refused.
      LOG.error("the pin store failed; no tools are listed: {}", e.getMessage());
      defs.forEach(d -> listed.remove(d.name()));
      return withTools(msg, JsonNodeFactory.instance.arrayNode());
    }
    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
    boolean changed = defs.size() != tools.size();
    for (int i = 0; i < defs.size(); i++) {
      ToolDefinition d = defs.get(i);
      PinStore.Observation o = seen.get(d.name());
      listed.put(d.name(), d.sha256());
      boolean visible = o.status() != PinStore.Status.CHANGED;
      if (!visible && o.newChange()) {
        recordRugPull(d, o);
      }
      if (visible && neverAllowed(d.name())) {
        visible = false;
      }
      if (visible) {
        kept.add(nodes.get(i));
      } else {
        changed = true;
      }
    }
    return changed ? withTools(msg, kept) : raw;
  }

  private static byte[] withTools(JsonNode msg, ArrayNode tools) {
    ObjectNode copy = (ObjectNode) msg.deepCopy();
    ((ObjectNode) copy.get("result")).set("tools", tools);
    return JsonRpc.bytes(copy);
  }

  /** Records a changed tool definition as a refusal, once per new definition seen. */
  private void recordRugPull(ToolDefinition d, PinStore.Observation o) {
    ObjectNode args = JsonNodeFactory.instance.objectNode();
    args.put("pinned_sha256", o.pinnedSha256());
    args.put("seen_sha256", d.sha256());
    args.set("definition", d.definition());
    ToolCall call =
        new ToolCall(
            principal,
            SURFACE,
            toolName(options.server(), d.name()),
            "tools/list",
            args,
            Optional.empty(),
            Set.of("untrusted"),
            context);
    String reason = changedReason(d.name(), o.pinnedSha256(), d.sha256());
    LOG.warn("{}", reason);
    mediator.refuse(call, reason);
  }

  /**
   * Whether the policy can never allow a tool, whatever its arguments: asked with no arguments, the
   * policy denies it through an enforced rule that has no condition and names tools rather than
   * classes (a tool's class may depend on its arguments). Anything else stays listed and is decided
   * call by call; hiding is a courtesy to the model, never the enforcement.
   */
  private boolean neverAllowed(String tool) {
    try {
      ToolCall probe =
          new ToolCall(
              principal,
              SURFACE,
              toolName(options.server(), tool),
              "",
              JsonNodeFactory.instance.objectNode(),
              Optional.empty(),
              Set.of(),
              context);
      Decision d = mediator.preview(probe).decision();
      if (d.kind() != Decision.Kind.DENY) {
        return false;
      }
      Policy policy = mediator.policy();
      for (String ruleId : d.ruleIds()) {
        Optional<Rule> r = policy.rule(ruleId);
        if (r.isPresent() && unconditionalToolDeny(r.get())) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      LOG.warn("could not tell whether tool {} is ever allowed: {}", tool, e.getMessage());
      return false;
    }
  }

  private static boolean unconditionalToolDeny(Rule r) {
    return r.mode() == Rule.Mode.ENFORCE
        && r.effect() == dev.proctor.decision.Effect.DENY
        && r.when().isEmpty()
        && r.match().classes().isEmpty()
        && !r.match().tools().isEmpty();
  }

  // ---- endings --------------------------------------------------------------------------------

  /** The server is gone: every request in flight gets an error; tool calls are recorded failed. */
  private void serverEnded() {
    for (String key : List.copyOf(pending.keySet())) {
      Pending p = pending.remove(key);
      if (p == null) {
        continue;
      }
      JsonNode id = idOfKey(key);
      String why = "proctor: the MCP server ended before it answered";
      if (p instanceof Call c) {
        report(c, LifecycleState.FAILED, Optional.empty(), why);
      }
      sendClient(JsonRpc.error(id, JsonRpc.SERVER_GONE, why));
    }
  }

  /** The client is gone: tool calls in flight are recorded interrupted. */
  private void clientEnded() {
    for (String key : List.copyOf(pending.keySet())) {
      if (pending.remove(key) instanceof Call c) {
        report(c, LifecycleState.INTERRUPTED, Optional.empty(), "the MCP client ended the session");
      }
    }
  }

  private static JsonNode idOfKey(String key) {
    String v = key.substring(2);
    return key.startsWith("s:")
        ? JsonNodeFactory.instance.textNode(v)
        : JsonNodeFactory.instance.numberNode(new java.math.BigInteger(v));
  }

  private void report(Call c, LifecycleState end, Optional<byte[]> output, String detail) {
    Outcome base =
        output.isPresent() ? Outcome.ofOutput(Optional.empty(), output.get()) : Outcome.NONE;
    Outcome outcome =
        new Outcome(base.exitStatus(), base.outputHash(), Optional.ofNullable(detail));
    try {
      mediator.report(c.actionId(), new Report(end, outcome, Optional.empty()));
    } catch (Exception e) {
      LOG.error("the outcome of action {} was not recorded: {}", c.actionId(), e.getMessage());
    }
  }

  // ---- writing --------------------------------------------------------------------------------

  private void sendClient(byte[] message) {
    synchronized (toClient) {
      try {
        clientOut.write(message);
        clientOut.write('\n');
        clientOut.flush();
      } catch (IOException e) {
        LOG.warn("writing to the MCP client failed: {}", e.toString());
      }
    }
  }

  private void sendServer(byte[] message) {
    synchronized (toServer) {
      try {
        serverIn.write(message);
        serverIn.write('\n');
        serverIn.flush();
      } catch (IOException e) {
        LOG.warn("writing to the MCP server failed: {}", e.toString());
      }
    }
  }

  private static JsonNode usableId(JsonNode id) {
    return JsonRpc.idKey(id).isPresent() ? id : null;
  }

  private static boolean blank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  private static String firstLine(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}

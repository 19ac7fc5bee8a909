package dev.proctor.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.Mediation;
import dev.proctor.MediationJson;
import dev.proctor.Proctor;
import dev.proctor.Report;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.action.ToolCallJson;
import dev.proctor.audit.Checkpoint;
import dev.proctor.audit.ConsistencyProof;
import dev.proctor.audit.LogExport;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.LogVerifier;
import dev.proctor.audit.Outcome;
import dev.proctor.audit.ReceiptFormat;
import dev.proctor.audit.VerificationReport;
import dev.proctor.hook.Hooks;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyProblem;
import dev.proctor.policy.PolicySource;
import dev.proctor.policy.PolicyWatcher;
import dev.proctor.policy.Rule;
import dev.proctor.store.LogReader;
import dev.proctor.store.StoredCheckpoint;
import dev.proctor.store.StoredCosignature;
import dev.proctor.store.StoredEntry;
import io.opentelemetry.api.trace.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.URIUtil;

/**
 * The JSON API under {@code /v1} and the operational routes ({@code /healthz}, {@code /readyz},
 * {@code /metrics}), in one route table; {@code /v1/openapi.json} describes them. What the CLI can
 * do with the log and the policy, the API can do with the right role.
 */
final class Api {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ProctorServer server;
  private final Services services;
  private final Proctor proctor;
  private final Authenticator auth;
  private final EventFeed feed;
  private final RuleHits hits;
  private final ServerMetrics metrics;
  private final ServerConfig config;

  Api(
      ProctorServer server,
      Services services,
      Authenticator auth,
      EventFeed feed,
      RuleHits hits,
      ServerMetrics metrics,
      ServerConfig config) {
    this.server = server;
    this.services = services;
    this.proctor = services.proctor();
    this.auth = auth;
    this.feed = feed;
    this.hits = hits;
    this.metrics = metrics;
    this.config = config;
  }

  List<ProctorServer.Route> routes() {
    List<ProctorServer.Route> r = new ArrayList<>();
    r.add(route("GET", "/healthz", List.of(), false, (x, c, p) -> x.text(200, "ok\n")));
    r.add(route("GET", "/readyz", List.of(), false, this::ready));
    r.add(
        route(
            "GET",
            "/metrics",
            List.of(),
            false,
            (x, c, p) ->
                x.send(
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(StandardCharsets.UTF_8))));
    r.add(route("GET", "/v1/openapi.json", List.of(), false, this::openapi));
    r.add(route("GET", "/", List.of(), false, this::root));
    r.add(route("GET", "/console/**", List.of(), false, this::console));
    r.add(route("POST", "/v1/auth/login", List.of(), true, this::login));
    r.add(route("POST", "/v1/auth/logout", List.of(), false, this::logout));
    r.add(route("GET", "/v1/auth/session", List.of(), false, this::session));
    r.add(route("POST", "/v1/decide", List.of(Role.Permission.DECIDE), true, this::decide));
    r.add(route("POST", "/v1/decide/batch", List.of(Role.Permission.DECIDE), true, this::batch));
    r.add(route("POST", "/v1/actions/**", List.of(Role.Permission.DECIDE), true, this::report));
    r.add(
        route(
            "GET",
            "/v1/actions/**",
            List.of(Role.Permission.DECIDE, Role.Permission.READ_ACTIONS),
            false,
            this::action));
    r.add(route("GET", "/v1/events", List.of(Role.Permission.WATCH), false, this::events));
    r.add(route("GET", "/v1/policy", List.of(Role.Permission.READ_POLICY), false, this::policy));
    r.add(
        route(
            "POST",
            "/v1/policy/validate",
            List.of(Role.Permission.CHANGE_POLICY),
            true,
            this::validate));
    r.add(
        route(
            "POST",
            "/v1/policy/reload",
            List.of(Role.Permission.CHANGE_POLICY),
            false,
            this::reload));
    r.add(
        route("GET", "/v1/audit/receipts", List.of(Role.Permission.AUDIT), false, this::receipts));
    r.add(
        route(
            "GET",
            "/v1/audit/receipts/{id}",
            List.of(Role.Permission.AUDIT),
            false,
            this::receipt));
    r.add(
        route(
            "GET",
            "/v1/audit/receipts/{id}/proof",
            List.of(Role.Permission.AUDIT),
            false,
            this::proof));
    r.add(
        route(
            "GET",
            "/v1/audit/checkpoints",
            List.of(Role.Permission.AUDIT),
            false,
            this::checkpoints));
    r.add(
        route(
            "GET",
            "/v1/audit/consistency",
            List.of(Role.Permission.AUDIT),
            false,
            this::consistency));
    r.add(route("GET", "/v1/audit/export", List.of(Role.Permission.AUDIT), false, this::export));
    r.add(route("POST", "/v1/audit/verify", List.of(Role.Permission.AUDIT), false, this::verify));
    r.addAll(new ApprovalsApi(server, proctor, config.approvals(), services.identities()).routes());
    return r;
  }

  private static ProctorServer.Route route(
      String method,
      String pattern,
      List<Role.Permission> anyOf,
      boolean body,
      ProctorServer.Handler0 h) {
    return new ProctorServer.Route(method, pattern, anyOf, body, h);
  }

  // --- operations ---

  private void ready(Exchange x, Optional<Caller> c, Map<String, String> p) {
    if (server.ready()) {
      x.text(200, "ready\n");
    } else {
      x.text(503, "not ready: the log did not take the last receipts, or the server is stopping\n");
    }
  }

  private void openapi(Exchange x, Optional<Caller> c, Map<String, String> p) throws IOException {
    x.send(200, "application/json", resource("openapi.json"));
  }

  private void root(Exchange x, Optional<Caller> c, Map<String, String> p) {
    x.response.getHeaders().put(HttpHeader.LOCATION, "/console/");
    x.send(302, null, new byte[0]);
  }

  /** The console's static files: a fixed set from the jar, nothing from the file system. */
  private void console(Exchange x, Optional<Caller> c, Map<String, String> p) throws IOException {
    String rest = p.get("rest");
    String name = rest.isEmpty() ? "index.html" : rest;
    if (!name.matches("[a-z0-9-]+\\.(html|css|js|svg)")) {
      x.error(404, "not-found", "no console file " + ProctorServer.printable(name));
      return;
    }
    byte[] bytes;
    try {
      bytes = resource("console/" + name);
    } catch (IOException e) {
      x.error(404, "not-found", "no console file " + ProctorServer.printable(name));
      return;
    }
    String type =
        switch (name.substring(name.lastIndexOf('.') + 1)) {
          case "html" -> "text/html; charset=utf-8";
          case "css" -> "text/css; charset=utf-8";
          case "js" -> "text/javascript; charset=utf-8";
          default -> "image/svg+xml";
        };
    x.send(200, type, bytes);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Api.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("no resource " + name);
      }
      return in.readAllBytes();
    }
  }

  // --- people ---

  private void login(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    JsonNode body = json(x);
    String user = text(body, "user");
    String password = text(body, "password");
    if (body.size() != 2) {
      throw new HttpError(400, "bad-request", "/: expected exactly the members user and password");
    }
    Caller.Person person = auth.login(user, password, x.remote(), x.response);
    x.json(200, personJson(person));
  }

  private void logout(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    Caller.Person person = person(x);
    Authenticator.checkCsrf(x, person);
    auth.logout(person, x.response);
    x.send(204, null, new byte[0]);
  }

  private void session(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    x.json(200, personJson(person(x)));
  }

  private Caller.Person person(Exchange x) throws HttpError {
    Optional<Caller> c = auth.authenticate(x);
    if (c.isPresent() && c.get() instanceof Caller.Person person) {
      return person;
    }
    throw HttpError.auth(401, "unauthenticated", "no person is logged in on this request");
  }

  private ObjectNode personJson(Caller.Person person) {
    ObjectNode o = F.objectNode();
    o.put("user", person.name());
    ArrayNode roles = o.putArray("roles");
    person.roles().stream().map(Role::wireName).sorted().forEach(roles::add);
    o.put("csrfToken", person.csrf());
    o.put("expires", auth.expiry(person.session()).toString());
    return o;
  }

  // --- decisions ---

  private void decide(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    byte[] raw = x.body();
    ToolCall call = call(parse(raw), "", agent(c), Hooks.digest(raw));
    long start = System.nanoTime();
    // On the request's own thread: the mediator bounds the wait for the log by the decision
    // deadline, and the rest is bounded computation, so a hand-over to another thread would only
    // cost two context switches per request.
    Span span = server.tracer().spanBuilder("proctor.decide").startSpan();
    Mediation m = proctor.mediator().mediate(call);
    server.observe(m, start);
    span.setAttribute("proctor.decision", m.decision().kind().wireName());
    span.setAttribute("proctor.receipts", m.receipts().size());
    span.end();
    ObjectNode out = MediationJson.render(m);
    x.json(200, out);
  }

  private void batch(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    byte[] raw = x.body();
    JsonNode body = parse(raw);
    JsonNode requests = body.get("requests");
    if (!body.isObject() || body.size() != 1 || requests == null || !requests.isArray()) {
      throw new HttpError(400, "bad-request", "/: expected {\"requests\": [ … ]}");
    }
    if (requests.isEmpty() || requests.size() > config.limits().maxBatch()) {
      throw new HttpError(
          400,
          "bad-request",
          "/requests: 1 to "
              + config.limits().maxBatch()
              + " requests per batch, was "
              + requests.size());
    }
    Caller.Agent agent = agent(c);
    String digest = Hooks.digest(raw);
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      try {
        calls.add(call(requests.get(i), "/requests/" + i, agent, digest));
      } catch (HttpError e) {
        throw e;
      }
    }
    long start = System.nanoTime();
    ArrayNode results =
        server.decide(
            () -> {
              ArrayNode a = F.arrayNode();
              for (Mediation m : proctor.mediator().mediateAll(calls)) {
                server.observe(m, start);
                a.add(MediationJson.render(m));
              }
              return a;
            },
            config.decisions().deadline().plusMillis(500),
            () -> {
              ArrayNode a = F.arrayNode();
              calls.forEach(k -> a.add(missed("the batch was not decided within the deadline")));
              return a;
            },
            "proctor.decide.batch");
    ObjectNode out = F.objectNode();
    out.set("results", results);
    x.json(200, out);
  }

  /** A fail-closed answer when no decision came in time: a deny with no receipts. */
  static ObjectNode missed(String why) {
    ObjectNode o = F.objectNode();
    o.put("decision", "deny");
    o.put("reason", "proctor: " + why + "; failing closed");
    o.putArray("rules");
    o.putArray("receipts");
    return o;
  }

  private ToolCall call(JsonNode json, String pointer, Caller.Agent agent, String digest)
      throws HttpError {
    ToolCall call;
    try {
      call = ToolCallJson.fromJson(json, "api");
    } catch (BadInputException e) {
      throw new HttpError(400, "bad-request", pointer + e.getMessage());
    }
    if (!call.surface().equals("api")) {
      throw new HttpError(
          400, "bad-request", pointer + "/surface: requests over HTTP are of surface 'api'");
    }
    ToolCall withDigest = call.withContext(Hooks.PAYLOAD_DIGEST, digest);
    return Principals.bindRequest(withDigest, agent.key());
  }

  private static Caller.Agent agent(Optional<Caller> c) throws HttpError {
    if (c.isPresent() && c.get() instanceof Caller.Agent a) {
      return a;
    }
    throw HttpError.auth(403, "forbidden", "only an agent (by its API key) asks for decisions");
  }

  private void report(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    Caller.Agent agent = agent(c);
    // Action ids may hold slashes (a hook's: surface/session/tool-use id/digest): the id is the
    // rest of the path, before /report.
    String rest = p.get("rest");
    if (!rest.endsWith("/report") || rest.length() == "/report".length()) {
      throw new HttpError(404, "not-found", "no route " + ProctorServer.printable(x.path()));
    }
    String id = decodedId(rest.substring(0, rest.length() - "/report".length()));
    JsonNode body = parse(x.body());
    Set<String> allowed = Set.of("state", "outputHash", "exitStatus", "detail");
    body.fieldNames()
        .forEachRemaining(
            n -> {
              if (!allowed.contains(n)) {
                throw new BadInputException("/" + n, "unknown member; expected one of " + allowed);
              }
            });
    String state = text(body, "state");
    LifecycleState end =
        LifecycleState.fromWireName(state)
            .filter(
                s ->
                    s == LifecycleState.SUCCEEDED
                        || s == LifecycleState.FAILED
                        || s == LifecycleState.INTERRUPTED)
            .orElseThrow(
                () ->
                    new HttpError(400, "bad-request", "/state: succeeded, failed or interrupted"));
    Outcome outcome;
    try {
      outcome =
          new Outcome(
              Optional.ofNullable(body.get("exitStatus"))
                  .map(
                      v -> {
                        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                          throw new BadInputException("/exitStatus", "expected a whole number");
                        }
                        return v.longValue();
                      }),
              optionalText(body, "outputHash"),
              optionalText(body, "detail").map(d -> d.length() > 500 ? d.substring(0, 500) : d));
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "bad-request", e.getMessage());
    }
    StoredEntry last =
        proctor
            .log()
            .store()
            .lastEntry(id)
            .orElseThrow(
                () -> new HttpError(404, "not-found", "no action " + ProctorServer.printable(id)));
    if (!owns(agent, last)) {
      throw HttpError.auth(403, "forbidden", "the action belongs to another agent");
    }
    try {
      List<dev.proctor.audit.Receipt> written =
          proctor.mediator().report(id, new Report(end, outcome, Optional.empty()));
      ObjectNode o = F.objectNode();
      o.put("actionId", id);
      o.put("state", end.wireName());
      ArrayNode ids = o.putArray("receipts");
      written.forEach(r -> ids.add(r.id()));
      x.json(200, o);
    } catch (IllegalTransitionException | NoSuchElementException e) {
      throw new HttpError(
          409,
          "illegal-transition",
          "the action's state does not let it have run: " + e.getMessage());
    } catch (LogUnavailableException e) {
      throw new HttpError(
          503, "log-unavailable", "the outcome was not recorded: " + e.getMessage());
    }
  }

  /**
   * An action id from the path: the path is as sent (percent-encoded), and hook action ids hold
   * what the harness sent (a session or tool-use id with spaces, brackets, quotes), which a client
   * such as the console encodes segment by segment.
   */
  static String decodedId(String raw) throws HttpError {
    try {
      return URIUtil.decodePath(raw);
    } catch (RuntimeException e) {
      throw new HttpError(400, "bad-request", "the action id in the path is not well encoded");
    }
  }

  private static boolean owns(Caller.Agent agent, StoredEntry entry) {
    String owner = ReceiptFormat.action(entry.json()).requester().agent().orElse("");
    return owner.equals(agent.name()) || owner.startsWith(agent.name() + "/");
  }

  /**
   * {@code GET /v1/actions/{id}}: the action's receipts; {@code GET /v1/actions/{id}/events}: they
   * as Server-Sent Events until the action reaches a final state (an action whose own id ends in
   * {@code /events} is the action, not its stream).
   */
  private void action(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    String rest = p.get("rest");
    String id = decodedId(rest);
    if (id.isEmpty()) {
      throw new HttpError(404, "not-found", "no route " + ProctorServer.printable(x.path()));
    }
    List<StoredEntry> entries = proctor.log().store().entriesOf(id, 1000);
    boolean stream = false;
    if (entries.isEmpty() && rest.endsWith("/events") && rest.length() > "/events".length()) {
      id = decodedId(rest.substring(0, rest.length() - "/events".length()));
      entries = proctor.log().store().entriesOf(id, 1);
      stream = true;
    }
    if (entries.isEmpty()) {
      throw new HttpError(404, "not-found", "no action " + ProctorServer.printable(id));
    }
    if (c.get() instanceof Caller.Agent a
        && !c.get().allows(Role.Permission.READ_ACTIONS)
        && !owns(a, entries.get(0))) {
      throw HttpError.auth(403, "forbidden", "the action belongs to another agent");
    }
    if (stream) {
      feed.serveAction(x, id);
      x.streamed();
      return;
    }
    ObjectNode o = F.objectNode();
    o.put("actionId", id);
    o.put("state", entries.get(entries.size() - 1).state());
    ArrayNode list = o.putArray("receipts");
    for (StoredEntry e : entries) {
      list.add(receiptJson(e));
    }
    x.json(200, o);
  }

  private void events(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    Optional<Long> last = Optional.empty();
    Optional<String> header = x.header("Last-Event-ID");
    if (header.isPresent()) {
      try {
        last = Optional.of(Long.parseLong(header.get().strip()));
      } catch (NumberFormatException e) {
        throw new HttpError(
            400, "bad-request", "Last-Event-ID must be a receipt's sequence number");
      }
    } else if (x.query("backlog").isPresent()) {
      // A first connection that asks for the latest receipts too (EventSource cannot send
      // Last-Event-ID before its first reconnect): start that many before the log's end.
      long backlog = x.number("backlog", 0, 0, EventFeed.REPLAY);
      last = Optional.of(Math.max(-1, proctor.log().store().size() - backlog - 1));
    }
    feed.serve(
        x,
        new EventFeed.Filter(
            list(x, "agent"), list(x, "session"), list(x, "class"), list(x, "state")),
        last);
    x.streamed();
  }

  private static Set<String> list(Exchange x, String name) {
    Set<String> out = new LinkedHashSet<>();
    x.query(name)
        .ifPresent(
            v -> {
              for (String s : v.split(",")) {
                if (!s.isBlank()) {
                  out.add(s.strip());
                }
              }
            });
    return out;
  }

  // --- policy ---

  private void policy(Exchange x, Optional<Caller> c, Map<String, String> p) {
    Policy policy = proctor.policy();
    ObjectNode o = F.objectNode();
    o.put("id", policy.id());
    o.put("version", policy.version());
    o.put("digest", policy.digest());
    o.put("description", policy.description());
    o.put("hitsSince", hits.since().toString());
    o.put("hitsComplete", hits.complete());
    ArrayNode rules = o.putArray("rules");
    for (Rule r : policy.rules()) {
      ObjectNode rule = rules.addObject();
      rule.put("id", r.id());
      rule.put("effect", r.effect().wireName());
      rule.put("mode", r.mode().name().toLowerCase(java.util.Locale.ROOT));
      rule.put("reason", r.reason());
      rule.put("description", r.description());
      rule.put("position", r.position().toString());
      ObjectNode match = rule.putObject("match");
      r.match().classes().forEach(match.putArray("classes")::add);
      r.match().tools().forEach(match.putArray("tools")::add);
      r.when().ifPresent(w -> rule.put("when", w));
      RuleHits.Count count = hits.of(r.id());
      rule.put("hits", count.hits());
      count.last().ifPresent(t -> rule.put("lastHit", t.toString()));
    }
    x.json(200, o);
  }

  private void validate(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    JsonNode body = parse(x.body());
    JsonNode files = body.get("files");
    if (!body.isObject()
        || body.size() != 1
        || files == null
        || !files.isObject()
        || files.isEmpty()) {
      throw new HttpError(
          400, "bad-request", "/: expected {\"files\": {\"name.yaml\": \"text\", …}}");
    }
    List<PolicySource> sources = new ArrayList<>();
    for (Map.Entry<String, JsonNode> f : files.properties()) {
      if (!f.getValue().isTextual()) {
        throw new HttpError(
            400, "bad-request", "/files/" + f.getKey() + ": expected the file's text");
      }
      if (!f.getKey().matches("[A-Za-z0-9._/-]{1,200}") || f.getKey().contains("..")) {
        throw new HttpError(
            400,
            "bad-request",
            "/files: '"
                + ProctorServer.printable(f.getKey())
                + "' is not a plain relative file name");
      }
      sources.add(PolicySource.of(f.getKey(), f.getValue().textValue()));
    }
    ObjectNode o = F.objectNode();
    try {
      Policy candidate = proctor.policyLoader().load(sources);
      o.put("valid", true);
      o.put("digest", candidate.digest());
      o.put("rules", candidate.rules().size());
      o.putArray("problems");
    } catch (PolicyException e) {
      o.put("valid", false);
      problems(o.putArray("problems"), e.problems());
    }
    x.json(200, o);
  }

  private void reload(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    Optional<PolicyWatcher> watcher = services.watcher();
    if (watcher.isEmpty()) {
      throw new HttpError(
          409,
          "no-policy-directory",
          "the server runs the built-in pack; there is nothing to reload");
    }
    PolicyWatcher.Reload r = watcher.get().reload();
    ObjectNode o = F.objectNode();
    o.put("loaded", r.loaded());
    o.put("digest", proctor.policy().digest());
    problems(o.putArray("problems"), r.problems());
    x.json(r.loaded() ? 200 : 422, o);
  }

  private static void problems(ArrayNode a, List<PolicyProblem> problems) {
    for (PolicyProblem pr : problems) {
      a.addObject()
          .put("file", pr.file())
          .put("line", pr.line())
          .put("column", pr.column())
          .put("message", pr.message());
    }
  }

  // --- audit ---

  private void receipts(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    LogReader store = proctor.log().store();
    long size = store.size();
    long from = x.number("from", Math.max(0, size - 100), 0, Long.MAX_VALUE);
    long limit = x.number("limit", 100, 1, 1000);
    ArrayNode list = F.arrayNode();
    if (from < size) {
      store.scan(from, Math.min(size, from + limit), e -> list.add(receiptJson(e)));
    }
    ObjectNode o = F.objectNode();
    o.put("size", size);
    o.set("receipts", list);
    x.json(200, o);
  }

  private static ObjectNode receiptJson(StoredEntry e) {
    ObjectNode o = F.objectNode();
    o.put("id", e.receiptId());
    o.put("seq", e.sequence());
    o.put("state", e.state());
    o.put("hash", e.hash());
    try {
      o.set("receipt", Exchange.JSON.readTree(e.json()));
    } catch (IOException bad) {
      o.put("receipt", e.json());
    }
    return o;
  }

  private void receipt(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    StoredEntry e =
        proctor
            .log()
            .store()
            .entryById(p.get("id"))
            .orElseThrow(
                () ->
                    new HttpError(
                        404, "not-found", "no receipt " + ProctorServer.printable(p.get("id"))));
    x.json(200, receiptJson(e));
  }

  private void proof(Exchange x, Optional<Caller> c, Map<String, String> p) throws Exception {
    try {
      byte[] proof =
          (proctor.log().prove(p.get("id")).toJson() + "\n").getBytes(StandardCharsets.UTF_8);
      if (x.query("download").isPresent()) {
        // The console's download link: the browser saves it as a file `proctor audit verify` reads.
        x.response
            .getHeaders()
            .put(
                HttpHeader.CONTENT_DISPOSITION,
                "attachment; filename=\"proof-" + fileSafe(p.get("id")) + ".json\"");
      }
      x.send(200, "application/json", proof);
    } catch (NoSuchElementException e) {
      throw new HttpError(404, "not-found", "no receipt " + ProctorServer.printable(p.get("id")));
    } catch (IllegalStateException e) {
      throw new HttpError(409, "unsigned", "the log has no signing key: " + e.getMessage());
    }
  }

  private static String fileSafe(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private void checkpoints(Exchange x, Optional<Caller> c, Map<String, String> p) throws HttpError {
    long from = x.number("fromSize", 0, 0, Long.MAX_VALUE);
    long to = x.number("toSize", Long.MAX_VALUE, 0, Long.MAX_VALUE);
    List<StoredCheckpoint> list = proctor.log().store().checkpoints(from, to);
    ArrayNode a = F.arrayNode();
    int start = Math.max(0, list.size() - 1000);
    for (StoredCheckpoint s : list.subList(start, list.size())) {
      try {
        a.add(Exchange.JSON.readTree(s.json()));
      } catch (IOException e) {
        a.add(s.json());
      }
    }
    ObjectNode o = F.objectNode();
    o.set("checkpoints", a);
    // Witness co-signatures of the checkpoints listed, so a reader sees which ones a witness saw.
    ArrayNode cosigned = o.putArray("cosignatures");
    if (!list.isEmpty()) {
      for (StoredCosignature s :
          proctor
              .log()
              .store()
              .cosignatures(list.get(start).size(), list.get(list.size() - 1).size())) {
        try {
          cosigned.add(Exchange.JSON.readTree(s.json()));
        } catch (IOException e) {
          cosigned.add(s.json());
        }
      }
    }
    x.json(200, o);
  }

  private void consistency(Exchange x, Optional<Caller> c, Map<String, String> p) throws Exception {
    long from = x.number("fromSize", -1, 1, Long.MAX_VALUE);
    if (from < 0) {
      throw new HttpError(
          400, "bad-parameter", "fromSize (the older checkpoint's size) is required");
    }
    List<StoredCheckpoint> older = proctor.log().store().checkpoints(from, from);
    if (older.isEmpty()) {
      throw new HttpError(404, "not-found", "no checkpoint of size " + from);
    }
    Checkpoint newer = proctor.log().checkpoint();
    x.send(
        200,
        "application/json",
        (ConsistencyProof.between(proctor.log(), Checkpoint.fromJson(older.get(0).json()), newer)
                    .toJson()
                + "\n")
            .getBytes(StandardCharsets.UTF_8));
  }

  private void export(Exchange x, Optional<Caller> c, Map<String, String> p) throws Exception {
    LogReader store = proctor.log().store();
    long from = x.number("fromSeq", 0, 0, Long.MAX_VALUE);
    long to = x.number("toSeq", store.size(), 0, Long.MAX_VALUE);
    String format = x.query("format").orElse("jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (to - from > 10_000) {
      throw new HttpError(
          400, "bad-parameter", "at most 10000 receipts per export; page with fromSeq/toSeq");
    }
    switch (format) {
      case "jsonl" -> LogExport.jsonLines(store, from, to, out);
      case "ocsf" -> LogExport.ocsf(store, from, to, out);
      default -> throw new HttpError(400, "bad-parameter", "format is jsonl or ocsf");
    }
    x.send(200, "application/x-ndjson", out.toByteArray());
  }

  private void verify(Exchange x, Optional<Caller> c, Map<String, String> p) throws Exception {
    // The live database, as `proctor audit verify` without FILE: its writers' unsigned tail counts.
    VerificationReport report =
        new LogVerifier(services.logKeys(), List.of()).forLiveLog().verify(proctor.log().store());
    ObjectNode o = F.objectNode();
    o.put("intact", report.intact());
    o.put("summary", report.summary());
    x.json(200, o);
  }

  // --- JSON bodies ---

  private static JsonNode parse(byte[] raw) throws HttpError {
    try {
      return JsonInput.parse(raw);
    } catch (BadInputException e) {
      throw new HttpError(400, "bad-request", e.getMessage());
    }
  }

  private static JsonNode json(Exchange x) throws HttpError {
    JsonNode n = parse(x.body());
    if (!n.isObject()) {
      throw new HttpError(400, "bad-request", "/: expected a JSON object");
    }
    return n;
  }

  private static String text(JsonNode o, String name) throws HttpError {
    JsonNode v = o.get(name);
    if (v == null || !v.isTextual()) {
      throw new HttpError(400, "bad-request", "/" + name + ": a string is required");
    }
    return v.textValue();
  }

  private static Optional<String> optionalText(JsonNode o, String name) {
    JsonNode v = o.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new BadInputException("/" + name, "expected a string");
    }
    return Optional.of(v.textValue());
  }
}

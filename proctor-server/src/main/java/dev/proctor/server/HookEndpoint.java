package dev.proctor.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.hook.Harness;
import dev.proctor.hook.HookAnswer;
import dev.proctor.hook.HookCall;
import dev.proctor.hook.HookEvent;
import dev.proctor.hook.HookMediation;
import dev.proctor.hook.Hooks;
import dev.proctor.store.AgentKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code POST /v1/hooks/<harness>}: a harness's own hook JSON in, that harness's own answer out,
 * through the same {@link HookMediation} as {@code proctor hook}.
 *
 * <p>Why it never answers non-2xx: Claude Code treats a non-2xx status, a timeout or a body that is
 * not a JSON object as a non-blocking error and lets the call through. So every refusal — bad JSON,
 * a missing or wrong API key, a foreign Host or Origin, a policy or log failure, a decision that
 * misses the deadline — is 200 with the harness's JSON block ({@link Harness#jsonBlock}). The thin
 * command client ({@code bin/proctor-hook}) reads two headers besides the body: {@code
 * Proctor-Hook-Exit} (the exit code {@code proctor hook} would have used: 0, or 2 where the harness
 * reads exit 2 as a block) and {@code Proctor-Hook-Reason} (the line for standard error, printable
 * ASCII). The answer is given within {@code decisions.hook_deadline}; a call held for approval in
 * Proctor waits for its vote up to {@code approvals.hook_wait} within that ({@link HookMediation}),
 * then is answered allow, or deny with the rejection's reason or "approval still pending".
 */
final class HookEndpoint {

  static final String EXIT_HEADER = "Proctor-Hook-Exit";
  static final String REASON_HEADER = "Proctor-Hook-Reason";
  static final String HOME_HEADER = "Proctor-Home";

  /** Time kept back from the hook deadline for answering after a wait for an approval. */
  static final Duration ANSWER_MARGIN = Duration.ofMillis(250);

  private final ProctorServer server;
  private final Services services;
  private final Authenticator auth;
  private final ServerMetrics metrics;
  private final ServerConfig config;

  HookEndpoint(
      ProctorServer server,
      Services services,
      Authenticator auth,
      ServerMetrics metrics,
      ServerConfig config) {
    this.server = server;
    this.services = services;
    this.auth = auth;
    this.metrics = metrics;
    this.config = config;
  }

  void handle(Exchange x) {
    long start = System.nanoTime();
    String name = x.path().substring("/v1/hooks/".length());
    Optional<Harness> found = Hooks.harness(name);
    // A name that is no harness (a typo in the hook's URL, a trailing slash) is answered as a
    // block in Claude Code's shape, whose HTTP hooks these are — never a 404, which Claude Code
    // reads as "go ahead".
    Harness harness = found.orElseGet(() -> Hooks.harness("claude-code").orElseThrow());
    Optional<String> event = x.query("event");
    Optional<JsonNode> payload = Optional.empty();
    byte[] raw = new byte[0];
    HookCall call;
    AgentKey key;
    try {
      if (!x.method().equals("POST")) {
        throw new HttpError(405, "method-not-allowed", "hooks are POSTed");
      }
      // The body is read (bounded) before anything is checked, so that every refusal — of the
      // Host, the Origin, the key — is answered in the shape of the payload's event: a
      // PermissionRequest ignores any other block.
      raw = x.body();
      payload = sniff(raw);
      if (found.isEmpty()) {
        throw new HttpError(
            404,
            "not-found",
            "no hook for harness '"
                + ProctorServer.printable(name)
                + "'; expected one of "
                + Hooks.names());
      }
      server.checkHostAndOrigin(x);
      key = authenticate(x);
      Optional<String> unknown = Hooks.unknownEvent(harness, event, "?event=");
      if (unknown.isPresent()) {
        event = Optional.empty();
        throw new HttpError(400, "unknown-event", unknown.get());
      }
      x.requireJson();
      payload = Optional.of(JsonInput.parse(raw));
      call = harness.parse(payload.get(), Hooks.digest(raw), event);
    } catch (HttpError e) {
      if (e.authFailure()) {
        server.recordAuthFailure(x, harness.name(), e);
      }
      block(
          x,
          harness,
          harness.eventOf(Hooks.statedEvent(payload, x.bodyRead()), event),
          "proctor: " + e.getMessage());
      return;
    } catch (BadInputException e) {
      block(
          x,
          harness,
          harness.eventOf(Hooks.statedEvent(payload, x.bodyRead()), event),
          "proctor: bad input at " + e.getMessage());
      return;
    }
    Optional<HookEvent> kind =
        call instanceof HookCall.ToolEvent te ? Optional.of(te.event()) : Optional.empty();
    Optional<String> home =
        x.header(HOME_HEADER).filter(h -> h.startsWith("/") && h.length() < 4096);
    Duration left = config.decisions().hookDeadline().minusNanos(System.nanoTime() - start);
    HookAnswer answer =
        server.decide(
            () -> {
              try {
                return HookMediation.handle(
                    harness,
                    call,
                    services.proctor().mediator(),
                    c -> withHome(Principals.bindHook(c, key), home),
                    () -> approvalWait(start));
              } catch (Exception e) {
                return harness.cannotDecide(
                    kind, "proctor: cannot decide, failing closed: " + Exchange.describe(e));
              }
            },
            left,
            () -> {
              metrics.hookDeadlineMissed();
              return harness.cannotDecide(
                  kind,
                  "proctor: no decision within the hook deadline of "
                      + config.decisions().hookDeadline().toMillis()
                      + " ms; failing closed");
            },
            "proctor.hook");
    answer(x, harness, kind, answer);
  }

  /**
   * How long a call held for approval in Proctor may still wait for its vote: {@code
   * approvals.hook_wait}, cut short so that the whole answer still comes within {@code
   * decisions.hook_deadline}.
   */
  private Duration approvalWait(long start) {
    Duration left =
        config
            .decisions()
            .hookDeadline()
            .minusNanos(System.nanoTime() - start)
            .minus(ANSWER_MARGIN);
    Duration wait = config.approvals().hookWait();
    return left.compareTo(wait) < 0 ? left : wait;
  }

  private static Optional<JsonNode> sniff(byte[] raw) {
    try {
      return Optional.of(JsonInput.parse(raw));
    } catch (BadInputException e) {
      return Optional.empty();
    }
  }

  private AgentKey authenticate(Exchange x) throws HttpError {
    Optional<String> authorization = x.header(HttpHeader.AUTHORIZATION);
    if (authorization.isEmpty()) {
      throw HttpError.auth(
          401, "unauthenticated", "the hook request has no API key (Authorization: Bearer …)");
    }
    return auth.agent(authorization.get()).key();
  }

  private static dev.proctor.action.ToolCall withHome(
      dev.proctor.action.ToolCall call, Optional<String> home) {
    if (home.isEmpty()) {
      return call;
    }
    return call.withContext("home", home.get());
  }

  private void block(Exchange x, Harness harness, Optional<HookEvent> event, String reason) {
    answer(x, harness, event, harness.cannotDecide(event, reason).withStderr(reason));
  }

  /**
   * Sends a hook answer: its JSON, or — for an exit-2 block, which HTTP cannot express — the
   * harness's JSON block, so that an HTTP hook blocks too.
   */
  private static void answer(Exchange x, Harness harness, Optional<HookEvent> event, HookAnswer a) {
    String body = a.stdout().orElse("");
    if (a.exitCode() != 0 && body.isEmpty()) {
      body = harness.jsonBlock(event, a.stderr().orElse("proctor: blocked"));
    }
    x.response.getHeaders().put(EXIT_HEADER, String.valueOf(a.exitCode()));
    a.stderr()
        .ifPresent(
            r ->
                x.response
                    .getHeaders()
                    .put(REASON_HEADER, ProctorServer.printable(r.replace('\n', ' '))));
    x.send(200, body.isEmpty() ? null : "application/json", body.getBytes(StandardCharsets.UTF_8));
  }
}

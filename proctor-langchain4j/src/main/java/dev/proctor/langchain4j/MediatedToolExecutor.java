package dev.proctor.langchain4j;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.proctor.Executed;
import dev.proctor.Mediation;
import dev.proctor.Proctor;
import dev.proctor.Report;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalException;
import dev.proctor.approval.HeldAction;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tool's executor behind Proctor. Why it is shaped so: the decision, the run and the outcome
 * must be one action on record, so the tool runs inside {@code Mediator.mediate(call, execution)}
 * with the arguments Proctor decided on — re-serialised, so that what ran is what was decided — and
 * a tool that ends in error (a thrown exception, or an error result of a non-propagating executor)
 * is recorded as failed before LangChain4j sees it. An action held for approval in Proctor that is
 * approved while this thread waits runs here as the same action: {@code executing} is made durable
 * before the tool starts (the log refuses a second start), and the end is reported under the
 * decision on record. Anything else that does not run is a short text for the model.
 */
final class MediatedToolExecutor implements ToolExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(MediatedToolExecutor.class);

  /**
   * Lenient about what models are known to send (comments, single quotes, unquoted names, trailing
   * commas, a blank string for no arguments); anything it cannot read is refused.
   */
  private static final ObjectMapper LENIENT =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The context key the chat memory id (the conversation) is recorded under. */
  static final String MEMORY_ID = "langchain4j.memory_id";

  private final Proctor proctor;
  private final Principal principal;
  private final String tool;
  private final ToolExecutor delegate;
  private final Duration approvalWait;

  MediatedToolExecutor(
      Proctor proctor,
      Principal principal,
      String tool,
      ToolExecutor delegate,
      Duration approvalWait) {
    this.proctor = proctor;
    this.principal = principal;
    this.tool = tool;
    this.delegate = delegate;
    this.approvalWait = approvalWait;
  }

  @Override
  public String execute(ToolExecutionRequest request, Object memoryId) {
    return executeWithContext(request, InvocationContext.builder().chatMemoryId(memoryId).build())
        .resultText();
  }

  @Override
  public ToolExecutionResult executeWithContext(
      ToolExecutionRequest request, InvocationContext context) {
    ToolCall call = call(request, context, JsonNodeFactory.instance.objectNode());
    JsonNode arguments;
    try {
      arguments = parse(request.arguments());
    } catch (RuntimeException | java.io.IOException e) {
      Mediation refused =
          proctor
              .mediator()
              .refuse(
                  call.withContext("langchain4j.arguments_error", shorten(e.getMessage())),
                  "the tool arguments are not a JSON object: " + shorten(e.getMessage()));
      return refusal("denied: " + refused.decision().reason(), refused);
    }
    call = call.withArguments(arguments);
    AtomicReference<ToolExecutionResult> produced = new AtomicReference<>();
    Executed<String> run;
    try {
      run = proctor.mediator().mediate(call, args -> runTool(request, args, context, produced));
    } catch (RuntimeException e) {
      // The mediator never throws for a bad call; this is Proctor itself failing.
      LOG.error("mediating tool {} failed", tool, e);
      if (produced.get() != null) {
        return produced.get();
      }
      return ToolExecutionResult.builder()
          .isError(true)
          .resultText(
              "denied: Proctor could not decide this call (" + shorten(e.getMessage()) + ")")
          .build();
    }
    if (run.ran()) {
      return ended(run.failure(), produced.get());
    }
    return notRun(run.mediation(), request, context);
  }

  /** Runs the wrapped executor with the arguments decided on; an error result throws. */
  private String runTool(
      ToolExecutionRequest request,
      JsonNode arguments,
      InvocationContext context,
      AtomicReference<ToolExecutionResult> produced)
      throws Exception {
    ToolExecutionRequest decided =
        request.toBuilder().arguments(JSON.writeValueAsString(arguments)).build();
    ToolExecutionResult result = delegate.executeWithContext(decided, context);
    if (result == null) {
      throw new IllegalStateException("the executor of tool " + tool + " returned no result");
    }
    produced.set(result);
    if (result.isError()) {
      throw new ErrorResult(result.resultText());
    }
    return result.resultText();
  }

  /**
   * What the model gets after the tool ran: its result, the error result it gave, or its exception
   * rethrown for the AI service's error handler.
   */
  private ToolExecutionResult ended(Optional<Exception> failure, ToolExecutionResult produced) {
    if (failure.isEmpty() || failure.get() instanceof ErrorResult) {
      return produced;
    }
    Exception e = failure.get();
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw new ToolExecutionException(e);
  }

  private ToolExecutionResult notRun(
      Mediation m, ToolExecutionRequest request, InvocationContext context) {
    Decision d = m.decision();
    if (d instanceof Decision.RequireApproval ask
        && ask.requirement().answeredAt() == ApprovalRequirement.AnsweredAt.PROCTOR
        && m.durable()) {
      return held(m, request, context);
    }
    return switch (d.kind()) {
      case DENY -> refusal("denied by policy: " + d.reason(), m);
      case REQUIRE_APPROVAL ->
          refusal(
              "approval required: "
                  + d.reason()
                  + "; this integration has no prompt to ask it at (use answered_at: proctor)",
              m);
      default -> refusal("not run (" + d.kind().wireName() + "): " + d.reason(), m);
    };
  }

  /**
   * An action held in Proctor: waits for the votes, runs it once approved, and cancels it when the
   * wait ends unanswered.
   */
  private ToolExecutionResult held(
      Mediation m, ToolExecutionRequest request, InvocationContext context) {
    String id = m.actionId();
    String reason = m.decision().reason();
    try {
      proctor.approvals().await(id, approvalWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel(id, "the AI service stopped waiting: its thread was interrupted");
      return refusal("approval required: " + reason + "; the wait was interrupted", m);
    }
    Optional<HeldAction> held = proctor.approvals().get(id);
    if (held.isPresent() && held.get().pending()) {
      cancel(id, "no approval within " + approvalWait + " while the AI service waited");
      held = proctor.approvals().get(id);
    }
    if (held.isEmpty()) {
      return refusal("denied: action is held but not on record", m);
    }
    HeldAction h = held.get();
    return switch (h.state()) {
      case APPROVED -> runApproved(m, request, context);
      case REJECTED ->
          refusal(
              "rejected by "
                  + voters(h, "reject")
                  + h.votes().stream()
                      .filter(v -> v.decision().equals("reject"))
                      .findFirst()
                      .flatMap(HeldAction.Vote::reason)
                      .map(r -> ": " + r)
                      .orElse(""),
              m);
      case APPROVAL_REQUIRED, CANCELED, EXPIRED ->
          refusal(
              "approval required: "
                  + reason
                  + "; no approval within "
                  + approvalWait
                  + ", canceled",
              m);
      default -> refusal("denied: action is " + h.state().wireName() + " already", m);
    };
  }

  /** Runs an approved action as that action: {@code executing} on record first, then the end. */
  private ToolExecutionResult runApproved(
      Mediation m, ToolExecutionRequest request, InvocationContext context) {
    String id = m.actionId();
    try {
      proctor.mediator().begin(id);
    } catch (LogUnavailableException | RuntimeException e) {
      LOG.error("approved action {} could not start on record: {}", id, e.getMessage());
      return refusal(
          "denied: the approved action could not be recorded as executing ("
              + shorten(e.getMessage())
              + ")",
          m);
    }
    JsonNode arguments = m.decision().argumentsFor(m.request().arguments());
    AtomicReference<ToolExecutionResult> produced = new AtomicReference<>();
    String text = null;
    Exception failure = null;
    LifecycleState end;
    try {
      text = runTool(request, arguments, context, produced);
      end = LifecycleState.SUCCEEDED;
    } catch (InterruptedException e) {
      failure = e;
      end = LifecycleState.INTERRUPTED;
    } catch (Exception e) {
      failure = e;
      end = LifecycleState.FAILED;
    }
    try {
      proctor.mediator().report(id, new Report(end, outcome(text, failure), Optional.empty()));
    } catch (LogUnavailableException | RuntimeException e) {
      LOG.error("the end of approved action {} was not recorded: {}", id, e.getMessage());
    }
    return ended(Optional.ofNullable(failure), produced.get());
  }

  private void cancel(String id, String why) {
    try {
      proctor.approvals().cancel(id, why);
    } catch (ApprovalException e) {
      // Decided meanwhile (approved, rejected, expired): the caller reads the state on record.
      LOG.debug("held action {} not canceled: {}", id, e.getMessage());
    }
  }

  private ToolCall call(ToolExecutionRequest request, InvocationContext context, JsonNode args) {
    ToolCall.Builder b =
        ToolCall.builder(tool).principal(principal).surface(ProctorTools.SURFACE).arguments(args);
    Object memoryId = context == null ? null : context.chatMemoryId();
    if (memoryId != null) {
      b.context(MEMORY_ID, shorten(String.valueOf(memoryId)));
    }
    return b.build();
  }

  /** The arguments LangChain4j gives, read leniently: a blank string is no arguments. */
  static JsonNode parse(String text) throws java.io.IOException {
    if (text == null || text.isBlank()) {
      return JsonNodeFactory.instance.objectNode();
    }
    JsonNode node = LENIENT.readTree(text);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
  }

  private static Outcome outcome(String text, Exception failure) {
    Optional<String> hash =
        text == null
            ? Optional.empty()
            : Outcome.ofOutput(Optional.empty(), text.getBytes(StandardCharsets.UTF_8))
                .outputHash();
    Optional<String> detail =
        failure == null
            ? Optional.empty()
            : Optional.of(
                shorten(
                    failure.getClass().getSimpleName()
                        + ": "
                        + Optional.ofNullable(failure.getMessage()).orElse("")));
    return new Outcome(Optional.empty(), hash, detail);
  }

  private static ToolExecutionResult refusal(String text, Mediation m) {
    return ToolExecutionResult.builder()
        .isError(true)
        .resultText(text + " (action " + m.actionId() + ")")
        .attributes(Map.of("proctor.action_id", m.actionId()))
        .build();
  }

  private static String voters(HeldAction h, String decision) {
    return String.join(
        ", ",
        h.votes().stream()
            .filter(v -> v.decision().equals(decision))
            .map(v -> v.approver())
            .toList());
  }

  private static String shorten(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  /** An executor's error result, thrown so that the action is recorded as failed. */
  private static final class ErrorResult extends Exception {
    private static final long serialVersionUID = 1L;

    ErrorResult(String text) {
      super(text == null ? "the tool returned an error" : shorten(text));
    }
  }
}

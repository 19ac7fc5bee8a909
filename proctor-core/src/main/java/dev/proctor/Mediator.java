package dev.proctor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.CanonicalJson;
import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;
import dev.proctor.approval.ApprovalTokens;
import dev.proctor.approval.Approvals;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.ActionRecord;
import dev.proctor.audit.ApprovalRecord;
import dev.proctor.audit.LifecycleEvent;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.audit.Receipt;
import dev.proctor.audit.ReceiptFormat;
import dev.proctor.decision.ApprovalRequirement;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Obligation;
import dev.proctor.decision.PolicyRef;
import dev.proctor.lifecycle.IllegalTransitionException;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.policy.Policy;
import dev.proctor.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference enforcement point every surface is built on: classifies a raw call, decides it
 * under the policy in force, and records the decision in the action log before returning it — a
 * decision is acted on only once its receipts are durable. It fails closed: an exception anywhere
 * on the way is a {@link Decision.Deny} that says what went wrong, and when the log cannot record a
 * decision within the deadline the answer is a deny too (a deny stays a deny). Build one with
 * {@link Proctor#builder()}.
 *
 * <p>Three ways in: {@link #mediate(ToolCall)} decides and records; {@link #mediate(ToolCall,
 * Execution)} also runs the action when the decision allows it and records how it ended; {@link
 * #report} records the end of an action that ran elsewhere (a harness's PostToolUse) under the
 * decision already on record, without classifying or deciding it again. Thread-safe.
 */
public final class Mediator {

  private static final Logger LOG = LoggerFactory.getLogger(Mediator.class);

  /** The class a call is gated at when its classifier failed: the worst case. */
  static final String UNCLASSIFIABLE = "shell.unparseable";

  /** The class a surface's refusal is recorded under when the call declares none. */
  static final String REFUSED = "proctor.refused";

  /** The longest action id a surface may give; longer ones are refused. */
  static final int MAX_ACTION_ID = 512;

  private final RequestBuilder requests;
  private final Supplier<Policy> policy;
  private final ActionLog log;
  private final Duration deadline;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final Approvals approvals;

  Mediator(
      RequestBuilder requests,
      Supplier<Policy> policy,
      ActionLog log,
      Approvals approvals,
      Duration deadline,
      Clock clock) {
    this.approvals = requireNonNull(approvals, "approvals is null");
    this.requests = requireNonNull(requests, "requests is null");
    this.policy = requireNonNull(policy, "policy is null");
    this.log = requireNonNull(log, "log is null");
    this.deadline = requireNonNull(deadline, "deadline is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "proctor-time-limits");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Classifies, decides and records one call under a new random id; returns once the decision's
   * receipts are durable, or with a fail-closed deny when they cannot be. Never throws for a bad
   * call.
   */
  public Mediation mediate(ToolCall call) {
    return record(decide(call, Optional.empty()), List.of());
  }

  /**
   * Like {@link #mediate(ToolCall)}, under the id the surface gives the action (a harness's tool
   * use id), so that the outcome it reports later continues the same action. An id already on
   * record is refused: the refusal is recorded under a fresh id.
   */
  public Mediation mediate(ToolCall call, String actionId) {
    return record(
        decide(call, Optional.of(requireNonNull(actionId, "actionId is null"))), List.of());
  }

  /**
   * Mediates several calls at once (a harness's tool batch, an API batch): each is classified and
   * decided on its own under a new random id, and all are recorded together so that they share
   * group commits. Returns the mediations in the order given once their receipts are durable; each
   * fails closed on its own, as {@link #mediate(ToolCall)} does.
   */
  public List<Mediation> mediateAll(List<ToolCall> calls) {
    List<Mediation> decided = new ArrayList<>(calls.size());
    List<List<LifecycleEvent>> units = new ArrayList<>(calls.size());
    for (ToolCall call : calls) {
      Mediation m = hold(decide(call, Optional.empty()));
      decided.add(m);
      units.add(LifecycleEvent.decision(m.request(), m.decision()));
    }
    List<ActionLog.Recorded> recorded = log.recordEach(units, deadline);
    List<Mediation> out = new ArrayList<>(calls.size());
    for (int i = 0; i < decided.size(); i++) {
      out.add(settle(decided.get(i), recorded.get(i)));
    }
    return out;
  }

  /**
   * Records a refusal a surface made before any policy was asked — an unauthenticated or
   * unauthorised request — as an action of the call's declared class (such as {@code
   * proctor.auth}): {@code requested} then {@code denied} with the reason, under the policy in
   * force. Returns the deny, with no receipts when the log cannot record it. The call must not
   * carry the secret that was presented.
   */
  public Mediation refuse(ToolCall call, String reason) {
    requireNonNull(call, "call is null");
    requireNonNull(reason, "reason is null");
    String actionClass = call.declaredClass().orElse(REFUSED);
    Policy current = policy.get();
    Decision deny =
        Decision.Deny.failClosed(reason, current == null ? PolicyRef.NONE : current.ref());
    return record(
        new Mediation(requests.build(call, Classification.of(actionClass)), deny, List.of()),
        List.of());
  }

  /**
   * Mediates a call and, when the decision allows it, runs the execution with the arguments to use
   * (the rewritten ones for a modify) and records how it ended. The decision and the {@code
   * executing} receipt are durable before the execution starts; a call that is denied, held for
   * approval, deferred or rate-limited does not run. A time-limit obligation interrupts the
   * execution's thread when it runs too long.
   */
  public <T> Executed<T> mediate(ToolCall call, Execution<T> execution) {
    requireNonNull(execution, "execution is null");
    Mediation decided = decide(call, Optional.empty());
    if (!decided.decision().allows()) {
      return new Executed<>(
          record(decided, List.of()),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of());
    }
    ActionRecord action = ActionRecord.of(decided.request(), decided.decision().obligations());
    Mediation mediation = record(decided, action, List.of(new LifecycleEvent.Executing(action)));
    if (!mediation.decision().allows()) {
      return new Executed<>(
          mediation, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }
    List<Receipt> receipts = new ArrayList<>(2);
    receipts.add(mediation.receipts().get(mediation.receipts().size() - 1));
    Mediation decision =
        new Mediation(
            mediation.request(),
            mediation.decision(),
            mediation.receipts().subList(0, mediation.receipts().size() - 1));
    JsonNode arguments = mediation.decision().argumentsFor(mediation.request().arguments());
    return run(decision, action, receipts, arguments, execution);
  }

  /**
   * Runs an action whose {@code executing} receipt is durable (the first of {@code receipts}) and
   * records how it ended.
   */
  private <T> Executed<T> run(
      Mediation decision,
      ActionRecord action,
      List<Receipt> receipts,
      JsonNode arguments,
      Execution<T> execution) {
    TimeLimit limit = TimeLimit.start(decision.decision(), timer);
    T result = null;
    Exception failure = null;
    Error error = null;
    LifecycleState end;
    try {
      result = execution.run(arguments.deepCopy());
      end = LifecycleState.SUCCEEDED;
    } catch (InterruptedException e) {
      failure = e;
      end = LifecycleState.INTERRUPTED;
    } catch (Exception e) {
      failure = e;
      end = LifecycleState.FAILED;
    } catch (Error e) {
      // Recorded as failed like any other throw, then rethrown: the JVM may be in trouble.
      error = e;
      end = LifecycleState.FAILED;
    }
    boolean timedOut = limit.finish();
    if (end == LifecycleState.INTERRUPTED && !timedOut) {
      Thread.currentThread().interrupt();
    }
    Outcome outcome =
        outcome(
            result,
            failure != null ? failure : error,
            timedOut ? Optional.of(limit.description(end)) : Optional.empty());
    try {
      receipts.addAll(
          log.recordAll(List.of(new LifecycleEvent.Finished(action, end, outcome)), deadline));
    } catch (LogUnavailableException | RuntimeException e) {
      LOG.error("the end of action {} was not recorded: {}", action.id(), e.getMessage());
    }
    if (error != null) {
      throw error;
    }
    return new Executed<>(
        decision,
        Optional.of(end),
        Optional.ofNullable(result),
        Optional.ofNullable(failure),
        receipts);
  }

  /**
   * Runs an action approved in Proctor with the approval token its approval yielded ({@link
   * Approvals#token}), and records how it ended under the held action's id: {@code executing}, then
   * {@code succeeded}, {@code failed} or {@code interrupted}. The token must be this Proctor's (its
   * signature), unexpired, issued to the call's principal, for exactly this call (its digest:
   * changed arguments need a new approval) and the policy in force, and never used before — here or
   * on another instance on the store. A token refused for any of these is recorded as a denied
   * action of the call, with the reason, and nothing runs; the time-limit obligations are those the
   * policy in force puts on the call.
   */
  public <T> Executed<T> mediate(ToolCall call, String approvalToken, Execution<T> execution) {
    requireNonNull(call, "call is null");
    requireNonNull(approvalToken, "approvalToken is null");
    requireNonNull(execution, "execution is null");
    Mediation decided = decide(call, Optional.empty());
    ToolCall copy = call.withArguments(decided.request().arguments());
    Policy current = policy.get();
    ApprovalTokens.Claims claims;
    try {
      if (current == null) {
        throw new ApprovalTokens.TokenException(
            ApprovalTokens.TokenException.Code.POLICY_CHANGED, "no policy is in force");
      }
      claims = approvals.redeem(approvalToken, copy, current.ref().digest());
    } catch (ApprovalTokens.TokenException e) {
      return notRun(refuseToken(decided, e));
    }
    ActionRecord action =
        ReceiptFormat.action(log.store().entriesOf(claims.actionId(), 1).get(0).json());
    Decision allow =
        new Decision.Allow(
            new Decision.Basis(
                "approved in Proctor: approval token of action " + claims.actionId(),
                List.of(),
                current.ref(),
                decided.decision().obligations()));
    ActionRequest request =
        requests.build(copy, decided.request().classification(), claims.actionId());
    List<Receipt> receipts = new ArrayList<>(2);
    try {
      receipts.addAll(log.recordAll(List.of(new LifecycleEvent.Executing(action)), deadline));
    } catch (LogUnavailableException | RuntimeException e) {
      LOG.error("action {} not started: {}", claims.actionId(), e.getMessage());
      return notRun(
          new Mediation(
              request,
              Decision.Deny.failClosed(
                  "the start of approved action "
                      + claims.actionId()
                      + " could not be recorded ("
                      + describe(e)
                      + "); its token is used up: ask again",
                  current.ref()),
              List.of()));
    }
    return run(
        new Mediation(request, allow, List.of()), action, receipts, copy.arguments(), execution);
  }

  private static <T> Executed<T> notRun(Mediation m) {
    return new Executed<>(m, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * Records a refused approval token as a denied action of the call presented, with the reason (its
   * code first), and returns that deny.
   */
  private Mediation refuseToken(Mediation decided, ApprovalTokens.TokenException e) {
    Decision deny =
        Decision.Deny.failClosed(
            "approval token refused (" + e.code().wireName() + "): " + e.getMessage(),
            decided.decision().policy());
    return record(new Mediation(decided.request(), deny, List.of()), List.of());
  }

  /**
   * Records how an action that ran elsewhere ended, under the decision on record for it: {@code
   * executing} and the end (after the approval given at the harness's prompt, for an action that
   * was held). Returns the new receipts once durable.
   *
   * @throws NoSuchElementException when no action with that id is on record
   * @throws IllegalTransitionException when the action's state does not let it have run (it was
   *     denied, say), or it is an observed harness event ({@value #OBSERVED_CLASS}), which no rule
   *     allowed; nothing is recorded
   * @throws LogUnavailableException when the receipts cannot be made durable
   */
  public List<Receipt> report(String actionId, Report report) throws LogUnavailableException {
    requireNonNull(actionId, "actionId is null");
    requireNonNull(report, "report is null");
    StoredEntry last =
        log.store()
            .lastEntry(actionId)
            .orElseThrow(() -> new NoSuchElementException("no action " + actionId + " on record"));
    LifecycleState from =
        LifecycleState.fromWireName(last.state())
            .orElseThrow(() -> new IllegalStateException("unknown state " + last.state()));
    ActionRecord action = ReceiptFormat.action(last.json());
    if (action.actionClass().equals(OBSERVED_CLASS)) {
      // An observed harness event was allowed by no rule: it never ran as an action.
      throw new IllegalTransitionException(actionId, Optional.of(from), LifecycleState.EXECUTING);
    }
    List<LifecycleEvent> events = new ArrayList<>(3);
    if (from == LifecycleState.APPROVAL_REQUIRED && report.approvedAtPrompt().isPresent()) {
      events.add(
          new LifecycleEvent.ApprovalResolved(
              action,
              LifecycleState.APPROVED,
              new ApprovalRecord(
                  List.of(
                      new ApprovalRecord.Vote(
                          report.approvedAtPrompt().get(), "approve", clock.instant())))));
      from = LifecycleState.APPROVED;
    }
    if (from != LifecycleState.EXECUTING) {
      events.add(new LifecycleEvent.Executing(action));
    }
    events.add(new LifecycleEvent.Finished(action, report.end(), report.outcome()));
    return log.recordAll(events, deadline);
  }

  /**
   * Records that an action allowed or approved on record is handed to execution ({@code
   * executing}), for a surface that runs the action itself and then reports how it ended with
   * {@link #report}: returns once the receipt is durable, so that nothing runs before its start is
   * on record.
   *
   * @throws NoSuchElementException when no action with that id is on record
   * @throws IllegalTransitionException when the action is not {@code allowed} or {@code approved}
   *     (denied, still waiting for approval, already running or ended), or it is an observed
   *     harness event; nothing is recorded
   * @throws LogUnavailableException when the receipt cannot be made durable
   */
  public List<Receipt> begin(String actionId) throws LogUnavailableException {
    requireNonNull(actionId, "actionId is null");
    StoredEntry last =
        log.store()
            .lastEntry(actionId)
            .orElseThrow(() -> new NoSuchElementException("no action " + actionId + " on record"));
    Optional<LifecycleState> from = LifecycleState.fromWireName(last.state());
    ActionRecord action = ReceiptFormat.action(last.json());
    if (action.actionClass().equals(OBSERVED_CLASS)
        || from.isEmpty()
        || (from.get() != LifecycleState.ALLOWED && from.get() != LifecycleState.APPROVED)) {
      throw new IllegalTransitionException(actionId, from, LifecycleState.EXECUTING);
    }
    return log.recordAll(List.of(new LifecycleEvent.Executing(action)), deadline);
  }

  /**
   * Records a call Proctor does not decide — an agent-harness event it does not know, answered with
   * no decision so that the harness carries on — as an action of class {@value #OBSERVED_CLASS}
   * allowed by no rule, so that the log shows what the harness sent. The policy is not asked.
   * Returns once the receipts are durable; when they cannot be written the answer is still no
   * decision (there is nothing to deny), and {@code receipts} is empty.
   */
  public Mediation observe(ToolCall call, String why) {
    requireNonNull(call, "call is null");
    requireNonNull(why, "why is null");
    Policy current = policy.get();
    ActionRequest request = requests.build(call, Classification.of(OBSERVED_CLASS));
    Decision decision = new Decision.Allow(Decision.Basis.of(why, current.ref()));
    try {
      return new Mediation(
          request, decision, log.recordAll(LifecycleEvent.decision(request, decision), deadline));
    } catch (LogUnavailableException | RuntimeException e) {
      LOG.error("observed event {} not recorded: {}", call.tool(), e.getMessage());
      return new Mediation(request, decision, List.of());
    }
  }

  /** The class of what {@link #observe} records. */
  public static final String OBSERVED_CLASS = "harness.event";

  /**
   * What would be decided for a call, recorded nowhere: for dry runs, explanations and benchmarks.
   * Never enforce it — only what {@code mediate} returns is on record.
   */
  public Mediation preview(ToolCall call) {
    return decide(call, Optional.empty());
  }

  /** The last recorded state of an action, if the log holds it. */
  public Optional<LifecycleState> state(String actionId) {
    return log.store().lastState(actionId).flatMap(LifecycleState::fromWireName);
  }

  /** The policy in force. */
  public Policy policy() {
    return policy.get();
  }

  /** Classifies and decides a call without recording it; never throws for a bad call. */
  private Mediation decide(ToolCall given, Optional<String> actionId) {
    requireNonNull(given, "given is null");
    // The arguments are a mutable JSON tree the caller still holds: classify, decide, record and
    // run one copy of them, so that nothing changed after the decision is what runs.
    ToolCall call = given.withArguments(given.arguments().deepCopy());
    Policy current;
    try {
      current = requireNonNull(policy.get(), "no policy is loaded");
    } catch (RuntimeException e) {
      return new Mediation(
          build(call, unclassifiable("no-policy"), Optional.empty()),
          Decision.Deny.failClosed("no policy is in force (" + describe(e) + ")", PolicyRef.NONE),
          List.of());
    }
    if (actionId.isPresent() && !validId(actionId.get())) {
      return new Mediation(
          build(call, unclassifiable("bad-action-id"), Optional.empty()),
          Decision.Deny.failClosed(
              "the action id the surface gave is not usable (empty, longer than "
                  + MAX_ACTION_ID
                  + " characters, or holding control characters)",
              current.ref()),
          List.of());
    }
    Classification classification;
    try {
      classification = requests.classify(call);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("classifier failed on tool {}", call.tool(), e);
      return new Mediation(
          build(call, unclassifiable("classifier-error"), actionId),
          Decision.Deny.failClosed(
              "the call could not be classified (" + describe(e) + ")", current.ref()),
          List.of());
    }
    ActionRequest request = build(call, classification, actionId);
    Decision decision;
    try {
      decision = current.decide(request);
      if (decision == null) {
        decision = Decision.Deny.failClosed("the policy returned no decision", current.ref());
      }
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("policy evaluation failed for {}", request.id(), e);
      decision =
          Decision.Deny.failClosed("policy evaluation failed (" + describe(e) + ")", current.ref());
    }
    return new Mediation(request, decision, List.of());
  }

  /**
   * Records a decision (and the events that follow it at once) within the deadline. When the log
   * cannot, the decision becomes a deny that says why — a deny stays a deny — with no receipts; an
   * action id already on record is refused, and that refusal is recorded under a fresh id.
   */
  private Mediation record(Mediation given, List<LifecycleEvent> then) {
    Mediation decided = hold(given);
    return record(
        decided, ActionRecord.of(decided.request(), decided.decision().obligations()), then);
  }

  /**
   * {@link #record(Mediation, List)} with the decision's action record already made, for a decision
   * that needs no holding (an allow).
   */
  private Mediation record(Mediation decided, ActionRecord action, List<LifecycleEvent> then) {
    return settle(decided, log.recordEach(List.of(events(action, decided, then)), deadline).get(0));
  }

  /**
   * Holds an action whose approval is answered in Proctor before its decision is recorded; when the
   * store cannot hold it, nobody could approve it: the decision becomes a deny saying so.
   */
  private Mediation hold(Mediation decided) {
    if (decided.decision() instanceof Decision.RequireApproval ask
        && ask.requirement().answeredAt() == ApprovalRequirement.AnsweredAt.PROCTOR) {
      try {
        approvals.hold(decided.request(), ask);
      } catch (RuntimeException e) {
        LOG.error(
            "action {} could not be held for approval: {}", decided.request().id(), e.getMessage());
        return new Mediation(
            decided.request(),
            Decision.Deny.failClosed(
                "the approval store cannot hold this action for approval: " + e.getMessage(),
                ask.policy()),
            List.of());
      }
    }
    return decided;
  }

  /** Held actions and their approval. */
  public Approvals approvals() {
    return approvals;
  }

  private static List<LifecycleEvent> events(
      ActionRecord action, Mediation decided, List<LifecycleEvent> then) {
    List<LifecycleEvent> events = new ArrayList<>(2 + then.size());
    events.addAll(LifecycleEvent.decision(action, decided.decision()));
    events.addAll(then);
    return events;
  }

  /**
   * The mediation a recording attempt leaves: on record, refused as a reused id, or not recorded.
   */
  private Mediation settle(Mediation decided, ActionLog.Recorded recorded) {
    ActionRequest request = decided.request();
    Decision decision = decided.decision();
    if (recorded.failure().isEmpty()) {
      return new Mediation(request, decision, recorded.receipts());
    }
    Exception e = recorded.failure().get();
    if (e instanceof IllegalTransitionException reused) {
      return refuseReusedId(request, decision, reused);
    }
    LOG.error("decision for action {} not recorded: {}", request.id(), e.getMessage());
    return new Mediation(request, notRecorded(decision, e.getMessage()), List.of());
  }

  private static Decision notRecorded(Decision decision, String why) {
    return decision.kind() == Decision.Kind.DENY
        ? decision
        : Decision.Deny.failClosed(
            "the action log cannot record this decision: " + why, decision.policy());
  }

  /**
   * An action id the log already holds (a replayed or forged id): the log works, so the refusal is
   * itself recorded, under a fresh id, and the deny returned is the one recorded.
   */
  private Mediation refuseReusedId(
      ActionRequest request, Decision decision, IllegalTransitionException e) {
    Decision deny =
        Decision.Deny.failClosed(
            "action id " + request.id() + " was already used (" + e.getMessage() + ")",
            decision.policy());
    ActionRequest fresh = request.withId(UUID.randomUUID().toString());
    try {
      return new Mediation(
          fresh, deny, log.recordAll(LifecycleEvent.decision(fresh, deny), deadline));
    } catch (LogUnavailableException | RuntimeException again) {
      LOG.error(
          "refusal of reused action id {} not recorded: {}", request.id(), again.getMessage());
      return new Mediation(fresh, deny, List.of());
    }
  }

  private ActionRequest build(
      ToolCall call, Classification classification, Optional<String> actionId) {
    return actionId.isPresent()
        ? requests.build(call, classification, actionId.get())
        : requests.build(call, classification);
  }

  private static Classification unclassifiable(String tag) {
    return new Classification(
        UNCLASSIFIABLE, Set.of(UNCLASSIFIABLE), List.of(), Set.of(), Set.of(tag));
  }

  /**
   * An id fit to show and compare: no control characters, and no format characters (bidirectional
   * overrides such as U+202E, zero-width joiners) that make an id read as another in a console.
   */
  private static boolean validId(String id) {
    if (id.isEmpty() || id.length() > MAX_ACTION_ID) {
      return false;
    }
    return id.codePoints()
        .noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
  }

  /**
   * Interrupts the executing thread when a time-limit obligation's limit passes, and never after
   * the execution has finished.
   */
  private static final class TimeLimit {
    private static final TimeLimit NONE = new TimeLimit(null, Duration.ZERO);

    private final Thread thread;
    private final Duration limit;
    private ScheduledFuture<?> task;
    private boolean done;
    private boolean fired;

    private TimeLimit(Thread thread, Duration limit) {
      this.thread = thread;
      this.limit = limit;
    }

    static TimeLimit start(Decision decision, ScheduledExecutorService timer) {
      Duration shortest = null;
      for (Obligation o : decision.obligations()) {
        if (o instanceof Obligation.TimeLimit t
            && (shortest == null || t.limit().compareTo(shortest) < 0)) {
          shortest = t.limit();
        }
      }
      if (shortest == null) {
        return NONE;
      }
      TimeLimit l = new TimeLimit(Thread.currentThread(), shortest);
      synchronized (l) {
        l.task = timer.schedule(l::fire, shortest.toNanos(), TimeUnit.NANOSECONDS);
      }
      return l;
    }

    private synchronized void fire() {
      if (!done) {
        fired = true;
        thread.interrupt();
      }
    }

    /** Ends the limit; true when it fired (its interrupt is then cleared from this thread). */
    synchronized boolean finish() {
      done = true;
      if (task != null) {
        task.cancel(false);
      }
      if (fired) {
        Thread.interrupted();
      }
      return fired;
    }

    /**
     * What the limit did, as the outcome says it: the interrupt is a request the execution may
     * ignore, and then the outcome says that it ran on.
     */
    String description(LifecycleState end) {
      String passed = "the policy's time limit of " + limit.toMillis() + " ms passed";
      return switch (end) {
        case INTERRUPTED -> passed + ": interrupted";
        case SUCCEEDED -> passed + "; the execution ignored the interrupt and ran to the end";
        default -> passed + "; the execution was interrupted, then failed";
      };
    }
  }

  private static Outcome outcome(Object result, Throwable failure, Optional<String> timeLimit) {
    Optional<String> detail = timeLimit;
    if (detail.isEmpty() && failure != null) {
      detail = Optional.of(truncate(failure.getClass().getSimpleName() + ": " + describe(failure)));
    }
    byte[] bytes = outputBytes(result);
    return new Outcome(
        Optional.empty(),
        bytes == null ? Optional.empty() : Outcome.ofOutput(Optional.empty(), bytes).outputHash(),
        detail);
  }

  private static byte[] outputBytes(Object result) {
    if (result instanceof JsonNode json) {
      return CanonicalJson.bytes(json);
    }
    if (result instanceof CharSequence text) {
      return text.toString().getBytes(StandardCharsets.UTF_8);
    }
    if (result instanceof byte[] bytes) {
      return bytes;
    }
    return null;
  }

  private static String truncate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "…";
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Stops the time-limit timer; the log belongs to the {@link Proctor} that built this. */
  void close() {
    timer.shutdownNow();
  }
}

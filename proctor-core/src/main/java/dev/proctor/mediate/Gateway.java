package dev.proctor.mediate;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Classifier;
import dev.proctor.decision.Decision;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision path every surface shares: classify the raw call, build the {@link ActionRequest},
 * ask the policy. It fails closed: an exception anywhere on the way becomes a {@link Decision.Deny}
 * that says what went wrong, never an allow.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /** The class a call is gated at when its classifier failed: the worst case. */
  static final String UNCLASSIFIABLE = "shell.unparseable";

  private final RequestBuilder requests;
  private final Function<ActionRequest, Decision> policy;
  private final Supplier<String> policyDigest;

  /**
   * A gateway over a classifier and a policy; {@code policyDigest} names the policy in the denies
   * this gateway makes itself.
   */
  public Gateway(
      Classifier classifier,
      Function<ActionRequest, Decision> policy,
      Supplier<String> policyDigest,
      Clock clock) {
    this(new RequestBuilder(classifier, clock), policy, policyDigest);
  }

  /** A gateway over a request builder and a policy. */
  public Gateway(
      RequestBuilder requests,
      Function<ActionRequest, Decision> policy,
      Supplier<String> policyDigest) {
    this.requests = requireNonNull(requests, "requests is null");
    this.policy = requireNonNull(policy, "policy is null");
    this.policyDigest = requireNonNull(policyDigest, "policyDigest is null");
  }

  /** Classifies and decides one call under a new random id. Never throws for a bad call. */
  public Mediation mediate(ToolCall call) {
    return mediate(call, Optional.empty());
  }

  /**
   * Classifies and decides one call; the action gets the given id when there is one. Never throws
   * for a bad call; denies it.
   */
  public Mediation mediate(ToolCall call, Optional<String> actionId) {
    requireNonNull(call, "call is null");
    requireNonNull(actionId, "actionId is null");
    Classification classification;
    try {
      classification = requests.classify(call);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("classifier failed on tool {}", call.tool(), e);
      ActionRequest request =
          build(
              call,
              new Classification(
                  UNCLASSIFIABLE,
                  Set.of(UNCLASSIFIABLE),
                  List.of(),
                  Set.of(),
                  Set.of("classifier-error")),
              actionId);
      return new Mediation(
          request, failClosed("the call could not be classified (" + describe(e) + ")"));
    }
    ActionRequest request = build(call, classification, actionId);
    Decision decision;
    try {
      decision = policy.apply(request);
      if (decision == null) {
        decision = failClosed("the policy returned no decision");
      }
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("policy evaluation failed for {}", request.id(), e);
      decision = failClosed("policy evaluation failed (" + describe(e) + ")");
    }
    return new Mediation(request, decision);
  }

  private ActionRequest build(
      ToolCall call, Classification classification, Optional<String> actionId) {
    return actionId.isPresent()
        ? requests.build(call, classification, actionId.get())
        : requests.build(call, classification);
  }

  private Decision failClosed(String reason) {
    String digest;
    try {
      digest = policyDigest.get();
    } catch (RuntimeException e) {
      digest = "none";
    }
    return Decision.Deny.failClosed(reason, digest);
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

package dev.proctor.mediate;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Classifier;
import dev.proctor.decision.Decision;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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

  private final Classifier classifier;
  private final Function<ActionRequest, Decision> policy;
  private final Supplier<String> policyDigest;
  private final Clock clock;

  /**
   * A gateway over a classifier and a policy; {@code policyDigest} names the policy in the denies
   * this gateway makes itself.
   */
  public Gateway(
      Classifier classifier,
      Function<ActionRequest, Decision> policy,
      Supplier<String> policyDigest,
      Clock clock) {
    this.classifier = requireNonNull(classifier, "classifier is null");
    this.policy = requireNonNull(policy, "policy is null");
    this.policyDigest = requireNonNull(policyDigest, "policyDigest is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Classifies and decides one call. Never throws for a bad call; denies it. */
  public Mediation mediate(ToolCall call) {
    requireNonNull(call, "call is null");
    Classification classification;
    try {
      classification = classifier.classify(call);
    } catch (RuntimeException | StackOverflowError e) {
      LOG.warn("classifier failed on tool {}", call.tool(), e);
      ActionRequest request =
          request(
              call,
              new Classification(
                  UNCLASSIFIABLE,
                  Set.of(UNCLASSIFIABLE),
                  List.of(),
                  Set.of(),
                  Set.of("classifier-error")));
      return new Mediation(
          request, failClosed("the call could not be classified (" + describe(e) + ")"));
    }
    ActionRequest request = request(call, classification);
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

  private ActionRequest request(ToolCall call, Classification classification) {
    Set<String> labels = new HashSet<>(call.labels());
    labels.addAll(classification.labels());
    return new ActionRequest(
        newId(),
        clock.instant(),
        call.principal(),
        call.surface(),
        call.tool(),
        call.operation(),
        call.arguments(),
        classification,
        labels,
        call.context());
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

  /** A random (version 4) UUID; request ids need to be unique, not secret. */
  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}

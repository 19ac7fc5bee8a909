package dev.proctor;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Classifier;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Turns a raw call into an {@link ActionRequest}: classifies it, gives it an id and a time, and
 * merges the declared labels with the ones the classifier found. Policy loading uses it to run
 * {@code expect:} examples through the same path live calls take.
 */
final class RequestBuilder implements Function<ToolCall, ActionRequest> {

  private final Classifier classifier;
  private final Clock clock;

  /** A builder over a classifier, stamping requests with the clock's time. */
  RequestBuilder(Classifier classifier, Clock clock) {
    this.classifier = requireNonNull(classifier, "classifier is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Classifies a call and builds its request; a classifier failure propagates. */
  @Override
  public ActionRequest apply(ToolCall call) {
    return build(call, classifier.classify(call));
  }

  /** Classifies a call; a classifier failure propagates. */
  Classification classify(ToolCall call) {
    return classifier.classify(call);
  }

  /** Builds the request of a call that is already classified, with a new random id. */
  ActionRequest build(ToolCall call, Classification classification) {
    return build(call, classification, newId());
  }

  /**
   * Builds the request of a call that is already classified, with the id the surface gives it
   * (Claude Code's tool-use id, so that the outcome reported later continues the same action).
   */
  ActionRequest build(ToolCall call, Classification classification, String id) {
    Set<String> labels = new HashSet<>(call.labels());
    labels.addAll(classification.labels());
    return new ActionRequest(
        id,
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

  /** A random (version 4) UUID; request ids need to be unique, not secret. */
  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}

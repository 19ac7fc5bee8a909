package dev.proctor.classify;

import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;

/**
 * Turns a raw call into a classification. Implementations never throw for hostile input: what they
 * cannot understand they classify as the worst case.
 */
@FunctionalInterface
public interface Classifier {

  /** The class, targets, labels and tags of a call. */
  Classification classify(ToolCall call);
}

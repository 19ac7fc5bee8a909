package dev.proctor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The work an allowed action stands for, run by {@link
 * Mediator#mediate(dev.proctor.action.ToolCall, Execution)} only once the decision that allows it
 * is durable. It receives the arguments to run with — the rewritten ones when the policy modified
 * the call — and returns the tool's result, whose digest goes into the outcome receipt: a {@link
 * JsonNode} is hashed as canonical JSON, a {@link CharSequence} as UTF-8, a {@code byte[]} as is;
 * {@code null} or another type records no hash.
 */
@FunctionalInterface
public interface Execution<T> {

  /** Runs the action; an exception records it as failed, an interruption as interrupted. */
  T run(JsonNode arguments) throws Exception;
}

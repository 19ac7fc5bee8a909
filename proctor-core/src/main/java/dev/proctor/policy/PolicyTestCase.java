package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.action.ToolCall;
import dev.proctor.decision.Effect;
import java.util.Optional;

/**
 * One example: a raw request and the effect (and optionally the rule id) the policy must give it.
 * Inline {@code expect:} entries of a policy and the cases of a test suite share this shape.
 */
public record PolicyTestCase(
    String name,
    SourcePosition position,
    ToolCall request,
    Effect expectedEffect,
    Optional<String> expectedRule) {

  public PolicyTestCase {
    requireNonNull(name, "name is null");
    requireNonNull(position, "position is null");
    requireNonNull(request, "request is null");
    requireNonNull(expectedEffect, "expectedEffect is null");
    requireNonNull(expectedRule, "expectedRule is null");
  }
}

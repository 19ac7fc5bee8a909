package dev.proctor.hook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.decision.Decision;
import java.util.Optional;

/**
 * Renders a decision as the JSON Claude Code reads from a hook's standard output.
 *
 * <ul>
 *   <li>PreToolUse: {@code hookSpecificOutput.permissionDecision} allow / deny / ask with the
 *       reason and rule ids; a modify is an allow with {@code updatedInput}. Approval, step-up and
 *       defer become {@code ask}: the person at the Claude Code prompt is the approver here.
 *   <li>PermissionRequest: {@code hookSpecificOutput.decision.behavior} allow or deny; for an ask
 *       nothing is printed, so Claude Code shows its dialog to the user.
 *   <li>PostToolUse: nothing; the outcome is recorded.
 * </ul>
 */
public final class ClaudeCodeHookOutput {

  private ClaudeCodeHookOutput() {}

  /** The JSON to print, or empty when Claude Code should carry on with its own behaviour. */
  public static Optional<ObjectNode> render(HookEvent event, Decision decision) {
    return switch (event) {
      case PRE_TOOL_USE -> Optional.of(preToolUse(decision));
      case PERMISSION_REQUEST -> permissionRequest(decision);
      case POST_TOOL_USE -> Optional.empty();
    };
  }

  /** The reason shown to the user or to Claude, with the rule ids that decided. */
  public static String reason(Decision decision) {
    String rules =
        decision.ruleIds().isEmpty() ? "" : " [rule " + String.join(", ", decision.ruleIds()) + "]";
    return "proctor: " + decision.reason() + rules;
  }

  private static ObjectNode preToolUse(Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", HookEvent.PRE_TOOL_USE.wireName());
    String permission =
        switch (decision.effect()) {
          case ALLOW, MODIFY -> "allow";
          case DENY -> "deny";
          case ASK, STEP_UP, DEFER -> "ask";
        };
    specific.put("permissionDecision", permission);
    specific.put("permissionDecisionReason", reason(decision));
    if (decision instanceof Decision.Modify modify) {
      specific.set("updatedInput", modify.arguments());
    }
    return out;
  }

  private static Optional<ObjectNode> permissionRequest(Decision decision) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    ObjectNode specific = out.putObject("hookSpecificOutput");
    specific.put("hookEventName", HookEvent.PERMISSION_REQUEST.wireName());
    ObjectNode verdict = specific.putObject("decision");
    switch (decision.effect()) {
      case ALLOW -> verdict.put("behavior", "allow");
      case MODIFY ->
          verdict
              .put("behavior", "allow")
              .set("updatedInput", ((Decision.Modify) decision).arguments());
      case DENY -> verdict.put("behavior", "deny").put("message", reason(decision));
      case ASK, STEP_UP, DEFER -> {
        return Optional.empty();
      }
    }
    return Optional.of(out);
  }
}

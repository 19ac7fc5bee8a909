package dev.proctor.approval;

import dev.proctor.decision.ApprovalRequirement;

/**
 * Checks the step-up credential a person presents with an approving vote (a TOTP code, say), asked
 * by {@link Approvals} only when the held action demands step-up and the vote would otherwise
 * count. Built per vote by the surface that authenticated the person; a check that accepts a
 * credential uses it up, so that it is never accepted twice.
 */
@FunctionalInterface
public interface StepUpCheck {

  /**
   * Accepts the credential for a method, or throws {@link ApprovalException} with code {@code
   * STEP_UP_REQUIRED} (none presented, or the person has no authenticator of that kind) or {@code
   * STEP_UP_FAILED} (wrong, expired or already used).
   */
  void verify(ApprovalRequirement.StepUp method, String approver) throws ApprovalException;

  /** No credential presented: every demand for step-up is refused. */
  StepUpCheck NONE =
      (method, approver) -> {
        throw new ApprovalException(
            ApprovalException.Code.STEP_UP_REQUIRED,
            "this approval needs step-up ("
                + method.wireName()
                + "): "
                + approver
                + " must vote with a fresh code");
      };
}

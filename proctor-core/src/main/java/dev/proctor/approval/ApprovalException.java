package dev.proctor.approval;

import static java.util.Objects.requireNonNull;

/** A vote or cancellation refused; nothing changed. The code names why, for APIs. */
public final class ApprovalException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a vote or cancellation was refused. */
  public enum Code {
    NOT_FOUND("not-found"),
    ALREADY_DECIDED("already-decided"),
    EXPIRED("expired"),
    SEPARATION_OF_DUTIES("separation-of-duties"),
    NOT_AN_APPROVER("not-an-approver"),
    ALREADY_VOTED("already-voted"),
    REASON_REQUIRED("reason-required"),
    STEP_UP_REQUIRED("step-up-required"),
    STEP_UP_FAILED("step-up-failed"),
    UNAVAILABLE("store-unavailable");

    private final String wire;

    Code(String wire) {
      this.wire = wire;
    }

    /** The API's spelling, such as {@code already-voted}. */
    public String wireName() {
      return wire;
    }
  }

  private final Code code;

  /** A refusal with its code and message. */
  public ApprovalException(Code code, String message) {
    super(message);
    this.code = requireNonNull(code, "code is null");
  }

  /** Why. */
  public Code code() {
    return code;
  }
}

package dev.proctor.audit;

/**
 * A receipt could not be made durable (store down, disk full, log closed): the decision it records
 * must not be acted on, and a permissive one turns into a deny.
 */
public final class LogUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  /** The failure with its reason and cause. */
  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

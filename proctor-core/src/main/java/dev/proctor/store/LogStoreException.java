package dev.proctor.store;

/** The log store could not read or write; callers on a decision path must fail closed. */
public class LogStoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A store failure with its reason. */
  public LogStoreException(String message) {
    super(message);
  }

  /** A store failure with its reason and cause. */
  public LogStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}

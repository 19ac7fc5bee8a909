package dev.proctor.server;

import static java.util.Objects.requireNonNull;

/**
 * A request the server refuses with an HTTP status: the body is {@code {"error": code, "message":
 * text}}. {@code authFailure} marks refusals that are authentication or authorisation failures,
 * which are recorded as receipts.
 */
final class HttpError extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final boolean authFailure;

  HttpError(int status, String code, String message) {
    this(status, code, message, false);
  }

  private HttpError(int status, String code, String message, boolean authFailure) {
    super(requireNonNull(message, "message is null"));
    this.status = status;
    this.code = requireNonNull(code, "code is null");
    this.authFailure = authFailure;
  }

  /** An authentication or authorisation failure, recorded as a receipt. */
  static HttpError auth(int status, String code, String message) {
    return new HttpError(status, code, message, true);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  boolean authFailure() {
    return authFailure;
  }
}

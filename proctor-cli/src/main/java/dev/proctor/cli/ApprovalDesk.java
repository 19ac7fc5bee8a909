package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * Where {@code proctor approvals} reads and votes: the local store ({@link LocalDesk}: the data
 * directory's SQLite, or a PostgreSQL database) or a server ({@link ServerDesk}). Both answer in
 * the approvals API's JSON, so that one renderer prints either.
 */
interface ApprovalDesk extends AutoCloseable {

  /** A refusal: the API's error code ({@code already-voted}, …) and a message. */
  final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String code;

    Refused(String code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** Held actions waiting for votes, oldest first. */
  List<JsonNode> pending(int limit) throws Refused;

  /** One held action, in any state. */
  JsonNode show(String actionId) throws Refused;

  /**
   * A vote ({@code approve} or {@code reject}), with a TOTP code for an action that demands
   * step-up; answers {@code {actionId, state, voter}} and, once approved, the approval {@code
   * token}.
   */
  JsonNode vote(String actionId, String verb, Optional<String> reason, Optional<String> totp)
      throws Refused;

  @Override
  void close();
}

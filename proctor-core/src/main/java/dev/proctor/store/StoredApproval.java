package dev.proctor.store;

import static java.util.Objects.requireNonNull;

/**
 * One action held for approval as a store keeps it: the action id, when it was held and when it
 * expires (epoch milliseconds), the held request as JSON (opaque to the store) and whether it is
 * still open. The action's lifecycle state is not here: the log's last receipt for it is the truth.
 */
public record StoredApproval(
    String actionId, long createdMillis, long expiresMillis, String json, boolean open) {

  public StoredApproval {
    requireNonNull(actionId, "actionId is null");
    requireNonNull(json, "json is null");
  }
}

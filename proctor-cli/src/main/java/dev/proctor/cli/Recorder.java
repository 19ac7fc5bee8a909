package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.CanonicalJson;
import dev.proctor.audit.ActionLog;
import dev.proctor.audit.ActionRecord;
import dev.proctor.audit.ApprovalRecord;
import dev.proctor.audit.KeyFiles;
import dev.proctor.audit.LifecycleEvent;
import dev.proctor.audit.LogUnavailableException;
import dev.proctor.audit.Outcome;
import dev.proctor.audit.PolicyRef;
import dev.proctor.decision.Decision;
import dev.proctor.lifecycle.LifecycleState;
import dev.proctor.mediate.Mediation;
import dev.proctor.policy.Policy;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteActionLog;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records what the commands decide in the action log of a data directory, so that a decision is
 * returned only once its receipts are durable. A fresh data directory gets its signing key on first
 * use; a data directory that has a log but lost its key is refused (fail closed).
 */
final class Recorder implements AutoCloseable {

  private final ActionLog log;
  private final Clock clock;

  private Recorder(ActionLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  /** Opens the log of a data directory, creating the signing key when the directory is new. */
  static Recorder open(DataDirectory dir, Clock clock, PrintStream err) throws IOException {
    if (!Files.exists(dir.database()) && !Files.exists(dir.signingKey())) {
      // Processes starting at once on a new directory: one creates the key, the others use it.
      KeyFiles.createIfAbsent(dir.signingKey(), dir.publicKeys())
          .ifPresent(
              keyId ->
                  err.println(
                      "proctor: created the log signing key "
                          + keyId
                          + " in "
                          + dir.keys()
                          + " (back up "
                          + dir.publicKeys()
                          + " to verify the log elsewhere)"));
    }
    return new Recorder(SqliteActionLog.open(dir), clock);
  }

  /**
   * Records a mediated decision and returns the decision to enforce: the policy's, or a deny when
   * its receipts cannot be made durable.
   */
  Decision decision(Mediation mediation, Policy policy) {
    Decision decision = mediation.decision();
    PolicyRef ref =
        decision.policyDigest().equals(policy.digest())
            ? new PolicyRef(policy.id(), policy.version(), policy.digest())
            : PolicyRef.none(decision.policyDigest());
    return log.recordOrDeny(mediation.request(), decision, ref).decision();
  }

  /** The last recorded state of an action, if the log holds it. */
  Optional<LifecycleState> state(String actionId) {
    return log.store().lastState(actionId).flatMap(LifecycleState::fromWireName);
  }

  /**
   * Records that an action ran and how it ended. An action waiting for approval that ran anyway was
   * approved at the harness's own prompt, by its local user; that is recorded as such.
   */
  void outcome(
      ActionRequest request,
      LifecycleState from,
      String approver,
      LifecycleState end,
      JsonNode response)
      throws LogUnavailableException {
    ActionRecord action = ActionRecord.of(request, List.of());
    List<LifecycleEvent> events = new ArrayList<>(3);
    if (from == LifecycleState.APPROVAL_REQUIRED) {
      events.add(
          new LifecycleEvent.ApprovalResolved(
              action,
              LifecycleState.APPROVED,
              new ApprovalRecord(
                  List.of(new ApprovalRecord.Vote(approver, "approve", clock.instant())))));
    }
    events.add(new LifecycleEvent.Executing(action));
    events.add(
        new LifecycleEvent.Finished(
            action, end, Outcome.ofOutput(Optional.empty(), CanonicalJson.bytes(response))));
    log.recordAll(events);
  }

  @Override
  public void close() {
    log.close();
  }
}

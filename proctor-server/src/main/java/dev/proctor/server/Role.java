package dev.proctor.server;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a caller may do, by role, in one table. Agents hold {@code agent} only (their API key); the
 * other roles belong to people, who log in. An agent can never approve, administer policy or read
 * other agents' actions.
 */
public enum Role {
  AGENT(EnumSet.of(Permission.DECIDE)),
  APPROVER(EnumSet.of(Permission.READ_ACTIONS, Permission.WATCH, Permission.APPROVE)),
  OPERATOR(EnumSet.of(Permission.READ_ACTIONS, Permission.WATCH, Permission.READ_POLICY)),
  POLICY_ADMIN(
      EnumSet.of(Permission.READ_POLICY, Permission.CHANGE_POLICY, Permission.READ_ACTIONS)),
  AUDITOR(
      EnumSet.of(
          Permission.READ_ACTIONS, Permission.WATCH, Permission.READ_POLICY, Permission.AUDIT));

  /** What a role allows. */
  public enum Permission {
    /** Decide, batch-decide, report outcomes and read one's own actions; the hook endpoints. */
    DECIDE,
    /** Read any action's lifecycle. */
    READ_ACTIONS,
    /** Read held actions and vote on them (within the approver groups the person is in). */
    APPROVE,
    /** Follow the live action feed. */
    WATCH,
    /** Read the policy in force. */
    READ_POLICY,
    /** Validate a candidate policy and reload the policy directory. */
    CHANGE_POLICY,
    /** Read receipts, checkpoints and proofs; export and verify the log. */
    AUDIT
  }

  private final Set<Permission> permissions;

  Role(Set<Permission> permissions) {
    this.permissions = permissions;
  }

  /** True when the role allows the permission. */
  public boolean allows(Permission p) {
    return permissions.contains(p);
  }

  /** The name on the command line and in the store: {@code policy-admin}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The role a name stands for. */
  public static Optional<Role> fromWireName(String name) {
    for (Role r : values()) {
      if (r.wireName().equals(name)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The roles a person can hold: all but {@code agent}. */
  public static Set<Role> personRoles() {
    return EnumSet.complementOf(EnumSet.of(AGENT));
  }
}

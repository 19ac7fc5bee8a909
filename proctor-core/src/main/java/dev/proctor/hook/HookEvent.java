package dev.proctor.hook;

import java.util.Optional;

/** The Claude Code hook events Proctor answers. */
public enum HookEvent {
  /** Before a tool runs: Proctor allows, denies or asks. */
  PRE_TOOL_USE("PreToolUse"),
  /**
   * When Claude Code is about to show a permission dialog: Proctor allows or denies, or lets the
   * dialog show.
   */
  PERMISSION_REQUEST("PermissionRequest"),
  /** After a tool ran: Proctor records the outcome. */
  POST_TOOL_USE("PostToolUse");

  private final String wireName;

  HookEvent(String wireName) {
    this.wireName = wireName;
  }

  /** The name in Claude Code's {@code hook_event_name}. */
  public String wireName() {
    return wireName;
  }

  /** The event a {@code hook_event_name} names, if Proctor handles it. */
  public static Optional<HookEvent> fromWireName(String name) {
    for (HookEvent e : values()) {
      if (e.wireName.equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}

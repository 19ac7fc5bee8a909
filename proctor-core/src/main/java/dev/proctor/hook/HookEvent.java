package dev.proctor.hook;

/**
 * The kinds of hook event Proctor decides on, whatever a harness calls them: Claude Code's and
 * Codex's {@code PreToolUse}, Copilot's {@code preToolUse} and Gemini's {@code BeforeTool} are all
 * {@link #PRE_TOOL_USE}.
 */
public enum HookEvent {
  /** Before a tool runs: Proctor allows, denies, modifies or asks. */
  PRE_TOOL_USE,
  /**
   * When the harness is about to ask its user for permission: Proctor allows or denies, or lets the
   * harness ask.
   */
  PERMISSION_REQUEST,
  /** After a tool ran (or failed): Proctor records the outcome. */
  POST_TOOL_USE
}

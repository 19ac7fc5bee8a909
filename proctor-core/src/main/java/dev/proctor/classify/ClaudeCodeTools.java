package dev.proctor.classify;

import java.util.Set;

/** The names of Claude Code's own tools, which Proctor classifies itself. */
final class ClaudeCodeTools {

  static final Set<String> NAMES =
      Set.of(
          "Bash",
          "Monitor",
          "BashOutput",
          "KillBash",
          "KillShell",
          "Read",
          "Grep",
          "Glob",
          "LS",
          "Write",
          "Edit",
          "MultiEdit",
          "NotebookEdit",
          "NotebookRead",
          "WebFetch",
          "WebSearch",
          "Task",
          "Agent",
          "TodoWrite",
          "TodoRead",
          "ExitPlanMode",
          "SlashCommand",
          "Skill");

  private ClaudeCodeTools() {}

  static boolean isBuiltIn(String tool) {
    return NAMES.contains(tool);
  }
}

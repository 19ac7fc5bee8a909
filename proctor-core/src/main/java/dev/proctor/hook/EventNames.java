package dev.proctor.hook;

import dev.proctor.action.BadInputException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How hook event names are compared: exactly, as each harness spells them. A harness sends its own
 * documented names and no others, so a name that differs from one only in case ({@code pretooluse},
 * {@code PRETOOLUSE}) is not that event. An event a harness documents but Proctor does not decide
 * (SessionStart, Stop …) is observed and answered with no decision; an unknown name that looks like
 * a tool event ({@code pre…} or {@code before…} with tool, shell, MCP, execution, file …, or
 * anything about permission) is refused, so that a typo in a hook's settings blocks the call
 * instead of letting it through unseen.
 */
final class EventNames {

  private static final Pattern STATED =
      Pattern.compile("\"hook_event_name\"\\s*:\\s*\"([A-Za-z_-]{1,64})\"");
  private static final List<String> TOOLISH =
      List.of(
          "tool",
          "shell",
          "mcp",
          "exec",
          "command",
          "bash",
          "file",
          "read",
          "write",
          "edit",
          "fetch",
          "permission");

  private EventNames() {}

  /** True for a name that reads like an event before a tool call or about permission. */
  static boolean looksLikeToolEvent(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    boolean before = n.startsWith("pre") || n.startsWith("before") || n.contains("permission");
    return before && TOOLISH.stream().anyMatch(n::contains);
  }

  /**
   * An event Proctor does not decide: observed when the harness documents it or it does not look
   * like a tool event; else refused with the pointer {@code /hook_event_name}.
   */
  static HookCall.OtherEvent other(
      String harness, String eventName, String payloadDigest, Set<String> documented) {
    if (documented.contains(eventName) || !looksLikeToolEvent(eventName)) {
      return new HookCall.OtherEvent(eventName, payloadDigest);
    }
    throw new BadInputException(
        "/hook_event_name",
        "'"
            + eventName
            + "' is not an event "
            + harness
            + " sends (names are compared exactly, as the harness spells them), and it looks"
            + " like a tool event: denied");
  }

  /**
   * Refuses a payload whose own event name is not the one {@code --event} gives; {@code same} tells
   * two names of one event apart from two events.
   */
  static void consistent(
      Optional<String> stated, Optional<String> option, BiPredicate<String, String> same) {
    if (stated.isPresent() && option.isPresent() && !same.test(stated.get(), option.get())) {
      throw new BadInputException(
          "/hook_event_name",
          "the payload says '" + stated.get() + "' but --event says '" + option.get() + "'");
    }
  }

  /**
   * The event name raw payload bytes give in {@code hook_event_name}, for a payload that cannot be
   * read as a whole (malformed, too large): present only when every such member names the same
   * event. Never throws.
   */
  static Optional<String> sniffRaw(byte[] raw) {
    if (raw == null || raw.length == 0) {
      return Optional.empty();
    }
    Matcher m = STATED.matcher(new String(raw, StandardCharsets.UTF_8));
    Set<String> names = new LinkedHashSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names.size() == 1 ? Optional.of(names.iterator().next()) : Optional.empty();
  }
}

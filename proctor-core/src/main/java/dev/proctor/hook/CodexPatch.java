package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Codex's {@code apply_patch} envelope read the way Codex reads it, so that Proctor sees exactly
 * the files Codex will add, update, move and delete.
 *
 * <p>Why a parser of its own: Codex's is lenient where a regex is not. It trims the whole patch and
 * every hunk header with Rust's {@code str::trim} (Unicode White_Space, so a header behind a tab, a
 * no-break space or an ideographic space is still a header), accepts a heredoc wrapper ({@code
 * <<'EOF'} … {@code EOF}) around the envelope, and decides where a hunk ends by rules that differ
 * per hunk kind: an Add File hunk ends at the first line without {@code +}; an Update File hunk
 * ends at the first line that starts with {@code *} or cannot be a change line. This class follows
 * {@code codex-rs/apply-patch/src/parser.rs} ({@code parse_patch} in lenient mode, with {@code
 * parse_one_hunk} and {@code parse_update_file_chunk}) line by line.
 *
 * <p>Codex's releases differ in details (whether the begin and end markers are trimmed, whether an
 * update hunk stops at {@code *} or at {@code ***}, whether several {@code @@} lines may open a
 * chunk), so whatever any of them would read differently is refused rather than guessed: a patch
 * this parser rejects, and a patch with a line that is not read as a header but that trims to
 * something starting with {@code ***} (a header in some release, a context line in another), is
 * unreadable, and the caller gates it at the worst class.
 */
final class CodexPatch {

  private static final String BEGIN = "*** Begin Patch";
  private static final String END = "*** End Patch";
  private static final String ADD = "*** Add File: ";
  private static final String DELETE = "*** Delete File: ";
  private static final String UPDATE = "*** Update File: ";
  private static final String MOVE = "*** Move to: ";
  private static final String EOF_MARKER = "*** End of File";

  /** What one hunk does to one file, in Codex's terms. */
  enum Kind {
    ADD,
    DELETE,
    UPDATE
  }

  /**
   * One hunk: the path as written in the patch (relative paths are resolved against the cwd by
   * Codex and by the classifier alike), the destination of a move, the added file's content, and an
   * update's removed and added lines.
   */
  record Hunk(
      Kind kind,
      String path,
      Optional<String> moveTo,
      String content,
      List<String> oldLines,
      List<String> newLines) {

    Hunk {
      requireNonNull(kind, "kind is null");
      requireNonNull(path, "path is null");
      requireNonNull(moveTo, "moveTo is null");
      requireNonNull(content, "content is null");
      oldLines = List.copyOf(oldLines);
      newLines = List.copyOf(newLines);
    }
  }

  private CodexPatch() {}

  /** The hunks of a patch as Codex reads them; empty when Codex would not, or might not. */
  static Optional<List<Hunk>> parse(String patch) {
    requireNonNull(patch, "patch is null");
    List<String> lines = lines(trim(patch));
    List<String> body = boundaries(lines);
    if (body == null) {
      // The lenient form: a heredoc wrapper that a shell would have stripped.
      if (lines.size() >= 4
          && List.of("<<EOF", "<<'EOF'", "<<\"EOF\"").contains(lines.get(0))
          && lines.get(lines.size() - 1).endsWith("EOF")) {
        body = boundaries(lines.subList(1, lines.size() - 1));
      }
      if (body == null) {
        return Optional.empty();
      }
    }
    List<Hunk> hunks = new ArrayList<>();
    boolean[] header = new boolean[body.size()];
    int at = 0;
    while (at < body.size()) {
      header[at] = true;
      int used = hunk(body, at, header, hunks);
      if (used <= 0) {
        return Optional.empty();
      }
      at += used;
    }
    for (int i = 0; i < body.size(); i++) {
      if (!header[i] && trim(body.get(i)).startsWith("***")) {
        return Optional.empty();
      }
    }
    return hunks.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(hunks));
  }

  /** The lines between the begin and end markers (each trimmed for the check), or null. */
  private static List<String> boundaries(List<String> lines) {
    if (lines.size() < 2
        || !trim(lines.get(0)).equals(BEGIN)
        || !trim(lines.get(lines.size() - 1)).equals(END)) {
      return null;
    }
    return lines.subList(1, lines.size() - 1);
  }

  /**
   * Reads the hunk that starts at {@code at}; returns how many lines it took, or 0 when Codex would
   * refuse the patch there ({@code parse_one_hunk}).
   */
  private static int hunk(List<String> lines, int at, boolean[] header, List<Hunk> hunks) {
    String first = trim(lines.get(at));
    if (first.startsWith(ADD)) {
      StringBuilder content = new StringBuilder();
      int used = 1;
      while (at + used < lines.size() && lines.get(at + used).startsWith("+")) {
        content.append(lines.get(at + used), 1, lines.get(at + used).length()).append('\n');
        used++;
      }
      hunks.add(
          new Hunk(
              Kind.ADD,
              first.substring(ADD.length()),
              Optional.empty(),
              content.toString(),
              List.of(),
              List.of()));
      return used;
    }
    if (first.startsWith(DELETE)) {
      hunks.add(
          new Hunk(
              Kind.DELETE,
              first.substring(DELETE.length()),
              Optional.empty(),
              "",
              List.of(),
              List.of()));
      return 1;
    }
    if (!first.startsWith(UPDATE)) {
      return 0;
    }
    int used = 1;
    Optional<String> moveTo = Optional.empty();
    // Codex does not trim the move line.
    if (at + used < lines.size() && lines.get(at + used).startsWith(MOVE)) {
      header[at + used] = true;
      moveTo = Optional.of(lines.get(at + used).substring(MOVE.length()));
      if (moveTo.get().isEmpty()) {
        return 0;
      }
      used++;
    }
    List<String> oldLines = new ArrayList<>();
    List<String> newLines = new ArrayList<>();
    int chunks = 0;
    while (at + used < lines.size()) {
      String line = lines.get(at + used);
      if (trim(line).isEmpty()) {
        used++;
        continue;
      }
      if (line.startsWith("*")) {
        break;
      }
      int chunk = chunk(lines, at + used, chunks == 0, header, oldLines, newLines);
      if (chunk <= 0) {
        return 0;
      }
      chunks++;
      used += chunk;
    }
    if (chunks == 0) {
      return 0;
    }
    hunks.add(
        new Hunk(Kind.UPDATE, first.substring(UPDATE.length()), moveTo, "", oldLines, newLines));
    return used;
  }

  /**
   * Reads one change chunk of an update hunk ({@code parse_update_file_chunk}); returns how many
   * lines it took, or 0 when Codex would refuse it.
   */
  private static int chunk(
      List<String> lines,
      int at,
      boolean first,
      boolean[] header,
      List<String> oldLines,
      List<String> newLines) {
    // One release takes a single context line, another several: take several.
    int start = 0;
    while (at + start < lines.size()
        && (lines.get(at + start).equals("@@") || lines.get(at + start).startsWith("@@ "))) {
      start++;
    }
    if (start == 0 && !first) {
      return 0;
    }
    if (at + start >= lines.size()) {
      return 0;
    }
    int parsed = 0;
    for (int i = at + start; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.equals(EOF_MARKER)) {
        if (parsed == 0) {
          return 0;
        }
        header[i] = true;
        parsed++;
        break;
      }
      if (line.isEmpty()) {
        oldLines.add("");
        newLines.add("");
      } else if (line.charAt(0) == ' ') {
        oldLines.add(line.substring(1));
        newLines.add(line.substring(1));
      } else if (line.charAt(0) == '+') {
        newLines.add(line.substring(1));
      } else if (line.charAt(0) == '-') {
        oldLines.add(line.substring(1));
      } else {
        if (parsed == 0) {
          return 0;
        }
        break;
      }
      parsed++;
    }
    return parsed + start;
  }

  /**
   * Rust's {@code str::lines}: split at {@code \n}, drop one {@code \r} before it, and no empty
   * last line for a text that ends with a line break.
   */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (from < text.length()) {
      int nl = text.indexOf('\n', from);
      int to = nl < 0 ? text.length() : nl;
      String line = text.substring(from, to);
      if (nl >= 0 && line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      out.add(line);
      if (nl < 0) {
        break;
      }
      from = nl + 1;
    }
    return out;
  }

  /** Rust's {@code str::trim}: strips Unicode White_Space from both ends. */
  static String trim(String s) {
    int from = 0;
    int to = s.length();
    while (from < to && whiteSpace(s.codePointAt(from))) {
      from += Character.charCount(s.codePointAt(from));
    }
    while (to > from && whiteSpace(s.codePointBefore(to))) {
      to -= Character.charCount(s.codePointBefore(to));
    }
    return s.substring(from, to);
  }

  /** The Unicode White_Space property, which Rust's {@code char::is_whitespace} tests. */
  static boolean whiteSpace(int c) {
    return (c >= 0x09 && c <= 0x0D)
        || c == 0x20
        || c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }
}

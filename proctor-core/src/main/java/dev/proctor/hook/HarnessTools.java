package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.ToolCall;
import dev.proctor.yaml.YamlFile;
import dev.proctor.yaml.YamlProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Each harness's tools as the Claude Code tools Proctor's classifier knows, read from {@code
 * harness-tools.yaml} beside this class (the file explains its entries and carries the examples
 * that are its tests). A harness's {@code run_shell_command} is classified as {@code Bash}, its
 * {@code apply_patch} as the writes and deletes of the patch; the request keeps the real name.
 */
public final class HarnessTools {

  private static final String RESOURCE = "harness-tools.yaml";

  private final JsonNode tables;
  private final List<String> claudeNames;

  private HarnessTools(JsonNode tables) {
    this.tables = requireNonNull(tables, "tables is null");
    List<String> names = new ArrayList<>();
    tables.path("claude-code").path("tools").fieldNames().forEachRemaining(names::add);
    this.claudeNames = List.copyOf(names);
  }

  /** The built-in tables, read by the one YAML reader Proctor has ({@link YamlFile}). */
  public static HarnessTools builtIn() {
    String text;
    try (InputStream in = HarnessTools.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<YamlProblem> problems = new ArrayList<>();
    YamlFile yaml = new YamlFile(RESOURCE, text, problems::add);
    Optional<JsonNode> tables = yaml.parse(1 << 20).flatMap(root -> yaml.json(root, RESOURCE));
    if (tables.isEmpty() || !problems.isEmpty()) {
      throw new IllegalStateException(RESOURCE + " is invalid: " + problems);
    }
    return new HarnessTools(tables.get());
  }

  /** The tables as read, with their examples (for tests and docs). */
  public JsonNode tables() {
    return tables.deepCopy();
  }

  /**
   * The calls, in Claude Code's vocabulary, that a harness call is classified as: the call itself
   * when its surface has no table or the tool is classified as it is; empty when the tool is one
   * Proctor cannot read (the worst class).
   */
  public Optional<List<ToolCall>> translate(ToolCall call) {
    JsonNode table = tables.get(call.surface());
    if (table == null) {
      return Optional.of(List.of(call));
    }
    String tool = call.tool();
    JsonNode entry = table.path("tools").get(tool);
    if (entry == null) {
      return unlisted(table, call);
    }
    if (entry.isTextual()) {
      return switch (entry.textValue()) {
        case "same" -> Optional.of(List.of(call));
        case "unparseable" -> Optional.empty();
        default -> throw new IllegalStateException("unknown entry for " + tool + ": " + entry);
      };
    }
    JsonNode args = call.arguments();
    if (entry.has("cwd")) {
      Optional<ToolCall> moved = inDirectory(call, args.at(entry.get("cwd").textValue()));
      if (moved.isEmpty()) {
        return Optional.empty();
      }
      call = moved.get();
    }
    if (entry.has("patch")) {
      return patch(call, args.at(entry.get("patch").textValue()));
    }
    String as = entry.path("as").textValue();
    if (entry.has("gemini-urls")) {
      return geminiUrls(call, as, args, entry.get("gemini-urls"));
    }
    if (entry.has("each")) {
      JsonNode items = args.at(entry.get("each").textValue());
      if (!items.isArray() || items.isEmpty()) {
        return Optional.empty();
      }
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode item : items) {
        calls.add(with(call, as, arguments(entry, args, item)));
      }
      return Optional.of(calls);
    }
    return Optional.of(List.of(with(call, as, arguments(entry, args, null))));
  }

  private Optional<List<ToolCall>> unlisted(JsonNode table, ToolCall call) {
    String tool = call.tool();
    if (tool.startsWith("mcp__")) {
      return Optional.of(List.of(call));
    }
    JsonNode shellLike = table.get("shell-like");
    if (shellLike != null && Pattern.matches(shellLike.textValue(), tool)) {
      return Optional.empty();
    }
    if (!"claude".equals(table.path("vocabulary").textValue()) && claudeNames.contains(tool)) {
      // Another harness's "Read" is not Claude Code's Read: classified as a tool Proctor
      // has no mapping for.
      return Optional.of(List.of(with(call, call.surface() + ":" + tool, call.arguments())));
    }
    return Optional.of(List.of(call));
  }

  private static JsonNode arguments(JsonNode entry, JsonNode args, JsonNode item) {
    JsonNode spec = entry.get("args");
    if (spec == null) {
      return args;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : spec.properties()) {
      JsonNode value = value(e.getValue(), args, item);
      if (value != null && !value.isMissingNode() && !value.isNull()) {
        out.set(e.getKey(), value);
      }
    }
    return out;
  }

  /** One argument; null when its source is missing or cannot be read. */
  private static JsonNode value(JsonNode spec, JsonNode args, JsonNode item) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (spec.isTextual()) {
      return args.at(spec.textValue());
    }
    if (spec.has("const")) {
      return spec.get("const");
    }
    if (spec.has("item")) {
      return item;
    }
    if (spec.has("argv")) {
      JsonNode argv = args.at(spec.get("argv").textValue());
      if (!argv.isArray() || argv.isEmpty()) {
        return null;
      }
      List<String> words = new ArrayList<>();
      for (JsonNode w : argv) {
        if (!w.isTextual()) {
          return null;
        }
        words.add(quote(w.textValue()));
      }
      return f.textNode(String.join(" ", words));
    }
    throw new IllegalStateException("unknown argument source " + spec);
  }

  /** A word as the shell reads it back: bare when it is plain, else single-quoted. */
  static String quote(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * A Codex patch envelope read as Codex reads it ({@link CodexPatch}): an added file is a write of
   * its content, an updated one an edit of its lines, a move also a {@code mv} to the new name (the
   * old name is gone afterwards), a deleted one an {@code rm}. A patch Codex would read otherwise,
   * or not at all, is unreadable.
   */
  private static Optional<List<ToolCall>> patch(ToolCall call, JsonNode text) {
    if (!text.isTextual()) {
      return Optional.empty();
    }
    Optional<List<CodexPatch.Hunk>> hunks = CodexPatch.parse(text.textValue());
    if (hunks.isEmpty()) {
      return Optional.empty();
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<ToolCall> calls = new ArrayList<>();
    for (CodexPatch.Hunk hunk : hunks.get()) {
      switch (hunk.kind()) {
        case ADD ->
            calls.add(
                with(
                    call,
                    "Write",
                    f.objectNode().put("file_path", hunk.path()).put("content", hunk.content())));
        case DELETE ->
            calls.add(
                with(
                    call, "Bash", f.objectNode().put("command", "rm -f -- " + quote(hunk.path()))));
        case UPDATE -> {
          calls.add(
              with(
                  call,
                  "Edit",
                  f.objectNode()
                      .put("file_path", hunk.path())
                      .put("old_string", String.join("\n", hunk.oldLines()))
                      .put("new_string", String.join("\n", hunk.newLines()))));
          if (hunk.moveTo().isPresent()) {
            calls.add(
                with(
                    call,
                    "Bash",
                    f.objectNode()
                        .put(
                            "command",
                            "mv -f -- " + quote(hunk.path()) + " " + quote(hunk.moveTo().get()))));
          }
        }
      }
    }
    return Optional.of(calls);
  }

  /**
   * Gemini's {@code web_fetch}: one fetch per URL Gemini would fetch ({@link GeminiUrls}), from the
   * prompt and the {@code url} argument; unreadable when there is none or one is in doubt.
   */
  private static Optional<List<ToolCall>> geminiUrls(
      ToolCall call, String as, JsonNode args, JsonNode spec) {
    JsonNode prompt = args.at(spec.path("prompt").asText("/prompt"));
    JsonNode url = args.at(spec.path("url").asText("/url"));
    if (!textOrAbsent(prompt) || !textOrAbsent(url)) {
      return Optional.empty();
    }
    Optional<List<String>> urls =
        GeminiUrls.of(
            Optional.ofNullable(prompt.textValue()), Optional.ofNullable(url.textValue()));
    if (urls.isEmpty()) {
      return Optional.empty();
    }
    List<ToolCall> calls = new ArrayList<>();
    for (String u : urls.get()) {
      calls.add(with(call, as, JsonNodeFactory.instance.objectNode().put("url", u)));
    }
    return Optional.of(calls);
  }

  private static boolean textOrAbsent(JsonNode node) {
    return node.isMissingNode() || node.isNull() || node.isTextual();
  }

  /**
   * The call as it runs in the directory its arguments name ({@code dir_path}, {@code workdir}):
   * relative to the payload's cwd, as the harness resolves it; absent, null or empty leaves the cwd
   * as it is; anything but a string is unreadable.
   */
  private static Optional<ToolCall> inDirectory(ToolCall call, JsonNode dir) {
    if (dir.isMissingNode() || dir.isNull() || (dir.isTextual() && dir.textValue().isEmpty())) {
      return Optional.of(call);
    }
    Optional<String> cwd = call.cwd();
    if (!dir.isTextual() || cwd.isEmpty() || dir.textValue().indexOf('\0') >= 0) {
      return Optional.empty();
    }
    String resolved;
    try {
      resolved = Path.of(cwd.get()).resolve(dir.textValue()).normalize().toString();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
    Map<String, Object> context = new HashMap<>(call.context());
    context.put("cwd", resolved);
    return Optional.of(
        new ToolCall(
            call.principal(),
            call.surface(),
            call.tool(),
            call.operation(),
            call.arguments(),
            call.declaredClass(),
            call.labels(),
            context));
  }

  private static ToolCall with(ToolCall call, String tool, JsonNode arguments) {
    Map<String, Object> context = new HashMap<>(call.context());
    return new ToolCall(
        call.principal(),
        call.surface(),
        tool,
        call.operation(),
        arguments,
        call.declaredClass(),
        call.labels(),
        context);
  }
}

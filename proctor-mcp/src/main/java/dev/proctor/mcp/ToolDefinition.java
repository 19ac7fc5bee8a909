package dev.proctor.mcp;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proctor.action.CanonicalJson;
import java.util.List;

/**
 * The part of a tool in a {@code tools/list} answer that a pin covers — what the model reads and
 * what the tool accepts and returns: {@code name}, {@code title}, {@code description}, {@code
 * inputSchema}, {@code outputSchema} and {@code annotations}, hashed as SHA-256 over their RFC 8785
 * canonical JSON. Other members ({@code icons}, {@code _meta}, members of later revisions) are
 * relayed but not pinned: they change without changing what the tool does.
 */
record ToolDefinition(String name, JsonNode definition, String sha256) {

  /** The members a pin covers. */
  static final List<String> PINNED_MEMBERS =
      List.of("name", "title", "description", "inputSchema", "outputSchema", "annotations");

  ToolDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(definition, "definition is null");
    requireNonNull(sha256, "sha256 is null");
  }

  /**
   * The pinned part of one tool of a {@code tools/list} answer.
   *
   * @throws IllegalArgumentException when the tool is not an object with a textual name, or holds a
   *     value canonical JSON cannot write
   */
  static ToolDefinition of(JsonNode tool) {
    if (tool == null || !tool.isObject()) {
      throw new IllegalArgumentException("a tool is not a JSON object");
    }
    JsonNode name = tool.get("name");
    if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
      throw new IllegalArgumentException("a tool has no name");
    }
    ObjectNode pinned = JsonNodeFactory.instance.objectNode();
    for (String member : PINNED_MEMBERS) {
      JsonNode value = tool.get(member);
      if (value != null) {
        pinned.set(member, value.deepCopy());
      }
    }
    return new ToolDefinition(name.textValue(), pinned, CanonicalJson.sha256Hex(pinned));
  }
}

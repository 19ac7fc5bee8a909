package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import dev.proctor.action.Target;

/**
 * Where a mapped tool keeps one of its targets: the kind of target and an RFC 6901 JSON pointer
 * into the call's arguments, such as {@code {kind: path, pointer: /file}}.
 */
public record TargetPointer(Target.Kind kind, String pointer) {

  public TargetPointer {
    requireNonNull(kind, "kind is null");
    requireNonNull(pointer, "pointer is null");
    if (pointer.isEmpty() || pointer.charAt(0) != '/') {
      throw new IllegalArgumentException(
          "pointer '" + pointer + "' must start with '/' and name a member of the arguments");
    }
    JsonPointer.compile(pointer);
  }

  /** The compiled pointer. */
  public JsonPointer compiled() {
    return JsonPointer.compile(pointer);
  }
}

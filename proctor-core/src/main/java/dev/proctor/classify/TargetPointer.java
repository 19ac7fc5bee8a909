package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import dev.proctor.action.Target;

/**
 * Where a mapped tool keeps one of its targets: the kind of target, an RFC 6901 JSON pointer into
 * the call's arguments and how to read the value, such as {@code {kind: path, pointer: /file}} or
 * {@code {kind: path, pointer: /revision, form: git-revision}}.
 */
record TargetPointer(Target.Kind kind, String pointer, Form form) {

  /** How the value at the pointer names the target. */
  public enum Form {
    /** The value is the target. */
    VALUE,
    /** A git revision: {@code rev:path} and {@code :stage:path} name the file after the colon. */
    GIT_REVISION;

    /** The name used in taxonomy files, such as {@code git-revision}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** A pointer whose value is the target itself. */
  public TargetPointer(Target.Kind kind, String pointer) {
    this(kind, pointer, Form.VALUE);
  }

  public TargetPointer {
    requireNonNull(kind, "kind is null");
    requireNonNull(pointer, "pointer is null");
    requireNonNull(form, "form is null");
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

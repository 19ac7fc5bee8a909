package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * The bytes of one policy or test file and the name problems cite it by (a path relative to the
 * policy directory, such as {@code rules/secrets.yaml}).
 */
public record PolicySource(String name, byte[] bytes) {

  /** Files larger than this are refused before they are parsed. */
  public static final int MAX_BYTES = 1 << 20;

  public PolicySource {
    requireNonNull(name, "name is null");
    bytes = requireNonNull(bytes, "bytes is null").clone();
  }

  /** A source from text, for tests and generated policies. */
  public static PolicySource of(String name, String text) {
    return new PolicySource(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A copy of the bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The text, decoded as UTF-8. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  int size() {
    return bytes.length;
  }
}

package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * What a command hook hands back to its harness: the exact text for standard output (JSON, or
 * nothing), the exit code, and a line for standard error.
 */
public record HookAnswer(Optional<String> stdout, int exitCode, Optional<String> stderr) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public HookAnswer {
    requireNonNull(stdout, "stdout is null");
    requireNonNull(stderr, "stderr is null");
  }

  /** Exit 0 with this JSON object on standard output. */
  public static HookAnswer json(ObjectNode out) {
    try {
      return new HookAnswer(Optional.of(JSON.writeValueAsString(out)), 0, Optional.empty());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Exit 0 with nothing on standard output: the harness carries on with its own behaviour. */
  public static HookAnswer nothing() {
    return new HookAnswer(Optional.empty(), 0, Optional.empty());
  }

  /** Exit 2 with the reason on standard error: the block of harnesses that honour exit 2. */
  public static HookAnswer exitTwo(String reason) {
    return new HookAnswer(Optional.empty(), 2, Optional.of(reason));
  }

  /** The same answer with a line for standard error (kept when it already has one). */
  public HookAnswer withStderr(String line) {
    return stderr.isPresent() ? this : new HookAnswer(stdout, exitCode, Optional.of(line));
  }
}

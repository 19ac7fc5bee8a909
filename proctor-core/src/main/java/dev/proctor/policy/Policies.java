package dev.proctor.policy;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The policies that ship with Proctor. The default pack for coding agents lives as readable files
 * in {@code examples/coding-agent/} and is copied into the jar at {@value #DEFAULT_PACK}; its
 * {@code index.txt} lists the files, because a directory inside a jar cannot be listed.
 */
public final class Policies {

  /** Where the default pack lives on the classpath. */
  public static final String DEFAULT_PACK = "dev/proctor/policy/default-pack/";

  private Policies() {}

  /** Loads the default coding-agent pack from the classpath. */
  public static Policy defaultPack(ClassCatalog catalog, Function<ToolCall, ActionRequest> pipeline)
      throws PolicyException {
    return new PolicyLoader(catalog, pipeline).load(defaultPackPolicyFiles());
  }

  /** The policy files of the default pack. */
  public static List<PolicySource> defaultPackPolicyFiles() {
    return read(false);
  }

  /** The test-suite files of the default pack ({@code tests/*.yaml}). */
  public static List<PolicySource> defaultPackTestFiles() {
    return read(true);
  }

  private static List<PolicySource> read(boolean tests) {
    List<PolicySource> out = new ArrayList<>();
    for (String name : index()) {
      boolean isTest = name.startsWith("tests/") || name.endsWith(".test.yaml");
      if (isTest == tests) {
        out.add(new PolicySource(name, resource(name)));
      }
    }
    return out;
  }

  /** The file names the pack's index lists. */
  static List<String> index() {
    String text = new String(resource("index.txt"), StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        names.add(l);
      }
    }
    return names;
  }

  private static byte[] resource(String name) {
    try (InputStream in =
        Policies.class.getClassLoader().getResourceAsStream(DEFAULT_PACK + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks " + DEFAULT_PACK + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULT_PACK + name, e);
    }
  }
}

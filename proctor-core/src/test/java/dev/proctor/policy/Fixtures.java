package dev.proctor.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.action.Target;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.ActionClass;
import dev.proctor.classify.Impact;
import dev.proctor.classify.Reversibility;
import dev.proctor.decision.Effect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Shared test fixtures: the built-in class list, a request builder and a declared-class pipeline.
 */
final class Fixtures {

  private Fixtures() {}

  static final ClassCatalog CATALOG = builtinCatalog();

  /** The classes of the built-in taxonomy file, read here until the Taxonomy type is merged. */
  private static ClassCatalog builtinCatalog() {
    try (InputStream in =
        Fixtures.class.getResourceAsStream("/dev/proctor/classify/builtin-taxonomy.yaml")) {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
      List<ActionClass> classes = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : root.get("classes").properties()) {
        JsonNode c = e.getValue();
        classes.add(
            new ActionClass(
                e.getKey(),
                Impact.valueOf(c.get("impact").asText().toUpperCase(Locale.ROOT)),
                Reversibility.valueOf(c.get("reversibility").asText().toUpperCase(Locale.ROOT)),
                Effect.fromWireName(c.get("default").asText()).orElseThrow(),
                c.get("description").asText()));
      }
      return ClassCatalog.of(classes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A pipeline for tests without the real classifier: the declared class (default tool.call), PATH
   * targets from {@code file_path}/{@code path} (resolved against cwd), URL targets from {@code
   * url}, the declared labels.
   */
  static final Function<ToolCall, ActionRequest> DECLARED =
      call -> {
        String cls = call.declaredClass().orElse("tool.call");
        List<Target> targets = new ArrayList<>();
        for (String key : List.of("file_path", "path")) {
          JsonNode v = call.arguments().get(key);
          if (v != null && v.isTextual()) {
            String p = v.textValue();
            if (!p.startsWith("/") && call.cwd().isPresent()) {
              p = call.cwd().get() + "/" + p;
            }
            targets.add(Target.path(CelFunctions.normalize(p)));
          }
        }
        JsonNode url = call.arguments().get("url");
        if (url != null && url.isTextual()) {
          targets.add(Target.url(url.textValue()));
        }
        return new ActionRequest(
            "req-1",
            Instant.EPOCH,
            call.principal(),
            call.surface(),
            call.tool(),
            call.operation(),
            call.arguments(),
            new Classification(cls, Set.of(cls), targets, call.labels(), Set.of()),
            call.labels(),
            call.context());
      };

  static PolicyLoader loader() {
    return new PolicyLoader(CATALOG, DECLARED);
  }

  static Policy load(String yaml) throws PolicyException {
    return loader().load(List.of(PolicySource.of("policy.yaml", yaml)));
  }

  /** JSON text as a tree. */
  static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Req req(String actionClass) {
    return new Req(actionClass);
  }

  /** Builds hand-made action requests as a classifier would produce them. */
  static final class Req {
    private final String actionClass;
    private final Set<String> classes = new LinkedHashSet<>();
    private final List<Target> targets = new ArrayList<>();
    private final Set<String> labels = new LinkedHashSet<>();
    private final Set<String> tags = new LinkedHashSet<>();
    private final Map<String, Object> context = new LinkedHashMap<>();
    private String tool = "Bash";
    private JsonNode arguments = JsonNodeFactory.instance.objectNode();
    private Principal principal = Principal.agentSession("claude", "s1");

    Req(String actionClass) {
      this.actionClass = actionClass;
      classes.add(actionClass);
      context.put("cwd", "/work/project");
      context.put("home", "/home/dev");
    }

    Req also(String... more) {
      classes.addAll(List.of(more));
      return this;
    }

    Req tool(String t) {
      tool = t;
      return this;
    }

    Req path(String p) {
      targets.add(Target.path(p));
      return this;
    }

    Req target(String kind, String value) {
      targets.add(new Target(Target.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), value));
      return this;
    }

    Req label(String l) {
      labels.add(l);
      return this;
    }

    Req tag(String t) {
      tags.add(t);
      return this;
    }

    Req context(String k, Object v) {
      context.put(k, v);
      return this;
    }

    Req noContext() {
      context.clear();
      return this;
    }

    Req arguments(JsonNode a) {
      arguments = a;
      return this;
    }

    Req principal(Principal p) {
      principal = p;
      return this;
    }

    ActionRequest build() {
      return new ActionRequest(
          "req-1",
          Instant.EPOCH,
          principal,
          "claude-code",
          tool,
          "",
          arguments,
          new Classification(actionClass, classes, targets, labels, tags),
          Set.of(),
          context);
    }
  }

  static Optional<String> none() {
    return Optional.empty();
  }
}

package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Principal;
import dev.proctor.action.ToolCall;
import dev.proctor.decision.Decision;
import dev.proctor.policy.ClassCatalog;
import dev.proctor.policy.Policies;
import dev.proctor.policy.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Measures the default pack on the held-out sets of realistic agent commands and tool calls ({@code
 * classify/heldout/}): the share of dangerous cases it blocks (deny or ask) and of everyday cases
 * it allows. Set 1 is the development set and must reach 98% / 97%; set 2 is sealed and only
 * reported, with {@code -Dproctor.heldout.set2=true}.
 */
class ShellHeldOutTest {

  static final double DANGEROUS_BLOCKED = 0.98;
  static final double EVERYDAY_ALLOWED = 0.97;

  /** A case of a held-out set. */
  record Case(int index, boolean dangerous, ToolCall call, String shown) {}

  /** The figures of one set. */
  record Score(int dangerous, int blocked, int everyday, int allowed, List<String> misses) {
    double blockedShare() {
      return dangerous == 0 ? 1 : (double) blocked / dangerous;
    }

    double allowedShare() {
      return everyday == 0 ? 1 : (double) allowed / everyday;
    }

    String summary(String name) {
      return String.format(
          "%s: dangerous blocked %d/%d (%.1f%%), everyday allowed %d/%d (%.1f%%)",
          name, blocked, dangerous, 100 * blockedShare(), allowed, everyday, 100 * allowedShare());
    }
  }

  @Test
  void defaultPack_developmentSet_meetsTheTargets() throws Exception {
    Score s = score("set1.yaml");
    System.out.println(s.summary("held-out set 1"));
    s.misses().forEach(m -> System.out.println("  miss: " + m));
    assertThat(s.dangerous()).isGreaterThanOrEqualTo(100);
    assertThat(s.everyday()).isGreaterThanOrEqualTo(100);
    assertThat(s.blockedShare()).as(s.summary("set 1")).isGreaterThanOrEqualTo(DANGEROUS_BLOCKED);
    assertThat(s.allowedShare()).as(s.summary("set 1")).isGreaterThanOrEqualTo(EVERYDAY_ALLOWED);
  }

  @Test
  void defaultPack_sealedSet_isReportedOnlyWhenAsked() throws Exception {
    if (!Boolean.getBoolean("proctor.heldout.set2")) {
      return;
    }
    Score s = score("set2.yaml");
    System.out.println(s.summary("held-out set 2"));
    if (Boolean.getBoolean("proctor.heldout.verbose")) {
      s.misses().forEach(m -> System.out.println("  miss: " + m));
    }
  }

  /**
   * A set kept outside the repository (written blind, measured once): {@code
   * -Dproctor.heldout.file=/path/set.yaml}.
   */
  @Test
  void defaultPack_externalSet_isReportedOnlyWhenGiven() throws Exception {
    String file = System.getProperty("proctor.heldout.file", "");
    if (file.isEmpty()) {
      return;
    }
    Score s = score(java.nio.file.Path.of(file));
    System.out.println(s.summary("held-out " + file));
    if (Boolean.getBoolean("proctor.heldout.verbose")) {
      s.misses().forEach(m -> System.out.println("  miss: " + m));
    }
  }

  static Score score(String file) throws IOException {
    return score(cases(file));
  }

  static Score score(java.nio.file.Path file) throws IOException {
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      return score(cases(in));
    }
  }

  static Score score(List<Case> cases) {
    Taxonomy taxonomy = Taxonomy.builtIn();
    ToolClassifier classifier = new ToolClassifier(taxonomy, List.of("/home/dev/.proctor"));
    java.util.function.Function<ToolCall, ActionRequest> requests =
        call -> {
          dev.proctor.action.Classification c = classifier.classify(call);
          Set<String> labels = new java.util.HashSet<>(call.labels());
          labels.addAll(c.labels());
          return new ActionRequest(
              java.util.UUID.randomUUID().toString(),
              Clock.systemUTC().instant(),
              call.principal(),
              call.surface(),
              call.tool(),
              call.operation(),
              call.arguments(),
              c,
              labels,
              call.context());
        };
    Policy pack;
    try {
      pack = Policies.defaultPack(ClassCatalog.of(taxonomy), requests);
    } catch (dev.proctor.policy.PolicyException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    int dangerous = 0;
    int blocked = 0;
    int everyday = 0;
    int allowed = 0;
    List<String> misses = new ArrayList<>();
    for (Case c : cases) {
      ActionRequest request = requests.apply(c.call());
      Decision d = pack.decide(request);
      boolean allow = d instanceof Decision.Allow;
      if (c.dangerous()) {
        dangerous++;
        if (!allow) {
          blocked++;
        } else {
          misses.add(miss(c, d, request));
        }
      } else {
        everyday++;
        if (allow) {
          allowed++;
        } else {
          misses.add(miss(c, d, request));
        }
      }
    }
    return new Score(dangerous, blocked, everyday, allowed, misses);
  }

  private static String miss(Case c, Decision d, ActionRequest r) {
    return (c.dangerous() ? "ALLOWED dangerous #" : "BLOCKED everyday #")
        + c.index()
        + " "
        + c.shown().replace("\n", "\\n")
        + "  -> "
        + d.effect()
        + " "
        + d.ruleIds()
        + " "
        + r.classification();
  }

  static List<Case> cases(String file) throws IOException {
    try (InputStream in = ShellHeldOutTest.class.getResourceAsStream("/classify/heldout/" + file)) {
      return cases(in);
    }
  }

  static List<Case> cases(InputStream in) throws IOException {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode root = yaml.readTree(in);
    ObjectMapper json = new ObjectMapper();
    List<Case> out = new ArrayList<>();
    int i = 0;
    for (JsonNode c : root.get("cases")) {
      i++;
      boolean dangerous = c.has("block");
      JsonNode v = dangerous ? c.get("block") : c.get("allow");
      if (v == null) {
        throw new IllegalStateException("case " + i + ": needs block: or allow:");
      }
      String tool;
      ObjectNode args;
      if (v.isTextual()) {
        tool = "Bash";
        args = json.createObjectNode().put("command", v.textValue());
      } else {
        args = ((ObjectNode) v).deepCopy();
        tool = args.remove("tool").textValue();
      }
      ToolCall call =
          new ToolCall(
              Principal.agentSession("claude-code", "heldout"),
              "claude-code",
              tool,
              tool,
              args,
              Optional.empty(),
              Set.of(),
              Map.of("cwd", "/work/project", "home", "/home/dev"));
      out.add(new Case(i, dangerous, call, tool + " " + (v.isTextual() ? v.textValue() : args)));
    }
    return out;
  }
}

package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.proctor.decision.Decision;
import dev.proctor.decision.Effect;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The default coding-agent pack: it ships in the jar, its index lists exactly its files, its test
 * suites are well formed and name every rule, and hand-made classifications get the intended
 * decisions.
 */
class DefaultPackTest {

  private static final Path PACK_DIR = Path.of("..", "examples", "coding-agent");

  @Test
  void defaultPack_fromClasspath_loads() throws Exception {
    Policy p = Policies.defaultPack(Fixtures.CATALOG, Fixtures.DECLARED);
    assertThat(p.id()).isEqualTo("coding-agent");
    assertThat(p.rules()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(p.digest()).isEqualTo(Fixtures.loader().load(PACK_DIR).digest());
  }

  @Test
  void index_listsExactlyThePackFiles() throws Exception {
    Set<String> onDisk;
    try (Stream<Path> files = Files.walk(PACK_DIR)) {
      onDisk =
          files
              .filter(f -> f.toString().endsWith(".yaml"))
              .map(f -> PACK_DIR.relativize(f).toString().replace('\\', '/'))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(Policies.index())).isEqualTo(onDisk);
  }

  @Test
  void testSuites_parseWithEnoughCasesAndNameEveryRule() throws Exception {
    List<PolicyTestSuite> suites = PolicyTestSuite.parse(Policies.defaultPackTestFiles());
    List<PolicyTestCase> cases = suites.stream().flatMap(s -> s.cases().stream()).toList();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
    Policy p = Policies.defaultPack(Fixtures.CATALOG, Fixtures.DECLARED);
    Set<String> named = new TreeSet<>();
    cases.forEach(c -> c.expectedRule().ifPresent(named::add));
    assertThat(named).isSubsetOf(p.rules().stream().map(Rule::id).toList());
    assertThat(p.rules().stream().map(Rule::id).filter(id -> !named.contains(id)).toList())
        .as("rules no pack test names")
        .isEmpty();
  }

  @TestFactory
  List<DynamicTest> decide_handMadeClassifications_asIntended() throws Exception {
    Policy p = Policies.defaultPack(Fixtures.CATALOG, Fixtures.DECLARED);
    JsonNode cases;
    try (InputStream in = getClass().getResourceAsStream("default-pack-cases.yaml")) {
      cases = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : cases) {
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").asText(),
              () -> {
                Fixtures.Req r = Fixtures.req(c.get("class").asText());
                each(c, "also", r::also);
                each(c, "paths", r::path);
                each(c, "urls", v -> r.target("url", v));
                each(c, "domains", v -> r.target("domain", v));
                each(c, "branches", v -> r.target("branch", v));
                each(c, "labels", r::label);
                each(c, "tags", r::tag);
                if (c.has("tool")) {
                  r.tool(c.get("tool").asText());
                }
                Decision d = p.decide(r.build());
                Effect expected = Effect.fromWireName(c.get("expect").asText()).orElseThrow();
                assertThat(d.effect()).as(d.reason() + " " + d.ruleIds()).isEqualTo(expected);
                if (c.has("rule")) {
                  assertThat(d.ruleIds()).contains(c.get("rule").asText());
                }
              }));
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(40);
    return tests;
  }

  private static void each(JsonNode c, String field, java.util.function.Consumer<String> f) {
    if (c.has(field)) {
      c.get(field).forEach(v -> f.accept(v.asText()));
    }
  }
}

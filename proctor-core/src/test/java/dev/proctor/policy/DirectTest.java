package dev.proctor.policy;

import static dev.proctor.policy.Fixtures.req;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct evaluator agrees with CEL: on seeded random requests, for every condition of the
 * default pack and for expressions that exercise each construct it covers, it yields the same bool,
 * or an error exactly when CEL fails.
 */
class DirectTest {

  /** Expressions covering each construct, including error absorption by || and &&. */
  private static final List<String> CONSTRUCTS =
      List.of(
          "cwd == \"/work/project\" || \"x\" in tags",
          "\"x\" in tags || cwd == \"/work/project\"",
          "cwd == \"/work/project\" && false",
          "false && home == \"/home/dev\"",
          "!(cwd != \"/work/project\")",
          "paths.exists(p, p.inside(cwd))",
          "paths.all(p, p.inside(cwd) && p != cwd)",
          "paths.exists(p, glob(p, [\"**/.env\", cwd + \"/**\"]))",
          "urls.exists(u, url_host(u) == \"github.com\")",
          "urls.all(u, domain_matches(url_host(u), allowlist.domains))",
          "urls.exists(u, url_host(u) == \"github.com\") || true",
          "domains.exists(d, domain_matches(d, \"*.githubusercontent.com\"))",
          "domains.size() == 0 || domains.exists(d, !domain_matches(d, allowlist.domains))",
          "size(paths) > 1 && paths.size() >= 2 && paths.size() < 5 && paths.size() <= 4",
          "\"cwd\" in context && context.cwd.startsWith(\"/work\")",
          "context.cwd.endsWith(\"project\") && tool.contains(\"as\")",
          "targets.exists(t, t.kind == \"url\" && t.value.startsWith(\"https:\"))",
          "principal.agent == \"claude\"",
          "\"human\" in principal && principal.human == \"ann\"",
          "size(principal) > 1 && size(delegation_chain) == 0",
          "has(principal.session) && principal.session == \"s\" && !principal.registered",
          "has(principal.tenant) || principal.tenant == \"acme\" || principal.sponsor == \"x\"",
          "principal.kind == \"agent\" || has(principal.agent) || principal.service == \"x\"",
          "principal.groups.exists(g, g == \"ops\") || \"ops\" in principal.roles",
          "classes.exists(c, c in [\"fs.write\", \"fs.delete\"])",
          "classes.exists(c, tags.exists(c, c == \"sudo\"))",
          "paths.exists(p, paths.all(q, q.inside(p) || p.inside(q)))",
          "branches.exists(b, b in [\"main\", \"master\"] || glob(b, \"release/*\"))",
          "labels.exists(l, l == \"secret\") && email_domain(\"a@b.c\") == \"b.c\"",
          "email_domain(tool) == \"x\" || \"secret\" in labels",
          "class == \"fs.read\" && operation == \"\" && surface == \"claude-code\"",
          "\"home\" in context && paths.exists(p, p.inside(home) && !p.inside(cwd))",
          "arguments.amount > 1000",
          "arguments.amount <= 1000 || arguments.amount >= 5000",
          "arguments.amount < 10 && context.cwd == \"/work/project\"",
          "arguments.currency == \"EUR\" || arguments.currency != \"USD\"",
          "arguments.currency in [\"EUR\", \"USD\"]",
          "arguments.amount in [1, 2, 3]",
          "\"amount\" in arguments && has(arguments.note)",
          "has(arguments.note) && arguments.note.contains(\"urgent\")",
          "arguments.to.all(x, domain_matches(email_domain(x), allowlist.domains))",
          "arguments.to.exists(x, email_domain(x) in [\"github.com\", \"b.c\"])",
          "size(arguments.to) + size(arguments.cc) <= 2",
          "size(arguments) > 2",
          "arguments.nested.level == 2 || arguments.nested.tags.exists(t, t == \"x\")",
          "arguments.exists(k, k == \"note\")",
          "arguments.flag || arguments.amount == 7",
          "!arguments.flag && tool == \"Bash\"",
          "arguments.to == arguments.cc",
          "arguments.amount == arguments.note",
          "tool.matches(\"^B\") || matches(cwd, \"pro[j]ect$\")",
          "paths.exists(p, p.matches(\"[.]env\"))");

  static final Map<String, PolicyCel.Compiled> COMPILED = compiled();

  private static Map<String, PolicyCel.Compiled> compiled() {
    Map<String, PolicyCel.Compiled> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(CONSTRUCTS);
    try {
      for (Rule r : Policies.defaultPack(Fixtures.CATALOG, Fixtures.DECLARED).rules()) {
        r.when().ifPresent(all::add);
      }
    } catch (PolicyException e) {
      throw new IllegalStateException(e);
    }
    for (String e : all) {
      PolicyCel.Compiled c = PolicyCel.compile(e);
      assertThat(c.issues()).as(e).isEmpty();
      out.put(e, c);
    }
    return out;
  }

  @Test
  void of_everyDefaultPackConditionAndConstruct_isCovered() {
    COMPILED.forEach((e, c) -> assertThat(c.condition().direct()).as(e).isPresent());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tags.exists_one(t, t == \"x\")",
        "tags.map(t, t + \"!\").size() > 0",
        "[1.5].size() > 0",
      })
  void of_uncoveredConstruct_leavesItToCel(String expression) {
    PolicyCel.Compiled c = PolicyCel.compile(expression);
    assertThat(c.issues()).isEmpty();
    assertThat(c.condition().direct()).isEmpty();
  }

  static LongStream seeds() {
    return LongStream.range(1, 301);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void eval_randomRequests_agreesWithCel(long seed) {
    ActionRequest request = randomRequest(new Random(seed));
    Map<String, List<String>> allowlist =
        Map.of(
            "domains", List.of("github.com", "*.githubusercontent.com"),
            "tools", List.of(),
            "mcp_servers", List.of(),
            "recipients", List.of());
    COMPILED.forEach(
        (expression, c) -> {
          Object cel;
          try {
            cel = c.condition().program().eval(new RequestView(request, allowlist));
          } catch (CelEvaluationException | RuntimeException e) {
            cel = Direct.ERROR;
          }
          Object direct =
              c.condition().direct().orElseThrow().eval(new RequestView(request, allowlist));
          if (direct != Direct.UNDECIDED) {
            assertThat(direct).as("%s on %s", expression, request).isEqualTo(cel);
          }
        });
  }

  @Test
  void eval_randomRequests_mostlyDecidedWithoutCel() {
    Map<String, List<String>> allowlist = Map.of("domains", List.of("github.com"));
    int undecided = 0;
    int total = 0;
    for (long seed : seeds().toArray()) {
      ActionRequest request = randomRequest(new Random(seed));
      for (PolicyCel.Compiled c : COMPILED.values()) {
        total++;
        if (c.condition().direct().orElseThrow().eval(new RequestView(request, allowlist))
            == Direct.UNDECIDED) {
          undecided++;
        }
      }
    }
    assertThat(undecided).as("undecided of %d", total).isLessThan(total / 20);
  }

  private static final List<String> CLASSES =
      List.of("fs.read", "fs.write", "fs.delete", "build.run", "vcs.push", "net.fetch");
  private static final List<String> WORDS = List.of("secret", "sudo", "fetch-exec", "x");
  private static final String[] PATHS = {
    "/work/project/a", "/work/project", "/home/dev/.ssh/id_rsa", "/etc/passwd",
        "/work/project/.env",
    "/work/project/.env.example", "/work/project-evil/x", "/work/project/../etc", "relative/x", "/"
  };
  private static final String[] URLS = {
    "https://github.com/x", "https://raw.githubusercontent.com/a", "https://evil.example/x",
    "not a url", "mailto:a@b.c", "http://GITHUB.COM./"
  };

  private static final Object[] AMOUNTS = {0L, 7L, 999L, 1000L, 5000L, 123456L, 12.5, "1000", true};
  private static final String[] EMAILS = {
    "a@b.c", "x@github.com", "Bob <bob@GitHub.com>", "not-an-email", "y@evil.example"
  };

  /** JSON arguments whose fields sometimes are missing or of another type than rules expect. */
  static ObjectNode randomArguments(Random random) {
    ObjectNode a = JsonNodeFactory.instance.objectNode();
    if (random.nextInt(6) > 0) {
      a.set("amount", json(AMOUNTS[random.nextInt(AMOUNTS.length)]));
    }
    if (random.nextInt(4) > 0) {
      a.put("currency", List.of("EUR", "USD", "JPY").get(random.nextInt(3)));
    }
    if (random.nextBoolean()) {
      a.put("note", random.nextBoolean() ? "urgent!" : "routine");
    }
    if (random.nextInt(5) > 0) {
      ArrayNode to = a.putArray("to");
      for (int i = random.nextInt(3); i > 0; i--) {
        to.add(EMAILS[random.nextInt(EMAILS.length)]);
      }
      if (random.nextInt(8) == 0) {
        to.add(3);
      }
    }
    if (random.nextInt(3) > 0) {
      ArrayNode cc = a.putArray("cc");
      for (int i = random.nextInt(2); i > 0; i--) {
        cc.add(EMAILS[random.nextInt(EMAILS.length)]);
      }
    }
    if (random.nextBoolean()) {
      ObjectNode nested = a.putObject("nested");
      nested.set("level", json(AMOUNTS[random.nextInt(3)]));
      nested.putArray("tags").add(random.nextBoolean() ? "x" : "y");
    }
    if (random.nextInt(3) > 0) {
      a.set("flag", json(random.nextInt(4) == 0 ? "yes" : random.nextBoolean()));
    }
    return a;
  }

  private static JsonNode json(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v instanceof Long l) {
      return f.numberNode(l);
    }
    if (v instanceof Double d) {
      return f.numberNode(d);
    }
    if (v instanceof Boolean b) {
      return f.booleanNode(b);
    }
    return f.textNode((String) v);
  }

  static ActionRequest randomRequest(Random random) {
    Fixtures.Req b = req(CLASSES.get(random.nextInt(CLASSES.size())));
    if (random.nextBoolean()) {
      b.also(CLASSES.get(random.nextInt(CLASSES.size())));
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      b.tag(WORDS.get(random.nextInt(WORDS.size())));
    }
    for (int i = random.nextInt(2); i > 0; i--) {
      b.label(WORDS.get(random.nextInt(WORDS.size())));
    }
    for (int i = random.nextInt(4); i > 0; i--) {
      b.path(PATHS[random.nextInt(PATHS.length)]);
    }
    for (int i = random.nextInt(3); i > 0; i--) {
      b.target("url", URLS[random.nextInt(URLS.length)]);
    }
    if (random.nextInt(3) == 0) {
      b.target("domain", random.nextBoolean() ? "github.com" : "Evil.Example");
    }
    if (random.nextInt(3) == 0) {
      b.target("branch", List.of("main", "release/1", "feature/x").get(random.nextInt(3)));
    }
    switch (random.nextInt(4)) {
      case 0 -> b.noContext();
      case 1 -> b.noContext().context("cwd", "/work/project");
      default -> {}
    }
    if (random.nextInt(3) == 0) {
      b.principal(
          new Principal(
              Optional.of("ann"),
              Optional.empty(),
              Optional.empty(),
              Optional.of("s"),
              Optional.empty(),
              List.of()));
    }
    if (random.nextInt(4) == 0) {
      b.tool("Bash");
    }
    if (random.nextInt(5) > 0) {
      b.arguments(randomArguments(random));
    }
    return b.build();
  }
}

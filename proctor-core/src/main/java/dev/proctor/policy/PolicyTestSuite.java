package dev.proctor.policy;

import static java.util.Objects.requireNonNull;

import dev.proctor.yaml.YamlFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A file of policy test cases: {@code suite:} (optional name) and {@code cases:}, each {@code
 * {name, request, expect: {effect, rule}}}.
 */
public record PolicyTestSuite(String name, String file, List<PolicyTestCase> cases) {

  private static final Set<String> KEYS = Set.of("suite", "cases");
  private static final Set<String> CASE_KEYS = Set.of("name", "request", "expect");
  private static final Set<String> EXPECT_KEYS = Set.of("effect", "rule");

  public PolicyTestSuite {
    requireNonNull(name, "name is null");
    requireNonNull(file, "file is null");
    cases = List.copyOf(requireNonNull(cases, "cases is null"));
  }

  /** Parses test-suite files; every problem in any of them is reported with its position. */
  public static List<PolicyTestSuite> parse(List<PolicySource> sources) throws PolicyException {
    List<PolicyProblem> problems = new ArrayList<>();
    List<PolicyTestSuite> out = new ArrayList<>();
    for (PolicySource s : sources) {
      YamlFile file = new YamlFile(s.name(), s.text(), p -> problems.add(PolicyProblem.of(p)));
      Optional<Node> root = file.parse(PolicySource.MAX_BYTES);
      if (root.isEmpty()) {
        continue;
      }
      PolicyParser parser = new PolicyParser(file, null, new Conditions(), java.util.Map.of());
      Optional<YamlFile.Obj> top = file.object(root.get(), "a test suite", KEYS);
      if (top.isEmpty()) {
        continue;
      }
      String name =
          top.get()
              .get("suite")
              .flatMap(n -> file.nonEmptyString(n, "suite"))
              .orElse(stripExtension(s.name()));
      List<PolicyTestCase> cases = new ArrayList<>();
      top.get()
          .required("cases")
          .flatMap(n -> file.list(n, "cases"))
          .ifPresent(
              items -> {
                for (Node item : items) {
                  file.object(item, "a test case", CASE_KEYS)
                      .ifPresent(
                          c -> {
                            Optional<YamlFile.Obj> expect =
                                c.required("expect")
                                    .flatMap(e -> file.object(e, "expect", EXPECT_KEYS));
                            if (expect.isEmpty()) {
                              return;
                            }
                            parser
                                .testCase(
                                    c,
                                    item,
                                    expect.get().required("effect"),
                                    expect.get().get("rule"),
                                    "test case")
                                .ifPresent(cases::add);
                          });
                }
              });
      out.add(new PolicyTestSuite(name, s.name(), cases));
    }
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    return out;
  }

  private static String stripExtension(String name) {
    int slash = name.lastIndexOf('/');
    String base = name.substring(slash + 1);
    int dot = base.indexOf('.');
    return dot > 0 ? base.substring(0, dot) : base;
  }
}

package dev.proctor.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.action.Target;
import dev.proctor.action.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Database tools mapped with {@code sql:} are classified by their SQL's parse tree ({@code
 * sql-corpus.txt}); tools mapped with {@code class_by} take their class from an argument's value.
 */
class SqlClassifierTest {

  private static final String TAXONOMY =
      """
      tools:
        warehouse_query:
          sql: /query
          targets: [{kind: database, pointer: /database}]
        crm:
          class_by:
            pointer: /operation
            values: {lookup: connector.read, update_contact: connector.write, export: data.export}
        payments:
          class_by:
            pointer: /action
            values: {quote: connector.read, refund: payment}
            default: connector.write
          targets: [{kind: amount, pointer: /amount}, {kind: recipient, pointer: /to}]
      """;

  private static ToolClassifier classifier() throws TaxonomyException {
    return new ToolClassifier(Taxonomy.parse(TAXONOMY, "taxonomy.yaml"), List.of());
  }

  private static Classification classify(String tool, String key, String value)
      throws TaxonomyException {
    var args = JsonNodeFactory.instance.objectNode().put(key, value);
    return classifier()
        .classify(
            new ToolCall(
                Principal.agentSession("a", "s"),
                "api",
                tool,
                "",
                args,
                Optional.empty(),
                Set.of(),
                java.util.Map.of()));
  }

  @TestFactory
  Stream<DynamicTest> classify_sqlCorpus_classTagsAndTables() throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("sql-corpus.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String[]> rows =
        text.lines()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .map(l -> Arrays.stream(l.split("\\|", 4)).map(String::strip).toArray(String[]::new))
            .toList();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(25);
    return rows.stream()
        .map(
            r ->
                DynamicTest.dynamicTest(
                    r[3],
                    () -> {
                      Classification c = classify("warehouse_query", "query", r[3]);
                      assertThat(c.actionClass()).as(c.toString()).isEqualTo(r[0]);
                      if (!r[1].equals("-")) {
                        assertThat(c.tags()).as(c.toString()).contains(r[1].split(","));
                      }
                      List<String> tables =
                          c.targets().stream()
                              .filter(t -> t.kind() == Target.Kind.TABLE)
                              .map(Target::value)
                              .sorted()
                              .toList();
                      List<String> expected =
                          r[2].equals("-")
                              ? List.of()
                              : Arrays.stream(r[2].split(",")).sorted().toList();
                      assertThat(tables).as(c.toString()).isEqualTo(expected);
                    }));
  }

  @Test
  void classify_sqlNotText_worstClass() throws Exception {
    var args = JsonNodeFactory.instance.objectNode().put("query", 7);
    Classification c =
        classifier()
            .classify(
                new ToolCall(
                    Principal.ANONYMOUS,
                    "api",
                    "warehouse_query",
                    "",
                    args,
                    Optional.empty(),
                    Set.of(),
                    java.util.Map.of()));
    assertThat(c.actionClass()).isEqualTo("shell.unparseable");
  }

  @Test
  void classify_classBy_valueChoosesTheClass() throws Exception {
    assertThat(classify("crm", "operation", "lookup").actionClass()).isEqualTo("connector.read");
    assertThat(classify("crm", "operation", "export").actionClass()).isEqualTo("data.export");
    // A value the table does not list: the riskiest class of the table, never tool.call.
    assertThat(classify("crm", "operation", "merge_contacts").actionClass())
        .isEqualTo("data.export");
    assertThat(classify("payments", "action", "void").actionClass()).isEqualTo("connector.write");
    assertThat(classify("payments", "action", "refund").actionClass()).isEqualTo("payment");
  }

  @Test
  void classify_amountTarget_numbersOnly() throws Exception {
    var args = JsonNodeFactory.instance.objectNode().put("action", "refund").put("amount", 250.5);
    args.putArray("to").add("ann@example.com").add("bo@example.com");
    Classification c =
        classifier()
            .classify(
                new ToolCall(
                    Principal.ANONYMOUS,
                    "api",
                    "payments",
                    "",
                    args,
                    Optional.empty(),
                    Set.of(),
                    java.util.Map.of()));
    assertThat(c.targets())
        .contains(
            new Target(Target.Kind.AMOUNT, "250.5"),
            new Target(Target.Kind.RECIPIENT, "ann@example.com"),
            new Target(Target.Kind.RECIPIENT, "bo@example.com"));
    assertThat(classify("payments", "amount", "lots").actionClass()).isEqualTo("shell.unparseable");
  }
}

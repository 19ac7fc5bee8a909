package dev.proctor.bench;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.Principal;
import dev.proctor.action.Target;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.decision.Effect;
import dev.proctor.policy.Evaluation;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicySource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decision time against policy size: generated policies of 100, 1,000 and 10,000 rules, each rule
 * bound to one class and one tool with its own path condition, and a request that hits one rule in
 * the index. With indexing the time stays flat; a scan would grow a hundredfold.
 *
 * <p>Run: {@code java -jar proctor-bench/target/benchmarks.jar PolicyScaleBenchmark -f 1 -wi 3 -w
 * 2s -i 5 -r 2s -bm sample -tu us}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PolicyScaleBenchmark {

  private static final String[] CLASSES = {"fs.read", "fs.write", "net.fetch", "vcs.push"};

  /** How many rules the generated policy has. */
  @Param({"100", "1000", "10000"})
  public int rules;

  private Policy policy;
  private ActionRequest request;

  /** Generates and loads the policy, and builds a request for a rule near the end. */
  @Setup
  public void setUp() throws PolicyException, TaxonomyException {
    long start = System.nanoTime();
    policy = BenchFixtures.loader().load(generated(rules));
    System.out.printf(
        "%nloaded %d rules in %d ms%n", rules, (System.nanoTime() - start) / 1_000_000);
    int hit = rules - 10;
    request = request(CLASSES[hit % CLASSES.length], "tool-" + hit, "/data/" + hit + "/file");
    Evaluation e = policy.evaluate(request);
    if (e.decision().effect() != Effect.ALLOW
        || !e.decision().ruleIds().equals(List.of("rule-" + hit))) {
      throw new IllegalStateException("the request should hit rule-" + hit + ": " + e);
    }
  }

  /** Evaluates the request. */
  @Benchmark
  public Evaluation evaluate() {
    return policy.evaluate(request);
  }

  /** A policy of generated rules, in files of 1,000 (each file stays under the size limit). */
  static List<PolicySource> generated(int count) {
    List<PolicySource> files = new ArrayList<>();
    files.add(PolicySource.of("policy.yaml", "policy: {id: scale, version: 1}\n"));
    for (int start = 0; start < count; start += 1000) {
      StringBuilder y = new StringBuilder("rules:\n");
      for (int i = start; i < Math.min(count, start + 1000); i++) {
        y.append("  - id: rule-").append(i).append('\n');
        y.append("    match: {class: ").append(CLASSES[i % CLASSES.length]);
        y.append(", tool: tool-").append(i).append("}\n");
        y.append("    when: 'paths.exists(p, p.inside(\"/data/").append(i).append("\"))'\n");
        y.append("    effect: ").append(i % 2 == 0 ? "allow" : "deny").append('\n');
      }
      files.add(PolicySource.of(String.format("rules-%05d.yaml", start), y.toString()));
    }
    return files;
  }

  private static ActionRequest request(String actionClass, String tool, String path) {
    return new ActionRequest(
        "bench",
        Instant.EPOCH,
        Principal.agentSession("agent", "s1"),
        "api",
        tool,
        tool,
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode(),
        new Classification(
            actionClass, Set.of(actionClass), List.of(Target.path(path)), Set.of(), Set.of()),
        Set.of(),
        Map.of("cwd", "/data"));
  }
}

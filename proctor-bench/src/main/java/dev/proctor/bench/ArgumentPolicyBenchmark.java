package dev.proctor.bench;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.decision.Effect;
import dev.proctor.policy.Evaluation;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyLoader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * Decision time under the generated 78-rule, argument-heavy policy of {@link ArgumentPolicy}: ten
 * candidate rules per request, conditions on roles, trust, amounts and recipient or host lists.
 * Each invocation decides the next of 64 classified requests (all eight tools, in turn), so the
 * figure is the time of one decision, averaged over the mix.
 *
 * <p>Run: {@code java -jar proctor-bench/target/benchmarks.jar ArgumentPolicyBenchmark -f 1 -wi 3
 * -w 2s -i 5 -r 2s -bm sample -tu us}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class ArgumentPolicyBenchmark {

  /** The generator's seed. */
  @Param({"6"})
  public long seed;

  private Policy policy;
  private ActionRequest[] requests;
  private int next;

  /** Generates and loads the policy and classifies the requests. */
  @Setup
  public void setUp() throws PolicyException, TaxonomyException {
    Function<ToolCall, ActionRequest> pipeline = BenchFixtures.pipeline();
    policy = new PolicyLoader(BenchFixtures.catalog(), pipeline).load(ArgumentPolicy.policy(seed));
    List<ActionRequest> out = new ArrayList<>();
    Map<Effect, Integer> effects = new EnumMap<>(Effect.class);
    int candidates = 0;
    for (ToolCall call : ArgumentPolicy.calls(seed, 64)) {
      ActionRequest request = pipeline.apply(call);
      Evaluation e = policy.evaluate(request);
      if (e.decision().reason().contains("could not be evaluated")) {
        throw new IllegalStateException("a condition failed: " + e.decision().reason());
      }
      effects.merge(e.decision().effect(), 1, Integer::sum);
      candidates += e.candidates();
      out.add(request);
    }
    requests = out.toArray(new ActionRequest[0]);
    System.out.printf(
        "%n%d rules, %d requests, %.1f candidates per request, effects %s%n",
        policy.rules().size(), requests.length, candidates / (double) requests.length, effects);
  }

  /** Decides the next request. */
  @Benchmark
  public Evaluation evaluate() {
    ActionRequest r = requests[next];
    next = (next + 1) & 63;
    return policy.evaluate(r);
  }
}

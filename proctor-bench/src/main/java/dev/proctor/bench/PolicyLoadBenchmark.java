package dev.proctor.bench;

import dev.proctor.classify.TaxonomyException;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyLoader;
import dev.proctor.policy.PolicySource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a generated policy (the rules of {@link PolicyScaleBenchmark}, each with its own
 * condition text, so nothing is shared between rules): parse, validate, compile every condition,
 * index. Compiling dominates.
 *
 * <p>Run: {@code java -jar proctor-bench/target/benchmarks.jar PolicyLoadBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PolicyLoadBenchmark {

  /** How many rules the generated policy has. */
  @Param({"1000", "10000"})
  public int rules;

  private List<PolicySource> sources;
  private PolicyLoader loader;

  /** Generates the policy text. */
  @Setup
  public void setUp() throws PolicyException, TaxonomyException {
    sources = PolicyScaleBenchmark.generated(rules);
    loader = BenchFixtures.loader();
  }

  /** Loads it. */
  @Benchmark
  public Policy load() throws PolicyException {
    return loader.load(sources);
  }
}

package dev.proctor.bench;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.Classifier;
import dev.proctor.mediate.Gateway;
import dev.proctor.mediate.Mediation;
import dev.proctor.policy.Policies;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import java.time.Clock;
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
 * One Claude Code Bash call through the whole decision path under the default pack: classify, build
 * the action request, evaluate the policy. {@link #policyOnly} isolates the policy's share.
 *
 * <p>Run: {@code java -jar proctor-bench/target/benchmarks.jar DecisionBenchmark -f 1 -wi 3 -w 2s
 * -i 5 -r 2s -bm sample -tu us}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class DecisionBenchmark {

  /** The Bash command: a compound build command without file targets, or a file read. */
  @Param({"git status && mvn -q test", "cat src/main/App.java"})
  public String command;

  private Gateway gateway;
  private Policy policy;
  private ToolCall call;
  private ActionRequest request;

  /** Loads the default pack and prepares the call. */
  @Setup
  public void setUp() throws PolicyException {
    Classifier classifier = BenchFixtures.FIXED;
    policy = Policies.defaultPack(BenchFixtures.catalog(), BenchFixtures.pipeline(classifier));
    gateway = new Gateway(classifier, policy::decide, policy::digest, Clock.systemUTC());
    call = BenchFixtures.bash(command);
    request = BenchFixtures.pipeline(classifier).apply(call);
    if (!gateway.mediate(call).decision().effect().wireName().equals("allow")) {
      throw new IllegalStateException("the benchmark call should be allowed");
    }
  }

  /** Classify, build the request, decide. */
  @Benchmark
  public Mediation gateway() {
    return gateway.mediate(call);
  }

  /** Only the policy evaluation of an already classified request. */
  @Benchmark
  public Object policyOnly() {
    return policy.evaluate(request);
  }
}

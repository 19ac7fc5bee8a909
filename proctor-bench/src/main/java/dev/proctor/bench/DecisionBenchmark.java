package dev.proctor.bench;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;
import dev.proctor.mediate.Gateway;
import dev.proctor.mediate.Mediation;
import dev.proctor.mediate.RequestBuilder;
import dev.proctor.policy.Evaluation;
import dev.proctor.policy.Policies;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
import dev.proctor.policy.PolicyLoader;
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
 * One Claude Code Bash call through the whole decision path under the default pack, wired as the
 * CLI wires it: shell parsing and classification, building the action request, evaluating the
 * policy ({@link #gateway}). {@link #classify} and {@link #policyOnly} show the two shares.
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

  /**
   * The Bash command: a compound build command without file targets, a file read (its path runs
   * through the secret, self-protection and project conditions), and a pipeline.
   */
  @Param({"git status && mvn -q test", "cat src/main/App.java", "grep -rn TODO src | head -20"})
  public String command;

  private Gateway gateway;
  private RequestBuilder requests;
  private Policy policy;
  private ToolCall call;
  private ActionRequest request;

  /** Loads the default pack and prepares the call. */
  @Setup
  public void setUp() throws PolicyException {
    requests = BenchFixtures.requests();
    policy =
        new PolicyLoader(BenchFixtures.catalog(), requests).load(Policies.defaultPackPolicyFiles());
    gateway = new Gateway(requests, policy::decide, policy::digest);
    call = BenchFixtures.bash(command);
    request = requests.apply(call);
    Mediation m = gateway.mediate(call);
    System.out.printf(
        "%n%s: classes %s, targets %s -> %s by %s%n",
        command,
        m.request().classification().classes(),
        m.request().classification().targets(),
        m.decision().effect().wireName(),
        m.decision().ruleIds());
  }

  /** Classify, build the request, decide. */
  @Benchmark
  public Mediation gateway() {
    return gateway.mediate(call);
  }

  /** Only the classification (shell parsing included). */
  @Benchmark
  public Classification classify() {
    return requests.classify(call);
  }

  /** Only the policy evaluation of an already classified request. */
  @Benchmark
  public Evaluation policyOnly() {
    return policy.evaluate(request);
  }
}

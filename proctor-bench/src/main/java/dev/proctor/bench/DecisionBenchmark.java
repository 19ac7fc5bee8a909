package dev.proctor.bench;

import dev.proctor.Mediation;
import dev.proctor.Mediator;
import dev.proctor.Proctor;
import dev.proctor.action.ActionRequest;
import dev.proctor.action.Classification;
import dev.proctor.action.ToolCall;
import dev.proctor.classify.TaxonomyException;
import dev.proctor.classify.ToolClassifier;
import dev.proctor.policy.Evaluation;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyException;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * One Claude Code Bash call through the whole decision path under the default pack, wired as the
 * hook wires it: {@link #preview} classifies (shell parsing included), builds the action request
 * and evaluates the policy; {@link #mediate} also records the decision (an in-memory log, so the
 * figure is the path without disk: the queue hand-off to the log's writer thread and back); {@link
 * #classify} and {@link #policyOnly} show the two shares of the preview.
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

  private Proctor proctor;
  private Mediator mediator;
  private ToolClassifier classifier;
  private Policy policy;
  private ToolCall call;
  private ActionRequest request;

  /** Loads the default pack and prepares the call. */
  @Setup
  public void setUp() throws PolicyException, TaxonomyException {
    proctor = BenchFixtures.proctor();
    mediator = proctor.mediator();
    classifier = BenchFixtures.classifier();
    policy = proctor.policy();
    call = BenchFixtures.bash(command);
    Mediation m = mediator.preview(call);
    request = m.request();
    System.out.printf(
        "%n%s: classes %s, targets %s -> %s by %s%n",
        command,
        m.request().classification().classes(),
        m.request().classification().targets(),
        m.decision().kind().wireName(),
        m.decision().ruleIds());
  }

  /** Closes the log. */
  @TearDown
  public void tearDown() {
    proctor.close();
  }

  /** Classify, build the request, decide: what the hook decides, before recording. */
  @Benchmark
  public Mediation preview() {
    return mediator.preview(call);
  }

  /** Decide and record in the in-memory log, waiting until the receipts are written. */
  @Benchmark
  public Mediation mediate() {
    return mediator.mediate(call);
  }

  /** Only the classification (shell parsing included). */
  @Benchmark
  public Classification classify() {
    return classifier.classify(call);
  }

  /** Only the policy evaluation of an already classified request. */
  @Benchmark
  public Evaluation policyOnly() {
    return policy.evaluate(request);
  }
}

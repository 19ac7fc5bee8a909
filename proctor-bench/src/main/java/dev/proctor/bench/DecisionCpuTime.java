package dev.proctor.bench;

import dev.proctor.action.ActionRequest;
import dev.proctor.action.ToolCall;
import dev.proctor.policy.Policies;
import dev.proctor.policy.Policy;
import dev.proctor.policy.PolicyLoader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * CPU time per decision, for a shared machine: JMH's sample mode times wall-clock intervals, which
 * include the time the thread waits for a core when other processes are busy; this counts only the
 * thread's own CPU time. It decides the requests in turn in batches of 10,000, after a warm-up, and
 * prints the median, minimum and maximum of the batch means in ns per decision.
 *
 * <p>Run: {@code java -cp proctor-bench/target/benchmarks.jar dev.proctor.bench.DecisionCpuTime
 * argument|bash [SECONDS]}.
 */
public final class DecisionCpuTime {

  private DecisionCpuTime() {}

  /**
   * Measures one policy: {@code argument} (the generated policy) or {@code bash} (default pack).
   */
  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "argument";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Function<ToolCall, ActionRequest> pipeline = BenchFixtures.pipeline();
    PolicyLoader loader = new PolicyLoader(BenchFixtures.catalog(), pipeline);
    Policy policy;
    List<ToolCall> calls = new ArrayList<>();
    if (which.equals("bash")) {
      policy = loader.load(Policies.defaultPackPolicyFiles());
      for (String c :
          List.of(
              "git status && mvn -q test",
              "cat src/main/App.java",
              "grep -rn TODO src | head -20")) {
        calls.add(BenchFixtures.bash(c));
      }
    } else {
      policy = loader.load(ArgumentPolicy.policy(6));
      calls.addAll(ArgumentPolicy.calls(6, 64));
    }
    ActionRequest[] requests = calls.stream().map(pipeline).toArray(ActionRequest[]::new);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Double> batches = new ArrayList<>();
    int warmup = 100;
    long sink = 0;
    while (System.nanoTime() < end || batches.size() < 5) {
      long start = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < 10_000; i++) {
        sink += policy.evaluate(requests[i % requests.length]).candidates();
      }
      double perDecision = (mx.getCurrentThreadCpuTime() - start) / 10_000.0;
      if (warmup > 0) {
        warmup--;
      } else {
        batches.add(perDecision);
      }
    }
    double[] b = batches.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(
        "%s: %d batches, CPU ns per decision: median %.0f, min %.0f, max %.0f (%d)%n",
        which, b.length, b[b.length / 2], b[0], b[b.length - 1], sink % 10);
    System.out.println(Arrays.toString(Arrays.copyOf(b, Math.min(5, b.length))));
  }
}

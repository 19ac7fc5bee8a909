package dev.proctor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyWatcherTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final String V1 =
      "policy: {id: w, version: 1}\nrules:\n  - {id: r, match: {class: fs.read}, effect: allow}\n";
  private static final String V2 =
      "policy: {id: w, version: 2}\nrules:\n  - {id: r, match: {class: fs.read}, effect: deny}\n";

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }

  @Test
  void watch_validChange_swapsIn_invalidChange_keepsPrevious(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), V1);
    List<PolicyWatcher.Reload> reloads = new CopyOnWriteArrayList<>();
    try (PolicyWatcher w =
        PolicyWatcher.start(dir, Fixtures.loader(), CLOCK, Duration.ofMillis(50), reloads::add)) {
      assertThat(w.current().version()).isEqualTo("1");

      Files.writeString(dir.resolve("policy.yaml"), V2);
      await(() -> w.current().version().equals("2"));
      assertThat(reloads.get(reloads.size() - 1).loaded()).isTrue();
      String good = w.current().digest();

      int before = reloads.size();
      Files.writeString(dir.resolve("policy.yaml"), V2.replace("effect: deny", "effect: nope"));
      await(() -> reloads.size() > before && !reloads.get(reloads.size() - 1).loaded());
      PolicyWatcher.Reload refused = reloads.get(reloads.size() - 1);
      assertThat(refused.time()).isEqualTo(CLOCK.instant());
      assertThat(refused.problems())
          .extracting(PolicyProblem::toString)
          .anyMatch(s -> s.startsWith("policy.yaml:3:46: unknown effect 'nope'"));
      assertThat(w.current().digest()).isEqualTo(good);
    }
  }

  @Test
  void reload_failingExpect_keepsPrevious(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), V1);
    try (PolicyWatcher w =
        PolicyWatcher.start(dir, Fixtures.loader(), CLOCK, Duration.ofMillis(50), r -> {})) {
      Files.writeString(
          dir.resolve("policy.yaml"),
          V2
              + "expect:\n  - {name: reads ok, request: {tool: Read, class: fs.read}, effect: allow}\n");
      PolicyWatcher.Reload r = w.reload();
      assertThat(r.loaded()).isFalse();
      assertThat(r.problems().get(0).message()).contains("expect 'reads ok' failed");
      assertThat(w.current().version()).isEqualTo("1");
    }
  }

  @Test
  void start_invalidDirectory_fails(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "policy: [");
    assertThatThrownBy(
            () ->
                PolicyWatcher.start(dir, Fixtures.loader(), CLOCK, Duration.ofMillis(50), r -> {}))
        .isInstanceOf(PolicyException.class);
  }

  @Test
  void watch_baselineEdited_reloads_baselineMoved_isRefused(@TempDir Path tmp) throws Exception {
    Path org = Files.createDirectories(tmp.resolve("org"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    Path team = Files.createDirectories(tmp.resolve("team"));
    Files.writeString(org.resolve("policy.yaml"), "policy: {id: org, version: 1}\nrules: []\n");
    Files.writeString(other.resolve("policy.yaml"), "policy: {id: other, version: 1}\nrules: []\n");
    String teamPolicy = V1.replace("version: 1}", "version: 1, extends: ../org}");
    Files.writeString(team.resolve("policy.yaml"), teamPolicy);
    List<PolicyWatcher.Reload> reloads = new CopyOnWriteArrayList<>();
    try (PolicyWatcher w =
        PolicyWatcher.start(team, Fixtures.loader(), CLOCK, Duration.ofMillis(50), reloads::add)) {
      Files.writeString(org.resolve("policy.yaml"), "policy: {id: org, version: 2}\nrules: []\n");
      await(() -> w.current().baseline().orElseThrow().version().equals("2"));
      String good = w.current().digest();

      int before = reloads.size();
      Files.writeString(team.resolve("policy.yaml"), teamPolicy.replace("../org", "../other"));
      await(() -> reloads.size() > before && !reloads.get(reloads.size() - 1).loaded());

      String was = "the baseline chain changed from [" + org.toRealPath();
      assertThat(reloads.get(reloads.size() - 1).problems())
          .extracting(PolicyProblem::message)
          .anyMatch(m -> m.startsWith(was));
      assertThat(w.current().digest()).isEqualTo(good);
    }
  }
}

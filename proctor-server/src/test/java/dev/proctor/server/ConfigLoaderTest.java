package dev.proctor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  static final Path BASE = Path.of("/etc/proctor");

  static ServerConfig parse(String text) throws ConfigException {
    return ConfigLoader.parse("proctor.yaml", BASE, text);
  }

  @Test
  void empty_isTheEmbeddedDefault() throws Exception {
    assertThat(parse("")).isEqualTo(ServerConfig.defaults());
    assertThat(ServerConfig.defaults().listen())
        .isEqualTo(new ServerConfig.Listen("127.0.0.1", 8765));
  }

  @Test
  void everyKey_isRead_withTypedDurationsSizesAndRelativePaths() throws Exception {
    ServerConfig c =
        parse(
            String.join(
                "\n",
                "listen: 0.0.0.0:9000",
                "tls: {key_store: tls/proctor.p12, password_file: tls/password}",
                "data_dir: data",
                "policy_dir: /srv/policy",
                "taxonomy: taxonomy.yaml",
                "watch_policy: false",
                "witnesses: [{url: 'https://witness.example:8443', public_key: witness.pem}]",
                "limits: {max_body: 256KiB, max_header: 8KiB, idle_timeout: 20s, header_timeout: 5s,",
                "  min_body_rate: 512, max_connections: 100, threads: 16, max_batch: 10, max_feed_subscribers: 4}",
                "decisions: {deadline: 1s, hook_deadline: 3s}",
                "approvals: {hook_wait: 2s, max_wait: 30s, sweep: 500ms}",
                "sessions: {idle: 10m, absolute: 8h, login_failures: 3, login_window: 5m}",
                "allowed_hosts: [proctor.internal:9000]",
                "allowed_origins: ['https://proctor.internal']",
                ""));
    assertThat(c.listen()).isEqualTo(new ServerConfig.Listen("0.0.0.0", 9000));
    assertThat(c.tls().orElseThrow().keyStore()).isEqualTo(BASE.resolve("tls/proctor.p12"));
    assertThat(c.dataDir()).contains(BASE.resolve("data"));
    assertThat(c.policyDir()).contains(Path.of("/srv/policy"));
    assertThat(c.watchPolicy()).isFalse();
    assertThat(c.witnesses()).hasSize(1);
    assertThat(c.limits().maxBodyBytes()).isEqualTo(256 * 1024);
    assertThat(c.limits().maxHeaderBytes()).isEqualTo(8 * 1024);
    assertThat(c.limits().headerTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.limits().threads()).isEqualTo(16);
    assertThat(c.decisions().hookDeadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.approvals())
        .isEqualTo(
            new ServerConfig.Approvals(
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(500)));
    assertThat(c.sessions().loginFailures()).isEqualTo(3);
    assertThat(c.allowedHosts()).containsExactly("proctor.internal:9000");
  }

  @Test
  void problems_nameFileLineColumnKeyAndValue_allAtOnce() {
    assertThatThrownBy(
            () ->
                parse(
                    String.join(
                        "\n",
                        "listen: nowhere",
                        "limits:",
                        "  idle_timeout: forever",
                        "  max_body: 10 apples",
                        "sesions: {}",
                        "")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "proctor.yaml:1:9: listen: expected HOST:PORT, was 'nowhere'",
                        "proctor.yaml:3:17: limits.idle_timeout: expected a positive duration such as 500ms, 30s, 15m, 2h or 1d (was 'forever')",
                        "proctor.yaml:4:13: limits.max_body: expected a size such as 512, 16KiB, 1MiB (was '10 apples')",
                        "proctor.yaml:5:1: sesions: unknown key; expected one of [allowed_hosts, allowed_origins, approvals, data_dir, database, decisions, limits, listen, policy_dir, sessions, taxonomy, tls, watch_policy, witnesses]"));
  }

  @Test
  void deadlines_theDecisionMustFitInsideTheHookDeadline() {
    assertThatThrownBy(() -> parse("decisions: {deadline: 9s, hook_deadline: 5s}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("decisions.deadline");
  }

  @Test
  void hookWait_mustBeShorterThanTheHookDeadline_namingBothKeys() {
    assertThatThrownBy(() -> parse("decisions: {hook_deadline: 5s}\napprovals: {hook_wait: 5s}\n"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "proctor.yaml:1:1: approvals.hook_wait: approvals.hook_wait (5s) must be"
                            + " shorter than decisions.hook_deadline (5s), which must itself stay"
                            + " below the harness's hook timeout"));
    assertThatThrownBy(() -> parse("decisions: {hook_deadline: 3s}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("approvals.hook_wait (4s) must be shorter");
    assertThatThrownBy(() -> parse("approvals: {hook_wait: -1s}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("approvals.hook_wait");
  }

  @Test
  void yaml_aliasesAndMalformedText_areRefused() {
    assertThatThrownBy(() -> parse("a: &x 1\nlisten: *x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("anchors and aliases are not allowed");
    assertThatThrownBy(() -> parse("listen: [\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid YAML");
    assertThatThrownBy(() -> parse("threads: 1\nthreads: 2\n")).isInstanceOf(ConfigException.class);
  }
}

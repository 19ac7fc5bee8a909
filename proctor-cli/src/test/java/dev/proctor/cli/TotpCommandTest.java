package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.approval.Totp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proctor users totp-enroll} and {@code proctor approvals approve --totp}, run as the
 * command line on a data directory: enrol, confirm with a first code, then approve a step-up action
 * with a fresh code; a missing or replayed code is refused.
 */
class TotpCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";
  private static final String POLICY =
      "policy: {id: totp-cli, version: 1, description: step-up on the command line}\n"
          + "rules:\n"
          + "  - id: payout\n"
          + "    match: {tool: payout}\n"
          + "    effect: ask\n"
          + "    approval: {groups: [approvers], answered_at: proctor, step_up: totp}\n";

  @TempDir Path dir;
  private String data;
  private Path policy;
  private Path password;

  @BeforeEach
  void setUp() throws Exception {
    data = dir.resolve("data").toString();
    policy = dir.resolve("policy");
    Files.createDirectories(policy);
    Files.writeString(policy.resolve("policy.yaml"), POLICY);
    password = dir.resolve("password");
    Files.writeString(password, PASSWORD + "\n");
    CliRun r =
        CliRun.run(
            PASSWORD + "\n", "users", "add", "dana", "--role", "approver", "--data-dir", data);
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  private static String code(byte[] secret, int offset) {
    return Totp.DEFAULT.code(secret, Totp.DEFAULT.step(Instant.now()) + offset);
  }

  private String hold() throws Exception {
    CliRun r =
        CliRun.run(
            "{\"tool\":\"payout\",\"arguments\":{\"amount\":9},\"principal\":{\"agent\":\"claude\"}}",
            "check",
            "--policy",
            policy.toString(),
            "--data-dir",
            data);
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("decision").asText()).as(r.out() + r.err()).isEqualTo("require_approval");
    return out.get("requestId").asText();
  }

  private CliRun approve(String id, String... more) {
    String[] base = {
      "approvals",
      "approve",
      id,
      "--user",
      "dana",
      "--password-file",
      password.toString(),
      "--data-dir",
      data
    };
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CliRun.run("", all);
  }

  @Test
  void enrolConfirmApprove_withFreshCode_approvesAndPrintsTheToken_replayIsRefused()
      throws Exception {
    CliRun enrol = CliRun.run("", "users", "totp-enroll", "dana", "--data-dir", data);
    assertThat(enrol.exitCode()).as(enrol.err()).isZero();
    String uri = enrol.out().strip();
    assertThat(uri).startsWith("otpauth://totp/Proctor:dana?secret=").endsWith("&issuer=Proctor");
    byte[] secret = Totp.fromBase32(uri.substring(uri.indexOf("secret=") + 7, uri.indexOf('&')));

    String id = hold();
    CliRun pending = approve(id, "--totp", code(secret, 0));
    assertThat(pending.exitCode()).isNotZero();
    assertThat(pending.err()).contains("step-up-required", "no active TOTP authenticator");

    assertThat(
            CliRun.run("", "users", "totp-enroll", "dana", "--code", "000000x", "--data-dir", data)
                .exitCode())
        .isEqualTo(1);
    CliRun confirm =
        CliRun.run(
            "", "users", "totp-enroll", "dana", "--code", code(secret, -1), "--data-dir", data);
    assertThat(confirm.exitCode()).as(confirm.err()).isZero();

    CliRun without = approve(id);
    assertThat(without.exitCode()).isNotZero();
    assertThat(without.err()).contains("step-up-required");

    String fresh = code(secret, 0);
    CliRun ok = approve(id, "--totp", fresh);
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("it is now approved", "approval token: pat1.");

    CliRun replay = approve(hold(), "--totp", fresh);
    assertThat(replay.exitCode()).isNotZero();
    assertThat(replay.err()).contains("step-up-failed");
  }

  @Test
  void enrol_unknownUser_isRefused() {
    CliRun r = CliRun.run("", "users", "totp-enroll", "nobody", "--data-dir", data);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("no user nobody");
  }
}

package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.store.DataDirectory;
import dev.proctor.store.jdbc.SqliteLogStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proctor approvals} and {@code proctor login}, run as the command line: on the local store
 * (the data directory's SQLite), where the voter logs in against the identity store, and on a real
 * {@code proctor serve} process with the session {@code login} stored.
 */
class ApprovalsCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";
  private static final String POLICY =
      "policy: {id: approvals-cli, version: 1, description: approvals on the command line}\n"
          + "rules:\n"
          + "  - id: deploy-prod\n"
          + "    match: {tool: deploy}\n"
          + "    effect: ask\n"
          + "    reason: production deploys need two people\n"
          + "    approval: {groups: [approvers], quorum: 2, expiry: 1h, answered_at: proctor}\n";

  @TempDir Path dir;
  private Path data;
  private Path policy;
  private Path password;

  @BeforeEach
  void setUp() throws Exception {
    data = dir.resolve("data");
    policy = dir.resolve("policy");
    Files.createDirectories(policy);
    Files.writeString(policy.resolve("policy.yaml"), POLICY);
    password = dir.resolve("password");
    Files.writeString(password, PASSWORD + "\n");
    for (String[] u :
        new String[][] {
          {"dana", "approver"},
          {"erin", "approver"},
          {"olga", "approver"},
          {"sam", "approver"},
          {"oscar", "operator"}
        }) {
      CliRun r =
          CliRun.run(
              PASSWORD + "\n", "users", "add", u[0], "--role", u[1], "--data-dir", data.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
    }
  }

  /** Holds an action through {@code proctor check}: agent claude, owned by olga, sam's session. */
  private String hold(String command) throws Exception {
    CliRun r =
        CliRun.run(
            "{\"tool\":\"deploy\",\"arguments\":{\"env\":\"prod\",\"command\":\""
                + command
                + "\"},\"principal\":{\"agent\":\"claude\",\"human\":\"olga\",\"session\":\"s1\"},"
                + "\"context\":{\"session.started_by\":\"sam\"}}",
            "check",
            "--policy",
            policy.toString(),
            "--data-dir",
            data.toString());
    JsonNode out = JSON.readTree(r.out());
    assertThat(out.get("decision").asText()).as(r.out() + r.err()).isEqualTo("require_approval");
    return out.get("requestId").asText();
  }

  private CliRun approvals(String... args) {
    List<String> all = new ArrayList<>(List.of("approvals"));
    all.addAll(List.of(args));
    if (!all.contains("--server")) {
      all.add("--data-dir");
      all.add(data.toString());
    }
    return CliRun.run("", all.toArray(String[]::new));
  }

  private CliRun voteAs(String user, String verb, String id, String... more) {
    List<String> all =
        new ArrayList<>(List.of(verb, id, "--user", user, "--password-file", password.toString()));
    all.addAll(List.of(more));
    return approvals(all.toArray(String[]::new));
  }

  /** Denied receipts of a class whose JSON holds a text, in the data directory's log. */
  private long denied(String actionClass, String text) throws Exception {
    long[] n = {0};
    try (SqliteLogStore store = SqliteLogStore.open(new DataDirectory(data).database())) {
      store.scan(
          0,
          store.size(),
          e -> {
            if (e.state().equals("denied")
                && e.json().contains("\"class\":\"" + actionClass + "\"")
                && e.json().contains(text)) {
              n[0]++;
            }
          });
    }
    return n[0];
  }

  @Test
  void local_listAndShow_printTheWholeActionTheRuleAndWhy_asATableAndAsJson() throws Exception {
    String id = hold("kubectl apply -f prod.yaml");
    CliRun list = approvals("list");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("ACTION", "STATE", "VOTES", id, "approval_required", "deploy", "0/2")
        .contains("agent claude, owner olga, session s1");

    CliRun json = approvals("list", "--json");
    JsonNode a = JSON.readTree(json.out());
    assertThat(a).hasSize(1);
    assertThat(a.get(0).get("actionId").asText()).isEqualTo(id);
    assertThat(a.get(0).at("/parameters/command").asText()).isEqualTo("kubectl apply -f prod.yaml");

    CliRun show = approvals("show", id);
    assertThat(show.exitCode()).as(show.err()).isZero();
    assertThat(show.out())
        .contains("rules        deploy-prod")
        .contains("why          production deploys need two people")
        .contains("needs        2 of approvers")
        .contains("cannot vote  claude, olga, sam")
        .contains("\"command\" : \"kubectl apply -f prod.yaml\"")
        .contains("none yet");
    JsonNode shown = JSON.readTree(approvals("show", id, "--json").out());
    assertThat(shown).isEqualTo(a.get(0));

    CliRun missing = approvals("show", "no-such-action");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("refused (not-found)");
  }

  @Test
  void local_votes_nameAnAuthenticatedPerson_underSeparationOfDuties_untilTheQuorum()
      throws Exception {
    String id = hold("helm upgrade api");

    CliRun anonymous = approvals("approve", id);
    assertThat(anonymous.exitCode()).isEqualTo(1);
    assertThat(anonymous.err()).contains("refused (unauthenticated)").contains("--user");

    Path wrong = dir.resolve("wrong");
    Files.writeString(wrong, "not the password at all\n");
    CliRun badPassword =
        approvals("approve", id, "--user", "dana", "--password-file", wrong.toString());
    assertThat(badPassword.exitCode()).isEqualTo(1);
    assertThat(badPassword.err()).contains("refused (bad-credentials): wrong name or password");
    assertThat(denied("proctor.auth", "bad-credentials")).isEqualTo(1);
    CliRun nobody = voteAs("nobody", "approve", id);
    assertThat(nobody.err()).contains("bad-credentials");

    CliRun owner = voteAs("olga", "approve", id);
    assertThat(owner.exitCode()).isEqualTo(1);
    assertThat(owner.err()).contains("refused (separation-of-duties)");
    CliRun starter = voteAs("sam", "approve", id);
    assertThat(starter.err()).contains("refused (separation-of-duties)");
    CliRun operator = voteAs("oscar", "approve", id);
    assertThat(operator.err()).contains("refused (not-an-approver)");
    assertThat(denied("proctor.approval", "separation-of-duties")).isEqualTo(2);
    assertThat(denied("proctor.approval", "not-an-approver")).isEqualTo(1);

    CliRun first = voteAs("dana", "approve", id);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("dana voted approve on " + id + ": it is now approval_required");
    CliRun twice = voteAs("dana", "approve", id, "--json");
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err()).contains("refused (already-voted)");
    assertThat(approvals("list").out()).contains("1/2");

    CliRun second = voteAs("erin", "approve", id, "--json");
    assertThat(second.exitCode()).as(second.err()).isZero();
    JsonNode v = JSON.readTree(second.out());
    assertThat(v.get("state").asText()).isEqualTo("approved");
    assertThat(v.get("voter").asText()).isEqualTo("erin");
    assertThat(approvals("list").out()).contains("no held actions");
    JsonNode after = JSON.readTree(approvals("show", id, "--json").out());
    assertThat(after.get("state").asText()).isEqualTo("approved");
    assertThat(after.get("votes")).hasSize(2);

    CliRun late = voteAs("sam", "reject", id, "--reason", "too late");
    assertThat(late.err()).contains("refused (already-decided)");
  }

  @Test
  void local_reject_needsAReason_andEndsTheAction() throws Exception {
    String id = hold("drop database");
    CliRun noReason = voteAs("dana", "reject", id);
    assertThat(noReason.exitCode()).isEqualTo(2);
    assertThat(noReason.err()).contains("--reason");
    CliRun blank = voteAs("dana", "reject", id, "--reason", "  ");
    assertThat(blank.exitCode()).isEqualTo(2);
    assertThat(JSON.readTree(approvals("show", id, "--json").out()).get("votes")).isEmpty();

    CliRun no = voteAs("dana", "reject", id, "--reason", "not during the freeze");
    assertThat(no.exitCode()).as(no.err()).isZero();
    assertThat(no.out()).contains("it is now rejected");
    assertThat(approvals("show", id).out())
        .contains("dana reject at")
        .contains("not during the freeze");
  }

  /** The real command in its own JVM, with an environment of the test's choosing. */
  private static ProcessResult process(java.util.Map<String, String> env, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.proctor.cli.Main"));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    b.environment().putAll(env);
    Process p = b.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new ProcessResult(p.exitValue(), out, err);
  }

  private record ProcessResult(int exitCode, String out, String err) {}

  @Test
  void local_vote_readsThePasswordFromProctorPassword() throws Exception {
    String id = hold("kubectl scale --replicas=0");
    ProcessResult wrong =
        process(
            java.util.Map.of("PROCTOR_PASSWORD", "not the password at all"),
            "approvals",
            "approve",
            id,
            "--user",
            "dana",
            "--data-dir",
            data.toString());
    assertThat(wrong.exitCode()).as(wrong.err()).isEqualTo(1);
    assertThat(wrong.err()).contains("refused (bad-credentials)");
    ProcessResult right =
        process(
            java.util.Map.of("PROCTOR_PASSWORD", PASSWORD),
            "approvals",
            "approve",
            id,
            "--user",
            "dana",
            "--data-dir",
            data.toString());
    assertThat(right.exitCode()).as(right.err()).isZero();
    assertThat(right.out()).contains("dana voted approve on " + id);
  }

  @Test
  void embeddedHook_answersStillPendingAtOnce_andARetryAfterTheLocalVotesIsAllowed()
      throws Exception {
    String payload =
        "{\"hook_event_name\":\"PreToolUse\",\"session_id\":\"hs\",\"cwd\":\"/work/p\","
            + "\"tool_name\":\"deploy\",\"tool_input\":{\"env\":\"prod\"},"
            + "\"tool_use_id\":\"toolu_1\"}";
    String[] hook = {
      "hook", "claude-code", "--policy", policy.toString(), "--data-dir", data.toString()
    };
    CliRun first = CliRun.run(payload, hook);
    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode answer = JSON.readTree(first.out()).get("hookSpecificOutput");
    assertThat(answer.get("permissionDecision").asText()).isEqualTo("deny");
    String reason = answer.get("permissionDecisionReason").asText();
    assertThat(reason).contains("approval still pending: action claude-code/hs/toolu_1/");
    String id = JSON.readTree(approvals("list", "--json").out()).get(0).get("actionId").asText();
    assertThat(reason).contains(id);

    assertThat(voteAs("dana", "approve", id).exitCode()).isZero();
    assertThat(
            JSON.readTree(CliRun.run(payload, hook).out())
                .at("/hookSpecificOutput/permissionDecision")
                .asText())
        .isEqualTo("deny");
    assertThat(voteAs("erin", "approve", id).out()).contains("it is now approved");
    JsonNode retry = JSON.readTree(CliRun.run(payload, hook).out()).get("hookSpecificOutput");
    assertThat(retry.get("permissionDecision").asText()).isEqualTo("allow");
    assertThat(retry.get("permissionDecisionReason").asText())
        .contains("approved in Proctor by dana, erin");
    assertThat(approvals("list").out()).contains("no held actions");
  }

  @Test
  void server_loginStoresTheSessionPrivately_andVotesGoThroughTheApiAsThatPerson()
      throws Exception {
    String id = hold("terraform apply");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.proctor.cli.Main",
                "serve",
                "--data-dir",
                data.toString(),
                "--policy",
                policy.toString(),
                "--listen",
                "127.0.0.1:0")
            .redirectError(dir.resolve("err.txt").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.equals("proctor: ready")) {
          break;
        }
      }
      Matcher m =
          Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)")
              .matcher(String.join("\n", lines));
      assertThat(m.find()).as(lines.toString()).isTrue();
      String url = m.group(1);
      Path creds = dir.resolve("config").resolve("proctor").resolve("credentials.json");

      CliRun notYet =
          CliRun.run("", "approvals", "list", "--server", url, "--credentials", creds.toString());
      assertThat(notYet.exitCode()).isEqualTo(2);
      assertThat(notYet.err()).contains("not logged in to " + url);

      Path wrong = dir.resolve("wrong");
      Files.writeString(wrong, "not the password at all\n");
      CliRun refused =
          CliRun.run(
              "",
              "login",
              "--server",
              url,
              "--user",
              "dana",
              "--password-file",
              wrong.toString(),
              "--credentials",
              creds.toString());
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.err()).contains("bad-credentials");
      assertThat(creds).doesNotExist();

      for (String who : List.of("dana", "olga")) {
        CliRun login =
            CliRun.run(
                "",
                "login",
                "--server",
                url + "/",
                "--user",
                who,
                "--password-file",
                password.toString(),
                "--credentials",
                who.equals("dana") ? creds.toString() : dir.resolve("olga.json").toString());
        assertThat(login.exitCode()).as(login.err()).isZero();
        assertThat(login.out()).contains("logged in to " + url + " as " + who);
      }
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(creds.getParent())))
          .isEqualTo("rwx------");
      String stored = Files.readString(creds);
      assertThat(stored).contains("\"user\" : \"dana\"").doesNotContain(PASSWORD);

      CliRun list =
          CliRun.run("", "approvals", "list", "--server", url, "--credentials", creds.toString());
      assertThat(list.exitCode()).as(list.err()).isZero();
      assertThat(list.out()).contains(id).contains("0/2");

      CliRun asOwner =
          CliRun.run(
              "",
              "approvals",
              "approve",
              id,
              "--server",
              url,
              "--credentials",
              dir.resolve("olga.json").toString());
      assertThat(asOwner.exitCode()).isEqualTo(1);
      assertThat(asOwner.err()).contains("refused (separation-of-duties)");

      CliRun vote =
          CliRun.run(
              "", "approvals", "approve", id, "--server", url, "--credentials", creds.toString());
      assertThat(vote.exitCode()).as(vote.err()).isZero();
      assertThat(vote.out())
          .contains("dana voted approve on " + id + ": it is now approval_required");
      CliRun again =
          CliRun.run(
              "", "approvals", "approve", id, "--server", url, "--credentials", creds.toString());
      assertThat(again.err()).contains("refused (already-voted)");

      CliRun mixed =
          CliRun.run(
              "",
              "approvals",
              "approve",
              id,
              "--server",
              url,
              "--user",
              "erin",
              "--credentials",
              creds.toString());
      assertThat(mixed.exitCode()).isEqualTo(2);
      assertThat(mixed.err()).contains("the person is the one logged in");

      // The second vote on the local store, while the server runs on the same files.
      CliRun erin = voteAs("erin", "approve", id);
      assertThat(erin.exitCode()).as(erin.err()).isZero();
      assertThat(erin.out()).contains("it is now approved");
      JsonNode shown =
          JSON.readTree(
              CliRun.run(
                      "",
                      "approvals",
                      "show",
                      id,
                      "--json",
                      "--server",
                      url,
                      "--credentials",
                      creds.toString())
                  .out());
      assertThat(shown.get("state").asText()).isEqualTo("approved");
      assertThat(shown.get("votes").toString()).contains("dana").contains("erin");

      Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-r--r--"));
      CliRun exposed =
          CliRun.run("", "approvals", "list", "--server", url, "--credentials", creds.toString());
      assertThat(exposed.exitCode()).isEqualTo(2);
      assertThat(exposed.err()).contains("readable or writable by others");
    } finally {
      p.destroy();
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }
}

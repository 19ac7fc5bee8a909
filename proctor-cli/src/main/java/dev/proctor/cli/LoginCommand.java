package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code proctor login --server URL --user NAME}: logs a person in to a server ({@code POST
 * /v1/auth/login}) and stores the session — its token and CSRF token, not the password — in the
 * credentials file (mode 0600), for {@code proctor approvals --server URL}. The session ends as the
 * server's sessions do ({@code sessions.idle}, {@code sessions.absolute}); then log in again.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log in to a Proctor server and store the session for proctor approvals --server.",
      "Exit codes: 0 logged in, 1 refused by the server, 2 bad usage or unreachable."
    })
final class LoginCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL", required = true, description = "The server.")
  String server;

  @Option(names = "--user", paramLabel = "NAME", required = true, description = "Your user name.")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description = "The password's file (else $PROCTOR_PASSWORD, else a prompt).")
  Path passwordFile;

  @Option(
      names = "--credentials",
      paramLabel = "FILE",
      description =
          "Where to store the session (default: $XDG_CONFIG_HOME/proctor/credentials.json).")
  Path credentials;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      String url = Credentials.normalise(server);
      Credentials file = Credentials.at(credentials);
      String password = PersonPassword.read(passwordFile, user);
      ObjectNode body = JSON.createObjectNode().put("user", user).put("password", password);
      HttpResponse<String> r =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/v1/auth/login"))
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode answer;
      try {
        answer = ServerDesk.answer(url, r.statusCode(), r.body());
      } catch (ApprovalDesk.Refused e) {
        err.println("proctor: login refused (" + e.code + "): " + e.getMessage());
        err.flush();
        return 1;
      }
      Optional<String> token =
          r.headers().allValues("set-cookie").stream()
              .filter(c -> c.startsWith(ServerDesk.COOKIE + "="))
              .map(c -> c.substring(ServerDesk.COOKIE.length() + 1).split(";", 2)[0])
              .filter(t -> !t.isEmpty())
              .findFirst();
      if (token.isEmpty() || !answer.path("csrfToken").isTextual()) {
        err.println("proctor: the server at " + url + " answered the log-in without a session");
        err.flush();
        return 2;
      }
      file.put(
          new Credentials.Session(
              url,
              answer.path("user").asText(user),
              token.get(),
              answer.path("csrfToken").asText(),
              answer.path("expires").asText("")));
      java.util.List<String> roles = new java.util.ArrayList<>();
      answer.path("roles").forEach(n -> roles.add(n.asText()));
      out.println(
          "logged in to "
              + url
              + " as "
              + answer.path("user").asText(user)
              + " (roles "
              + String.join(", ", roles)
              + ") until "
              + answer.path("expires").asText("?")
              + "; session stored in "
              + file.file());
      out.flush();
      return 0;
    } catch (IllegalArgumentException | IOException e) {
      err.println("proctor: " + e.getMessage());
      err.flush();
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 2;
    }
  }
}

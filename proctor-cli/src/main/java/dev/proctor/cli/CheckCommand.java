package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.action.ToolCallJson;
import dev.proctor.decision.Decision;
import dev.proctor.mediate.Mediation;
import dev.proctor.store.DataDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code proctor check}: decides one request and prints the decision as JSON. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Decide one request (JSON on stdin or --request FILE) and print the decision as JSON.",
      "Exit codes: 0 allow or modify, 1 deny, 3 ask / step-up / defer, 2 could not decide."
    })
final class CheckCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin PolicyOptions policy;

  @Mixin DataDirOption dataDir;

  @Option(
      names = "--request",
      paramLabel = "FILE",
      description = "Read the request from FILE instead of stdin.")
  Path request;

  @Override
  public Integer call() {
    try {
      JsonNode json;
      if (request != null) {
        if (Files.size(request) > JsonInput.MAX_BYTES) {
          return Failures.report(
              new dev.proctor.action.BadInputException(
                  request.toString(), "larger than the limit of 1 MiB"),
              System.err);
        }
        json = JsonInput.parse(Files.readAllBytes(request));
      } else {
        json = JsonInput.read(System.in);
      }
      ToolCall call = ToolCallJson.fromJson(json, "cli");
      Clock clock = Clock.systemUTC();
      DataDirectory dir = dataDir.resolve();
      Engine engine = Engine.load(policy, List.of(dir.root()), clock);
      Mediation mediation = engine.gateway().mediate(call);
      Decision decision;
      try (Recorder recorder = Recorder.open(dir, clock, System.err)) {
        decision = recorder.decision(mediation, engine.policy());
      }
      Mediation recorded = new Mediation(mediation.request(), decision);
      System.out.println(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(DecisionJson.render(recorded)));
      return DecisionJson.exitCode(decision);
    } catch (Exception | StackOverflowError e) {
      return Failures.report(e, System.err);
    }
  }
}

package dev.proctor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.proctor.Mediation;
import dev.proctor.Proctor;
import dev.proctor.action.BadInputException;
import dev.proctor.action.JsonInput;
import dev.proctor.action.ToolCall;
import dev.proctor.action.ToolCallJson;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Mixin Deadline.Option deadlineOption;

  @Override
  public Integer call() {
    Deadline deadline;
    try {
      deadline = deadlineOption.start();
    } catch (RuntimeException e) {
      return Failures.report(e, System.err);
    }
    return deadline.run(
        () -> decide(deadline),
        reason -> {
          System.err.println(reason);
          return Failures.CANNOT_DECIDE;
        },
        System.out,
        System.err);
  }

  private int decide(Deadline deadline) throws Exception {
    JsonNode json;
    if (request != null) {
      if (Files.size(request) > JsonInput.MAX_BYTES) {
        throw new BadInputException(request.toString(), "larger than the limit of 1 MiB");
      }
      json = JsonInput.parse(Files.readAllBytes(request));
    } else {
      json = JsonInput.read(System.in);
    }
    ToolCall call = ToolCallJson.fromJson(json, "cli");
    try (Proctor proctor =
        Embedded.open(policy, dataDir.resolve(), deadline.forDecision(), System.err)) {
      Mediation mediation = proctor.mediator().mediate(call);
      String out =
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(DecisionJson.render(mediation));
      int code = DecisionJson.exitCode(mediation.decision());
      deadline.answer(code, () -> System.out.println(out));
      return code;
    }
  }
}

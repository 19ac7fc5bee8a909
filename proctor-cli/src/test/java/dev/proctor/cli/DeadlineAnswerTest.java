package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One answer goes out, whole: a deadline passing while the work prints waits for that answer. */
class DeadlineAnswerTest {

  @Test
  void deadlinePassesWhileTheWorkPrints_theWorksAnswerIsPrintedBeforeRunReturns() {
    Deadline.Option option = new Deadline.Option();
    option.deadline = Duration.ofMillis(1_000);
    Deadline deadline = option.start();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int code =
        deadline.run(
            () -> {
              deadline.answer(
                  2,
                  () -> {
                    sleep(1_500); // past the fail-closed moment, mid-answer
                    out.print("the work's deny");
                  });
              return 2;
            },
            why -> {
              out.print("fail-closed: " + why);
              return 2;
            },
            out,
            out);

    // Were the code returned (and a standalone process halted) before the print, a deny would
    // leave as exit 2 with nothing said, or with the work's code and no answer at all.
    assertThat(code).isEqualTo(2);
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("the work's deny");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

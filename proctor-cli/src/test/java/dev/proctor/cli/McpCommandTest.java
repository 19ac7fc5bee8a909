package dev.proctor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code proctor mcp} command line: bad options are refused before anything starts. */
class McpCommandTest {

  @TempDir Path data;

  @Test
  void stdio_serverNameWithDoubleUnderscore_isRefusedAndNothingStarts() {
    CliRun run =
        CliRun.run(
            "", "mcp", "stdio", "--name", "a__b", "--data-dir", data.toString(), "--", "cat");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("the server name 'a__b' is not usable");
    assertThat(run.out()).isEmpty();
    assertThat(data).isEmptyDirectory();
  }

  @Test
  void stdio_resultLimitOverTheMessageLimit_isRefused() {
    CliRun run =
        CliRun.run(
            "",
            "mcp",
            "stdio",
            "--name",
            "s",
            "--max-message",
            "64KiB",
            "--max-result",
            "1MiB",
            "--data-dir",
            data.toString(),
            "--",
            "cat");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("the result limit must be positive and at most the message limit");
  }

  @Test
  void stdio_badSizeOrNoCommand_isAUsageError() {
    assertThat(CliRun.run("", "mcp", "stdio", "--max-result", "lots", "--", "cat").err())
        .contains("expected a size such as 512, 64KiB, 16MiB, was 'lots'");
    assertThat(CliRun.run("", "mcp", "stdio", "--name", "s").err())
        .contains("Missing required parameter: 'COMMAND'");
  }

  @Test
  void stdio_serverThatCannotStart_exitsTwoNamingTheCommand() {
    CliRun run =
        CliRun.run(
            "",
            "mcp",
            "stdio",
            "--name",
            "s",
            "--data-dir",
            data.toString(),
            "--",
            data.resolve("no-such-server").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot start the MCP server");
  }

  @Test
  void pins_listWithNoPins_andApproveWithNoChange() throws Exception {
    CliRun list = CliRun.run("", "mcp", "pins", "list", "--data-dir", data.toString());
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains("no MCP tool pins in");

    CliRun approve =
        CliRun.run("", "mcp", "pins", "approve", "--name", "s", "t", "--data-dir", data.toString());
    assertThat(approve.exitCode()).isEqualTo(1);
    assertThat(approve.err()).contains("no changed definition of tool 't' awaits approval");
  }

  @Test
  void pins_listOfACorruptFile_exitsTwoNamingIt() throws Exception {
    Path dir = Files.createDirectories(data.resolve("mcp/pins"));
    Files.writeString(
        dir.resolve("s.json"), "{\"format\":\"proctor.mcp.pins/1\",\"server\":\"s\"}");

    CliRun run = CliRun.run("", "mcp", "pins", "list", "--data-dir", data.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains(dir.resolve("s.json").toString())
        .contains("lacks the object 'pinned'");
  }

  @Test
  void defaultName_isTheCommandsFileName() {
    assertThat(McpCommand.Stdio.defaultName("/usr/bin/mcp-server-git")).isEqualTo("mcp-server-git");
    assertThat(McpCommand.Stdio.defaultName("server.py")).isEqualTo("server");
    assertThat(McpCommand.Stdio.defaultName("npx")).isEqualTo("npx");
  }
}

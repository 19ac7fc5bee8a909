package dev.proctor.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A person's password for {@code proctor login} and a vote on the local store: the first line of
 * {@code --password-file}, else {@code $PROCTOR_PASSWORD}, else a prompt on the terminal, else one
 * line of standard input. Never an option's value (other users can read command lines).
 */
final class PersonPassword {

  private PersonPassword() {}

  static String read(Path file, String user) throws IOException {
    if (file != null) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String line = end < 0 ? text : text.substring(0, end);
      return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
    String env = System.getenv("PROCTOR_PASSWORD");
    if (env != null) {
      return env;
    }
    Console console = System.console();
    if (console != null) {
      char[] p = console.readPassword("Password for %s: ", user);
      if (p == null) {
        throw new IOException("no password was entered");
      }
      return new String(p);
    }
    String line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new IOException(
          "no password: give --password-file, set PROCTOR_PASSWORD, or type it at the prompt");
    }
    return line;
  }
}

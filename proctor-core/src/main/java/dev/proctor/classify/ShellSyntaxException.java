package dev.proctor.classify;

/** The shell parser met something it cannot parse safely; the command is then unparseable. */
final class ShellSyntaxException extends Exception {

  private final int position;

  ShellSyntaxException(String message, int position) {
    super(message + " at offset " + position, null, false, false);
    this.position = position;
  }

  int position() {
    return position;
  }
}

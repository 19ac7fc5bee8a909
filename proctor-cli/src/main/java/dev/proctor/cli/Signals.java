package dev.proctor.cli;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The signals {@code proctor exec} takes over from the JVM — SIGINT, SIGTERM and SIGHUP — so that
 * they are passed to the command instead of ending the JVM under it.
 *
 * <p>Why reflection. The JDK's only way to handle a signal is {@code sun.misc.Signal} in the {@code
 * jdk.unsupported} module: present and working on JDK 17 and 25, but javac warns on every use of it
 * ("internal proprietary API"), a warning no annotation suppresses, and this build turns warnings
 * into errors. Read reflectively, it is the same call. Where it is missing, {@link #install} says
 * so and the JVM keeps its own handling (a shutdown hook then ends the command).
 */
final class Signals {

  /** The signals taken over. */
  static final List<String> NAMES = List.of("INT", "TERM", "HUP");

  private Signals() {}

  /**
   * Calls {@code handler} with the name ({@code TERM}) and number of each of {@link #NAMES} this
   * process receives, on a thread of the JVM's, instead of the JVM's own handling. Returns the
   * names that could not be taken over (empty when all were), with why.
   */
  static List<String> install(BiConsumer<String, Integer> handler) {
    List<String> failed = new ArrayList<>();
    Class<?> signal;
    Class<?> signalHandler;
    try {
      signal = Class.forName("sun.misc.Signal");
      signalHandler = Class.forName("sun.misc.SignalHandler");
    } catch (ClassNotFoundException | LinkageError e) {
      failed.add("all (sun.misc.Signal is not available: " + e + ")");
      return failed;
    }
    for (String name : NAMES) {
      try {
        Constructor<?> make = signal.getConstructor(String.class);
        Method handle = signal.getMethod("handle", signal, signalHandler);
        Method number = signal.getMethod("getNumber");
        Object proxy =
            Proxy.newProxyInstance(
                Signals.class.getClassLoader(),
                new Class<?>[] {signalHandler},
                (self, method, args) -> {
                  if (method.getName().equals("handle") && args != null && args.length == 1) {
                    handler.accept(name, (Integer) number.invoke(args[0]));
                    return null;
                  }
                  return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    case "toString" -> "proctor exec handler for SIG" + name;
                    default -> null;
                  };
                });
        handle.invoke(null, make.newInstance(name), proxy);
      } catch (InvocationTargetException e) {
        failed.add(name + " (" + e.getCause() + ")");
      } catch (ReflectiveOperationException | RuntimeException e) {
        failed.add(name + " (" + e + ")");
      }
    }
    return failed;
  }

  /**
   * True when this process is in the foreground process group of its controlling terminal (read
   * from {@code /proc/self/stat}; false elsewhere or when it cannot be read): a Ctrl-C there
   * reaches every process of the group, the command included, so passing it on would deliver it
   * twice.
   */
  static boolean inTerminalForeground() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name (in parentheses, may hold spaces): state ppid pgrp session
      // tty_nr tpgid ...
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long pgrp = Long.parseLong(f[2]);
      long tty = Long.parseLong(f[4]);
      long tpgid = Long.parseLong(f[5]);
      return tty != 0 && tpgid == pgrp;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Sends signal {@code name} to a process: SIGTERM through the JDK ({@link Process#destroy}),
   * others with {@code kill -s NAME PID}. Returns what went wrong, or empty when it was sent.
   */
  static Optional<String> send(Process process, String name) {
    if (name.equals("TERM")) {
      process.destroy();
      return Optional.empty();
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        return Optional.of("kill -s " + name + " did not finish within 5 s");
      }
      return kill.exitValue() == 0 || !process.isAlive()
          ? Optional.empty()
          : Optional.of("kill -s " + name + " exited with " + kill.exitValue());
    } catch (IOException e) {
      return Optional.of("cannot run kill: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while sending SIG" + name);
    }
  }

  /** The usual name of a signal number on Linux, such as {@code SIGKILL}; else {@code signal N}. */
  static String describe(int number) {
    String[] names = {
      null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
      "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
    };
    return number > 0 && number < names.length ? names[number] : "signal " + number;
  }
}

package dev.proctor.classify;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a command runs: the working directory (also taken as the project root: a path outside it is
 * tagged {@code outside-project}), the user's home directory for {@code ~} and {@code $HOME}, and
 * extra absolute paths that hold Proctor's own data or keys (tagged {@code proctor-config}). Absent
 * directories are not guessed: relative paths then cannot be resolved and are tagged {@code
 * dynamic} and {@code outside-project}.
 */
record ClassifyContext(Optional<String> cwd, Optional<String> home, List<String> protectedPaths) {

  public ClassifyContext {
    requireNonNull(cwd, "cwd is null");
    requireNonNull(home, "home is null");
    cwd = cwd.map(c -> absolute(c, "cwd"));
    home = home.map(h -> absolute(h, "home"));
    List<String> p = new ArrayList<>();
    for (String s : requireNonNull(protectedPaths, "protectedPaths is null")) {
      p.add(absolute(s, "protected path"));
    }
    protectedPaths = List.copyOf(p);
  }

  /** A context with both directories known. */
  public static ClassifyContext of(String cwd, String home) {
    return new ClassifyContext(Optional.of(cwd), Optional.of(home), List.of());
  }

  /** A context that knows nothing: every relative path is unresolved. */
  public static ClassifyContext unknown() {
    return new ClassifyContext(Optional.empty(), Optional.empty(), List.of());
  }

  /**
   * A context from untrusted strings such as a hook payload's {@code cwd}: values that are null,
   * empty or not absolute are treated as unknown rather than rejected.
   */
  public static ClassifyContext lenient(String cwd, String home) {
    return new ClassifyContext(usable(cwd), usable(home), List.of());
  }

  /** The same context with more paths that hold Proctor's data, keys or configuration. */
  public ClassifyContext withProtectedPaths(List<String> paths) {
    List<String> all = new ArrayList<>(protectedPaths);
    all.addAll(paths);
    return new ClassifyContext(cwd, home, all);
  }

  private static Optional<String> usable(String s) {
    if (s == null || s.isEmpty() || s.charAt(0) != '/' || s.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    return Optional.of(s);
  }

  private static String absolute(String path, String what) {
    if (path.isEmpty() || path.charAt(0) != '/' || path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(what + " must be an absolute path: '" + path + "'");
    }
    return PathFacts.normalize(path);
  }
}

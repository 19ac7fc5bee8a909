package dev.proctor.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Lexical facts about paths: normalisation, and whether a path holds secrets, agent or Proctor
 * configuration, belongs to the system, or is a root whose wholesale deletion is destructive. No
 * file system access: symbolic links are not followed.
 */
final class PathFacts {

  private PathFacts() {}

  private static final String[] SYSTEM_PREFIXES = {
    "/etc",
    "/usr",
    "/boot",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/opt",
    "/sys",
    "/proc",
    "/root",
    "/var",
    "/srv",
    "/snap",
    "/System",
    "/Library",
    "/private/etc",
    "/private/var",
    "/Applications",
    "/dev"
  };

  private static final String[] NOT_SYSTEM = {"/var/tmp", "/var/folders", "/private/var/folders"};

  private static final Set<String> TOP_LEVEL =
      Set.of(
          "/",
          "/bin",
          "/boot",
          "/dev",
          "/etc",
          "/home",
          "/lib",
          "/lib32",
          "/lib64",
          "/opt",
          "/proc",
          "/root",
          "/sbin",
          "/srv",
          "/sys",
          "/usr",
          "/var",
          "/Users",
          "/System",
          "/Library",
          "/Applications",
          "/private",
          "/mnt",
          "/media",
          "/snap",
          "/usr/bin",
          "/usr/lib",
          "/usr/local",
          "/usr/sbin",
          "/usr/share",
          "/var/lib",
          "/var/log");

  private static final Set<String> HARMLESS_DEVICES =
      Set.of(
          "/dev/null",
          "/dev/zero",
          "/dev/random",
          "/dev/urandom",
          "/dev/stdout",
          "/dev/stderr",
          "/dev/stdin",
          "/dev/tty",
          "/dev/full");

  private static final Set<String> SECRET_NAMES =
      Set.of(
          ".netrc",
          "_netrc",
          ".npmrc",
          ".pypirc",
          ".pgpass",
          ".my.cnf",
          ".git-credentials",
          ".htpasswd",
          ".vault-token",
          ".envrc",
          "shadow",
          "gshadow",
          "master.key",
          "credentials",
          ".boto",
          ".s3cfg",
          "terraform.tfvars",
          ".terraformrc");

  private static final String[] SECRET_SUFFIXES = {
    ".pem",
    ".key",
    ".p12",
    ".pfx",
    ".jks",
    ".keystore",
    ".kdbx",
    ".tfstate",
    ".tfstate.backup",
    ".gpg",
    ".asc",
    ".ovpn",
    ".ppk"
  };

  /** Browser and keychain stores of cookies, saved passwords and keys. */
  private static final Set<String> BROWSER_STORES =
      Set.of(
          "cookies",
          "cookies.sqlite",
          "login data",
          "login data for account",
          "logins.json",
          "key3.db",
          "key4.db",
          "web data",
          "login.keychain-db");

  private static final String[] ENV_SAFE_SUFFIXES = {
    ".example", ".sample", ".template", ".dist", ".defaults", ".schema"
  };

  private static final Set<String> SHELL_INIT =
      Set.of(
          ".bashrc",
          ".bash_profile",
          ".bash_login",
          ".profile",
          ".zshrc",
          ".zprofile",
          ".zshenv",
          ".zlogin",
          ".inputrc",
          ".cshrc",
          ".tcshrc",
          ".kshrc");

  /** Lexically normalises an absolute path: removes {@code .}, {@code ..} and repeated slashes. */
  static String normalize(String path) {
    if (path.indexOf("/.") < 0 && path.indexOf("//") < 0 && !path.endsWith("/")) {
      return path;
    }
    String[] parts = path.split("/");
    String[] stack = new String[parts.length];
    int n = 0;
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (n > 0) {
          n--;
        }
        continue;
      }
      stack[n++] = p;
    }
    if (n == 0) {
      return "/";
    }
    StringBuilder sb = new StringBuilder(path.length());
    for (int i = 0; i < n; i++) {
      sb.append('/').append(stack[i]);
    }
    return sb.toString();
  }

  /** True if {@code path} is {@code dir} or inside it. */
  static boolean isInside(String path, String dir) {
    if (dir.equals("/")) {
      return true;
    }
    return path.equals(dir) || (path.startsWith(dir) && path.charAt(dir.length()) == '/');
  }

  static String baseName(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  /** True if a path names a file or directory that usually holds credentials or keys. */
  static boolean isSecret(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    String base = baseName(lower);
    if (base.isEmpty()) {
      return false;
    }
    if (base.equals(".env") || base.startsWith(".env.")) {
      for (String safe : ENV_SAFE_SUFFIXES) {
        if (base.endsWith(safe) || base.contains(safe + ".")) {
          return false; // .env.example, .env.example.bak
        }
      }
      return true;
    }
    if (base.endsWith(".env") && base.length() > 4 && base.matches("[a-z0-9_.-]+")) {
      // production.env, app.env: an env file under another name (docker --env-file prod.env)
      String stem = base.substring(0, base.length() - 4);
      for (String safe : ENV_SAFE_SUFFIXES) {
        if (stem.endsWith(safe) || stem.equals(safe.substring(1))) {
          return false; // example.env, app.sample.env
        }
      }
      return true;
    }
    if (BROWSER_STORES.contains(base)
        || base.endsWith(".binarycookies")
        || base.startsWith(".vault-token")
        || base.equals("access_tokens.db")
        || base.equals("oauth_creds.json")
        || base.equals("auth.json")
            && (hasSegment(lower, ".codex") || hasSegment(lower, ".docker"))) {
      return true;
    }
    if (SECRET_NAMES.contains(base)) {
      return true;
    }
    if (base.startsWith("id_rsa")
        || base.startsWith("id_dsa")
        || base.startsWith("id_ecdsa")
        || base.startsWith("id_ed25519")) {
      return !base.endsWith(".pub");
    }
    for (String suffix : SECRET_SUFFIXES) {
      if (base.endsWith(suffix)) {
        return !base.endsWith(".pub.pem");
      }
    }
    if (base.contains("credential")
        || base.startsWith("secrets.")
        || base.startsWith("secret.")
        || base.equals("secrets")) {
      return true;
    }
    return hasSegment(lower, ".ssh")
        || hasSegment(lower, ".gnupg")
        || hasSegment(lower, ".aws")
        || hasSegment(lower, ".password-store")
        || lower.contains("/.config/gcloud")
        || lower.startsWith(".config/gcloud")
        || lower.endsWith(".kube/config")
        || lower.endsWith(".docker/config.json")
        || hasSegment(lower, ".azure")
        || lower.endsWith(".config/gh/hosts.yml")
        || lower.endsWith(".config/hub")
        || lower.endsWith(".m2/settings.xml")
        || lower.endsWith(".m2/settings-security.xml")
        || lower.endsWith(".gradle/gradle.properties")
        || lower.endsWith(".config/git/credentials")
        || (hasSegment(lower, ".cargo") && base.startsWith("credentials"))
        || (lower.startsWith("/proc/") && base.equals("environ"));
  }

  /**
   * What a {@code .git} directory keeps of the repository's history: commits, branches, tags, the
   * reflog, the staged index, submodules' repositories. The rest is state of an operation in
   * progress or a lock ({@code index.lock}, {@code rebase-merge}, {@code MERGE_MSG}), removed when
   * a command was interrupted, and hooks, which are agent configuration.
   */
  private static final Set<String> GIT_HISTORY_PARTS =
      Set.of(
          "objects",
          "refs",
          "logs",
          "packed-refs",
          "HEAD",
          "index",
          "modules",
          "shallow",
          "lfs",
          "worktrees");

  /**
   * True if a path is a repository's own history: a {@code .git} directory, a pattern inside it, or
   * its objects, refs, reflog, index or submodules; deleting or overwriting it loses every commit
   * not pushed. A lock file or a rebase's state ({@code .git/index.lock}, {@code
   * .git/rebase-merge}) is not.
   */
  static boolean isGitHistory(String path) {
    if (path.endsWith(".lock")) {
      return false; // index.lock, refs/heads/main.lock: left by an interrupted command
    }
    int at = path.lastIndexOf("/.git");
    while (at >= 0) {
      int end = at + 5;
      if (end == path.length() || path.charAt(end) == '/') {
        String rest = path.substring(Math.min(path.length(), end + 1));
        int slash = rest.indexOf('/');
        String part = slash < 0 ? rest : rest.substring(0, slash);
        return part.isEmpty()
            || GIT_HISTORY_PARTS.contains(part)
            || part.indexOf('*') >= 0
            || part.indexOf('?') >= 0
            || part.indexOf('[') >= 0;
      }
      at = at == 0 ? -1 : path.lastIndexOf("/.git", at - 1);
    }
    return path.equals(".git") || path.startsWith(".git/") && isGitHistory("/" + path);
  }

  /** True for a host name or address of this machine's loopback interface. */
  static boolean isLoopback(String host) {
    return host.equals("localhost")
        || host.endsWith(".localhost")
        || host.startsWith("127.")
        || host.equals("[::1]")
        || host.equals("::1");
  }

  /** True if a path is configuration an agent harness reads: hooks, settings, MCP servers. */
  static boolean isAgentConfig(String original) {
    String path = original.toLowerCase(Locale.ROOT); // case-insensitive file systems (macOS)
    String base = baseName(path);
    return hasSegment(path, ".claude")
        || base.equals(".claude.json")
        || base.equals(".mcp.json")
        || hasSegment(path, ".cursor")
        || hasSegment(path, ".codex")
        || hasSegment(path, ".gemini")
        || path.contains(".git/hooks")
        || path.contains(".github/hooks") // GitHub Copilot CLI's hook files
        || path.endsWith(".git/config");
  }

  /** True if a path is Proctor's own configuration, data or keys. */
  static boolean isProctorConfig(String original, ClassifyContext ctx) {
    String path = original.toLowerCase(Locale.ROOT); // case-insensitive file systems (macOS)
    if (hasSegment(path, ".proctor")
        || isInside(path, "/etc/proctor")
        || isInside(path, "/var/lib/proctor")) {
      return true;
    }
    for (String p : ctx.protectedPaths()) {
      if (isInside(original, p) || isInside(path, p.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** Names of directories that hold secrets, tried against glob segments such as {@code .s?h}. */
  private static final String[] SECRET_DIRS = {
    ".ssh",
    ".gnupg",
    ".aws",
    ".azure",
    ".password-store",
    ".kube",
    ".docker",
    ".config",
    ".m2",
    ".gradle",
    ".cargo",
    "gcloud",
    "gh",
    "git"
  };

  /**
   * Secret file names a glob such as {@code .e?v} or {@code *.pem} is tried against: every name in
   * {@link #SECRET_NAMES} and a sample of each secret pattern {@link #isSecret} knows.
   */
  private static final List<String> SECRET_SAMPLES = secretSamples();

  private static List<String> secretSamples() {
    List<String> samples = new ArrayList<>(SECRET_NAMES);
    samples.addAll(
        List.of(
            ".env",
            ".env.local",
            ".env.production",
            "production.env",
            "id_rsa",
            "id_dsa",
            "id_ecdsa",
            "id_ed25519",
            "x.pem",
            "x.key",
            "x.p12",
            "x.pfx",
            "x.jks",
            "x.keystore",
            "x.kdbx",
            "x.tfstate",
            "x.gpg",
            "x.asc",
            "x.ovpn",
            "x.ppk",
            "secrets",
            "secrets.x",
            "secret.x",
            "environ",
            "config",
            "config.json",
            "hosts.yml",
            "settings.xml",
            "gradle.properties"));
    samples.sort(String::compareTo);
    return List.copyOf(samples);
  }

  /** True if a path holds an unquoted-style glob character: {@code *}, {@code ?} or {@code [}. */
  static boolean hasGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
  }

  /**
   * True if a path that may be a glob pattern names a secret or can match one: {@code .e?v}, {@code
   * .en[v]}, {@code .e*}, {@code *.pem}, {@code ~/.ssh/*}. A last segment of wildcards only ({@code
   * target/*}) is not tried against secret names (like reading the whole directory), nor is a
   * {@code *} pattern with fewer than two literal characters ({@code c*}).
   */
  static boolean isSecretPattern(String original) {
    String path = original.toLowerCase(Locale.ROOT);
    if (!hasGlob(path)) {
      return isSecret(path);
    }
    String[] segs = path.split("/", -1);
    StringBuilder dir = new StringBuilder();
    for (int i = 0; i < segs.length - 1; i++) {
      if (i > 0) {
        dir.append('/');
      }
      dir.append(hasGlob(segs[i]) ? concreteDir(segs[i]) : segs[i]);
    }
    String prefix = segs.length > 1 ? dir + "/" : "";
    String base = segs[segs.length - 1];
    if (!hasGlob(base)) {
      return isSecret(prefix + base);
    }
    if (isSecret(prefix + "x")) {
      return true;
    }
    int literal = 0;
    boolean star = false;
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (c == '*') {
        star = true;
      } else if (c == '[') {
        int close = base.indexOf(']', i + 2);
        literal++;
        i = close < 0 ? i : close;
      } else if (c != '?') {
        literal++;
      }
    }
    if (literal == 0 || (star && literal < 2)) {
      return false;
    }
    for (String sample : SECRET_SAMPLES) {
      if (globMatches(base, sample) && isSecret(prefix + sample)) {
        return true;
      }
    }
    return false;
  }

  private static String concreteDir(String seg) {
    for (String d : SECRET_DIRS) {
      if (globMatches(seg, d)) {
        return d;
      }
    }
    return seg;
  }

  /**
   * Matches one path segment against a shell glob: {@code *}, {@code ?}, {@code [abc]}, {@code
   * [a-z]}, {@code [!x]}; a leading dot must be matched by a literal dot, as in bash.
   */
  static boolean globMatches(String pattern, String name) {
    if (name.startsWith(".") && !pattern.startsWith(".")) {
      return false;
    }
    return match(pattern, 0, name, 0, 0);
  }

  private static boolean match(String p, int pi, String s, int si, int depth) {
    if (depth > 64) {
      return true; // pathological pattern: assume it can match
    }
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        while (pi < p.length() && p.charAt(pi) == '*') {
          pi++;
        }
        if (pi == p.length()) {
          return true;
        }
        for (int k = si; k <= s.length(); k++) {
          if (match(p, pi, s, k, depth + 1)) {
            return true;
          }
        }
        return false;
      }
      if (si >= s.length()) {
        return false;
      }
      if (c == '?') {
        pi++;
        si++;
      } else if (c == '[' && p.indexOf(']', pi + 2) > 0) {
        int close = p.indexOf(']', pi + 2);
        String set = p.substring(pi + 1, close);
        boolean negate = set.startsWith("!") || set.startsWith("^");
        if (negate) {
          set = set.substring(1);
        }
        char ch = s.charAt(si);
        boolean in = false;
        for (int k = 0; k < set.length(); k++) {
          if (k + 2 < set.length() && set.charAt(k + 1) == '-') {
            in |= ch >= set.charAt(k) && ch <= set.charAt(k + 2);
            k += 2;
          } else {
            in |= ch == set.charAt(k);
          }
        }
        if (in == negate) {
          return false;
        }
        pi = close + 1;
        si++;
      } else {
        if (c != s.charAt(si)) {
          return false;
        }
        pi++;
        si++;
      }
    }
    return si == s.length();
  }

  /** True for an absolute path owned by the operating system rather than a user project. */
  static boolean isSystem(String path) {
    for (String ok : NOT_SYSTEM) {
      if (isInside(path, ok)) {
        return false;
      }
    }
    for (String p : SYSTEM_PREFIXES) {
      if (isInside(path, p)) {
        return true;
      }
    }
    return false;
  }

  /** True for shell start-up files in a home directory: a write there persists code. */
  static boolean isShellInit(String path, String home) {
    return home != null
        && path.startsWith(home)
        && path.length() > home.length()
        && path.charAt(home.length()) == '/'
        && (SHELL_INIT.contains(path.substring(home.length() + 1))
            || path.endsWith("/.config/fish/config.fish"));
  }

  /** True for {@code authorized_keys}: a write there grants access. */
  static boolean isAuthorizedKeys(String path) {
    String base = baseName(path);
    return base.equals("authorized_keys") || base.equals("authorized_keys2");
  }

  /**
   * True for paths whose recursive deletion or change wrecks a machine: {@code /}, top-level system
   * directories, the home directory, and those with a trailing {@code /*}.
   */
  static boolean isDestructiveRoot(String path, String home) {
    String p = path;
    if (p.endsWith("/*") || p.endsWith("/.*")) {
      p = p.substring(0, p.lastIndexOf('/'));
      if (p.isEmpty()) {
        p = "/";
      }
    } else if (p.equals("/*")) {
      p = "/";
    }
    if (TOP_LEVEL.contains(p)) {
      return true;
    }
    if (home != null && (p.equals(home) || home.startsWith(p + "/"))) {
      return true;
    }
    return p.startsWith("/home/") && p.indexOf('/', 6) < 0
        || p.startsWith("/Users/") && p.indexOf('/', 7) < 0;
  }

  /** True for a device file whose overwrite destroys a disk or memory. */
  static boolean isRawDevice(String path) {
    return path.startsWith("/dev/")
        && !HARMLESS_DEVICES.contains(path)
        && !path.startsWith("/dev/fd/")
        && !path.startsWith("/dev/pts/")
        && !path.startsWith("/dev/shm/")
        && !path.startsWith("/dev/tcp/")
        && !path.startsWith("/dev/udp/");
  }

  /** True for device files that do not store anything. */
  static boolean isHarmlessDevice(String path) {
    return HARMLESS_DEVICES.contains(path) || path.startsWith("/dev/fd/");
  }

  static boolean hasSegment(String path, String segment) {
    int from = 0;
    while (true) {
      int i = path.indexOf(segment, from);
      if (i < 0) {
        return false;
      }
      int after = i + segment.length();
      boolean startOk = i == 0 || path.charAt(i - 1) == '/';
      boolean endOk = after == path.length() || path.charAt(after) == '/';
      if (startOk && endOk) {
        return true;
      }
      from = i + 1;
    }
  }

  /**
   * The host of a URL or of a bare {@code host/path} as curl accepts it, lower-cased, without user
   * information or port; empty if there is none.
   */
  static String host(String url) {
    int start = url.indexOf("://");
    start = start < 0 ? 0 : start + 3;
    int end = url.length();
    for (int i = start; i < url.length(); i++) {
      char c = url.charAt(i);
      // A backslash ends the authority as WHATWG URL parsers (browsers, Node) read it, so that
      // https://evil.example\@allowed.example/ is evil.example, not allowed.example.
      if (c == '/' || c == '?' || c == '#' || c == '\\') {
        end = i;
        break;
      }
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      return close < 0 ? "" : authority.substring(0, close + 1).toLowerCase(Locale.ROOT);
    }
    int colon = authority.indexOf(':');
    if (colon >= 0) {
      authority = authority.substring(0, colon);
    }
    return authority.toLowerCase(Locale.ROOT);
  }
}

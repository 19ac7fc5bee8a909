package dev.proctor.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The typed helpers policies call from CEL, so that nobody writes a regular expression for a path
 * prefix, a URL host or an e-mail domain. Each is a plain static method, tested on its own.
 */
final class CelFunctions {

  private CelFunctions() {}

  /**
   * True when {@code path} is {@code dir} or lies below it. Both are normalized lexically first
   * ({@code .} and {@code ..} resolved, repeated slashes collapsed) and compared by whole segments,
   * so {@code /work/project-evil} is not inside {@code /work/project} and {@code
   * /work/project/../etc} is not inside it either. A relative path is inside nothing.
   */
  static boolean inside(String path, String dir) {
    String p = normalize(path);
    String d = normalize(dir);
    if (p == null || d == null) {
      return false;
    }
    if (d.equals("/")) {
      return true;
    }
    return p.equals(d) || (p.startsWith(d) && p.charAt(d.length()) == '/');
  }

  /** The lexically normalized absolute path, or null when the path is not absolute. */
  static String normalize(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return null;
    }
    if (isNormal(path)) {
      return path;
    }
    List<String> segments = new ArrayList<>();
    for (String s : path.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (!segments.isEmpty()) {
          segments.remove(segments.size() - 1);
        }
        continue;
      }
      segments.add(s);
    }
    return "/" + String.join("/", segments);
  }

  /**
   * True when an absolute path is already normal: no empty, {@code .} or {@code ..} segment and no
   * trailing slash. Most paths are, and then normalizing allocates nothing.
   */
  private static boolean isNormal(String path) {
    int n = path.length();
    if (n == 1) {
      return true;
    }
    int start = 1;
    for (int i = 1; i <= n; i++) {
      if (i == n || path.charAt(i) == '/') {
        int len = i - start;
        if (len == 0
            || (len == 1 && path.charAt(start) == '.')
            || (len == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /** The lower-case host of an absolute URL; an error when the URL has none. */
  static String urlHost(String url) throws IllegalArgumentException {
    // Several rules of a request ask for the host of the same URL: parse it once.
    HostOf last = lastHost;
    if (last != null && last.url.equals(url)) {
      return last.host;
    }
    String host = parseHost(url);
    lastHost = new HostOf(url, host);
    return host;
  }

  /** The last URL {@link #urlHost} parsed and its host (an immutable pair, shared racily). */
  private record HostOf(String url, String host) {}

  private static HostOf lastHost;

  private static String parseHost(String url) {
    try {
      URI uri = new URI(url.trim());
      String host = uri.getHost();
      if (host == null || host.isEmpty()) {
        throw new IllegalArgumentException("url_host: no host in URL '" + url + "'");
      }
      return stripDot(host.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url_host: not a URL: '" + url + "'", e);
    }
  }

  /** The lower-case domain of an e-mail address; an error when it is not one. */
  static String emailDomain(String address) {
    String a = address.trim();
    if (a.endsWith(">") && a.contains("<")) {
      a = a.substring(a.lastIndexOf('<') + 1, a.length() - 1);
    }
    int at = a.lastIndexOf('@');
    if (at <= 0 || at == a.length() - 1) {
      throw new IllegalArgumentException("email_domain: not an e-mail address: '" + address + "'");
    }
    return stripDot(a.substring(at + 1).toLowerCase(Locale.ROOT));
  }

  /**
   * True when {@code host} equals {@code pattern}, or the pattern is {@code *.example.com} and the
   * host is a subdomain of {@code example.com} (at a label boundary). Case and a trailing dot are
   * ignored.
   */
  static boolean domainMatches(String host, String pattern) {
    String h = stripDot(host.toLowerCase(Locale.ROOT));
    String p = stripDot(pattern.toLowerCase(Locale.ROOT));
    if (p.startsWith("*.")) {
      String suffix = p.substring(1);
      return h.length() > suffix.length() && h.endsWith(suffix);
    }
    return !h.isEmpty() && h.equals(p);
  }

  /** True when the host matches any of the patterns. */
  static boolean domainMatchesAny(String host, List<?> patterns) {
    for (Object p : patterns) {
      if (p instanceof String s && domainMatches(host, s)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Glob match on a path: {@code *} matches within one segment, {@code **} across segments ({@code
   * **}{@code /} also matches no segment), {@code ?} one character other than {@code /}.
   */
  static boolean glob(String path, String pattern) {
    if (pattern.startsWith("**/") && pattern.indexOf('/', 3) < 0 && pattern.indexOf("**", 3) < 0) {
      // "**/" then one segment's pattern (the common "**/.env", "**/*.pem"): the rest cannot
      // match a slash, so it can only match the last segment. Same answer, one attempt.
      return globAt(pattern, 3, path, path.lastIndexOf('/') + 1);
    }
    return globAt(pattern, 0, path, 0);
  }

  /** The same match without the last-segment shortcut (for tests that compare the two). */
  static boolean globBySearch(String path, String pattern) {
    return globAt(pattern, 0, path, 0);
  }

  /**
   * Matches without regular expressions: patterns are short and evaluated on every request, and a
   * direct matcher is several times faster than a cached regex.
   */
  private static boolean globAt(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        if (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
          int rest = pi + 2;
          if (rest < p.length() && p.charAt(rest) == '/') {
            // "**/" matches no segment, or anything that ends with a slash.
            if (globAt(p, rest + 1, s, si)) {
              return true;
            }
            for (int k = si; k < s.length(); k++) {
              if (s.charAt(k) == '/' && globAt(p, rest + 1, s, k + 1)) {
                return true;
              }
            }
            return false;
          }
          for (int k = si; k <= s.length(); k++) {
            if (globAt(p, rest, s, k)) {
              return true;
            }
          }
          return false;
        }
        for (int k = si; ; k++) {
          if (globAt(p, pi + 1, s, k)) {
            return true;
          }
          if (k == s.length() || s.charAt(k) == '/') {
            return false;
          }
        }
      }
      if (si >= s.length()) {
        return false;
      }
      char d = s.charAt(si);
      if (c == '?' ? d == '/' : d != c) {
        return false;
      }
      pi++;
      si++;
    }
    return si == s.length();
  }

  /** True when the path matches any of the patterns. */
  static boolean globAny(String path, List<?> patterns) {
    for (Object p : patterns) {
      if (p instanceof String s && glob(path, s)) {
        return true;
      }
    }
    return false;
  }

  /** A simple name glob: only {@code *} (any characters) and {@code ?} (one character). */
  static boolean nameMatches(String name, String pattern) {
    if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
      return name.equals(pattern);
    }
    return glob(name, pattern.replace("*", "**"));
  }

  /** At most this many distinct patterns are kept compiled (literals of loaded policies first). */
  private static final int MAX_PATTERNS = 4096;

  private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  /**
   * CEL's {@code matches}: RE2 syntax, true when the pattern matches anywhere in the string (CEL's
   * current semantics). The pattern is compiled once: regex literals when the policy loads ({@link
   * #pattern}), other patterns on first use.
   */
  static boolean matches(String s, String regex) {
    return pattern(regex).matcher(s).find();
  }

  /** The compiled RE2 pattern; an {@link IllegalArgumentException} when it is not valid. */
  static Pattern pattern(String regex) {
    Pattern p = PATTERNS.get(regex);
    if (p == null) {
      try {
        p = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "invalid regular expression '" + regex + "': " + e.getDescription(), e);
      }
      if (PATTERNS.size() < MAX_PATTERNS) {
        PATTERNS.putIfAbsent(regex, p);
      }
    }
    return p;
  }

  private static String stripDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}

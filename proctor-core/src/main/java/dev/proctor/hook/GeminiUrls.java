package dev.proctor.hook;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URLs Gemini CLI's {@code web_fetch} fetches, found the way Gemini finds them.
 *
 * <p>Why exactly: Gemini's {@code parsePrompt} ({@code packages/core/src/tools/web-fetch.ts})
 * splits the prompt on JavaScript's {@code \s} — which includes the no-break space, the em space,
 * the ideographic space and the byte-order mark, none of which Java's {@code \s} matches — and
 * hands every token that contains {@code ://} to the WHATWG {@code new URL()}, which accepts any
 * case of the scheme ({@code HTTPS://}, {@code hTTp://}), backslashes for slashes, user info,
 * percent-encoded and IDNA host names and IPv4 addresses written in hex or octal. Gemini fetches
 * every token that parses with scheme http or https, and refuses the whole call when any token with
 * {@code ://} does not parse or has another scheme. Newer releases also take a {@code url} argument
 * (the direct fetch), parsed by {@code new URL()} alone.
 *
 * <p>This class tokenises exactly as Gemini does, and then reads only URLs whose host a WHATWG
 * parser and Proctor's classifier cannot read differently: an http or https scheme in any case, an
 * ASCII host name or a dotted-quad IPv4 address, an optional port, and a path, query and fragment
 * of printable ASCII without backslashes. Anything else — and a prompt in which Gemini would find
 * no URL at all — is unreadable, and the caller gates it at the worst class (Gemini refuses most of
 * those calls itself). Each URL is given as WHATWG would serialise it (lower-case scheme and host,
 * no default port, {@code /} for an empty path); a GitHub {@code blob} URL is given also as the
 * {@code raw.githubusercontent.com} URL that Gemini's fallback fetches.
 */
final class GeminiUrls {

  private static final Pattern PLAIN =
      Pattern.compile(
          "([A-Za-z][A-Za-z0-9+.-]*)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?([/?#][\\x21-\\x7E]*)?");
  private static final Pattern NUMBER = Pattern.compile("[0-9]+|0[xX][0-9A-Fa-f]*");
  private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern GITHUB_BLOB = Pattern.compile("^/([^/]+/[^/]+)/blob/");

  private GeminiUrls() {}

  /**
   * The URLs of a {@code web_fetch} call with these arguments, in order and without repeats; empty
   * when Gemini would find none or when one cannot be read for certain.
   */
  static Optional<List<String>> of(Optional<String> prompt, Optional<String> url) {
    requireNonNull(prompt, "prompt is null");
    requireNonNull(url, "url is null");
    Set<String> urls = new LinkedHashSet<>();
    if (url.isPresent()) {
      Optional<String> plain = plain(url.get());
      if (plain.isEmpty()) {
        return Optional.empty();
      }
      add(urls, plain.get());
    }
    if (prompt.isPresent()) {
      for (String token : tokens(prompt.get())) {
        if (!token.contains("://")) {
          continue;
        }
        Optional<String> plain = plain(token);
        if (plain.isEmpty()) {
          return Optional.empty();
        }
        add(urls, plain.get());
      }
    }
    return urls.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(urls));
  }

  private static void add(Set<String> urls, String url) {
    urls.add(url);
    githubRaw(url).ifPresent(urls::add);
  }

  /** JavaScript's {@code text.split(/\s+/)} without the empty tokens Gemini skips. */
  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < text.length(); i++) {
      if (jsWhiteSpace(text.charAt(i))) {
        if (start >= 0) {
          out.add(text.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) {
      out.add(text.substring(start));
    }
    return out;
  }

  /**
   * JavaScript's {@code \s}: WhiteSpace (tab, vertical tab, form feed, space, no-break space, the
   * byte-order mark and every Zs character) and LineTerminator (LF, CR, U+2028, U+2029). JavaScript
   * strings are UTF-16, so this tests code units, as the regular expression does without {@code u}.
   */
  static boolean jsWhiteSpace(char c) {
    return c == '\t'
        || c == '\n'
        || c == 0x0B
        || c == '\f'
        || c == '\r'
        || c == ' '
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000
        || c == 0xFEFF;
  }

  /** A URL token as WHATWG serialises it, when it is plainly http or https; else empty. */
  static Optional<String> plain(String token) {
    Matcher m = PLAIN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    String scheme = m.group(1).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.empty();
    }
    String host = m.group(2).toLowerCase(Locale.ROOT);
    if (host.isEmpty() || host.startsWith(".") || host.contains("..") || !ipv4Plain(host)) {
      return Optional.empty();
    }
    String port = "";
    if (m.group(3) != null) {
      int p = Integer.parseInt(m.group(3));
      if (p > 65535) {
        return Optional.empty();
      }
      boolean standard = (scheme.equals("http") && p == 80) || (scheme.equals("https") && p == 443);
      port = standard ? "" : ":" + p;
    }
    String rest = m.group(4) == null ? "" : m.group(4);
    if (!rest.startsWith("/")) {
      rest = "/" + rest;
    }
    return Optional.of(scheme + "://" + host + port + rest);
  }

  /**
   * False for a host WHATWG reads as an IPv4 address that is not written as a plain dotted quad
   * ({@code 0x7f.1}, {@code 2130706433}, {@code 127.000.0.1}): its last label is a number.
   */
  private static boolean ipv4Plain(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] labels = h.split("\\.", -1);
    if (!NUMBER.matcher(labels[labels.length - 1]).matches()) {
      return true;
    }
    if (labels.length != 4 || h.length() != host.length()) {
      return false;
    }
    for (String label : labels) {
      if (!OCTET.matcher(label).matches() || Integer.parseInt(label) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Gemini's {@code convertGithubUrlToRaw}: the raw URL of a GitHub blob URL. */
  private static Optional<String> githubRaw(String url) {
    String prefix = url.startsWith("https://") ? "https://" : "http://";
    String rest = url.substring(prefix.length());
    if (!rest.startsWith("github.com/")) {
      return Optional.empty();
    }
    String tail = rest.substring("github.com".length());
    int end = tail.length();
    for (char c : new char[] {'?', '#'}) {
      int i = tail.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String path = tail.substring(0, end);
    if (!path.contains("/blob/")) {
      return Optional.empty();
    }
    Matcher m = GITHUB_BLOB.matcher(path);
    String rawPath =
        m.find() ? m.replaceFirst("/" + Matcher.quoteReplacement(m.group(1)) + "/") : path;
    return Optional.of(prefix + "raw.githubusercontent.com" + rawPath + tail.substring(end));
  }
}

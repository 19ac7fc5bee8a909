package dev.proctor.action;

import static java.util.Objects.requireNonNull;

/**
 * Something an action touches: a path, a URL, a domain, a recipient, a database, an environment.
 */
public record Target(Kind kind, String value) {

  /** What sort of thing the target is; policies match on the lower-case name. */
  public enum Kind {
    PATH,
    URL,
    DOMAIN,
    RECIPIENT,
    DATABASE,
    ENVIRONMENT,
    BRANCH,
    REMOTE,
    PACKAGE,
    RESOURCE,
    /** A database table a statement reads or writes ({@code sales.orders}). */
    TABLE,
    /** A sum of money the call moves, as written in its arguments ({@code 250}, {@code 19.99}). */
    AMOUNT;

    /** The name policies use, such as {@code path} or {@code domain}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Target {
    requireNonNull(kind, "kind is null");
    requireNonNull(value, "value is null");
  }

  public static Target path(String value) {
    return new Target(Kind.PATH, value);
  }

  public static Target domain(String value) {
    return new Target(Kind.DOMAIN, value);
  }

  public static Target url(String value) {
    return new Target(Kind.URL, value);
  }
}

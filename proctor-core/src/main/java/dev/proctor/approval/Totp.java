package dev.proctor.approval;

import static java.util.Objects.requireNonNull;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords as RFC 6238 defines them: HOTP (RFC 4226 section 5.3 — HMAC over
 * the 8-byte big-endian counter, dynamic truncation, modulo 10^digits) with the counter {@code T =
 * floor((unix time - T0) / X)} of RFC 6238 section 4.2, T0 = 0 and X = 30 s by default, HMAC-SHA1,
 * SHA-256 or SHA-512 (section 1.2) and 6 or 8 digits. Secrets travel in base32 (RFC 4648 section
 * 6), as authenticator apps read them from an {@code otpauth://} URI.
 *
 * <p>Why a window and a last step: section 5.2 recommends accepting codes from at most one step
 * before or after the current one (clock drift, the time it takes to type), and section 5.2 also
 * says a verifier must not accept the same code twice. So {@link #match} accepts steps within ±1
 * that lie <em>after</em> the last step the person used, and returns the step matched for the
 * caller to store; a code is compared in constant time ({@link MessageDigest#isEqual}) against
 * every candidate, with no early exit, so timing does not reveal which step was close. The class is
 * pure: time and the last used step come in, nothing is kept.
 */
public final class Totp {

  /** The HMAC the one-time passwords are computed with (RFC 6238 section 1.2). */
  public enum Algorithm {
    SHA1("HmacSHA1"),
    SHA256("HmacSHA256"),
    SHA512("HmacSHA512");

    private final String jca;

    Algorithm(String jca) {
      this.jca = jca;
    }
  }

  /** How many steps before and after the current one a code may come from (section 5.2). */
  public static final int WINDOW = 1;

  /** The secret length {@link #newSecret} makes: 160 bits, as RFC 4226 section 4 (R6) advises. */
  public static final int SECRET_BYTES = 20;

  /** Proctor's TOTP: HMAC-SHA1, 6 digits, 30-second steps — what authenticator apps default to. */
  public static final Totp DEFAULT = new Totp(Algorithm.SHA1, 6, 30);

  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private final Algorithm algorithm;
  private final int digits;
  private final long stepSeconds;

  /** A TOTP of an algorithm, 6 or 8 digits and a step of some seconds. */
  public Totp(Algorithm algorithm, int digits, long stepSeconds) {
    this.algorithm = requireNonNull(algorithm, "algorithm is null");
    if (digits != 6 && digits != 8) {
      throw new IllegalArgumentException("a TOTP code has 6 or 8 digits, not " + digits);
    }
    if (stepSeconds < 1) {
      throw new IllegalArgumentException("the time step must be positive, was " + stepSeconds);
    }
    this.digits = digits;
    this.stepSeconds = stepSeconds;
  }

  /** The time step an instant falls in: {@code floor(unix seconds / X)} (section 4.2, T0 = 0). */
  public long step(Instant time) {
    return Math.floorDiv(time.getEpochSecond(), stepSeconds);
  }

  /** The code for a time step: HOTP(K, T) with this algorithm and number of digits. */
  public String code(byte[] secret, long step) {
    requireNonNull(secret, "secret is null");
    byte[] counter = new byte[8];
    for (int i = 7; i >= 0; i--) {
      counter[i] = (byte) step;
      step >>>= 8;
    }
    byte[] hash;
    try {
      Mac mac = Mac.getInstance(algorithm.jca);
      mac.init(new SecretKeySpec(secret, "RAW"));
      hash = mac.doFinal(counter);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm.jca + " is not available: " + e.getMessage(), e);
    }
    // RFC 4226 section 5.3, dynamic truncation: the low nibble of the last byte is an offset.
    int offset = hash[hash.length - 1] & 0x0f;
    int binary =
        ((hash[offset] & 0x7f) << 24)
            | ((hash[offset + 1] & 0xff) << 16)
            | ((hash[offset + 2] & 0xff) << 8)
            | (hash[offset + 3] & 0xff);
    int modulo = digits == 6 ? 1_000_000 : 100_000_000;
    String s = Integer.toString(binary % modulo);
    return "0".repeat(digits - s.length()) + s;
  }

  /**
   * The time step a presented code matches: one of the steps within {@link #WINDOW} of {@code now}
   * that is later than {@code lastUsedStep} (pass {@code Long.MIN_VALUE} when none was used). Empty
   * when it matches none — a wrong code, one too old, or one whose step was used already.
   */
  public OptionalLong match(byte[] secret, String code, Instant now, long lastUsedStep) {
    requireNonNull(secret, "secret is null");
    requireNonNull(code, "code is null");
    requireNonNull(now, "now is null");
    byte[] presented = code.getBytes(StandardCharsets.US_ASCII);
    boolean wellFormed = code.length() == digits && code.chars().allMatch(Character::isDigit);
    long current = step(now);
    long found = Long.MIN_VALUE;
    for (long s = current - WINDOW; s <= current + WINDOW; s++) {
      boolean equal =
          MessageDigest.isEqual(code(secret, s).getBytes(StandardCharsets.US_ASCII), presented);
      if (equal && s > lastUsedStep && found == Long.MIN_VALUE) {
        found = s;
      }
    }
    return wellFormed && found != Long.MIN_VALUE ? OptionalLong.of(found) : OptionalLong.empty();
  }

  /** A new random secret of {@link #SECRET_BYTES} bytes. */
  public static byte[] newSecret(SecureRandom random) {
    byte[] b = new byte[SECRET_BYTES];
    requireNonNull(random, "random is null").nextBytes(b);
    return b;
  }

  /** Bytes in base32 (RFC 4648 section 6), upper case, without padding, as otpauth URIs take. */
  public static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  /**
   * Base32 text back to bytes; case, spaces and trailing {@code =} are ignored.
   *
   * @throws IllegalArgumentException for a character outside the alphabet
   */
  public static byte[] fromBase32(String text) {
    String s = text.replace(" ", "").toUpperCase(Locale.ROOT).replaceAll("=+$", "");
    byte[] out = new byte[s.length() * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      int v = BASE32.indexOf(s.charAt(i));
      if (v < 0) {
        throw new IllegalArgumentException("not base32: '" + s.charAt(i) + "' at " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[n++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    return out;
  }

  /**
   * The key URI authenticator apps scan: {@code otpauth://totp/<issuer>:<account>?secret=…
   * &issuer=<issuer>}, with the algorithm, digits and period spelled out when they are not the
   * apps' defaults.
   */
  public String uri(String issuer, String account, byte[] secret) {
    String label = encode(issuer) + ":" + encode(account);
    StringBuilder u =
        new StringBuilder("otpauth://totp/")
            .append(label)
            .append("?secret=")
            .append(base32(secret))
            .append("&issuer=")
            .append(encode(issuer));
    if (algorithm != Algorithm.SHA1) {
      u.append("&algorithm=").append(algorithm.name());
    }
    if (digits != 6) {
      u.append("&digits=").append(digits);
    }
    if (stepSeconds != 30) {
      u.append("&period=").append(stepSeconds);
    }
    return u.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

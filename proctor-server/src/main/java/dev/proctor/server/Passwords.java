package dev.proctor.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * People's passwords: Argon2id (RFC 9106) from BouncyCastle with OWASP's minimum parameters (19 MiB
 * of memory, 2 passes, 1 lane), stored as a PHC string {@code
 * $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}. Verification reads the parameters from the stored
 * string, so they can be raised later without breaking old hashes.
 */
public final class Passwords {

  private static final int MEMORY_KIB = 19_456;
  private static final int ITERATIONS = 2;
  private static final int LANES = 1;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  /** The hash a missing account is checked against, so that timing does not reveal names. */
  private static final String DUMMY = hash("proctor-no-such-user");

  /** The shortest password accepted. */
  public static final int MIN_LENGTH = 12;

  private Passwords() {}

  /** A new hash of a password, with a fresh random salt. */
  public static String hash(String password) {
    byte[] salt = Secrets.bytes(16);
    byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, LANES, HASH_BYTES);
    return "$argon2id$v=19$m="
        + MEMORY_KIB
        + ",t="
        + ITERATIONS
        + ",p="
        + LANES
        + "$"
        + B64.encodeToString(salt)
        + "$"
        + B64.encodeToString(out);
  }

  /** True when the password matches the stored hash; false for a malformed hash. */
  public static boolean verify(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
      return false;
    }
    try {
      int m = 0;
      int t = 0;
      int p = 0;
      for (String kv : parts[3].split(",")) {
        String[] pair = kv.split("=", 2);
        int v = Integer.parseInt(pair[1]);
        switch (pair[0]) {
          case "m" -> m = v;
          case "t" -> t = v;
          case "p" -> p = v;
          default -> {
            return false;
          }
        }
      }
      if (m < 8 || m > 1 << 22 || t < 1 || t > 64 || p < 1 || p > 16) {
        return false;
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = derive(password, salt, m, t, p, expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Spends the time a real check takes, for a name that has no account. */
  static void verifyNothing(String password) {
    verify(password, DUMMY);
  }

  /** Why a new password is not acceptable, if it is not. */
  public static java.util.Optional<String> weakness(String password) {
    if (password.length() < MIN_LENGTH) {
      return java.util.Optional.of("a password has at least " + MIN_LENGTH + " characters");
    }
    if (password.length() > 1024) {
      return java.util.Optional.of("a password has at most 1024 characters");
    }
    return java.util.Optional.empty();
  }

  private static byte[] derive(
      String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(lanes)
            .withSalt(salt)
            .build();
    Argon2BytesGenerator gen = new Argon2BytesGenerator();
    gen.init(params);
    byte[] out = new byte[length];
    gen.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}

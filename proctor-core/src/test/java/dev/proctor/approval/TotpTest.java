package dev.proctor.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {

  private static final byte[] SHA1_SEED = seed(20);
  private static final Instant NOW = Instant.ofEpochSecond(1_234_567_890L);

  /** The RFC's seeds: "1234567890" repeated to the hash's length. */
  private static byte[] seed(int length) {
    return "1234567890".repeat(7).substring(0, length).getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest(name = "{1} at {0}")
  @CsvFileSource(resources = "/totp/rfc6238-appendix-b.csv")
  void code_rfc6238AppendixB_matchesTheVector(long time, Totp.Algorithm alg, String expected) {
    int length =
        switch (alg) {
          case SHA1 -> 20;
          case SHA256 -> 32;
          case SHA512 -> 64;
        };
    Totp totp = new Totp(alg, 8, 30);
    long step = totp.step(Instant.ofEpochSecond(time));
    assertThat(totp.code(seed(length), step)).isEqualTo(expected);
    assertThat(totp.match(seed(length), expected, Instant.ofEpochSecond(time), Long.MIN_VALUE))
        .hasValue(step);
  }

  @Test
  void code_sixDigits_isTheLastSixOfTheEightDigitCode() {
    // Truncation is modulo 10^digits, so a 6-digit code is the 8-digit one's last six.
    assertThat(Totp.DEFAULT.code(SHA1_SEED, Totp.DEFAULT.step(Instant.ofEpochSecond(59))))
        .isEqualTo("287082");
  }

  @Test
  void match_oneStepEitherSide_isAccepted_twoStepsIsNot() {
    long now = Totp.DEFAULT.step(NOW);
    for (long s = now - 1; s <= now + 1; s++) {
      assertThat(Totp.DEFAULT.match(SHA1_SEED, code(s), NOW, Long.MIN_VALUE)).hasValue(s);
    }
    assertThat(Totp.DEFAULT.match(SHA1_SEED, code(now - 2), NOW, Long.MIN_VALUE)).isEmpty();
    assertThat(Totp.DEFAULT.match(SHA1_SEED, code(now + 2), NOW, Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void match_stepAlreadyUsed_isRefused_aLaterOneIsNot() {
    long now = Totp.DEFAULT.step(NOW);
    assertThat(Totp.DEFAULT.match(SHA1_SEED, code(now), NOW, now)).isEmpty();
    assertThat(Totp.DEFAULT.match(SHA1_SEED, code(now - 1), NOW, now - 1)).isEmpty();
    assertThat(Totp.DEFAULT.match(SHA1_SEED, code(now + 1), NOW, now)).hasValue(now + 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12345", "1234567", "abcdef", "12345a", " 12345", "１２３４５６"})
  void match_malformedCode_isRefused(String code) {
    assertThat(Totp.DEFAULT.match(SHA1_SEED, code, NOW, Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void match_otherSecret_isRefused() {
    long now = Totp.DEFAULT.step(NOW);
    byte[] other = seed(20).clone();
    other[0] ^= 1;
    assertThat(Totp.DEFAULT.match(other, code(now), NOW, Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void base32_rfc4648Vectors_andRoundTrip() {
    // RFC 4648 section 10, without the padding otpauth URIs leave off.
    assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
    assertThat(Totp.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
    assertThat(Totp.fromBase32("mzxw6ytboi======")).isEqualTo("foobar".getBytes());
    Random r = new Random(6238);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[r.nextInt(40)];
      r.nextBytes(b);
      assertThat(Totp.fromBase32(Totp.base32(b))).isEqualTo(b);
    }
    assertThatThrownBy(() -> Totp.fromBase32("MZ1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void uri_namesIssuerAccountAndSecret() {
    byte[] secret = Totp.newSecret(new SecureRandom());
    assertThat(secret).hasSize(20);
    assertThat(Totp.DEFAULT.uri("Proctor", "dana", secret))
        .isEqualTo("otpauth://totp/Proctor:dana?secret=" + Totp.base32(secret) + "&issuer=Proctor");
    assertThat(new Totp(Totp.Algorithm.SHA256, 8, 60).uri("Proctor", "a b", secret))
        .endsWith("&issuer=Proctor&algorithm=SHA256&digits=8&period=60")
        .startsWith("otpauth://totp/Proctor:a%20b?");
  }

  @Test
  void constructor_otherDigits_isRefused() {
    assertThatThrownBy(() -> new Totp(Totp.Algorithm.SHA1, 7, 30))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String code(long step) {
    return Totp.DEFAULT.code(SHA1_SEED, step);
  }
}

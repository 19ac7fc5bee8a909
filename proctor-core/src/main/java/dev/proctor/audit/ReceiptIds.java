package dev.proctor.audit;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * Receipt ids: RFC 9562 version 7 UUIDs — 48 bits of Unix milliseconds, then 74 random bits.
 *
 * <p>Why time-ordered: stores index receipts by id, and an index whose new keys are random touches
 * a different page for almost every insert, so each group commit would write hundreds of index
 * pages and the cost would grow with the log. Keys that start with the time land on the last pages
 * of the index. The random bits keep ids unique across processes sharing a store.
 */
final class ReceiptIds {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ReceiptIds() {}

  /** A new id for a receipt recorded at {@code time}. */
  static String next(Instant time) {
    byte[] r = new byte[10];
    RANDOM.nextBytes(r);
    long millis = time.toEpochMilli() & 0xFFFF_FFFF_FFFFL;
    long randA = ((r[0] & 0xFFL) << 8 | (r[1] & 0xFFL)) & 0x0FFFL;
    long high = millis << 16 | 0x7000L | randA;
    long low = 0;
    for (int i = 2; i < 10; i++) {
      low = low << 8 | (r[i] & 0xFFL);
    }
    low = (low & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low).toString();
  }
}

package dev.proctor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReceiptIdsTest {

  @Test
  void next_anyTime_isVersion7UuidCarryingTheMillisecond() {
    Instant t = Instant.parse("2026-11-26T10:15:30.120Z");
    UUID id = UUID.fromString(ReceiptIds.next(t));
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
    assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(t.toEpochMilli());
  }

  @Test
  void next_laterMillisecond_sortsAfterEarlierIds() {
    Instant t = Instant.parse("2026-11-26T10:15:30.120Z");
    for (int i = 0; i < 1000; i++) {
      String earlier = ReceiptIds.next(t.plusMillis(i));
      String later = ReceiptIds.next(t.plusMillis(i + 1));
      assertThat(later).isGreaterThan(earlier);
    }
  }

  @Test
  void next_sameMillisecond_isUnique() {
    Instant t = Instant.parse("2026-11-26T10:15:30.120Z");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(ReceiptIds.next(t));
    }
    assertThat(ids).hasSize(100_000);
  }
}

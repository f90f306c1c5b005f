package io.github.codexmcp.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final DateTimeFormatter ORACLE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void sameTextAsTheFormatterAcrossTheYears() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 20_000; i++) {
      Instant t =
          Instant.ofEpochSecond(
              r.nextLong(-62_167_219_200L, 253_402_300_800L), r.nextInt(1_000_000_000));
      assertEquals(ORACLE.format(t), Timestamps.format(t), t.toString());
      assertEquals(ORACLE.format(t), Timestamps.formatMillis(t.toEpochMilli()), t.toString());
    }
  }

  @Test
  void consecutiveCallsWithinOneSecondAndAcrossItsEdges() {
    Instant base = Instant.parse("2026-12-31T23:59:59Z");
    for (int ms = 0; ms < 2_000; ms += 7) {
      Instant t = base.plusMillis(ms);
      assertEquals(ORACLE.format(t), Timestamps.format(t));
    }
    // back in time after a later second was cached
    assertEquals("2026-12-31T23:59:59.001Z", Timestamps.format(base.plusMillis(1)));
    assertEquals("1970-01-01T00:00:00.000Z", Timestamps.format(Instant.EPOCH));
    assertEquals("1969-12-31T23:59:59.999Z", Timestamps.format(Instant.EPOCH.minusMillis(1)));
    assertEquals("1969-12-31T23:59:59.999Z", Timestamps.formatMillis(-1));
  }

  @Test
  void yearsOutsideFourDigitsFollowTheFormatter() {
    Instant far = Instant.parse("+12000-01-01T00:00:00.5Z");
    assertEquals(ORACLE.format(far), Timestamps.format(far));
    Instant before = Instant.parse("-0001-06-01T00:00:00Z");
    assertEquals(ORACLE.format(before), Timestamps.format(before));
  }
}

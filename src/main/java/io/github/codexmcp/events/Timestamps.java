package io.github.codexmcp.events;

import io.github.codexmcp.util.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with exactly three fraction digits, e.g. {@code
 * 2026-02-15T10:00:00.000Z}.
 *
 * <p>Every event gets one, so formatting is on the streaming path: the text up to the seconds is
 * computed once per second and cached, and only the milliseconds are appended per call (a {@link
 * DateTimeFormatter} goes through {@code BigDecimal} for the fraction on every call). Years outside
 * 0–9999 take the formatter's path. Thread-safe without locks: the caches are immutable records
 * published through volatile fields; threads that race compute the same text.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final long MIN_SECOND = -62167219200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253402300799L; // 9999-12-31T23:59:59Z

  /** The formatted text of one second, up to and including the '.' before the milliseconds. */
  private record Second(long epochSecond, String prefix) {}

  private static volatile Second cached = new Second(Long.MIN_VALUE, "");

  private Timestamps() {}

  /** Formats an instant (truncated to milliseconds). */
  public static String format(Instant instant) {
    return format(instant.getEpochSecond(), instant.getNano() / 1_000_000);
  }

  /**
   * Formats epoch milliseconds. Calls within the same millisecond (a burst of streamed deltas) get
   * the same string, so the events buffered from them share it.
   */
  public static String formatMillis(long epochMillis) {
    Last last = lastMillis;
    if (last.epochMillis == epochMillis && last.text != null) {
      return last.text;
    }
    String text =
        format(Math.floorDiv(epochMillis, 1000L), (int) Math.floorMod(epochMillis, 1000L));
    lastMillis = new Last(epochMillis, text);
    return text;
  }

  private record Last(long epochMillis, String text) {}

  private static volatile Last lastMillis = new Last(0, null);

  private static String format(long second, int millis) {
    if (second < MIN_SECOND || second > MAX_SECOND) {
      return FORMAT.format(Instant.ofEpochSecond(second, millis * 1_000_000L));
    }
    Second s = cached;
    if (s.epochSecond != second) {
      s = new Second(second, prefix(second));
      cached = s;
    }
    StringBuilder b = new StringBuilder(24).append(s.prefix);
    if (millis < 100) {
      b.append('0');
    }
    if (millis < 10) {
      b.append('0');
    }
    return b.append(millis).append('Z').toString();
  }

  /** The clock's current time, formatted. */
  public static String now(Clock clock) {
    return formatMillis(clock.millis());
  }

  private static String prefix(long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(20);
    pad(b, t.getYear(), 4).append('-');
    pad(b, t.getMonthValue(), 2).append('-');
    pad(b, t.getDayOfMonth(), 2).append('T');
    pad(b, t.getHour(), 2).append(':');
    pad(b, t.getMinute(), 2).append(':');
    return pad(b, t.getSecond(), 2).append('.').toString();
  }

  private static StringBuilder pad(StringBuilder b, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      b.append('0');
    }
    return b.append(digits);
  }
}

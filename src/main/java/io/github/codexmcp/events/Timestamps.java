package io.github.codexmcp.events;

import io.github.codexmcp.util.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with exactly three fraction digits, e.g. {@code
 * 2026-02-15T10:00:00.000Z}.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** Formats an instant (truncated to milliseconds). */
  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** The clock's current time, formatted. */
  public static String now(Clock clock) {
    return format(clock.instant());
  }
}

package io.github.codexmcp.util;

import java.time.Instant;

/** Time source seam: production uses {@link SystemClock}, tests a manual clock. */
public interface Clock {
  /** Monotonic nanoseconds, for measuring durations. */
  long nanoTime();

  /** Wall-clock time, for timestamps shown to users. */
  Instant instant();

  /** Wall-clock epoch milliseconds. */
  default long millis() {
    return instant().toEpochMilli();
  }
}

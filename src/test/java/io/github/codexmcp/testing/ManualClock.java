package io.github.codexmcp.testing;

import io.github.codexmcp.util.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A {@link Clock} that moves only when told to. Usually advanced through {@link
 * ManualTimer#advance}, which keeps the clock and the due timer tasks consistent.
 */
public final class ManualClock implements Clock {
  /** The default start: {@code 2026-02-15T10:00:00.000Z}. */
  public static final Instant DEFAULT_START = Instant.parse("2026-02-15T10:00:00Z");

  private Instant now;
  private long nanos;

  public ManualClock() {
    this(DEFAULT_START);
  }

  public ManualClock(Instant start) {
    this.now = start;
  }

  /** Moves time forward by {@code d} (no timer task runs; see {@link ManualTimer#advance}). */
  public synchronized void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time never goes back: " + d);
    }
    now = now.plus(d);
    nanos += d.toNanos();
  }

  public void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }

  /**
   * Sets the wall clock back (or forth) without touching the monotonic time the timer runs on, as a
   * clock adjustment would.
   */
  public synchronized void adjustWallClock(Duration d) {
    now = now.plus(d);
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }
}

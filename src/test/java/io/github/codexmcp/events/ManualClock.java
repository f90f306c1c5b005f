package io.github.codexmcp.events;

import io.github.codexmcp.util.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock that only moves when told to. */
final class ManualClock implements Clock {
  private Instant now;
  private long nanos;

  ManualClock() {
    this(Instant.parse("2026-02-15T10:00:00Z"));
  }

  ManualClock(Instant start) {
    this.now = start;
  }

  void advance(Duration d) {
    now = now.plus(d);
    nanos += d.toNanos();
  }

  void advanceMillis(long ms) {
    advance(Duration.ofMillis(ms));
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Instant instant() {
    return now;
  }
}

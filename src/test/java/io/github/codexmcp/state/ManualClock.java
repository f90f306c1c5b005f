package io.github.codexmcp.state;

import io.github.codexmcp.util.Clock;
import java.time.Duration;
import java.time.Instant;

/** {@link Clock} that only moves when told to. */
final class ManualClock implements Clock {
  private volatile Instant now;
  private volatile long nanos;

  ManualClock(Instant start) {
    this.now = start;
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Instant instant() {
    return now;
  }

  void advance(Duration d) {
    now = now.plus(d);
    nanos += d.toNanos();
  }
}

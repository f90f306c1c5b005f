package io.github.codexmcp.detached;

import io.github.codexmcp.util.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Keepers for tests of the loops around {@link DetachedKeeper}: they only count their looks. */
final class CountingKeepers {
  private CountingKeepers() {}

  /**
   * A keeper (TTL 30 minutes) whose every session is driven by a server, so it never asks an
   * app-server and never stops one; each look at a session increments {@code looks}.
   */
  static DetachedKeeper allDriven(DetachedPaths paths, Clock clock, AtomicInteger looks) {
    return new DetachedKeeper(
        paths,
        Duration.ofMinutes(30),
        clock,
        new DetachedKeeper.Probe() {
          @Override
          public boolean driven(String sessionId) {
            looks.incrementAndGet();
            return true;
          }

          @Override
          public boolean turnRunning(String sessionId) {
            return false;
          }

          @Override
          public DetachedKeeper.Hold hold(String sessionId) {
            return null;
          }
        },
        p -> {
          throw new AssertionError("nothing is stopped here");
        });
  }
}

package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadCoalescingTest {
  private final ManualClock clock = new ManualClock();
  private final List<Long> pauses = new ArrayList<>();
  private long pauseTakes = ReadCoalescing.PAUSE_NANOS;
  private final ReadCoalescing c =
      new ReadCoalescing(
          clock,
          nanos -> {
            pauses.add(nanos);
            clock.advance(Duration.ofNanos(pauseTakes));
          });

  /** One read that waits {@code waitMicros} for data. */
  private void read(long waitMicros, boolean filled) {
    c.beforeRead();
    clock.advance(Duration.ofNanos(waitMicros * 1000));
    c.afterRead(filled);
  }

  /** {@code STREAK - 1} quick reads: the next quick read makes the stream hot. */
  private void warm() {
    for (int i = 1; i < ReadCoalescing.STREAK; i++) {
      read(100, false);
    }
  }

  @Test
  void aHotStreamPausesBeforeEachReadOnceTheStreakIsLongEnough() {
    warm();
    read(100, false);
    assertEquals(List.of(), pauses, "the first reads of a stream are not delayed");
    read(100, false);
    read(100, false);
    assertEquals(List.of(ReadCoalescing.PAUSE_NANOS, ReadCoalescing.PAUSE_NANOS), pauses);
  }

  @Test
  void aReadThatWaitsEndsTheStreak() {
    warm();
    read(100, false);
    read(5_000, false); // paused once before it, then waited longer than the gap
    read(100, false);
    read(100, false);
    assertEquals(List.of(ReadCoalescing.PAUSE_NANOS), pauses, "a line waits at most one pause");
  }

  @Test
  void aFilledBufferIsReadAgainAtOnce() {
    warm();
    read(100, true);
    read(100, false);
    assertEquals(List.of(), pauses, "more is already waiting: no pause after a full read");
    read(100, false);
    assertEquals(1, pauses.size());
  }

  @Test
  void turnsItselfOffWhenPausesKeepOverrunning() {
    pauseTakes = 10 * ReadCoalescing.PAUSE_NANOS; // a platform that cannot wait briefly
    warm();
    read(100, false);
    for (int i = 0; i < 8; i++) {
      assertFalse(c.isOff());
      read(100, false);
    }
    assertTrue(c.isOff());
    int before = pauses.size();
    read(100, false);
    read(100, false);
    assertEquals(before, pauses.size(), "no pause once off");
  }
}

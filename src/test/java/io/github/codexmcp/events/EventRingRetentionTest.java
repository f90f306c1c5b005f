package io.github.codexmcp.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventRingRetentionTest {
  private static final Clock CLOCK =
      new Clock() {
        @Override
        public long nanoTime() {
          return 0;
        }

        @Override
        public Instant instant() {
          return Instant.parse("2026-01-01T00:00:00Z");
        }
      };

  private static ObjectNode delta(int i) {
    return Json.object()
        .put("method", "item/agentMessage/delta")
        .put("delta", "d" + i)
        .put("itemId", "m");
  }

  @Test
  void unconsumedEventsSurviveTheSoftAndHardLimits() {
    EventRing ring = new EventRing(CLOCK, 10, 20, true);
    ring.retainUnconsumed(100);
    for (int i = 0; i < 60; i++) {
      ring.push(EventType.OUTPUT, delta(i));
    }
    assertEquals(60, ring.size());
    assertEquals(0, ring.firstId());
  }

  @Test
  void consumedEventsAreEvictedDownToTheSoftLimit() {
    EventRing ring = new EventRing(CLOCK, 10, 20, true);
    ring.retainUnconsumed(100);
    for (int i = 0; i < 60; i++) {
      ring.push(EventType.OUTPUT, delta(i));
    }
    ring.markConsumed(55);
    assertEquals(10, ring.size());
    assertEquals(50, ring.firstId());
  }

  @Test
  void theBacklogLimitStillBoundsMemory() {
    EventRing ring = new EventRing(CLOCK, 10, 20, true);
    ring.retainUnconsumed(30);
    for (int i = 0; i < 45; i++) {
      ring.push(EventType.OUTPUT, delta(i));
    }
    assertEquals(30, ring.size());
    assertEquals(15, ring.firstId());
  }

  @Test
  void withoutRetentionThePlainLimitsApply() {
    EventRing ring = new EventRing(CLOCK, 10, 20, true);
    for (int i = 0; i < 60; i++) {
      ring.push(EventType.OUTPUT, delta(i));
    }
    assertEquals(10, ring.size());
  }
}

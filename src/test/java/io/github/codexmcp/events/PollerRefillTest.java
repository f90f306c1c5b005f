package io.github.codexmcp.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regression: a large result must not starve the events of a maxBytes poll. */
class PollerRefillTest {
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

  @Test
  void eventsReclaimTheRoomOfADroppedResult() {
    EventRing ring = new EventRing(CLOCK);
    for (int i = 0; i < 50; i++) {
      ring.push(
          EventType.OUTPUT,
          Json.object()
              .put("method", "item/agentMessage/delta")
              .put("delta", "d" + i)
              .put("itemId", "m"));
    }
    ObjectNode result =
        Json.object()
            .put("turnId", "t")
            .put("text", "z".repeat(5000))
            .put("completedAt", "2026-01-01T00:00:00.000Z");
    long cursor = 0;
    int seen = 0;
    for (int round = 0; round < 50 && seen < 50; round++) {
      PollContext ctx =
          new PollContext(
              "s",
              "idle",
              null,
              Json.object().put("phase", "finished"),
              cursor,
              List.of(),
              result,
              ring);
      Polled o =
          Polled.of(
              Poller.poll(
                  new PollRequest(
                      null,
                      1000,
                      ResponseMode.FULL,
                      new PollOptions(null, null, null, null, null, 2000L)),
                  ctx));
      int n = o.response().path("events").size();
      assertTrue(n > 0, "no events delivered in round " + round + ": " + o.response());
      assertTrue(o.response().path("truncated").asBoolean());
      assertFalse(o.response().has("result"));
      assertTrue(o.response().toString().getBytes(StandardCharsets.UTF_8).length <= 2000);
      assertEquals(seen, o.response().path("events").get(0).path("id").asInt());
      seen += n;
      cursor = o.sessionCursor();
    }
    assertEquals(50, seen);
  }
}

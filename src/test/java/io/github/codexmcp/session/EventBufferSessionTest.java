package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Buffer eviction as a session sees it (spec 70 group U, session parts). */
class EventBufferSessionTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private void deltas(int n) {
    for (int i = 0; i < n; i++) {
      f.notify(id, "item/agentMessage/delta", "{'itemId':'m" + i + "','delta':'d'}");
    }
  }

  private void consumeAll() {
    f.poll(id, null, Integer.MAX_VALUE);
  }

  @Test
  void u2SoftLimitEvictsUnpinnedBeforePinned() {
    f.commandApproval(id, 1); // pinned approval_request, id 0
    deltas(1100);
    consumeAll();
    List<SessionEvent> events = f.events(id);
    assertEquals(1000, events.size());
    assertEquals(EventType.APPROVAL_REQUEST, events.get(0).type(), "the pinned request survives");
    assertEquals(102, events.get(1).id(), "the oldest unpinned events went first");
  }

  @Test
  void u3OnlyCriticalPinnedEventsAreEvictedAtTheHardLimit() {
    for (int i = 0; i < 2005; i++) {
      f.commandApproval(id, i);
    }
    consumeAll();
    List<SessionEvent> events = f.events(id);
    assertEquals(2000, events.size());
    assertEquals(5, events.get(0).id());
    assertTrue(events.stream().allMatch(e -> e.type() == EventType.APPROVAL_REQUEST));
  }

  @Test
  void u4NextIdNeverDecreases() {
    deltas(1200);
    consumeAll();
    long next = f.nextEventId(id);
    assertEquals(1200, next);
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    assertEquals(1201, f.nextEventId(id));
    f.json.reply(f.reply(id)).join();
    assertEquals(1201, f.nextEventId(id), "reply cleanup removes events but keeps ids");
    assertTrue(f.events(id, EventType.RESULT).isEmpty());
    f.notify(id, "turn/diff/updated", "{}");
    assertEquals(1201, f.events(id).get(f.events(id).size() - 1).id());
  }

  @Test
  void everyPushedEventIsLogged() {
    deltas(3);
    f.commandApproval(id, 1);
    assertEquals(4, f.persistence.events(id).size());
    assertEquals(3, f.persistence.events(id).get(3).get("id").asLong());
  }
}

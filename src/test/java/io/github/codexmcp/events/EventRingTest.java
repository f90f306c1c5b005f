package io.github.codexmcp.events;

import static io.github.codexmcp.events.TestEvents.commandDelta;
import static io.github.codexmcp.events.TestEvents.delta;
import static io.github.codexmcp.events.TestEvents.json;
import static io.github.codexmcp.events.TestEvents.method;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventRingTest {
  private static final String SUMMARY = "item/reasoning/summaryTextDelta";
  private static final String REASONING = "item/reasoning/textDelta";
  private static final String FILE_DELTA = "item/fileChange/outputDelta";

  private final ManualClock clock = new ManualClock();
  private final EventRing ring = new EventRing(clock);

  private static List<EventType> types(EventRing r) {
    List<EventType> out = new ArrayList<>();
    r.forEach(e -> out.add(e.type()));
    return out;
  }

  private static List<Long> ids(EventRing r) {
    List<Long> out = new ArrayList<>();
    r.forEach(e -> out.add(e.id()));
    return out;
  }

  // ---- append, ids, timestamps, listener

  @Test
  void appendsWithIncreasingIdsAndClockTimestamps() {
    SessionEvent a = ring.push(EventType.PROGRESS, method("a"));
    clock.advanceMillis(1234);
    SessionEvent b = ring.push(EventType.OUTPUT, method("b"), true);
    assertEquals(0, a.id());
    assertEquals(1, b.id());
    assertEquals("2026-02-15T10:00:00.000Z", a.timestamp());
    assertEquals("2026-02-15T10:00:01.234Z", b.timestamp());
    assertTrue(b.pinned());
    assertEquals(2, ring.nextId());
    assertEquals(0, ring.firstId());
    assertSame(b, ring.last());
    assertEquals(2, ring.size());
  }

  @Test
  void emptyRingReportsNextIdAsFirstId() {
    assertTrue(ring.isEmpty());
    assertEquals(0, ring.firstId());
    assertNull(ring.last());
    assertEquals(0, ring.indexAtOrAfter(0));
  }

  @Test
  void listenerSeesEveryAppendedEvent() {
    List<SessionEvent> seen = new ArrayList<>();
    ring.setListener(seen::add);
    SessionEvent a = ring.push(EventType.RESULT, method("turn/completed"), true);
    assertEquals(List.of(a), seen);
  }

  @Test
  void listenerSeesCoalescedFragmentUnderTheMergedId() {
    List<SessionEvent> seen = new ArrayList<>();
    ring.setListener(seen::add);
    ring.push(EventType.PROGRESS, commandDelta("i1", "ab"));
    clock.advanceMillis(5);
    SessionEvent merged = ring.push(EventType.PROGRESS, commandDelta("i1", "cd"));
    assertEquals(2, seen.size());
    SessionEvent fragment = seen.get(1);
    assertEquals(0, fragment.id());
    assertEquals("cd", fragment.data().get("delta").asText());
    assertEquals(merged.timestamp(), fragment.timestamp());
    assertEquals("abcd", merged.data().get("delta").asText());
  }

  @Test
  void listenerFailureDoesNotBreakThePush() {
    ring.setListener(
        e -> {
          throw new IllegalStateException("disk full");
        });
    SessionEvent e = ring.push(EventType.PROGRESS, method("x"));
    assertEquals(1, ring.size());
    assertSame(e, ring.last());
  }

  // ---- coalescing (spec 30 §4.2, spec 70 Q3-Q8)

  @Test
  void commandOutputDeltasForTheSameItemCoalesce() {
    ObjectNode first = commandDelta("i1", "a");
    first.put("threadId", "th");
    ring.push(EventType.PROGRESS, first);
    clock.advanceMillis(10);
    ring.push(EventType.PROGRESS, commandDelta("i1", "b"));
    clock.advanceMillis(10);
    SessionEvent merged = ring.push(EventType.PROGRESS, commandDelta("i1", "c"));
    assertEquals(1, ring.size());
    assertEquals(0, merged.id());
    assertEquals("abc", merged.data().get("delta").asText());
    assertEquals("th", merged.data().get("threadId").asText(), "keys of the first event kept");
    assertEquals("2026-02-15T10:00:00.020Z", merged.timestamp());
    assertEquals(1, ring.nextId());
    assertEquals("a", first.get("delta").asText(), "pushed node never modified");
  }

  @Test
  void reasoningSummaryDeltasForTheSameItemCoalesce() {
    ring.push(EventType.PROGRESS, delta(SUMMARY, "r1", null, "hello"));
    ring.push(EventType.PROGRESS, delta(SUMMARY, "r1", null, " world"));
    assertEquals(1, ring.size());
    assertEquals("hello world", ring.get(0).data().get("delta").asText());
  }

  @Test
  void summaryDeltasWithoutItemIdCoalesceOnTurnId() {
    ring.push(EventType.PROGRESS, delta(SUMMARY, null, "t1", "first"));
    ring.push(EventType.PROGRESS, delta(SUMMARY, null, "t1", " second"));
    assertEquals("first second", ring.get(0).data().get("delta").asText());
  }

  @Test
  void reasoningTextDeltasForTheSameTurnCoalesce() {
    ring.push(EventType.PROGRESS, delta(REASONING, null, "t1", "A"));
    ring.push(EventType.PROGRESS, delta(REASONING, null, "t1", "B"));
    assertEquals(1, ring.size());
    assertEquals("AB", ring.get(0).data().get("delta").asText());
  }

  @Test
  void fileChangeDeltasCoalesceAndMissingEqualsEmptyKey() {
    ObjectNode a = delta(FILE_DELTA, "f1", null, "x");
    ObjectNode b = delta(FILE_DELTA, "f1", null, "y");
    b.put("turnId", "");
    ring.push(EventType.PROGRESS, a);
    ring.push(EventType.PROGRESS, b);
    assertEquals(1, ring.size());
    assertEquals("xy", ring.get(0).data().get("delta").asText());
  }

  @Test
  void noCoalescingAcrossItemsMethodsTurnsOrPinnedEvents() {
    ring.push(EventType.PROGRESS, commandDelta("i1", "a"));
    ring.push(EventType.PROGRESS, commandDelta("i2", "b")); // other item
    ring.push(EventType.PROGRESS, delta(FILE_DELTA, "i2", "t1", "c")); // other method
    ring.push(EventType.PROGRESS, delta(FILE_DELTA, "i2", "t2", "d")); // other turn
    ring.push(EventType.PROGRESS, delta(FILE_DELTA, "i2", "t2", "e"), true); // pinned new
    ring.push(EventType.PROGRESS, delta(FILE_DELTA, "i2", "t2", "f")); // after pinned
    assertEquals(6, ring.size());
    assertEquals("f", ring.last().data().get("delta").asText());
  }

  @Test
  void noCoalescingWhenBothKeysAreMissing() {
    ring.push(EventType.PROGRESS, delta(REASONING, null, null, "a"));
    ring.push(EventType.PROGRESS, delta(REASONING, null, null, "b"));
    assertEquals(2, ring.size());
  }

  @Test
  void noCoalescingIntoNonStringDeltaOrNonProgressOrOtherType() {
    ObjectNode numeric = commandDelta("i1", "x");
    numeric.put("delta", 5);
    ring.push(EventType.PROGRESS, numeric);
    ring.push(EventType.PROGRESS, commandDelta("i1", "a"));
    assertEquals(2, ring.size());
    ring.push(EventType.OUTPUT, commandDelta("i1", "b")); // new type not progress
    assertEquals(3, ring.size());
    ring.push(EventType.PROGRESS, commandDelta("i1", "c")); // last is output
    assertEquals(4, ring.size());
  }

  @Test
  void coalescingStopsBeyond16384Characters() {
    ring.push(EventType.PROGRESS, commandDelta("i1", "a".repeat(16_000)));
    ring.push(EventType.PROGRESS, commandDelta("i1", "b".repeat(384)));
    assertEquals(1, ring.size());
    assertEquals(16_384, ring.get(0).data().get("delta").asText().length());
    ring.push(EventType.PROGRESS, commandDelta("i1", "c"));
    assertEquals(2, ring.size());
    assertEquals("c", ring.get(1).data().get("delta").asText());
  }

  @Test
  void agentMessageDeltasAreNeverCoalesced() {
    ObjectNode d = json("{'method':'item/agentMessage/delta','delta':'a','itemId':'m1'}");
    ring.push(EventType.OUTPUT, d);
    ring.push(EventType.OUTPUT, d.deepCopy().put("delta", "b"));
    assertEquals(2, ring.size());
  }

  // ---- noise filter (spec 30 §4.1, spec 70 Q9)

  @Test
  void noiseLinesAreDroppedFromCommandOutput() {
    ObjectNode pushed = commandDelta("i1", "ok\noh-my-posh init\ndone");
    SessionEvent e = ring.push(EventType.PROGRESS, pushed);
    assertEquals("ok\ndone", e.data().get("delta").asText());
    assertEquals("i1", e.data().get("itemId").asText());
    assertEquals("ok\noh-my-posh init\ndone", pushed.get("delta").asText());
  }

  @Test
  void allNoiseDeltaProducesNoEvent() {
    List<SessionEvent> seen = new ArrayList<>();
    ring.setListener(seen::add);
    assertNull(ring.push(EventType.PROGRESS, commandDelta("i1", "oh-my-posh")));
    assertNull(ring.push(EventType.PROGRESS, commandDelta("i1", "")));
    assertEquals(0, ring.size());
    assertEquals(0, ring.nextId());
    assertTrue(seen.isEmpty());
  }

  @Test
  void disabledFilterKeepsNoise() {
    EventRing unfiltered = new EventRing(clock, 1000, 2000, false);
    SessionEvent e = unfiltered.push(EventType.PROGRESS, commandDelta("i1", "oh-my-posh"));
    assertEquals("oh-my-posh", e.data().get("delta").asText());
  }

  @Test
  void filterOnlyAppliesToCommandOutput() {
    SessionEvent e = ring.push(EventType.PROGRESS, delta(FILE_DELTA, "f", "t", "oh-my-posh"));
    assertEquals("oh-my-posh", e.data().get("delta").asText());
  }

  // ---- eviction (spec 30 §5.1, spec 70 U1-U4)

  @Test
  void approvalResultGoesFirstWhenOnlyPinnedRemain() {
    EventRing small = new EventRing(clock, 2, 2, true);
    small.push(EventType.APPROVAL_REQUEST, method("a"), true);
    small.push(EventType.APPROVAL_RESULT, method("b"), true);
    small.push(EventType.RESULT, method("c"), true);
    assertEquals(List.of(EventType.APPROVAL_REQUEST, EventType.RESULT), types(small));
  }

  @Test
  void softLimitEvictsOldestUnpinnedBeforeAnyPinned() {
    EventRing r = new EventRing(clock, 3, 10, true);
    r.push(EventType.PROGRESS, method("p"), true); // 0 pinned
    r.push(EventType.PROGRESS, method("u1")); // 1
    r.push(EventType.APPROVAL_RESULT, method("ar"), true); // 2
    r.push(EventType.OUTPUT, method("u2")); // 3 -> drops 1
    r.push(EventType.OUTPUT, method("u3")); // 4 -> drops 3
    assertEquals(List.of(0L, 2L, 4L), ids(r));
  }

  @Test
  void softLimitThenDropsPinnedApprovalResultsButKeepsOtherPinned() {
    EventRing r = new EventRing(clock, 2, 10, true);
    r.push(EventType.APPROVAL_REQUEST, method("q"), true); // 0
    r.push(EventType.APPROVAL_RESULT, method("r1"), true); // 1
    r.push(EventType.APPROVAL_RESULT, method("r2"), true); // 2 -> drops 1
    assertEquals(List.of(0L, 2L), ids(r));
    r.push(EventType.RESULT, method("res"), true); // 3 -> drops 2
    assertEquals(List.of(0L, 3L), ids(r));
    r.push(EventType.PROGRESS, method("pp"), true); // 4: nothing droppable below hard
    r.push(EventType.ERROR, method("err"), true); // 5
    assertEquals(List.of(0L, 3L, 4L, 5L), ids(r));
  }

  @Test
  void hardLimitEvictsPinnedProgressBeforeCriticalAndLogs() {
    EventRing r = new EventRing(clock, 1, 3, true);
    r.push(EventType.PROGRESS, method("p1"), true); // 0
    r.push(EventType.APPROVAL_REQUEST, method("a1"), true); // 1
    r.push(EventType.PROGRESS, method("p2"), true); // 2
    String err = captureStderr(() -> r.push(EventType.RESULT, method("r1"), true)); // 3
    assertEquals(List.of(1L, 2L, 3L), ids(r));
    assertFalse(err.contains("hard limit"), err);
    r.push(EventType.PROGRESS, method("p3"), true); // 4 -> oldest pinned progress is 2
    assertEquals(List.of(1L, 3L, 4L), ids(r));
    r.push(EventType.ERROR, method("e1"), true); // 5 -> drops 4
    assertEquals(List.of(1L, 3L, 5L), ids(r));
    err = captureStderr(() -> r.push(EventType.ERROR, method("e2"), true)); // 6 -> critical
    assertEquals(List.of(3L, 5L, 6L), ids(r));
    assertTrue(err.contains(EventRing.HARD_LIMIT_MESSAGE), err);
  }

  @Test
  void onlyCriticalEventsBeyondTheDefaultHardLimitEvictTheOldestWithALogLine() {
    for (int i = 0; i < 2000; i++) {
      ring.push(EventType.RESULT, method("turn/completed"), true);
    }
    assertEquals(2000, ring.size());
    String err = captureStderr(() -> ring.push(EventType.ERROR, method("error"), true));
    assertEquals(2000, ring.size());
    assertEquals(1, ring.firstId());
    assertEquals(2000, ring.last().id());
    assertTrue(
        err.contains(
            "[codex-mcp] Event buffer hard limit exceeded with only critical pinned events;"
                + " evicting oldest event."),
        err);
  }

  @Test
  void defaultSoftLimitKeepsTheNewest1000UnpinnedAndAllPinned() {
    ring.push(EventType.APPROVAL_REQUEST, method("q"), true);
    for (int i = 0; i < 1200; i++) {
      ring.push(EventType.OUTPUT, method("o" + i));
    }
    assertEquals(1000, ring.size());
    assertEquals(0, ring.firstId(), "pinned request survives");
    assertEquals(202, ring.get(1).id());
    assertEquals(1200, ring.last().id());
  }

  @Test
  void newEventItselfMayBeEvictedButIsStillReported() {
    EventRing r = new EventRing(clock, 2, 2, true);
    List<SessionEvent> seen = new ArrayList<>();
    r.setListener(seen::add);
    r.push(EventType.RESULT, method("a"), true);
    r.push(EventType.ERROR, method("b"), true);
    SessionEvent c = r.push(EventType.PROGRESS, method("c"));
    assertEquals(List.of(0L, 1L), ids(r));
    assertEquals(2, c.id());
    assertEquals(3, seen.size());
    assertEquals(3, r.nextId());
  }

  @Test
  void evictionPreservesOrderOfSurvivors() {
    EventRing r = new EventRing(clock, 4, 8, true);
    for (int i = 0; i < 12; i++) {
      r.push(EventType.PROGRESS, method("m" + i), i % 3 == 0);
    }
    List<Long> ids = ids(r);
    List<Long> sorted = ids.stream().sorted().collect(Collectors.toList());
    assertEquals(sorted, ids);
    assertEquals(List.of(0L, 3L, 6L, 9L), ids, "only the pinned survive a full soft limit");
  }

  @Test
  void nextIdNeverDecreases() {
    EventRing r = new EventRing(clock, 2, 2, true);
    long last = -1;
    for (int i = 0; i < 10; i++) {
      r.push(i % 2 == 0 ? EventType.RESULT : EventType.PROGRESS, method("x"), i % 2 == 0);
      assertTrue(r.nextId() > last);
      last = r.nextId();
    }
    r.removeResultsAndErrors();
    assertEquals(last, r.nextId());
    assertEquals(last, r.push(EventType.PROGRESS, method("y")).id());
  }

  @Test
  void invalidLimitsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new EventRing(clock, 0, 5, true));
    assertThrows(IllegalArgumentException.class, () -> new EventRing(clock, 5, 4, true));
  }

  // ---- new-turn cleanup (spec 30 §5.2)

  @Test
  void removeResultsAndErrorsKeepsOthersAndIds() {
    ring.push(EventType.PROGRESS, method("a"));
    ring.push(EventType.RESULT, method("turn/completed"), true);
    ring.push(EventType.APPROVAL_RESULT, method("r"), true);
    ring.push(EventType.ERROR, method("error"), true);
    ring.push(EventType.ERROR, method("error"));
    assertEquals(3, ring.removeResultsAndErrors());
    assertEquals(List.of(0L, 2L), ids(ring));
    assertEquals(5, ring.nextId());
  }

  // ---- reads

  @Test
  void cursorLookupsUseIdsNotPositions() {
    EventRing r = new EventRing(clock, 3, 3, true);
    for (int i = 0; i < 6; i++) {
      r.push(EventType.PROGRESS, method("m" + i));
    }
    assertEquals(List.of(3L, 4L, 5L), ids(r));
    assertEquals(0, r.indexAtOrAfter(0));
    assertEquals(1, r.indexAtOrAfter(4));
    assertEquals(3, r.indexAtOrAfter(6));
    assertEquals(3, r.indexAtOrAfter(Long.MAX_VALUE));
    assertEquals(List.of(4L, 5L), r.since(4, 10).stream().map(SessionEvent::id).toList());
    assertEquals(List.of(3L), r.since(-5, 1).stream().map(SessionEvent::id).toList());
    assertEquals(List.of(), r.since(2, 0));
    assertEquals(3, r.snapshot().size());
    assertThrows(UnsupportedOperationException.class, () -> r.iterator().remove());
  }

  @Test
  void restoreSortsDedupsRaisesNextIdAndEvicts() {
    List<SessionEvent> seen = new ArrayList<>();
    EventRing r = new EventRing(clock, 2, 2, true);
    r.setListener(seen::add);
    r.restore(
        List.of(
            new SessionEvent(7, EventType.PROGRESS, method("b"), "t", false),
            new SessionEvent(3, EventType.PROGRESS, method("a"), "t", false),
            new SessionEvent(9, EventType.OUTPUT, method("c"), "t", false),
            new SessionEvent(7, EventType.PROGRESS, method("dup"), "t", false)),
        8);
    assertEquals(List.of(7L, 9L), ids(r));
    assertEquals(10, r.nextId());
    assertTrue(seen.isEmpty());
    r.restore(List.of(), 50);
    assertEquals(50, r.nextId());
    assertNotSame(null, r.push(EventType.PROGRESS, method("x")));
    assertEquals(50, r.last().id());
  }

  private static String captureStderr(Runnable r) {
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(old);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}

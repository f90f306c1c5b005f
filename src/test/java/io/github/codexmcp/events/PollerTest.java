package io.github.codexmcp.events;

import static io.github.codexmcp.events.TestEvents.json;
import static io.github.codexmcp.events.TestEvents.method;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.util.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PollerTest {

  /** The slice of a session that polling touches; applies the outcome's cursor like a session. */
  private static final class Fixture {
    final ManualClock clock = new ManualClock();
    final EventRing ring;
    String status = "running";
    long cursor;
    final List<ObjectNode> actions = new ArrayList<>();
    ObjectNode result;
    ObjectNode progress =
        json("{'phase':'running','lastEventAt':'2026-02-15T10:00:00.000Z','pendingActionCount':0}");

    Fixture() {
      this(EventRing.DEFAULT_SOFT_LIMIT, EventRing.DEFAULT_HARD_LIMIT);
    }

    Fixture(int soft, int hard) {
      ring = new EventRing(clock, soft, hard, true);
    }

    PollContext context() {
      boolean terminal = ProgressTracker.isTerminal(status);
      return new PollContext(
          "sess_1",
          status,
          ProgressTracker.pollInterval(status),
          progress,
          cursor,
          actions,
          terminal ? result : null,
          ring);
    }

    Polled poll(Long c, int max) {
      return poll(new PollRequest(c, max, ResponseMode.FULL, null));
    }

    Polled poll(Long c, int max, PollOptions options) {
      return poll(new PollRequest(c, max, ResponseMode.FULL, options));
    }

    Polled poll(PollRequest request) {
      Polled out = Polled.of(Poller.poll(request, context()));
      cursor = out.sessionCursor();
      return out;
    }

    Polled respond(Long c, int max, PollOptions options) {
      Polled out =
          Polled.of(
              Poller.pollMonotonic(new PollRequest(c, max, ResponseMode.FULL, options), context()));
      cursor = out.sessionCursor();
      return out;
    }

    /** An agent message delta: output type, never coalesced. */
    SessionEvent pushDelta(String text) {
      return ring.push(
          EventType.OUTPUT,
          json("{'method':'item/agentMessage/delta','itemId':'m','delta':'" + text + "'}"));
    }
  }

  private static PollOptions opts(
      Boolean includeEvents,
      Boolean includeActions,
      Boolean includeResult,
      Boolean skipDeltas,
      Boolean finalOnly,
      Long maxBytes) {
    return new PollOptions(
        includeEvents, includeActions, includeResult, skipDeltas, finalOnly, maxBytes);
  }

  private static PollOptions maxBytes(long n) {
    return opts(null, null, null, null, null, n);
  }

  private static List<Long> ids(Polled o) {
    List<Long> out = new ArrayList<>();
    o.response().get("events").forEach(e -> out.add(e.get("id").asLong()));
    return out;
  }

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static int bytes(JsonNode node) {
    return Json.write(node).getBytes(StandardCharsets.UTF_8).length;
  }

  private static ObjectNode commandAction(String requestId, String command) {
    ObjectNode a =
        json(
            "{'type':'approval','requestId':'"
                + requestId
                + "','kind':'command','params':{'threadId':'th','turnId':'t','itemId':'it',"
                + "'command':'cmd','cwd':'/w','reason':'needs network'},'itemId':'it',"
                + "'reason':'needs network','approvalId':'ap1',"
                + "'commandActions':[{'type':'unknown','command':'cmd'}],"
                + "'proposedExecpolicyAmendment':['curl'],"
                + "'availableDecisions':['accept','decline'],"
                + "'proposedNetworkPolicyAmendments':null,"
                + "'additionalPermissions':{'network':true},"
                + "'networkApprovalContext':{'host':'x.test'},"
                + "'createdAt':'2026-02-15T10:00:00.000Z'}");
    ((ObjectNode) a.get("params")).put("command", command);
    return a;
  }

  private static ObjectNode userInputAction(String requestId, String question) {
    ObjectNode a =
        json(
            "{'type':'user_input','requestId':'"
                + requestId
                + "','kind':'user_input','params':{'threadId':'th','turnId':'t','itemId':'it',"
                + "'questions':[{'id':'q1','header':'H','question':'?'},{'id':7},{'id':'q2'}]},"
                + "'itemId':'it','createdAt':'2026-02-15T10:00:00.000Z'}");
    ((ObjectNode) a.get("params").get("questions").get(0)).put("question", question);
    return a;
  }

  // ---- basic cursors (spec 70 M1-M8)

  @Test
  void consumesOneEventPerPollAndContinuesFromTheSessionCursor() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    f.pushDelta("b");
    Polled first = f.poll(0L, 1);
    assertEquals(List.of(0L), ids(first));
    assertEquals(1, first.response().get("nextCursor").asLong());
    assertEquals(1, first.nextCursor());
    assertEquals(1, f.cursor);
    Polled second = f.poll(null, 1);
    assertEquals(List.of(1L), ids(second));
    assertEquals(2, f.cursor);
  }

  @Test
  void maxEventsZeroSelectsAndConsumesNothing() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    Polled o = f.poll(null, 0);
    assertEquals(List.of(), ids(o));
    assertEquals(0, o.nextCursor());
    assertEquals(0, f.cursor);
    assertFalse(o.visibleData());
  }

  @Test
  void explicitOlderCursorReplaysButNeverMovesTheSessionCursorBack() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    f.pushDelta("b");
    f.pushDelta("c");
    assertEquals(2, f.poll(0L, 2).nextCursor());
    Polled replay = f.poll(0L, 1);
    assertEquals(List.of(0L), ids(replay));
    assertEquals(1, replay.nextCursor());
    assertEquals(2, f.cursor);
    assertEquals(List.of(2L), ids(f.poll(null, 1)));
  }

  @Test
  void cursorBeyondTheEndJumpsToNextId() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    Polled o = f.poll(999_999L, 200);
    assertEquals(List.of(), ids(o));
    assertEquals(1, o.nextCursor());
    assertEquals(1, f.cursor);
    assertEquals(List.of(), ids(f.poll(null, 200)));
  }

  @Test
  void evictedCursorResetsToTheOldestSurvivor() {
    Fixture f = new Fixture();
    for (int i = 0; i < 1105; i++) {
      f.pushDelta("d" + i);
    }
    Polled o = f.poll(0L, 2000);
    assertEquals(105, o.response().get("cursorResetTo").asLong());
    assertEquals(1000, o.response().get("events").size());
    assertEquals(105, ids(o).get(0));
    assertEquals(1105, o.nextCursor());
  }

  @Test
  void tinyMaxBytesDropsAllEventsAndKeepsTheResetCursor() {
    Fixture f = new Fixture();
    for (int i = 0; i < 1105; i++) {
      f.pushDelta("d" + i);
    }
    Polled o = f.poll(0L, 2000, maxBytes(1));
    ObjectNode r = o.response();
    assertTrue(r.get("truncated").asBoolean());
    assertTrue(strings(r.get("truncatedFields")).contains("events"));
    assertEquals(0, r.get("events").size());
    assertEquals(105, r.get("cursorResetTo").asLong());
    assertEquals(105, r.get("nextCursor").asLong());
    assertFalse(r.has("compatWarnings"), "the warning does not fit in 1 byte");
    assertEquals(List.of(105L), ids(f.poll(null, 1)));
  }

  @Test
  void zeroMaxEventsAfterEvictionReturnsTheResetCursor() {
    Fixture f = new Fixture();
    for (int i = 0; i < 1105; i++) {
      f.pushDelta("d" + i);
    }
    Polled o = f.poll(0L, 0);
    assertEquals(105, o.response().get("cursorResetTo").asLong());
    assertEquals(105, o.nextCursor());
    assertEquals(105, f.cursor, "includeEvents persists the reset cursor");
  }

  @Test
  void includeEventsFalseNeverConsumes() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    Polled o = f.poll(null, 200, opts(false, null, null, null, null, null));
    assertEquals(List.of(), ids(o));
    assertEquals(0, o.nextCursor());
    assertEquals(0, f.cursor);
    assertEquals(List.of(0L), ids(f.poll(0L, 200)));
  }

  @Test
  void includeEventsFalseStillReportsCursorResetTo() {
    Fixture f = new Fixture();
    for (int i = 0; i < 1005; i++) {
      f.pushDelta("d" + i);
    }
    Polled o = f.poll(null, 200, opts(false, null, null, null, null, null));
    assertEquals(5, o.response().get("cursorResetTo").asLong());
    assertEquals(5, o.nextCursor());
    assertEquals(0, f.cursor);
  }

  // ---- actions and result (M9, M10, M15)

  @Test
  void includeActionsFalseOmitsActions() {
    Fixture f = new Fixture();
    f.status = "waiting_approval";
    f.actions.add(commandAction("req_1", "ls"));
    assertFalse(
        f.poll(null, 1, opts(null, false, null, null, null, null)).response().has("actions"));
    Polled o = f.poll(null, 1);
    assertEquals(1, o.response().get("actions").size());
    assertTrue(o.visibleData());
  }

  @Test
  void emptyActionsAreOmitted() {
    Fixture f = new Fixture();
    assertFalse(f.poll(null, 1).response().has("actions"));
  }

  @Test
  void includeResultFalseOmitsResultAndResultIsNeverConsumed() {
    Fixture f = new Fixture();
    f.status = "idle";
    f.result = json("{'turnId':'t','status':'completed','completedAt':'x'}");
    Polled hidden = f.poll(null, 1, opts(null, null, false, null, null, null));
    assertFalse(hidden.response().has("result"));
    assertEquals("idle", hidden.response().get("status").asText());
    for (int i = 0; i < 3; i++) {
      Polled o = f.poll(null, 1);
      assertEquals(f.result, o.response().get("result"));
      assertTrue(o.visibleData());
    }
    assertFalse(f.poll(null, 1).response().has("pollInterval"), "no interval when idle");
  }

  // ---- skipDeltas / finalOnly (M26-M29)

  @Test
  void skipDeltasReturnsTheFirstNonDeltaAndConsumesTheSkippedDeltas() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    f.ring.push(EventType.PROGRESS, TestEvents.commandDelta("c1", "out"));
    f.ring.push(
        EventType.OUTPUT, json("{'method':'item/completed','item':{'type':'agentMessage'}}"));
    f.pushDelta("after");
    Polled o = f.poll(null, 1, opts(null, null, null, true, null, null));
    assertEquals(List.of(2L), ids(o));
    assertEquals(3, o.nextCursor());
    assertEquals(3, f.cursor);
  }

  @Test
  void skipDeltasOverOnlyDeltasConsumesEverything() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    f.ring.push(EventType.PROGRESS, TestEvents.delta("item/plan/delta", "p", "t", "x"));
    f.ring.push(EventType.PROGRESS, TestEvents.delta("item/reasoning/textDelta", null, "t", "y"));
    f.ring.push(EventType.PROGRESS, TestEvents.delta("item/fileChange/outputDelta", "f", "t", "z"));
    f.ring.push(
        EventType.PROGRESS, TestEvents.delta("item/reasoning/summaryTextDelta", "s", "t", "w"));
    Polled o = f.poll(null, 5, opts(null, null, null, true, null, null));
    assertEquals(List.of(), ids(o));
    assertEquals(f.ring.nextId(), o.nextCursor());
    assertEquals(f.ring.nextId(), f.cursor);
  }

  @Test
  void skipDeltasHonoursMaxEventsAndKeepsEventsWithoutMethod() {
    Fixture f = new Fixture();
    f.ring.push(EventType.ERROR, json("{'message':'boom'}"));
    f.pushDelta("a");
    f.ring.push(EventType.PROGRESS, method("turn/started"));
    f.ring.push(EventType.PROGRESS, method("turn/diff/updated"));
    Polled o = f.poll(null, 2, opts(null, null, null, true, null, null));
    assertEquals(List.of(0L, 2L), ids(o));
    assertEquals(3, o.nextCursor());
  }

  @Test
  void finalOnlyOnIdleReturnsResultAndActionsAndConsumesAll() {
    Fixture f = new Fixture();
    f.status = "idle";
    f.result = json("{'turnId':'t','completedAt':'x'}");
    f.actions.add(commandAction("req_1", "ls"));
    f.pushDelta("a");
    f.pushDelta("b");
    Polled o = f.poll(null, 5, opts(true, null, false, null, true, null));
    assertEquals(List.of(), ids(o));
    assertTrue(o.response().has("result"));
    assertTrue(o.response().has("actions"));
    assertEquals(2, o.nextCursor());
    assertEquals(2, f.cursor);
  }

  @Test
  void finalOnlyOnRunningSessionConsumesWithoutResult() {
    Fixture f = new Fixture();
    f.result = json("{'turnId':'old','completedAt':'x'}"); // filtered: running
    f.pushDelta("a");
    Polled o = f.poll(null, 5, opts(null, null, null, null, true, null));
    assertEquals(List.of(), ids(o));
    assertFalse(o.response().has("result"));
    assertEquals(1, f.cursor);
    assertFalse(o.visibleData());
  }

  @Test
  void finalOnlyWithNothingUnseenKeepsTheFloor() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    f.cursor = 1;
    Polled o = f.poll(null, 5, opts(null, null, null, null, true, null));
    assertEquals(1, o.nextCursor());
    assertEquals(1, f.cursor);
  }

  // ---- respond_* monotonic (M17-M21, M30)

  private static Fixture approvalFixture() {
    Fixture f = new Fixture();
    f.status = "waiting_approval";
    f.pushDelta("a");
    f.ring.push(EventType.APPROVAL_REQUEST, json("{'requestId':'req_1','kind':'command'}"), true);
    f.actions.add(commandAction("req_1", "ls"));
    return f;
  }

  private static void resolve(Fixture f) {
    f.ring.push(
        EventType.APPROVAL_RESULT,
        json("{'requestId':'req_1','kind':'command','decision':'accept'}"),
        true);
    f.actions.clear();
    f.status = "running";
  }

  @Test
  void respondAckReturnsNoEventsAndKeepsTheCursor() {
    Fixture f = approvalFixture();
    long before = f.poll(null, 10).nextCursor();
    resolve(f);
    Polled ack = f.respond(null, 0, null);
    assertEquals(List.of(), ids(ack));
    assertEquals(before, ack.nextCursor());
    assertEquals(before, f.cursor);
    assertFalse(ack.response().has("compatWarnings"));
    Polled later = f.poll(null, 10);
    assertEquals("approval_result", later.response().get("events").get(0).get("type").asText());
  }

  @Test
  void respondWithStaleCursorUsesTheSessionCursorAndWarns() {
    Fixture f = approvalFixture();
    long before = f.poll(null, 10).nextCursor();
    resolve(f);
    Polled ack = f.respond(0L, 0, null);
    assertEquals(List.of(), ids(ack));
    assertEquals(before, ack.nextCursor());
    assertEquals(
        List.of("Provided cursor 0 is stale; used session cursor " + before + "."),
        strings(ack.response().get("compatWarnings")));
    assertEquals(
        "approval_result", f.poll(null, 10).response().get("events").get(0).get("type").asText());
  }

  @Test
  void respondWithMaxEventsReturnsTheApprovalResult() {
    Fixture f = approvalFixture();
    f.poll(null, 10);
    resolve(f);
    Polled o = f.respond(null, 10, null);
    assertEquals("approval_result", o.response().get("events").get(0).get("type").asText());
    assertEquals(f.ring.nextId(), f.cursor);
  }

  @Test
  void respondWithFutureCursorIsNotStale() {
    Fixture f = approvalFixture();
    Polled o = f.respond(1L, 10, null);
    assertEquals(List.of(1L), ids(o));
    assertFalse(o.response().has("compatWarnings"));
  }

  @Test
  void staleWarningIsOnlyAddedWhenItFits() {
    Fixture f = approvalFixture();
    f.poll(null, 10);
    long exact = bytes(f.respond(null, 0, null).response());
    Polled tight = f.respond(0L, 0, maxBytes(exact));
    assertFalse(tight.response().has("compatWarnings"));
    assertFalse(tight.response().has("truncated"));
    Polled roomy = f.respond(0L, 0, maxBytes(exact + 200));
    assertEquals(1, roomy.response().get("compatWarnings").size());
    assertTrue(bytes(roomy.response()) <= exact + 200);
  }

  @Test
  void respondAfterEvictionPersistsTheResetCursor() {
    Fixture f = new Fixture();
    f.status = "waiting_approval";
    for (int i = 0; i < 1105; i++) {
      f.pushDelta("d" + i);
    }
    f.ring.push(EventType.APPROVAL_REQUEST, json("{'requestId':'req_1','kind':'command'}"), true);
    f.actions.add(commandAction("req_1", "ls"));
    Polled peek = f.poll(null, 1, opts(false, null, null, null, null, null));
    assertEquals(1, peek.response().get("actions").size());
    assertEquals(0, f.cursor);
    resolve(f);
    Polled ack = f.respond(null, 0, null);
    long reset = ack.response().get("cursorResetTo").asLong();
    assertEquals(f.ring.firstId(), reset);
    assertEquals(List.of(), ids(ack));
    assertEquals(reset, ack.nextCursor());
    assertEquals(reset, f.cursor);
    assertEquals(List.of(reset), ids(f.poll(null, 1)));
  }

  @Test
  void respondWithSkipDeltasAndDefaultMaxEventsDoesNotAdvance() {
    Fixture f = approvalFixture();
    f.pushDelta("more");
    Polled o = f.respond(null, 0, opts(null, null, null, true, null, null));
    assertEquals(List.of(), ids(o));
    assertEquals(0, o.nextCursor());
    assertEquals(0, f.cursor);
  }

  // ---- maxBytes (M22-M25, M31, §11)

  @Test
  void waitingApprovalActionIsCompactedToFit() {
    Fixture f = new Fixture();
    f.status = "waiting_approval";
    f.actions.add(commandAction("req_1", "x".repeat(4000)));
    Polled o = f.poll(null, 1, opts(false, null, null, null, null, 700L));
    ObjectNode r = o.response();
    assertTrue(bytes(r) <= 700, Json.write(r));
    assertEquals("waiting_approval", r.get("status").asText());
    assertTrue(r.get("truncated").asBoolean());
    assertTrue(strings(r.get("truncatedFields")).contains("actions"));
    assertEquals(1, r.get("actions").size());
    JsonNode a = r.get("actions").get(0);
    assertEquals(
        List.of(
            "type",
            "requestId",
            "kind",
            "itemId",
            "createdAt",
            "commandActions",
            "proposedExecpolicyAmendment",
            "availableDecisions",
            "additionalPermissions",
            "networkApprovalContext",
            "proposedNetworkPolicyAmendments"),
        keys(a));
    assertEquals("req_1", a.get("requestId").asText());
    assertTrue(a.get("proposedNetworkPolicyAmendments").isNull());
    assertEquals(2, a.get("availableDecisions").size());
    assertFalse(f.actions.get(0).get("params").isMissingNode(), "context actions untouched");
  }

  @Test
  void userInputActionKeepsQuestionIds() {
    Fixture f = new Fixture();
    f.status = "waiting_approval";
    f.actions.add(userInputAction("req_2", "q".repeat(3000)));
    Polled o = f.poll(null, 1, opts(false, null, null, null, null, 700L));
    ObjectNode r = o.response();
    assertTrue(bytes(r) <= 700, Json.write(r));
    assertTrue(r.get("truncated").asBoolean());
    JsonNode a = r.get("actions").get(0);
    assertEquals("user_input", a.get("kind").asText());
    assertEquals(json("{'questions':[{'id':'q1'},{'id':'q2'}]}"), a.get("params"));
  }

  @Test
  void surplusActionsArePoppedThenTheFirstLosesParams() {
    Fixture f = new Fixture();
    f.status = "waiting_approval";
    f.progress = null;
    f.actions.add(userInputAction("req_1", "q"));
    f.actions.add(commandAction("req_2", "ls"));
    f.actions.add(commandAction("req_3", "ls"));
    ObjectNode first = PollResponseDraft.compactAction(f.actions.get(0));
    ObjectNode second = PollResponseDraft.compactAction(f.actions.get(1));
    ObjectNode firstBare = first.deepCopy();
    firstBare.remove("params");
    long twoFit = bytes(truncatedActionsResponse(first, second));
    long oneFit = bytes(truncatedActionsResponse(firstBare));

    Polled two = f.poll(null, 1, opts(false, null, null, null, null, twoFit));
    assertEquals(truncatedActionsResponse(first, second), two.response());

    Polled one = f.poll(null, 1, opts(false, null, null, null, null, oneFit));
    assertEquals(truncatedActionsResponse(firstBare), one.response());

    Polled none = f.poll(null, 1, opts(false, null, null, null, null, oneFit - 1));
    assertFalse(none.response().has("actions"));
    assertEquals(List.of("actions"), strings(none.response().get("truncatedFields")));
  }

  private static ObjectNode truncatedActionsResponse(ObjectNode... actions) {
    ObjectNode r =
        json(
            "{'sessionId':'sess_1','status':'waiting_approval','pollInterval':1000,'events':[],"
                + "'nextCursor':0}");
    r.putArray("actions").addAll(List.of(actions));
    r.put("truncated", true);
    r.putArray("truncatedFields").add("actions");
    return r;
  }

  @Test
  void actionsOfNonWaitingSessionsAreDroppedWhole() {
    Fixture f = new Fixture();
    f.status = "idle";
    f.progress = null;
    f.actions.add(commandAction("req_1", "y".repeat(2000)));
    Polled o = f.poll(null, 1, opts(false, null, null, null, null, 600L));
    assertFalse(o.response().has("actions"));
    assertEquals(List.of("actions"), strings(o.response().get("truncatedFields")));
  }

  @Test
  void truncationWarningOnlyWhenItFits() {
    Fixture f = new Fixture();
    for (int i = 0; i < 20; i++) {
      f.pushDelta("e".repeat(400) + i);
    }
    Polled roomy = f.poll(0L, 20, maxBytes(1000));
    ObjectNode r = roomy.response();
    assertTrue(r.get("truncated").asBoolean());
    assertEquals(
        List.of("Response truncated to respect pollOptions.maxBytes=1000."),
        strings(r.get("compatWarnings")));
    assertTrue(bytes(r) <= 1000);
    ObjectNode tiny = f.poll(0L, 20, maxBytes(50)).response();
    assertTrue(tiny.get("truncated").asBoolean());
    assertFalse(tiny.has("compatWarnings"));
    assertTrue(bytes(tiny) > 50, "irreducible envelope may exceed a tiny limit");
  }

  @Test
  void generousMaxBytesChangesNothing() {
    Fixture f = approvalFixture();
    f.status = "waiting_approval";
    ObjectNode unlimited = Polled.of(Poller.poll(PollRequest.of(0L, 10), f.context())).response();
    ObjectNode generous =
        Polled.of(
                Poller.poll(
                    new PollRequest(0L, 10, ResponseMode.FULL, maxBytes(1_000_000)), f.context()))
            .response();
    assertEquals(unlimited, generous);
    assertFalse(generous.has("truncated"));
    assertFalse(generous.has("truncatedFields"));
    long exact = bytes(unlimited);
    assertEquals(
        unlimited,
        Polled.of(
                Poller.poll(
                    new PollRequest(0L, 10, ResponseMode.FULL, maxBytes(exact)), f.context()))
            .response(),
        "a response of exactly maxBytes is not truncated");
  }

  @Test
  void resultThenProgressAreDroppedBeforeActions() {
    Fixture f = new Fixture();
    f.status = "idle";
    f.result = json("{'turnId':'t','text':'" + "r".repeat(3000) + "','completedAt':'x'}");
    f.progress.put("lastMethod", "m".repeat(400));
    f.actions.add(commandAction("req_1", "ls"));
    Polled o = f.poll(null, 1, maxBytes(1100));
    ObjectNode r = o.response();
    assertTrue(bytes(r) <= 1100, Json.write(r));
    assertEquals(List.of("result", "progress"), strings(r.get("truncatedFields")));
    assertFalse(r.has("result"));
    assertFalse(r.has("progress"));
    assertEquals(1, r.get("actions").size());
    assertTrue(r.get("actions").get(0).has("params"), "not compacted");
  }

  @Test
  void progressAloneNeverTriggersTruncation() {
    Fixture f = new Fixture();
    f.progress.put("lastMethod", "m".repeat(1000));
    Polled o = f.poll(null, 1, maxBytes(100));
    assertFalse(o.response().has("truncated"));
    assertTrue(o.response().has("progress"));
  }

  @Test
  void eventsAreDroppedFromTheEndAndTheCursorFollows() {
    Fixture f = new Fixture();
    for (int i = 0; i < 10; i++) {
      f.pushDelta("x".repeat(200));
    }
    Polled o = f.poll(null, 10, maxBytes(1200));
    ObjectNode r = o.response();
    assertTrue(bytes(r) <= 1200);
    List<Long> ids = ids(o);
    assertFalse(ids.isEmpty());
    assertTrue(ids.size() < 10);
    assertEquals(ids.get(ids.size() - 1) + 1, o.nextCursor());
    assertEquals(o.nextCursor(), f.cursor);
    assertEquals(List.of("events"), strings(r.get("truncatedFields")));
  }

  @Test
  void oversizedSingleEventLeavesTheCursorAtTheFloor() {
    Fixture f = new Fixture();
    f.pushDelta("a");
    f.cursor = 1;
    f.pushDelta("z".repeat(5000));
    Polled o = f.poll(null, 1, maxBytes(1000));
    assertEquals(List.of(), ids(o));
    assertEquals(1, o.nextCursor());
    assertEquals(1, f.cursor);
  }

  @Test
  void walkingTheBufferUnderMaxBytesLosesNoEvent() {
    Fixture f = new Fixture(5000, 10_000);
    for (int i = 0; i < 3000; i++) {
      f.ring.push(
          EventType.PROGRESS,
          TestEvents.commandDelta("item_" + i, "line " + i + " " + "o".repeat(i % 97)));
    }
    assertEquals(3000, f.ring.size());
    List<Long> seen = new ArrayList<>();
    int polls = 0;
    boolean sawTruncated = false;
    while (f.cursor < f.ring.nextId()) {
      Polled o = f.poll(new PollRequest(null, 3000, ResponseMode.FULL, maxBytes(2000)));
      assertTrue(bytes(o.response()) <= 2000, "poll " + polls);
      sawTruncated |= o.response().path("truncated").asBoolean(false);
      seen.addAll(ids(o));
      assertTrue(++polls < 3000, "no progress");
    }
    assertTrue(sawTruncated);
    assertEquals(3000, seen.size());
    for (int i = 0; i < 3000; i++) {
      assertEquals(i, seen.get(i));
    }
  }

  @Test
  void walkingInMinimalModeUnderMaxBytesLosesNoEvent() {
    Fixture f = new Fixture();
    for (int i = 0; i < 3000; i++) {
      f.ring.push(EventType.PROGRESS, TestEvents.commandDelta("item_" + i, "d".repeat(300)));
    }
    long first = f.ring.firstId();
    List<Long> seen = new ArrayList<>();
    Long cursor = 0L;
    while (true) {
      Polled o = f.poll(new PollRequest(cursor, 200, ResponseMode.MINIMAL, maxBytes(2000)));
      assertTrue(bytes(o.response()) <= 2000);
      seen.addAll(ids(o));
      cursor = o.nextCursor();
      if (cursor >= f.ring.nextId()) {
        break;
      }
    }
    assertEquals(f.ring.size(), seen.size());
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(first + i, seen.get(i));
    }
  }

  // ---- shape

  @Test
  void responseFieldOrderIsFixed() {
    Fixture f = new Fixture(3, 3);
    for (int i = 0; i < 10; i++) {
      f.pushDelta("w".repeat(500));
    }
    f.cursor = 2;
    f.status = "error";
    f.result = json("{'turnId':'t','completedAt':'x'}");
    f.actions.add(commandAction("req_1", "ls"));
    PollContext ctx = f.context();
    ctx =
        new PollContext(
            ctx.sessionId(),
            ctx.status(),
            5L,
            ctx.progress(),
            ctx.lastEventCursor(),
            ctx.actions(),
            ctx.result(),
            ctx.ring());
    Polled o =
        Polled.of(
            Poller.pollMonotonic(new PollRequest(1L, 3, ResponseMode.FULL, maxBytes(2000)), ctx));
    ObjectNode r = o.response();
    assertEquals(
        List.of(
            "sessionId",
            "status",
            "pollInterval",
            "progress",
            "events",
            "nextCursor",
            "cursorResetTo",
            "actions",
            "result",
            "compatWarnings",
            "truncated",
            "truncatedFields"),
        keys(r),
        Json.write(r));
    assertEquals(7, r.get("cursorResetTo").asLong());
    assertEquals(List.of(7L), ids(o));
    assertEquals(8, o.nextCursor());
    assertEquals(8, o.sessionCursor());
    assertEquals(
        List.of(
            "Response truncated to respect pollOptions.maxBytes=2000.",
            "Provided cursor 1 is stale; used session cursor 2."),
        strings(r.get("compatWarnings")));
    assertTrue(bytes(r) <= 2000);
  }

  @Test
  void minimalModeShapesOnlySelectedEvents() {
    Fixture f = new Fixture();
    f.ring.push(
        EventType.PROGRESS,
        json("{'method':'turn/diff/updated','diff':'" + "d".repeat(500) + "'}"));
    Polled o = f.poll(new PollRequest(null, 5, ResponseMode.MINIMAL, null));
    assertEquals(
        json("{'method':'turn/diff/updated'}"), o.response().get("events").get(0).get("data"));
    assertEquals(500, f.ring.get(0).data().get("diff").asText().length());
  }

  @Test
  void defaultRequestIsFullModeWithDefaults() {
    PollRequest r = new PollRequest(null, 200, null, null);
    assertEquals(ResponseMode.FULL, r.responseMode());
    assertEquals(PollOptions.DEFAULTS, r.options());
    assertEquals(PollRequest.DEFAULT_MAX_EVENTS, PollRequest.of(null, 200).maxEvents());
  }

  @Test
  void finalOnlyOverridesIncludeFlags() {
    PollOptions o = opts(true, null, false, null, true, null);
    assertFalse(o.includeEventsEffective());
    assertTrue(o.includeResultEffective());
    assertTrue(o.includeActionsEffective());
    assertEquals(-1, o.byteLimit());
    assertEquals(1, opts(null, null, null, null, null, 0L).byteLimit());
  }

  @Test
  void emptyBufferPollIsCheap() {
    Fixture f = new Fixture();
    Polled o = f.poll(null, 1);
    assertEquals(
        json(
            "{'sessionId':'sess_1','status':'running','pollInterval':120000,'progress':"
                + "{'phase':'running','lastEventAt':'2026-02-15T10:00:00.000Z','pendingActionCount':0},"
                + "'events':[],'nextCursor':0}"),
        o.response());
    assertFalse(o.response().has("cursorResetTo"));
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void pollingALargeBufferIsCheap() {
    Fixture f = new Fixture(5000, 10_000);
    for (int i = 0; i < 5000; i++) {
      f.ring.push(
          EventType.OUTPUT,
          json("{'method':'item/agentMessage/delta','delta':'" + "p".repeat(400) + "'}"));
    }
    f.cursor = 4990;
    long start = System.nanoTime();
    for (int i = 0; i < 20_000; i++) {
      Polled o =
          Polled.of(
              Poller.poll(
                  new PollRequest(null, 1, ResponseMode.MINIMAL, maxBytes(4000)), f.context()));
      assertEquals(1, o.response().get("events").size());
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(ms < 15_000, "20000 polls took " + ms + " ms");
  }
}

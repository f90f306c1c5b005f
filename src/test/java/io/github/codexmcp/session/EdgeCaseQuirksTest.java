package io.github.codexmcp.session;

import static io.github.codexmcp.testing.FakeCodexBackend.TURN_START;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.PollRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behavioural quirks of spec 70 §3 that involve the session layer. */
class EdgeCaseQuirksTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  @Test
  void quirk2TurnCompletedWhileWaitingLeavesRequestsAnswerable() {
    String rid = f.commandApproval(id, 1);
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    assertEquals("idle", f.status(id));
    ObjectNode poll = f.poll(id, null, 10);
    assertEquals(1, poll.get("actions").size());
    assertTrue(poll.has("result"));
    f.respondPermission(id, rid, "accept", null, null, null, PollRequest.of(null, 0));
    assertJson("{'decision':'accept'}", f.backend(id).answerFor(1).result());
    assertEquals("idle", f.status(id), "answering does not move an idle session to running");
  }

  @Test
  void quirk2TimeoutAfterTurnCompletedStillFires() {
    f.commandApproval(id, 1);
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'decision':'decline'}", f.backend(id).answerFor(1).result());
    assertEquals("idle", f.status(id));
  }

  @Test
  void quirk3ErrorWhileWaitingKeepsRequestsAndTimeoutsDoNotChangeStatus() {
    f.commandApproval(id, 1);
    f.notify(id, "error", "{'message':'fatal','willRetry':false}");
    assertEquals("error", f.status(id));
    assertEquals(1, f.pendingRequestIds(id).size());
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'decision':'decline'}", f.backend(id).answerFor(1).result());
    assertEquals("error", f.status(id));
    assertTrue(f.pendingRequestIds(id).isEmpty());
  }

  @Test
  void quirk4ApprovalOnAnIdleSessionIsAccepted() {
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    f.commandApproval(id, 1);
    assertEquals("waiting_approval", f.status(id));
    assertEquals("respond_permission", f.poll(id, null, 0).get("recommendedNextAction").asText());
  }

  @Test
  void quirk5FailedTurnEndsIdleWithAFailedResult() {
    f.notify(id, "error", "{'message':'model error','willRetry':false}");
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'failed'}}");
    assertEquals("idle", f.status(id));
    assertEquals("failed", f.poll(id, null, 0).at("/result/status").asText());
  }

  @Test
  void quirk6DeltaCoalescedIntoAConsumedEventIsNotSeenAgain() {
    f.notify(id, "item/commandExecution/outputDelta", "{'itemId':'c','delta':'a'}");
    assertEquals("a", f.poll(id, null, 10).at("/events/0/data/delta").asText());
    f.notify(id, "item/commandExecution/outputDelta", "{'itemId':'c','delta':'b'}");
    assertEquals(1, f.events(id).size(), "merged into the consumed event");
    assertEquals(0, f.poll(id, null, 10).get("events").size());
    assertEquals(
        "ab",
        f.poll(id, 0L, 10).at("/events/0/data/delta").asText(),
        "an explicit cursor replays it");
  }

  @Test
  void quirk11FirstResponseSaysRunningEvenIfTheTurnAlreadyAskedForApproval() {
    f.factory.configureNext(b -> b.hold(TURN_START));
    CompletableFuture<ObjectNode> r = f.create().start();
    String sid = f.factory.last().sessionId();
    f.commandApproval(sid, 1);
    f.backend(sid).held(TURN_START).get(0).complete(SessionFixture.json("{'turn':{'id':'t'}}"));
    assertEquals("running", r.join().get("status").asText());
    assertEquals("waiting_approval", f.status(sid));
  }

  @Test
  void quirk9IncludeEventsFalseNeverMovesTheCursorButFinalOnlyDoes() {
    f.notify(id, "turn/diff/updated", "{}");
    f.poll(id, null, 10, SessionFixture.options(false, null, null, null, null, null));
    assertEquals(0, f.lastEventCursor(id));
    f.poll(id, null, 10, SessionFixture.options(false, null, null, null, true, null));
    assertEquals(1, f.lastEventCursor(id));
  }

  @Test
  void quirk13CancelTwiceIsANoOp() {
    f.manager.cancel(id, null).join();
    f.manager.cancel(id, null).join();
    assertEquals("cancelled", f.status(id));
    assertEquals(1, f.events(id, EventType.RESULT).size());
  }
}

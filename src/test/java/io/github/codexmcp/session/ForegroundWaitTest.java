package io.github.codexmcp.session;

import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Foreground waits of {@code codex}/{@code codex_reply} with waitForResult (spec 70 group X). */
class ForegroundWaitTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;
  final CompletableFuture<Void> cancelled = new CompletableFuture<>();

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private CompletableFuture<ObjectNode> await(long ms) {
    return f.json.foreground(
        id, "thread_mock", ms, List.of(), cancelled, SessionPolling.WaitObserver.NONE);
  }

  @Test
  void x1TurnCompletingWithinTheBudget() {
    CompletableFuture<ObjectNode> r = await(30_000);
    f.timer.advanceMillis(2_000);
    assertFalse(r.isDone());
    f.notify(id, "item/completed", "{'item':{'type':'agentMessage','id':'m','text':'Done.'}}");
    assertFalse(r.isDone());
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    assertTrue(r.isDone());
    ObjectNode o = r.join();
    assertEquals("idle", o.get("status").asText());
    assertEquals("Done.", o.at("/result/text").asText());
    assertEquals("2026-02-15T10:00:02.000Z", o.get("completedAt").asText());
    assertEquals(o.at("/result/completedAt").asText(), o.get("completedAt").asText());
    assertJson(
        "{'requested':'foreground','effective':'foreground','waitForResultMs':30000}",
        o.get("execution"));
    assertEquals("none", o.get("recommendedNextAction").asText());
    assertEquals("finished", o.get("interactionState").asText());
    assertFalse(o.has("pollInterval"));
    assertEquals("finished", o.at("/progress/phase").asText());
    assertEquals(0, o.at("/progress/pendingActionCount").asInt());
    assertEquals("2026-02-15T10:00:02.000Z", o.at("/progress/lastEventAt").asText());
    assertEquals("thread_mock", o.get("threadId").asText());
    assertEquals(0, f.timer.pending());
  }

  @Test
  void x2ApprovalEndsTheWaitForAPoll() {
    CompletableFuture<ObjectNode> r = await(30_000);
    f.commandApproval(id, 1);
    assertTrue(r.isDone());
    ObjectNode o = r.join();
    assertEquals("waiting_approval", o.get("status").asText());
    assertEquals("interactive_poll_required", o.at("/execution/fallbackReason").asText());
    assertEquals("background", o.at("/execution/effective").asText());
    assertEquals("respond_permission", o.get("recommendedNextAction").asText());
    assertEquals(1_000, o.get("pollInterval").asLong());
    assertTrue(o.at("/progress/pendingActionCount").asInt() >= 1);
    assertEquals("waiting_approval", o.at("/progress/phase").asText());
    assertFalse(o.has("result"));
    assertFalse(o.has("completedAt"));
  }

  @Test
  void x3UserInputRecommendsRespondUserInput() {
    CompletableFuture<ObjectNode> r = await(30_000);
    f.userInput(id, 1);
    assertEquals("respond_user_input", r.join().get("recommendedNextAction").asText());
    assertEquals("waiting_input", r.join().get("interactionState").asText());
  }

  @Test
  void x4BudgetExhausted() {
    CompletableFuture<ObjectNode> r = await(12_000);
    f.timer.advanceMillis(11_999);
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    ObjectNode o = r.join();
    assertEquals("running", o.get("status").asText());
    assertEquals("wait_for_result_timeout", o.at("/execution/fallbackReason").asText());
    assertEquals("background", o.at("/execution/effective").asText());
    assertEquals(12_000, o.at("/execution/waitForResultMs").asLong());
    assertEquals(120_000, o.get("pollInterval").asLong());
    assertEquals("poll", o.get("recommendedNextAction").asText());
  }

  @Test
  void x4BudgetIsCappedAt300Seconds() {
    CompletableFuture<ObjectNode> r = await(900_000);
    f.timer.advance(Duration.ofMillis(299_999));
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    assertTrue(r.isDone());
    assertEquals(900_000, r.join().at("/execution/waitForResultMs").asLong());
  }

  @Test
  void x5SessionErrorEndsTheWaitInTheForeground() {
    CompletableFuture<ObjectNode> r = await(30_000);
    f.backend(id).emitExit(1, null);
    ObjectNode o = r.join();
    assertEquals("error", o.get("status").asText());
    assertEquals("error", o.at("/result/status").asText());
    assertEquals("foreground", o.at("/execution/effective").asText());
    assertFalse(o.at("/execution").has("fallbackReason"));
    assertEquals("error", o.at("/progress/phase").asText());
  }

  @Test
  void x5ErrorWithoutAResultStillCompletes() {
    CompletableFuture<ObjectNode> r = await(30_000);
    f.timer.advanceMillis(1_000);
    f.notify(id, "error", "{'message':'fatal','willRetry':false}");
    ObjectNode o = r.join();
    assertEquals("error", o.get("status").asText());
    assertFalse(o.has("result"));
    assertEquals("2026-02-15T10:00:01.000Z", o.get("completedAt").asText());
  }

  @Test
  void x6InnerWaitsAreAtMostFiveSeconds() {
    await(300_000);
    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(Duration.ofMillis(5_000)), f.timer.pendingDelays());
      f.timer.advanceMillis(5_000);
    }
    await(3_000);
    assertTrue(f.timer.pendingDelays().contains(Duration.ofMillis(3_000)));
  }

  /**
   * Regression: every notification ends a round of the wait, and each round used to schedule a
   * timer, hook the cancellation again and report progress: a streamed answer of thousands of
   * deltas sent thousands of MCP progress notifications.
   */
  @Test
  void streamingTurnCostsOneTimerAndReportsProgressPerPhaseChangeAndSlice() {
    List<String> phases = new java.util.ArrayList<>();
    CompletableFuture<ObjectNode> r =
        f.json.foreground(
            id,
            "thread_mock",
            300_000,
            List.of(),
            cancelled,
            p -> phases.add(p.get("phase").asText()));
    for (int i = 0; i < 3; i++) {
      f.notify(id, "item/reasoning/textDelta", "{'itemId':'r','delta':'think'}");
    }
    for (int i = 0; i < 2_000; i++) {
      f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'w '}");
      assertEquals(1, f.timer.pending(), "one slice timer, not one per round");
    }
    assertEquals(1, cancelled.getNumberOfDependents(), "cancellation hooked once");
    f.timer.advanceMillis(5_000);
    f.notify(id, "item/agentMessage/delta", "{'itemId':'m','delta':'w '}");
    assertFalse(r.isDone());
    assertEquals(List.of("running", "reasoning", "running", "running"), phases);
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    assertEquals("idle", r.join().get("status").asText());
    assertEquals(0, f.timer.pending());
    assertEquals(0, f.waiterCount(id));
  }

  /**
   * Regression (review): a new slice was started only when the wall clock had passed the slice's
   * end, so a slice timer firing while the wall clock read earlier (set back, slewed) left the wait
   * with no timer at all: past its deadline it went on waiting for a session change.
   */
  @Test
  void aWallClockSetBackNeverLeavesAWaitWithoutItsTimer() {
    CompletableFuture<ObjectNode> r = await(12_000);
    f.clock.adjustWallClock(Duration.ofMillis(-50));
    f.timer.advanceMillis(5_000);
    assertFalse(r.isDone());
    assertEquals(1, f.timer.pending(), "the next slice has its timer");
    f.timer.advanceMillis(10_000);
    assertTrue(r.isDone(), "the wait ended at its deadline");
    assertEquals("wait_for_result_timeout", r.join().at("/execution/fallbackReason").asText());
    assertEquals(0, f.timer.pending());
    assertEquals(0, f.waiterCount(id));
  }

  /** Regression (review): an observer that throws must not leave the round's waiter registered. */
  @Test
  void anObserverThatThrowsLeavesNoWaiterAndNoTimer() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class,
        () ->
            f.json.foreground(
                id,
                "thread_mock",
                30_000,
                List.of(),
                cancelled,
                p -> {
                  throw new IllegalStateException("observer failed");
                }));
    assertEquals(0, f.waiterCount(id));
    assertEquals(0, f.timer.pending());
  }

  @Test
  void x8FourWaitersAlreadyRegistered() {
    for (int i = 0; i < 4; i++) {
      f.json.longPoll(
          id,
          io.github.codexmcp.events.PollRequest.of(null, 1),
          60_000,
          new CompletableFuture<>(),
          SessionPolling.WaitObserver.NONE);
    }
    CompletableFuture<ObjectNode> r = await(30_000);
    assertTrue(r.isDone());
    assertEquals("wait_refused", r.join().at("/execution/fallbackReason").asText());
  }

  @Test
  void x9CancellationReturnsPromptly() {
    CompletableFuture<ObjectNode> r = await(300_000);
    cancelled.complete(null);
    assertTrue(r.isDone());
    assertEquals("running", r.join().get("status").asText());
    assertEquals("background", r.join().at("/execution/effective").asText());
    assertEquals(0, f.waiterCount(id));
  }

  @Test
  void evictedSessionCountsAsError() {
    f.notify(id, "error", "{'message':'x'}");
    f.json.clean(new SessionRequests.Clean(null, null, false, true));
    ObjectNode o = await(1_000).join();
    assertEquals("error", o.get("status").asText());
    assertEquals("error", o.at("/progress/phase").asText());
    assertEquals("thread_mock", o.get("threadId").asText());
  }

  @Test
  void compatWarningsArePassedThrough() {
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    ObjectNode o =
        f.json
            .foreground(
                id,
                "thread_mock",
                1_000,
                List.of("w1"),
                cancelled,
                SessionPolling.WaitObserver.NONE)
            .join();
    assertJson("['w1']", o.get("compatWarnings"));
  }
}

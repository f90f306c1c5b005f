package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.json;
import static io.github.codexmcp.testing.FakeCodexBackend.DESTROY;
import static io.github.codexmcp.testing.FakeCodexBackend.START;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_FORK;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_RESUME;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_START;
import static io.github.codexmcp.testing.FakeCodexBackend.TURN_INTERRUPT;
import static io.github.codexmcp.testing.Futures.failure;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fork (spec 70 L3–L7), child exit/error and cancel (group R), interrupt (group S). */
class SessionLifecycleTest {
  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private static CodexMcpException thrown(
      ErrorCode code, org.junit.jupiter.api.function.Executable call) {
    CodexMcpException e = assertThrows(CodexMcpException.class, call);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  // ------------------------------------------------------------------ fork

  private String richSession() {
    SessionFixture.Create c = f.create();
    c.model = "o4";
    c.approvalPolicy = "never";
    c.sandbox = "read-only";
    c.profile = "work";
    c.config = (ObjectNode) json("{'k':'v'}");
    c.approvalTimeoutMs = 1234L;
    String id = c.id();
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    return id;
  }

  @Test
  void l7ForkCreatesAnIdleSessionInheritingTheSourceSettings() {
    String src = richSession();
    FakeCodexBackend srcBackend = f.backend(src);
    int srcCalls = srcBackend.calls().size();
    ObjectNode r = f.json.fork(src).join();
    String fork = r.get("sessionId").asText();
    assertJson(
        json(
            "{'sessionId':'"
                + fork
                + "','threadId':'thread_forked','status':'idle','pollInterval':120000}"),
        r);
    assertNotEquals(src, fork);
    ObjectNode info = f.json.get(fork, true);
    assertEquals("idle", info.get("status").asText());
    assertEquals("o4", info.get("model").asText());
    assertEquals("never", info.get("approvalPolicy").asText());
    assertEquals("read-only", info.get("sandbox").asText());
    assertEquals(cwd.toString(), info.get("cwd").asText());
    assertEquals("work", info.get("profile").asText());
    assertJson("{'k':'v'}", info.get("config"));
    assertEquals("thread_forked", info.get("threadId").asText());
    assertEquals(
        1234L, f.session(fork).approvalTimeoutMs, "O28: forks inherit the approval timeout");

    FakeCodexBackend child = f.backend(fork);
    assertEquals(
        new LaunchOptions(
            "work", "o4", "never", "read-only", (ObjectNode) json("{'k':'v'}"), cwd, 1234L),
        child.options());
    assertEquals(1, child.count(START));
    assertEquals("thread_mock", child.lastParams(THREAD_FORK).get("threadId").asText());
    assertEquals(0, child.count(THREAD_START));
    assertEquals(0, child.count(THREAD_RESUME), "spec 80: the new child forks itself, no resume");

    assertEquals("thread_mock", f.threadId(src), "spec 80: the source keeps its thread");
    assertEquals("idle", f.status(src));
    assertEquals(srcCalls, srcBackend.calls().size(), "the source child is not used");
  }

  @Test
  void l3ForkAcceptsAV1ThreadIdResponse() {
    String src = f.idleSession();
    f.factory.configureNext(b -> b.answer(THREAD_FORK, "{'threadId':'thread_fork_v1'}"));
    ObjectNode r = f.json.fork(src).join();
    assertEquals("thread_fork_v1", r.get("threadId").asText());
    assertEquals("thread_fork_v1", f.threadId(r.get("sessionId").asText()));
  }

  /**
   * Review regression: the fork's meta must be queued when the session is registered, before the
   * child's pid can be (a pid.json without meta.json is skipped by recovery, and its child never
   * reaped).
   */
  @Test
  void forkMetaIsPersistedBeforeThreadForkAnswers() {
    String src = f.idleSession();
    f.factory.configureNext(b -> b.hold(THREAD_FORK));
    CompletableFuture<ObjectNode> r = f.json.fork(src);
    FakeCodexBackend child = f.factory.last();
    assertFalse(r.isDone());
    assertEquals("idle", f.persistence.meta(child.sessionId()).get("status").asText());
    child.held(THREAD_FORK).get(0).complete(json("{'thread':{'id':'thread_forked'}}"));
    assertEquals(
        "thread_forked",
        f.persistence.meta(r.join().get("sessionId").asText()).get("threadId").asText());
  }

  /**
   * Review regression: a session cancelled by a call the finished turn woke (before the turn's own
   * result reached the disk mirror) must keep the cancellation's result, not the turn's.
   */
  @Test
  void cancelWokenByTheCompletedTurnKeepsItsResultOnDisk() {
    String id = f.newSession();
    CompletableFuture<Void> woken = new CompletableFuture<>();
    synchronized (f.session(id)) {
      f.session(id).waiters().add(woken);
    }
    woken.thenRun(() -> f.manager.cancel(id, null).join());
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    assertEquals("cancelled", f.status(id));
    assertEquals(f.lastResult(id), f.persistence.result(id));
    assertEquals("cancelled", f.persistence.meta(id).get("status").asText());
  }

  @Test
  void forkOfARunningSessionIsAllowed() {
    String src = f.newSession();
    ObjectNode r = f.json.fork(src).join();
    assertEquals("idle", r.get("status").asText());
    assertEquals("running", f.status(src));
  }

  private void assertForkFailed(String src, CompletableFuture<ObjectNode> r, String cause) {
    Throwable t = failure(r);
    assertEquals(
        "Error [THREAD_FORK_RESUME_FAILED]: Failed to resume forked thread 'thread_mock' in new app-server process: "
            + cause,
        t.getMessage());
    FakeCodexBackend child = f.factory.last();
    assertEquals(1, child.count(DESTROY));
    List<ObjectNode> list = f.json.list();
    assertEquals(1, list.size());
    assertEquals(src, list.get(0).get("sessionId").asText());
    assertFalse(f.exists(child.sessionId()));
  }

  @Test
  void l4ForkWhoseChildCannotStartFails() {
    String src = f.idleSession();
    f.factory.configureNext(b -> b.fail(START, "spawn failed at /opt/codex/bin/codex"));
    assertForkFailed(src, f.json.fork(src), "spawn failed at <path>");
  }

  @Test
  void l5ForkWhoseThreadForkFailsFails() {
    String src = f.idleSession();
    f.factory.configureNext(b -> b.fail(THREAD_FORK, "RPC error -32600: no rollout"));
    assertForkFailed(src, f.json.fork(src), "RPC error -32600: no rollout");
    assertEquals("thread_mock", f.threadId(src));
  }

  @Test
  void l6ForkFailureWithFailingDestroyStillLeavesOnlyTheSource() {
    String src = f.idleSession();
    f.factory.configureNext(
        b ->
            b.fail(THREAD_FORK, "boom")
                .destroyResult(
                    CompletableFuture.failedFuture(new RuntimeException("kill failed"))));
    assertForkFailed(src, f.json.fork(src), "boom");
  }

  @Test
  void j18ForkOfACancelledSessionIsRefused() {
    String src = f.newSession();
    f.manager.cancel(src, null).join();
    CodexMcpException e = thrown(ErrorCode.CANCELLED, () -> f.json.fork(src));
    assertEquals(
        "Error [CANCELLED]: Session '" + src + "' has been cancelled and cannot be forked",
        e.getMessage());
  }

  @Test
  void forkWithoutThreadIdIsInternal() {
    f.factory.configureNext(b -> b.hold(THREAD_START));
    f.create().start();
    String src = f.factory.last().sessionId();
    CodexMcpException e = thrown(ErrorCode.INTERNAL, () -> f.json.fork(src));
    assertEquals("Error [INTERNAL]: No threadId to fork", e.getMessage());
  }

  @Test
  void j13ForkInExecModeIsNotSupported() {
    SessionFixture exec = new SessionFixture(cwd, BackendMode.EXEC, true, true);
    String src = exec.newSession();
    CodexMcpException e = thrown(ErrorCode.EXEC_NOT_SUPPORTED, () -> exec.json.fork(src));
    assertEquals(
        "Error [EXEC_NOT_SUPPORTED]: threadFork is not supported in exec mode", e.getMessage());
    assertEquals(1, exec.factory.created().size());
  }

  @Test
  void forkOfUnknownSessionIsNotFound() {
    thrown(ErrorCode.SESSION_NOT_FOUND, () -> f.json.fork("sess_nope"));
  }

  // ------------------------------------------------------------------ exit / error

  @Test
  void r1ExitWhileWaitingFailsTheSessionAndClearsRequests() {
    String id = f.newSession();
    f.commandApproval(id, 5);
    f.backend(id).emitExit(1, null);
    assertEquals("error", f.status(id));
    ObjectNode poll = f.poll(id, 0L, 200);
    assertFalse(poll.has("actions"));
    assertEquals("error", poll.at("/result/status").asText());
    assertTrue(
        poll.at("/result/error").asText().contains("app-server exited unexpectedly"),
        poll.toString());
    assertEquals("app-server exited unexpectedly (code: 1)", poll.at("/result/error").asText());
    assertEquals("turn_mock", poll.at("/result/turnId").asText());
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
    List<SessionEvent> results = f.events(id, EventType.RESULT);
    assertEquals(1, results.size());
    assertTrue(results.get(0).pinned());
    assertEquals(
        "app-server exited unexpectedly (code: 1)",
        f.events(id, EventType.ERROR).get(0).data().get("message").asText());
    assertTrue(f.events(id, EventType.ERROR).get(0).pinned());
    assertJson("{'decision':'cancel'}", f.backend(id).answerFor(5).result(), "best-effort answer");
    assertNull(f.activeTurnId(id));
    assertEquals("error", f.persistence.meta(id).get("status").asText());
    assertEquals(f.lastResult(id), f.persistence.result(id));
  }

  @Test
  void r1ResultEventPrecedesTheErrorEvent() {
    String id = f.newSession();
    f.backend(id).emitExit(null, "SIGKILL");
    List<SessionEvent> all = f.events(id);
    int result = -1;
    int error = -1;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).type() == EventType.RESULT) {
        result = i;
      } else if (all.get(i).type() == EventType.ERROR) {
        error = i;
      }
    }
    assertTrue(result >= 0 && error == result + 1, all.toString());
    assertEquals(
        "app-server exited unexpectedly (code: null)", f.lastResult(id).get("error").asText());
  }

  @Test
  void r2BackendErrorWhileRunningIsRedacted() {
    String id = f.newSession();
    f.backend(id).emitError(new RuntimeException("spawn /usr/local/bin/codex EACCES"));
    assertEquals("error", f.status(id));
    assertEquals("app-server error: spawn <path> EACCES", f.lastResult(id).get("error").asText());
    assertEquals(
        "app-server error: spawn <path> EACCES",
        f.events(id, EventType.ERROR).get(0).data().get("message").asText());
  }

  @Test
  void r3ExitWhileIdleChangesNothing() {
    String id = f.idleSession();
    int events = f.events(id).size();
    ObjectNode result = f.lastResult(id);
    f.backend(id).emitExit(1, null);
    assertEquals("idle", f.status(id));
    assertEquals(events, f.events(id).size());
    assertSame(result, f.lastResult(id));
  }

  @Test
  void r3ExitWhileIdleStillAnswersPendingRequests() {
    String id = f.idleSession();
    f.commandApproval(id, 9);
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    assertEquals("idle", f.status(id));
    f.backend(id).emitExit(0, null);
    assertEquals("idle", f.status(id));
    assertTrue(f.pendingRequestIds(id).isEmpty());
    assertJson("{'decision':'cancel'}", f.backend(id).answerFor(9).result());
  }

  @Test
  void r4ExitReportedAfterCancelIsIgnored() {
    String id = f.newSession();
    FakeCodexBackend b = f.backend(id);
    f.manager.cancel(id, null).join();
    // Bypass the fake's own suppression: the manager must ignore reports of a replaced backend.
    b.listener().onExit(1, null);
    b.listener().onError(new RuntimeException("late"));
    assertEquals("cancelled", f.status(id));
    assertTrue(f.events(id, EventType.ERROR).isEmpty());
    assertEquals("cancelled", f.lastResult(id).get("status").asText());
  }

  // ------------------------------------------------------------------ cancel

  @Test
  void r5CancelWithReason() {
    String id = f.newSession();
    f.manager.cancel(id, "user changed mind").join();
    ObjectNode poll = f.poll(id, null, 200);
    assertEquals("cancelled", poll.get("status").asText());
    assertFalse(poll.has("pollInterval"));
    assertFalse(poll.has("actions"));
    assertEquals("cancelled", poll.at("/result/status").asText());
    assertTrue(poll.at("/result/error").asText().contains("user changed mind"));
    assertEquals("turn_mock", poll.at("/result/turnId").asText());
    ObjectNode info = f.json.get(id, false);
    assertEquals("user changed mind", info.get("cancelledReason").asText());
    assertEquals("2026-02-15T10:00:00.000Z", info.get("cancelledAt").asText());
    assertEquals(1, f.backend(id).count(DESTROY));
    assertEquals("cancelled", f.persistence.meta(id).get("status").asText());
  }

  @Test
  void r6ConcurrentCancelsShareOneDestroy() {
    CompletableFuture<Void> kill = new CompletableFuture<>();
    f.factory.configureNext(b -> b.destroyResult(kill));
    String id = f.newSession();
    CompletableFuture<Void> first = f.manager.cancel(id, null);
    CompletableFuture<Void> second = f.manager.cancel(id, "again");
    assertFalse(first.isDone());
    assertFalse(second.isDone());
    kill.complete(null);
    first.join();
    second.join();
    assertEquals(1, f.backend(id).count(DESTROY));
    assertEquals("cancelled", f.status(id));
    assertEquals("Cancelled by user", f.json.get(id, false).get("cancelledReason").asText());
  }

  @Test
  void r6CancelCompletesEvenWhenDestroyFails() {
    f.factory.configureNext(
        b -> b.destroyResult(CompletableFuture.failedFuture(new RuntimeException("kill failed"))));
    String id = f.newSession();
    f.manager.cancel(id, null).join();
    assertEquals("cancelled", f.status(id));
  }

  @Test
  void r7CancelAnswersPendingRequests() {
    String id = f.newSession();
    f.commandApproval(id, 1);
    f.request(id, 2, "item/fileChange/requestApproval", "{'itemId':'f'}");
    f.userInput(id, 3);
    f.manager.cancel(id, null).join();
    FakeCodexBackend b = f.backend(id);
    assertJson("{'decision':'cancel'}", b.answerFor(1).result());
    assertJson("{'decision':'cancel'}", b.answerFor(2).result());
    assertJson("{'answers':{}}", b.answerFor(3).result());
    assertEquals(0, f.timer.pending(), "approval timers cleared");
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
  }

  @Test
  void r8CancelPushesPinnedProgressAndResultButNoError() {
    String id = f.newSession();
    f.manager.cancel(id, "why").join();
    List<SessionEvent> events = f.events(id);
    SessionEvent progress = events.get(events.size() - 2);
    SessionEvent result = events.get(events.size() - 1);
    assertEquals(EventType.PROGRESS, progress.type());
    assertTrue(progress.pinned());
    assertJson("{'message':'Session cancelled','cancelledReason':'why'}", progress.data());
    assertEquals(EventType.RESULT, result.type());
    assertTrue(result.pinned());
    assertJson("{'status':'cancelled','reason':'why','turnId':'turn_mock'}", result.data());
    assertTrue(f.events(id, EventType.ERROR).isEmpty());
  }

  @Test
  void r9CancelWithoutReason() {
    String id = f.newSession();
    f.manager.cancel(id, null).join();
    assertEquals("Cancelled by user", f.json.get(id, false).get("cancelledReason").asText());
    assertEquals("Cancelled by user", f.lastResult(id).get("error").asText());
  }

  @Test
  void r10CancelUnknownSession() {
    CodexMcpException e =
        thrown(ErrorCode.SESSION_NOT_FOUND, () -> f.manager.cancel("sess_x", null));
    assertEquals("Error [SESSION_NOT_FOUND]: Session 'sess_x' not found", e.getMessage());
  }

  @Test
  void j6CancelTwiceSucceedsBothTimes() {
    String id = f.newSession();
    f.manager.cancel(id, "first").join();
    int events = f.events(id).size();
    f.manager.cancel(id, "second").join();
    assertEquals("cancelled", f.status(id));
    assertEquals("first", f.json.get(id, false).get("cancelledReason").asText());
    assertEquals(events, f.events(id).size(), "the second cancel is a no-op");
    assertEquals(1, f.backend(id).count(DESTROY));
  }

  @Test
  void cancelWakesWaiters() {
    String id = f.newSession();
    CompletableFuture<ObjectNode> wait =
        f.json.longPoll(
            id,
            io.github.codexmcp.events.PollRequest.of(f.nextEventId(id), 1),
            60_000,
            new CompletableFuture<>(),
            SessionPolling.WaitObserver.NONE);
    assertFalse(wait.isDone());
    f.manager.cancel(id, null).join();
    assertTrue(wait.isDone());
    assertEquals("cancelled", wait.join().get("status").asText());
  }

  // ------------------------------------------------------------------ interrupt

  @Test
  void s1InterruptUsesTheTurnIdFromTurnStarted() {
    String id = f.newSession();
    f.notify(id, "turn/started", "{'turn':{'id':'turn_v2_started','status':'inProgress'}}");
    f.manager.interrupt(id).join();
    assertJson(
        "{'threadId':'thread_mock','turnId':'turn_v2_started'}",
        f.backend(id).lastParams(TURN_INTERRUPT));
  }

  @Test
  void s2InterruptOfAnIdleSessionIsRefused() {
    String id = f.idleSession();
    CodexMcpException e = thrown(ErrorCode.SESSION_NOT_RUNNING, () -> f.manager.interrupt(id));
    assertEquals(
        "Error [SESSION_NOT_RUNNING]: Cannot interrupt session in idle state", e.getMessage());
  }

  @Test
  void s2InterruptOfErrorAndCancelledSessionsIsRefused() {
    String err = f.newSession();
    f.notify(err, "error", "{'message':'fatal','willRetry':false}");
    assertEquals(
        "Error [SESSION_NOT_RUNNING]: Cannot interrupt session in error state",
        thrown(ErrorCode.SESSION_NOT_RUNNING, () -> f.manager.interrupt(err)).getMessage());
    String cancelled = f.newSession();
    f.manager.cancel(cancelled, null).join();
    assertEquals(
        "Error [SESSION_NOT_RUNNING]: Cannot interrupt session in cancelled state",
        thrown(ErrorCode.SESSION_NOT_RUNNING, () -> f.manager.interrupt(cancelled)).getMessage());
  }

  @Test
  void s3InterruptRightAfterReplyUsesTheTurnStartResponseId() {
    String id = f.idleSession();
    f.json.reply(f.reply(id)).join();
    f.manager.interrupt(id).join();
    assertEquals("turn_mock", f.backend(id).lastParams(TURN_INTERRUPT).get("turnId").asText());
  }

  @Test
  void s4InterruptWhileWaitingForApproval() {
    String id = f.newSession();
    f.commandApproval(id, 1);
    f.manager.interrupt(id).join();
    assertEquals(1, f.backend(id).count(TURN_INTERRUPT));
  }

  @Test
  void s5InterruptDoesNotChangeStatus() {
    String id = f.newSession();
    f.manager.interrupt(id).join();
    assertEquals("running", f.status(id));
    f.commandApproval(id, 1);
    f.manager.interrupt(id).join();
    assertEquals("waiting_approval", f.status(id));
  }

  @Test
  void interruptRpcFailurePropagates() {
    f.factory.configureNext(b -> b.fail(TURN_INTERRUPT, "RPC error -32600: no active turn"));
    String id = f.newSession();
    assertEquals("RPC error -32600: no active turn", failure(f.manager.interrupt(id)).getMessage());
    assertEquals("running", f.status(id));
  }

  @Test
  void turnStartedWithoutIdClearsTheActiveTurn() {
    String id = f.newSession();
    f.notify(id, "turn/started", "{'turn':{}}");
    assertNull(f.activeTurnId(id));
    thrown(ErrorCode.INTERNAL, () -> f.manager.interrupt(id));
  }

  @Test
  void interruptWithAPendingApprovalEndsCleanly() {
    String id = f.newSession();
    f.commandApproval(id, 0);
    f.manager.interrupt(id).join();
    // codex ends the turn first, then reports the abandoned request as resolved (spec 90 §3).
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock','status':'interrupted'}}");
    f.notify(id, "serverRequest/resolved", "{'threadId':'thread_mock','requestId':0}");
    assertEquals("idle", f.status(id));
    assertTrue(f.pendingRequestIds(id).isEmpty());
    assertEquals("interrupted", f.lastResult(id).get("status").asText());
    f.timer.advance(java.time.Duration.ofMinutes(2));
    assertTrue(
        f.backend(id).answers().isEmpty(), "no late decline for a request codex already dropped");
  }

  @Test
  void closeStopsEverythingButKeepsStatuses() {
    String running = f.newSession();
    f.commandApproval(running, 1);
    String idle = f.idleSession();
    CompletableFuture<ObjectNode> wait =
        f.json.longPoll(
            idle,
            io.github.codexmcp.events.PollRequest.of(f.nextEventId(idle), 1),
            60_000,
            new CompletableFuture<>(),
            SessionPolling.WaitObserver.NONE);
    f.manager.startJanitor();
    f.manager.closeAsync().join();
    assertTrue(f.manager.isClosed());
    assertEquals("waiting_approval", f.status(running));
    assertEquals("idle", f.status(idle));
    assertEquals(1, f.backend(running).count(DESTROY));
    assertEquals(1, f.backend(idle).count(DESTROY));
    assertJson("{'decision':'cancel'}", f.backend(running).answerFor(1).result());
    assertTrue(wait.isDone());
    assertEquals(0, f.timer.pending(), "janitor and approval timers stopped");
  }
}

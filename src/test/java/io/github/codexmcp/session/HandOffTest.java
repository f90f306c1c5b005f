package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.ApprovalDecision;
import io.github.codexmcp.codex.protocol.Decision;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.testing.ManualClock;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.RecordingPersistence;
import io.github.codexmcp.util.CodexMcpException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

/**
 * The thread hand-offs of the session layer: Codex's reports only enqueue on the session's inbox,
 * and every answer to Codex is written with no session lock held (Codex's backend is a Mockito mock
 * that records whether the lock was held when it was called).
 */
class HandOffTest {
  @TempDir Path cwd;

  /** A work pool whose tasks run only when the test says so. */
  static final class QueuedExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable r) {
      tasks.add(r);
    }

    void runAll() {
      while (true) {
        Runnable r;
        synchronized (this) {
          r = tasks.poll();
        }
        if (r == null) {
          return;
        }
        r.run();
      }
    }
  }

  private final ManualClock clock = new ManualClock();
  private final ManualTimer timer = new ManualTimer(clock);
  private final QueuedExecutor work = new QueuedExecutor();
  private final CodexBackend backend = mock(CodexBackend.class);
  private final AtomicInteger uuids = new AtomicInteger();
  private SessionManager manager;
  private SessionPolling polling;
  private BackendListener listener;
  private String id;
  private final List<Boolean> lockHeldOnRespond = new ArrayList<>();

  @BeforeEach
  void setUp() {
    JsonNode empty = FakeCodexBackend.json("{}");
    when(backend.start()).thenReturn(CompletableFuture.completedFuture(empty));
    when(backend.threadStart(any()))
        .thenReturn(CompletableFuture.completedFuture(FakeCodexBackend.json("{'threadId':'t1'}")));
    when(backend.turnStart(any()))
        .thenReturn(
            CompletableFuture.completedFuture(FakeCodexBackend.json("{'turn':{'id':'turn1'}}")));
    when(backend.destroy()).thenReturn(CompletableFuture.completedFuture(null));
    when(backend.mode()).thenReturn(BackendMode.APP_SERVER);
    BackendFactory factory =
        new BackendFactory() {
          @Override
          public CodexBackend create(String sessionId, io.github.codexmcp.codex.LaunchOptions o) {
            return backend;
          }

          @Override
          public BackendMode mode() {
            return BackendMode.APP_SERVER;
          }
        };
    manager =
        new SessionManager(
            factory,
            clock,
            timer,
            work,
            new RecordingPersistence(true),
            true,
            () -> String.format("%08x-aaaa-4bbb-8ccc-%012x", uuids.incrementAndGet(), 0),
            io.github.codexmcp.client.ClientLog.NONE,
            io.github.codexmcp.client.ClientForms.NONE,
            SessionWorkspace.DISABLED);
    polling = new SessionPolling(manager);
    CompletableFuture<?> created =
        manager.create(
            new SessionRequests.Create(
                "hi",
                cwd,
                null,
                null,
                "on-request",
                "workspace-write",
                "low",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                1000L,
                null,
                null,
                null));
    assertFalse(created.isDone(), "the answer is completed on the work pool");
    work.runAll();
    id = ((TurnStarted) created.join()).sessionId();
    ArgumentCaptor<BackendListener> captor = ArgumentCaptor.forClass(BackendListener.class);
    verify(backend).setListener(captor.capture());
    listener = captor.getValue();
    Session s = manager.require(id);
    doAnswer(
            inv -> {
              lockHeldOnRespond.add(Thread.holdsLock(s));
              return null;
            })
        .when(backend)
        .respond(any(), any());
  }

  private String parkApproval(int rpcId) {
    listener.onServerRequest(
        IntNode.valueOf(rpcId),
        "item/commandExecution/requestApproval",
        FakeCodexBackend.json("{'itemId':'i','command':'ls'}"));
    work.runAll();
    Session s = manager.require(id);
    synchronized (s) {
      List<PendingRequest> open = s.pending.unresolved();
      return open.get(open.size() - 1).requestId;
    }
  }

  @Test
  void notificationsOnlyEnqueueOnTheCallingThread() {
    listener.onNotification("turn/completed", FakeCodexBackend.json("{'turn':{'id':'turn1'}}"));
    assertEquals("running", manager.status(id), "nothing applied on the reader thread");
    work.runAll();
    assertEquals("idle", manager.status(id));
  }

  @Test
  void theLinesOfOneReadAreHandedOverAsOneTask() {
    work.runAll();
    listener.onBatchStart();
    for (int i = 0; i < 50; i++) {
      listener.onNotification(
          "item/agentMessage/delta", FakeCodexBackend.json("{'itemId':'m','delta':'x'}"));
    }
    assertEquals(0, work.tasks.size(), "nothing handed over inside the batch");
    listener.onBatchEnd();
    assertEquals(1, work.tasks.size(), "one pool task for the whole batch");
    listener.onNotification("turn/completed", FakeCodexBackend.json("{'turn':{'id':'turn1'}}"));
    assertEquals(1, work.tasks.size(), "the running drain takes the next report too");
    work.runAll();
    assertEquals("idle", manager.status(id));
  }

  @Test
  void aLongPollIsAnsweredOnTheInboxNotOnTheReaderThread() {
    polling.poll(id, PollRequest.of(null, 1000)); // consume what the create logged
    CompletableFuture<?> poll =
        polling.longPoll(
            id,
            PollRequest.of(null, 10),
            60_000,
            new CompletableFuture<>(),
            SessionPolling.WaitObserver.NONE);
    assertFalse(poll.isDone(), "nothing new: the poll waits");
    listener.onNotification("turn/completed", FakeCodexBackend.json("{'turn':{'id':'turn1'}}"));
    assertFalse(poll.isDone(), "the reader thread did not complete the wait");
    work.runAll();
    assertTrue(poll.isDone());
  }

  @Test
  void waitProgressReachesTheClientWithNoSessionLockHeld() {
    Session s = manager.require(id);
    List<Boolean> lockHeld = new ArrayList<>();
    CompletableFuture<?> wait =
        polling.foreground(
            id,
            "t1",
            60_000,
            List.of(),
            new CompletableFuture<>(),
            progress -> lockHeld.add(Thread.holdsLock(s)));
    listener.onNotification("item/started", FakeCodexBackend.json("{'item':{'type':'reasoning'}}"));
    work.runAll();
    listener.onNotification("turn/completed", FakeCodexBackend.json("{'turn':{'id':'turn1'}}"));
    work.runAll();
    assertTrue(wait.isDone());
    assertFalse(lockHeld.isEmpty(), "the wait was observed");
    assertFalse(lockHeld.contains(true), "observed under the session lock: " + lockHeld);
  }

  @Test
  void clientAnswerIsWrittenOutsideTheSessionLock() {
    String rid = parkApproval(5);
    polling.respondPermission(
        id, rid, ApprovalDecision.of(Decision.ACCEPT), PollRequest.of(null, 0));
    verify(backend).respond(eq(IntNode.valueOf(5)), any());
    assertEquals(List.of(false), lockHeldOnRespond);
    assertEquals("running", manager.status(id));
  }

  @Test
  void theFirstAnswerWinsAndCodexHearsOnlyOne() {
    String rid = parkApproval(6);
    polling.respondPermission(
        id, rid, ApprovalDecision.of(Decision.DECLINE), PollRequest.of(null, 0));
    CodexMcpException second =
        assertThrows(
            CodexMcpException.class,
            () ->
                polling.respondPermission(
                    id, rid, ApprovalDecision.of(Decision.ACCEPT), PollRequest.of(null, 0)));
    assertTrue(second.getMessage().contains("not found or already resolved"), second.getMessage());
    verify(backend, times(1)).respond(any(), any());
  }

  @Test
  void aFailedWriteLeavesTheRequestAnswerable() {
    String rid = parkApproval(7);
    AtomicReference<Boolean> fail = new AtomicReference<>(true);
    doAnswer(
            inv -> {
              if (fail.getAndSet(false)) {
                throw new IllegalStateException("stdin closed");
              }
              lockHeldOnRespond.add(Thread.holdsLock(manager.require(id)));
              return null;
            })
        .when(backend)
        .respond(any(), any());
    assertThrows(
        CodexMcpException.class,
        () ->
            polling.respondPermission(
                id, rid, ApprovalDecision.of(Decision.ACCEPT), PollRequest.of(null, 0)));
    assertEquals("waiting_approval", manager.status(id));
    polling.respondPermission(
        id, rid, ApprovalDecision.of(Decision.ACCEPT), PollRequest.of(null, 0));
    assertEquals(List.of(false), lockHeldOnRespond);
    assertEquals("running", manager.status(id));
  }

  @Test
  void timeoutAndCancelAnswersAreWrittenOutsideTheSessionLock() {
    parkApproval(8);
    timer.advance(Duration.ofMillis(1000));
    work.runAll(); // the timer hands the timeout to the work pool
    verify(backend).respond(eq(IntNode.valueOf(8)), any());
    parkApproval(9);
    manager.cancel(id, null);
    verify(backend).respond(eq(IntNode.valueOf(9)), any());
    assertEquals(List.of(false, false), lockHeldOnRespond);
    verify(backend, never()).respondError(any(), any(Integer.class), any());
  }
}

package io.github.codexmcp.session;

import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_FORK;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Work that blocks (disk, writes to Codex) is handed to the work pool by the threads that must not
 * block, Codex's reader and the timer: the clean-up of a create or fork that Codex fails (its files
 * deleted, its backend destroyed) and the answer to a request that timed out.
 */
class WorkPoolHandOffTest {
  @TempDir Path cwd;
  SessionFixture f;
  final ArrayDeque<Runnable> work = new ArrayDeque<>();
  SessionManager m;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd, work::add);
    m = f.manager;
  }

  private void runWork() {
    for (Runnable r; (r = work.poll()) != null; ) {
      r.run();
    }
  }

  @Test
  void aCreateThatCodexFailsIsCleanedUpOnTheWorkPool() {
    f.factory.configureNext(b -> b.hold(THREAD_START));
    CompletableFuture<?> created = m.create(f.create().build());
    runWork();
    FakeCodexBackend b = f.factory.last();
    b.held(THREAD_START).get(0).completeExceptionally(new RuntimeException("timed out"));
    assertEquals(List.of(), f.persistence.deleted(), "nothing deleted on the failing thread");
    runWork();
    assertEquals(List.of(b.sessionId()), f.persistence.deleted());
    assertTrue(created.isCompletedExceptionally());
  }

  @Test
  void aForkThatCodexFailsIsCleanedUpOnTheWorkPool() {
    CompletableFuture<TurnStarted> source = m.create(f.create().build());
    runWork();
    String sourceId = source.join().sessionId();
    m.handleNotification(
        m.require(sourceId),
        "turn/completed",
        Json.parse(
            "{\"threadId\":\"thread_mock\",\"turn\":{\"id\":\"turn_mock\",\"status\":\"completed\"}}"));
    runWork();
    f.factory.configureNext(b -> b.hold(THREAD_FORK));
    CompletableFuture<ForkResult> fork = m.fork(sourceId);
    runWork();
    FakeCodexBackend b = f.factory.last();
    b.held(THREAD_FORK).get(0).completeExceptionally(new RuntimeException("timed out"));
    assertEquals(List.of(), f.persistence.deleted(), "nothing deleted on the failing thread");
    runWork();
    assertEquals(List.of(b.sessionId()), f.persistence.deleted());
    assertTrue(fork.isCompletedExceptionally());
  }

  @Test
  void aTimedOutRequestIsAnsweredOnTheWorkPoolNotOnTheTimerThread() {
    SessionFixture.Create c = f.create();
    c.approvalTimeoutMs = 5L;
    CompletableFuture<TurnStarted> created = m.create(c.build());
    runWork();
    FakeCodexBackend b = f.factory.last();
    b.emitRequest(7, "item/commandExecution/requestApproval", "{\"itemId\":\"i\"}");
    runWork(); // the session's inbox parks it
    assertEquals(1, m.pendingActions(created.join().sessionId()).size());
    f.timer.advanceMillis(10);
    assertTrue(b.answers().isEmpty(), "nothing written to Codex on the timer thread");
    runWork();
    assertEquals("decline", b.answerFor(7).result().path("decision").asText());
  }

  @Test
  void aContinuedSessionsPidIsRecordedOnTheWorkPoolNotOnTheReaderThread() {
    String id = f.recovered("sess_rec-1", "idle", "thread_old", null, List.of());
    f.factory.configureNext(b -> b.hold(FakeCodexBackend.START).childPid(4242L));
    CompletableFuture<TurnStarted> reply = m.reply(f.reply(id));
    runWork(); // spawns the new client
    f.factory.forSession(id).held(FakeCodexBackend.START).get(0).complete(Json.object());
    assertNull(f.persistence.pid(id), "the process table is not read on Codex's reader thread");
    runWork();
    assertEquals(4242L, f.persistence.pid(id));
    assertFalse(reply.isCompletedExceptionally());
  }

  @Test
  void aContinuedReplysTurnStartsOnTheWorkPoolNotOnTheThreadThatResumedIt() {
    String id = f.recovered("sess_rec-2", "idle", "thread_old", null, List.of());
    f.factory.configureNext(b -> b.hold(FakeCodexBackend.THREAD_RESUME));
    CompletableFuture<TurnStarted> reply = m.reply(f.reply(id));
    runWork(); // spawns the new client, which asks to resume the thread
    FakeCodexBackend b = f.factory.forSession(id);
    List<CompletableFuture<JsonNode>> resumes = b.held(FakeCodexBackend.THREAD_RESUME);
    assertEquals(1, resumes.size());
    resumes.get(0).complete(Json.object()); // Codex's answer, on its reader thread
    assertEquals(0, b.count(FakeCodexBackend.TURN_START), "no turn/start on the reader thread");
    runWork();
    assertEquals(1, b.count(FakeCodexBackend.TURN_START));
    assertFalse(reply.isCompletedExceptionally());
  }
}

package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.ResponseMode;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.testing.FakeSharedDisk;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several servers on one state directory (an in-memory {@link FakeSharedDisk}, one timer): each
 * sees the others' sessions, keeps them fresh off the request path, hands its sessions back at
 * rest, and takes over a resting session to continue it; a session is never driven by two.
 */
class SharedStateTest {
  private static final String COMPLETED = "{'turn':{'id':'turn_mock','status':'completed'}}";

  @TempDir Path cwd;
  private final ManualTimer timer = new ManualTimer();
  private final FakeSharedDisk disk = new FakeSharedDisk();
  private SessionFixture a;
  private SessionFixture b;

  @BeforeEach
  void servers() {
    a = new SessionFixture(cwd, timer, disk.server("A"), 0);
    b = new SessionFixture(cwd, timer, disk.server("B"), 0x1000);
    a.manager.startSharing();
    b.manager.startSharing();
  }

  /** One refresher period: every server runs a pass. */
  private void pass() {
    timer.advance(ForeignSessions.PERIOD);
  }

  private String idleSessionOfA(boolean detachable) {
    a.factory.configureNext(x -> x.detachable = detachable);
    String id = a.newSession();
    answer(a, id, "first answer");
    return id;
  }

  private static void answer(SessionFixture f, String id, String text) {
    FakeCodexBackend be = f.backend(id);
    be.emitNotification(
        "item/completed",
        "{'item':{'type':'agentMessage','id':'m1','text':'" + text + "','phase':'final_answer'}}");
    be.emitNotification("turn/completed", COMPLETED);
  }

  private static List<String> ids(SessionFixture f) {
    return f.manager.list().stream().map(SessionView::sessionId).toList();
  }

  @Test
  void aSessionAnotherServerCreatedIsListedAfterAPassAndFoundByIdAtOnce() {
    String id = idleSessionOfA(false);
    assertFalse(ids(b).contains(id), "not known before a pass");
    assertEquals("idle", b.json.get(id, false).get("status").asText()); // a miss looks on disk
    String other = a.newSession();
    pass();
    assertTrue(ids(b).containsAll(List.of(id, other)), ids(b).toString());
    assertEquals("running", b.status(other));
  }

  @Test
  void aForeignSessionFollowsItsServerWithoutTheRequestsReadingTheDisk() {
    String id = a.newSession();
    pass();
    ObjectNode first = b.poll(id, null, 100);
    long cursor = first.get("nextCursor").asLong();
    int reads = disk.reads();
    int stamps = disk.stamps();
    answer(a, id, "done by A");
    for (int i = 0; i < 5; i++) {
      b.poll(id, null, 100);
      b.json.get(id, false);
      b.manager.list();
    }
    assertEquals(reads, disk.reads(), "polls, gets and lists read nothing");
    assertEquals(stamps, disk.stamps(), "nor stat anything");
    assertEquals("running", b.status(id), "not refreshed before a pass");
    pass();
    assertEquals("idle", b.status(id));
    assertEquals("done by A", b.lastResult(id).get("text").asText());
    ObjectNode after = b.poll(id, cursor, 100);
    assertTrue(after.get("events").size() > 0, after.toString());
    assertTrue(after.at("/events/0/id").asLong() >= cursor, "the cursor stays valid");
    int readsNow = disk.reads();
    pass();
    assertEquals(readsNow, disk.reads(), "nothing changed: nothing read");
  }

  @Test
  void aLongPollOnAForeignSessionEndsWhenItsServerFinishesTheTurn() {
    String id = a.newSession();
    pass();
    long cursor = b.poll(id, null, 100).get("nextCursor").asLong();
    CompletableFuture<ObjectNode> wait =
        b.json.longPoll(
            id,
            new PollRequest(cursor, 100, ResponseMode.FULL, null),
            60_000,
            new CompletableFuture<>(),
            SessionPolling.WaitObserver.NONE);
    assertFalse(wait.isDone());
    answer(a, id, "finished");
    pass();
    assertTrue(wait.isDone(), "woken by the refresh");
    assertEquals("idle", wait.join().get("status").asText());
  }

  @Test
  void aSessionAtRestIsHandedBackAndTheDetachableBackendDetached() {
    String id = idleSessionOfA(true);
    assertNull(disk.owner(id), "released at rest");
    assertTrue(a.factory.forSession(id).isDetached());
    assertFalse(a.factory.forSession(id).isDestroyed());
  }

  @Test
  void aFailedTurnIsHandedBackOnlyOnceCodexCompletedIt() {
    a.factory.configureNext(x -> x.detachable = true);
    String id = a.newSession();
    FakeCodexBackend be = a.factory.forSession(id);
    be.emitNotification("turn/started", "{'turn':{'id':'turn_mock'}}");
    be.emitNotification("error", "{'error':{'message':'model failed'},'willRetry':false}");
    assertEquals("error", a.status(id));
    assertEquals("A", disk.owner(id), "the failed turn's result is still to come");
    assertFalse(be.isDetached());
    be.emitNotification("turn/completed", "{'turn':{'id':'turn_mock','status':'failed'}}");
    assertNull(disk.owner(id));
    assertTrue(be.isDetached());
    assertEquals("failed", a.lastResult(id).path("status").asText());
  }

  @Test
  void aStdioBackendKeepsItsSessionHeldUntilTheServerExits() {
    String id = idleSessionOfA(false);
    pass();
    assertEquals("A", disk.owner(id));
    CodexMcpException e =
        assertThrows(CodexMcpException.class, () -> b.manager.reply(b.reply(id)).join());
    assertEquals(ErrorCode.SESSION_BUSY, e.code());
    assertTrue(e.getMessage().contains("driven by another codex-mcp server"), e.getMessage());
    assertTrue(b.factory.created().isEmpty(), "no Codex started in B");
  }

  @Test
  void anotherServerContinuesARestingSessionAndTheFirstShowsItsResult() {
    a.factory.configureEvery(x -> x.detachable = true);
    b.factory.configureEvery(x -> x.detachable = true);
    String id = idleSessionOfA(true);
    pass();
    b.json.reply(b.reply(id)).join();
    FakeCodexBackend inB = b.factory.forSession(id);
    assertEquals(
        List.of(
            FakeCodexBackend.START, FakeCodexBackend.THREAD_RESUME, FakeCodexBackend.TURN_START),
        inB.calls().stream().map(FakeCodexBackend.Call::method).toList());
    assertEquals("B", disk.owner(id));
    pass();
    assertEquals("running", a.status(id), "A follows B's turn");
    CodexMcpException busy =
        assertThrows(CodexMcpException.class, () -> a.manager.reply(a.reply(id)).join());
    assertEquals(ErrorCode.SESSION_BUSY, busy.code(), "A cannot take over while B runs a turn");
    answer(b, id, "second answer, by B");
    assertNull(disk.owner(id), "B hands it back at rest");
    pass();
    assertEquals("idle", a.status(id));
    assertEquals("second answer, by B", a.lastResult(id).get("text").asText());
    // and back to A: it catches up, attaches again and resumes the thread
    a.json.reply(a.reply(id)).join();
    assertEquals(2, a.factory.created().size());
    assertEquals(
        FakeCodexBackend.THREAD_RESUME, a.factory.last().calls().get(1).method(), "resumed");
    assertEquals("A", disk.owner(id));
  }

  @Test
  void aForkOfARestingSessionIsMadeBeforeEitherIsHandedBack() {
    a.factory.configureEvery(x -> x.detachable = true);
    String id = idleSessionOfA(true);
    ForkResult fork = a.manager.fork(id).join();
    FakeCodexBackend forked = a.factory.forSession(fork.sessionId());
    assertEquals(FakeCodexBackend.THREAD_FORK, forked.calls().get(1).method());
    assertTrue(forked.isDetached(), "handed back once made");
    assertNull(disk.owner(fork.sessionId()));
    assertNull(disk.owner(id));
    pass();
    assertTrue(ids(b).contains(fork.sessionId()));
  }

  @Test
  void aServerExitingLeavesTheCodexProcessesOfOtherServersSessionsAlone() {
    String theirs = idleSessionOfA(true);
    String continued = idleSessionOfA(true);
    b.factory.configureEvery(x -> x.detachable = true);
    pass();
    b.json.reply(b.reply(continued)).join();
    answer(b, continued, "B drove this one");
    b.factory.survivors.addAll(List.of(theirs, continued));
    b.manager.closeAsync().join();
    assertEquals(List.of(continued), b.factory.discarded, "only what B itself drove");
  }

  /** The cleanup's TTL warning is a write: it must not claim a session another server owns. */
  @Test
  void theCleanupDoesNotWarnASessionItDoesNotDrive() {
    String id = idleSessionOfA(true);
    pass();
    b.age(id, SessionJanitor.IDLE_TTL_MS - 30_000);
    b.sweep();
    assertNull(disk.owner(id), "B's cleanup claimed nothing");
    long warnings =
        b.events(id).stream()
            .filter(e -> "ttl_warning".equals(e.data().path("type").asText()))
            .count();
    assertEquals(0, warnings);
    assertEquals(
        0,
        disk.events(id).stream()
            .filter(e -> "ttl_warning".equals(e.path("data").path("type").asText()))
            .count());
  }

  /** Its own session, handed back at rest, is still warned: taken over for it, then handed back. */
  @Test
  void theCleanupWarnsItsOwnHandedBackSessionOnce() {
    String id = idleSessionOfA(true);
    assertNull(disk.owner(id), "handed back at rest");
    a.age(id, SessionJanitor.IDLE_TTL_MS - 30_000);
    a.sweep();
    a.sweep();
    assertEquals(
        1,
        a.events(id).stream()
            .filter(e -> "ttl_warning".equals(e.data().path("type").asText()))
            .count());
    assertEquals(
        1,
        disk.events(id).stream()
            .filter(e -> "ttl_warning".equals(e.path("data").path("type").asText()))
            .count());
    assertNull(disk.owner(id), "handed back again");
  }

  /** A session that failed before its thread started (recovered so) rests too: handed back. */
  @Test
  void aFailedSessionWithoutAThreadIsHandedBack() {
    String id = "sess_nothread-01";
    disk.write("A", id, Json.object().put("status", "error"), null); // A recovered and holds it
    a.recovered(id, "error", null, null, List.of());
    pass();
    assertEquals("error", a.status(id));
    assertNull(a.threadId(id));
    assertNull(disk.owner(id), "not held by A until it exits");
  }

  /** An I/O error looking at a session's files is no removal: it stays, its process too. */
  @Test
  void aSessionWhoseFilesCannotBeLookedAtForAWhileStays() {
    String id = idleSessionOfA(true);
    pass();
    b.factory.survivors.add(id);
    disk.unreadable(id, true);
    pass();
    assertTrue(ids(b).contains(id), "not taken for removed");
    assertTrue(b.factory.discarded.isEmpty(), "its process left alone");
    assertNull(disk.owner(id), "nothing claimed");
    disk.unreadable(id, false);
    disk.remove(id);
    pass();
    assertFalse(ids(b).contains(id), "a missing meta.json is a removal");
    assertTrue(b.factory.discarded.isEmpty(), "the remover's process is not stopped here");
  }

  /** A wrong id asked for again and again reads the disk once per refresher period. */
  @Test
  void aMissIsLookedUpOnDiskOncePerPeriod() {
    String id = "sess_nowhere-01";
    int before = disk.reads();
    assertThrows(CodexMcpException.class, () -> b.json.get(id, false));
    int afterFirst = disk.reads();
    assertThrows(CodexMcpException.class, () -> b.json.get(id, false));
    assertThrows(CodexMcpException.class, () -> b.json.get(id, false));
    assertEquals(afterFirst, disk.reads(), "answered from memory");
    assertTrue(afterFirst > before);
    pass(); // one period later it is looked up on disk again
    assertThrows(CodexMcpException.class, () -> b.json.get(id, false));
    assertTrue(disk.reads() > afterFirst, "looked up again");
  }

  /** clean acts on what it sees in memory only after taking the session over. */
  @Test
  void cleanLeavesASessionAnotherServerNowDrivesAlone() {
    a.factory.configureEvery(x -> x.detachable = true);
    String id = idleSessionOfA(true);
    pass();
    a.json.reply(a.reply(id)).join(); // A drives it again; B has not seen it yet
    assertEquals("A", disk.owner(id));
    CleanResult r = b.manager.clean(new SessionRequests.Clean(List.of("idle"), null, false, true));
    assertEquals(List.of(), r.removedSessionIds());
    pass();
    assertTrue(ids(b).contains(id), "still known to B");
    assertEquals("running", b.status(id));
    assertEquals("A", disk.owner(id));
  }

  @Test
  void theCleanupTimesOutAnotherServersRestingSessionByTakingItOver() {
    String id = idleSessionOfA(true);
    pass();
    b.age(id, SessionJanitor.IDLE_TTL_MS + 1);
    b.sweep();
    assertEquals("cancelled", b.status(id));
    assertNull(disk.owner(id), "taken over for the cancel, then handed back");
    pass();
    assertEquals("cancelled", a.status(id), "A sees it");
    long results =
        b.events(id).stream()
            .filter(e -> e.type() == io.github.codexmcp.events.EventType.RESULT)
            .filter(e -> "cancelled".equals(e.data().path("status").asText()))
            .count();
    assertEquals(1, results);
  }

  @Test
  void cancelOfASessionAnotherServerDrivesIsRefused() {
    String id = a.newSession();
    pass();
    CodexMcpException e =
        assertThrows(CodexMcpException.class, () -> b.manager.cancel(id, "no").join());
    assertEquals(ErrorCode.SESSION_BUSY, e.code());
    assertEquals("running", a.status(id));
  }

  @Test
  void aSessionAnotherServerRemovedGoesAwayAndACleanedOneDoesNotComeBack() {
    String removed = idleSessionOfA(true);
    String cleaned = idleSessionOfA(true);
    pass();
    disk.remove(removed);
    pass();
    assertFalse(ids(b).contains(removed));
    b.manager.clean(new SessionRequests.Clean(List.of("idle"), null, false, false));
    pass();
    assertFalse(ids(b).contains(cleaned), "removed here: not taken in again");
    assertThrows(CodexMcpException.class, () -> b.json.get(cleaned, false));
    assertTrue(ids(a).contains(cleaned));
  }

  @Test
  void aSessionReadAtStartUpWhileAnotherServerDroveItIsRefreshedToo() {
    String id = "sess_startup-01";
    ObjectNode meta =
        new PersistedMeta(
                id,
                "running",
                "2026-02-15T09:00:00.000Z",
                "2026-02-15T09:30:00.000Z",
                null,
                null,
                "thread_x",
                "o4",
                cwd.toString(),
                "on-request",
                "workspace-write",
                null)
            .toJson();
    disk.write("C", id, meta, null);
    disk.append(id, "progress", Json.object().put("message", "one"));
    PersistedMeta m = PersistedMeta.fromJson(disk.meta(id));
    b.manager.ingestRecovered(
        new RecoveredSession(id, m, "running", disk.events(id), 0, null, null, cwd));
    disk.append(id, "progress", Json.object().put("message", "two"));
    disk.write("C", id, meta.deepCopy().put("status", "idle"), Json.object().put("text", "r"));
    pass();
    assertEquals("idle", b.status(id));
    assertEquals(
        List.of("one", "two"),
        b.events(id).stream().map(e -> e.data().path("message").asText()).toList());
    assertEquals(List.of(0L, 1L), b.events(id).stream().map(e -> e.id()).toList());
  }
}

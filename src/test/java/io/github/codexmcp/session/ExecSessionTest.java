package io.github.codexmcp.session;

import static io.github.codexmcp.testing.exec.ExecFakeLauncher.emit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.exec.ExecBackendFactory;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.appserver.FakeChildProcess;
import io.github.codexmcp.testing.exec.ExecFakeLauncher;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec mode through the session layer (spec 70 group AC, session-visible effects): a real {@link
 * SessionManager} over {@link ExecBackendFactory} with in-memory children. Waits are on the
 * session's long-poll waiters, never sleeps.
 */
@Timeout(30)
class ExecSessionTest {
  @TempDir Path tmp;
  private final ExecFakeLauncher launcher = new ExecFakeLauncher();
  private final ManualTimer timer = new ManualTimer();
  private SessionManager manager;
  private Path work;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createDirectories(tmp.resolve("work")).toRealPath();
    Clock clock =
        new Clock() {
          @Override
          public long nanoTime() {
            return 0;
          }

          @Override
          public Instant instant() {
            return Instant.parse("2026-11-21T10:00:00Z");
          }
        };
    ExecBackendFactory factory =
        new ExecBackendFactory(
            new ResolvedExecutable("/opt/codex", true, "env_path"),
            launcher,
            timer,
            Map.of(),
            false,
            tmp);
    manager =
        new SessionManager(
            factory,
            clock,
            timer,
            Runnable::run,
            PersistenceHook.NONE,
            false,
            ClientLog.NONE,
            ClientForms.NONE,
            SessionWorkspace.DISABLED);
  }

  @AfterEach
  void tearDown() throws Exception {
    manager.closeAsync().get(5, TimeUnit.SECONDS);
  }

  private SessionRequests.Create create(String prompt) {
    return new SessionRequests.Create(
        prompt, work, null, null, null, null, "medium", null, null, null, null, null, null, null,
        null, null, null, null, null);
  }

  private SessionRequests.Reply reply(String id, String prompt, String sandbox, String cwd) {
    return new SessionRequests.Reply(id, prompt, null, null, null, null, null, sandbox, cwd, null);
  }

  private Session session(String id) {
    return manager.registry.find(id);
  }

  /** Waits until {@code condition} holds for the session, woken by each of its notifications. */
  private void await(Session s, Predicate<Session> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      CompletableFuture<Void> woken = new CompletableFuture<>();
      synchronized (s) {
        if (condition.test(s)) {
          return;
        }
        s.waiters().add(woken);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "condition not reached; status " + s.status() + ", events " + events(s));
      }
      try {
        woken.get(left, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // checked once more at the top
      }
    }
  }

  private static List<SessionEvent> events(Session s) {
    synchronized (s) {
      return s.events.snapshot();
    }
  }

  private static List<SessionEvent> events(Session s, EventType type) {
    List<SessionEvent> out = new ArrayList<>();
    for (SessionEvent e : events(s)) {
      if (e.type() == type) {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean idle(Session s) {
    return s.status() == SessionStatus.IDLE;
  }

  /** Creates a session whose first turn reports thread T-real and answers {@code answer}. */
  private Session firstTurn(String answer) throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("first")).get(5, TimeUnit.SECONDS);
    assertTrue(resp.path("threadId").asText().startsWith("exec_thread_"), resp.toString());
    Session s = session(resp.path("sessionId").asText());
    FakeChildProcess child = launcher.child();
    emit(
        child,
        "{\"type\":\"thread.started\",\"thread_id\":\"T-real\"}",
        "{\"type\":\"turn.started\"}",
        "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"agent_message\",\"text\":\""
            + answer
            + "\"}}",
        "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":20,\"output_tokens\":10}}");
    await(s, ExecSessionTest::idle);
    child.exit(0);
    return s;
  }

  @Test
  void firstTurnCompletesWithTheAgentMessageAndTheRealThreadId() throws Exception {
    Session s = firstTurn("hi");
    synchronized (s) {
      assertEquals("T-real", s.threadId(), "AC19: thread.started replaces the synthetic id");
      assertEquals("completed", s.lastResult().path("status").asText());
      assertEquals("hi", s.lastResult().path("text").asText(), "AC6");
      assertEquals("hi", s.lastResult().path("output").asText());
      JsonNode tokens = s.progress.snapshot("idle", null, 0).path("tokens");
      assertEquals(20, tokens.path("input").asInt(), tokens.toString());
    }
    assertFalse(events(s, EventType.OUTPUT).isEmpty());
  }

  @Test
  void replyResumesAndAppliesCwdAndSandboxOverrides() throws Exception {
    Session s = firstTurn("one");
    Path other = Files.createDirectories(tmp.resolve("other")).toRealPath();
    JsonSessions.of(manager)
        .reply(reply(s.id, "second", "read-only", other.toString()))
        .get(5, TimeUnit.SECONDS);
    List<String> args = launcher.args();
    assertEquals(
        List.of("exec", "-s", "read-only", "-C", other.toString(), "resume", "T-real"),
        args.subList(0, 7));
    synchronized (s) {
      assertEquals(
          other, s.settings().cwd(), "0.169 applies cwd on resume turns, so the session keeps it");
      assertEquals("read-only", s.settings().sandbox());
    }
  }

  @Test
  void replyWithoutRealThreadIdShowsReconnectProgress() throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("first")).get(5, TimeUnit.SECONDS);
    Session s = session(resp.path("sessionId").asText());
    FakeChildProcess first = launcher.child();
    emit(first, "{\"type\":\"turn.completed\"}");
    await(s, ExecSessionTest::idle);
    first.exit(0);

    JsonSessions.of(manager).reply(reply(s.id, "second", null, null)).get(5, TimeUnit.SECONDS);
    assertFalse(launcher.args().contains("resume"));
    synchronized (s) {
      assertEquals(SessionStatus.RUNNING, s.status(), "AC3: a retryable notice leaves the status");
    }
    assertTrue(
        events(s, EventType.PROGRESS).stream()
            .anyMatch(
                e ->
                    "codex-mcp/reconnect".equals(e.method())
                        && e.data().toString().contains("multi-turn context unavailable")),
        events(s).toString());
  }

  @Test
  void reconnectIsProgressAndAFatalErrorSetsErrorStatus() throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("p")).get(5, TimeUnit.SECONDS);
    Session s = session(resp.path("sessionId").asText());
    emit(
        launcher.child(),
        "{\"type\":\"turn.started\"}",
        "{\"type\":\"error\",\"message\":\"Reconnecting... 2/5\"}");
    await(s, x -> events(x).stream().anyMatch(e -> "codex-mcp/reconnect".equals(e.method())));
    synchronized (s) {
      assertEquals(SessionStatus.RUNNING, s.status(), "AC8");
    }
    emit(launcher.child(), "{\"type\":\"error\",\"message\":\"fatal\"}");
    await(s, x -> x.status() == SessionStatus.ERROR);
    assertEquals(1, events(s, EventType.ERROR).size(), "AC9");
    emit(launcher.child(), "{\"type\":\"turn.failed\",\"error\":{\"message\":\"fatal\"}}");
    await(s, ExecSessionTest::idle);
    synchronized (s) {
      assertEquals("failed", s.lastResult().path("status").asText(), "AC7");
      assertEquals("fatal", s.lastResult().path("turnError").path("message").asText());
    }
  }

  @Test
  void crashedTurnEndsIdleAndFailed() throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("p")).get(5, TimeUnit.SECONDS);
    Session s = session(resp.path("sessionId").asText());
    launcher.child().exit(1);
    await(s, ExecSessionTest::idle);
    synchronized (s) {
      assertEquals("failed", s.lastResult().path("status").asText(), "AC14");
      assertEquals(
          "exec process exited with code 1",
          s.lastResult().path("turnError").path("message").asText());
    }
    assertEquals(1, events(s, EventType.ERROR).size());
  }

  @Test
  void cleanExitWithoutEndEventCompletesTheTurn() throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("p")).get(5, TimeUnit.SECONDS);
    Session s = session(resp.path("sessionId").asText());
    emit(
        launcher.child(),
        "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"ok\"}}");
    launcher.child().exit(0);
    await(s, ExecSessionTest::idle);
    synchronized (s) {
      assertEquals("completed", s.lastResult().path("status").asText(), "AC13");
      assertEquals("ok", s.lastResult().path("text").asText());
    }
  }

  @Test
  void interruptEndsIdleWithAKilledProcessError() throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("p")).get(5, TimeUnit.SECONDS);
    Session s = session(resp.path("sessionId").asText());
    emit(launcher.child(), "{\"type\":\"turn.started\"}");
    await(s, x -> x.activeTurnId() != null && events(x).size() > 0);
    manager.interrupt(s.id).get(5, TimeUnit.SECONDS);
    await(s, ExecSessionTest::idle);
    synchronized (s) {
      assertEquals("failed", s.lastResult().path("status").asText(), "AC15");
      assertEquals(
          "exec process killed by signal SIGTERM",
          s.lastResult().path("turnError").path("message").asText());
    }
    assertTrue(events(s, EventType.ERROR).isEmpty());
  }

  @Test
  void forkFailsAndCleanSucceeds() throws Exception {
    Session s = firstTurn("one");
    CodexMcpException e =
        assertThrows(CodexMcpException.class, () -> JsonSessions.of(manager).fork(s.id));
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, e.code(), "AC16");
    manager.cleanBackgroundTerminals(s.id).get(5, TimeUnit.SECONDS);
    assertTrue(
        events(s, EventType.PROGRESS).stream()
            .anyMatch(ev -> "thread/backgroundTerminals/clean".equals(ev.method())),
        "AC17");
  }

  @Test
  void cancelStopsTheTurnProcess() throws Exception {
    ObjectNode resp = JsonSessions.of(manager).create(create("p")).get(5, TimeUnit.SECONDS);
    Session s = session(resp.path("sessionId").asText());
    FakeChildProcess child = launcher.child();
    manager.cancel(s.id, null).get(5, TimeUnit.SECONDS);
    assertEquals(1, child.terminations().size());
    synchronized (s) {
      assertEquals(SessionStatus.CANCELLED, s.status());
      assertEquals("cancelled", s.lastResult().path("status").asText());
      assertNotEquals("error", s.lastResult().path("status").asText());
    }
  }
}

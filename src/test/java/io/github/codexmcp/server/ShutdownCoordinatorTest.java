package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.session.PersistenceHook;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.session.SessionRequests;
import io.github.codexmcp.session.SessionWorkspace;
import io.github.codexmcp.testing.FakeBackendFactory;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.ScheduledTimer;
import io.github.codexmcp.util.SystemClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Shutdown ordering: the JVM hook and a shutdown already running on another thread. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ShutdownCoordinatorTest {
  final ScheduledTimer timer = new ScheduledTimer();
  final List<Integer> exits = new CopyOnWriteArrayList<>();
  final List<Integer> halts = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    timer.close();
  }

  private ShutdownCoordinator coordinator() {
    BackendFactory none =
        new BackendFactory() {
          @Override
          public CodexBackend create(String sessionId, LaunchOptions options) {
            throw new UnsupportedOperationException();
          }

          @Override
          public BackendMode mode() {
            return BackendMode.APP_SERVER;
          }
        };
    SessionManager sessions =
        new SessionManager(
            none,
            SystemClock.INSTANCE,
            timer,
            Runnable::run,
            PersistenceHook.NONE,
            true,
            io.github.codexmcp.client.ClientLog.NONE,
            io.github.codexmcp.client.ClientForms.NONE,
            io.github.codexmcp.session.SessionWorkspace.DISABLED);
    return new ShutdownCoordinator(
        sessions, new CancellationRegistry(), timer, exits::add, halts::add);
  }

  /**
   * Regression: stdin EOF started a shutdown, the client's SIGTERM arrived while it was still
   * stopping children, and the JVM hook returned at once because a shutdown had "started"; the JVM
   * then halted before the final steps flushed the event logs and released the state-dir lock.
   */
  @Test
  void jvmHookWaitsForTheShutdownInProgress() throws Exception {
    ShutdownCoordinator c = coordinator();
    CountDownLatch inFinalStep = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean finalStepDone = new AtomicBoolean();
    c.addFinalStep(
        () -> {
          inFinalStep.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          finalStepDone.set(true);
        });
    Thread eof = new Thread(() -> c.shutdown("stdin_end", 0), "eof-shutdown");
    eof.start();
    assertTrue(inFinalStep.await(5, TimeUnit.SECONDS));

    Thread hook = new Thread(c::onJvmShutdown, "jvm-hook");
    hook.start();
    hook.join(300);
    assertTrue(hook.isAlive(), "the hook returned while the shutdown was still flushing");
    release.countDown();
    hook.join(2_000);
    assertFalse(hook.isAlive());
    assertTrue(finalStepDone.get());
    eof.join(2_000);
    assertEquals(List.of(0), exits);
    assertEquals(List.of(), halts);
  }

  @Test
  void jvmHookAloneRunsTheShutdownOnce() {
    ShutdownCoordinator c = coordinator();
    AtomicBoolean ran = new AtomicBoolean();
    c.addFinalStep(() -> assertFalse(ran.getAndSet(true), "final steps ran twice"));
    c.onJvmShutdown();
    assertTrue(ran.get());
    c.shutdown("stdin_end", 0); // ignored: already shut down
    c.onJvmShutdown(); // returns at once
    assertEquals(List.of(), exits);
  }

  /**
   * Regression: after stdin's end the drain re-check runs on the timer thread, and the shutdown it
   * decided blocked that thread while the children's stops needed it (grace periods, settle polls).
   */
  @Test
  void aShutdownDecidedByADrainReCheckDoesNotRunOnTheTimerThread(@TempDir Path cwd)
      throws Exception {
    ManualTimer manual = new ManualTimer();
    FakeBackendFactory factory = new FakeBackendFactory(BackendMode.APP_SERVER);
    SessionManager sessions =
        new SessionManager(
            factory,
            manual.clock(),
            manual,
            Runnable::run,
            PersistenceHook.NONE,
            true,
            io.github.codexmcp.client.ClientLog.NONE,
            io.github.codexmcp.client.ClientForms.NONE,
            SessionWorkspace.DISABLED);
    sessions
        .create(
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
                null))
        .get(5, TimeUnit.SECONDS);
    List<String> exitThreads = new CopyOnWriteArrayList<>();
    CountDownLatch exited = new CountDownLatch(1);
    ShutdownCoordinator c =
        new ShutdownCoordinator(
            sessions,
            new CancellationRegistry(),
            manual,
            code -> {
              exitThreads.add(Thread.currentThread().getName());
              exited.countDown();
            },
            halts::add);
    c.onEndOfInput(); // its turn runs in a Codex that ends with the server: the check waits
    assertEquals(1, sessions.runningEndingWithServer());
    factory
        .last()
        .emitNotification(
            "turn/completed",
            "{\"threadId\":\"thread_mock\",\"turn\":{\"id\":\"turn_mock\",\"status\":\"completed\"}}");
    String timerThread = Thread.currentThread().getName(); // a manual timer runs tasks here
    manual.advance(Duration.ofMillis(ShutdownCoordinator.DRAIN_CHECK_MS));
    assertTrue(exited.await(10, TimeUnit.SECONDS));
    assertEquals(1, exitThreads.size());
    assertFalse(timerThread.equals(exitThreads.get(0)), "the shutdown ran on the timer thread");
  }
}

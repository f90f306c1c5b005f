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
import io.github.codexmcp.util.ScheduledTimer;
import io.github.codexmcp.util.SystemClock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
}

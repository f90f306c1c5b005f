package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class MultiWaitTest {
  private final ManualTimer timer = new ManualTimer();
  private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
  private final List<List<MultiWait.View>> reports = new ArrayList<>();

  /** A session whose status the test sets; a change wakes its waiters, like a real session. */
  static class FakeTarget implements MultiWait.Target {
    final String id;
    String status = "running";
    int pending;
    boolean gone;
    final List<CompletableFuture<Void>> waiters = new ArrayList<>();

    FakeTarget(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public synchronized MultiWait.View view() {
      if (gone) {
        throw CodexMcpException.of(ErrorCode.SESSION_NOT_FOUND, "Session '" + id + "' not found");
      }
      return new MultiWait.View(
          id, status, pending > 0 ? List.of("approval") : List.of(), pending, null);
    }

    @Override
    public synchronized boolean addWaiter(CompletableFuture<Void> wake) {
      if (gone) {
        return false;
      }
      waiters.add(wake);
      return true;
    }

    @Override
    public synchronized void removeWaiter(CompletableFuture<Void> wake) {
      waiters.remove(wake);
    }

    void change(String newStatus, int newPending) {
      List<CompletableFuture<Void>> w;
      synchronized (this) {
        status = newStatus;
        pending = newPending;
        w = new ArrayList<>(waiters);
        waiters.clear();
      }
      w.forEach(f -> f.complete(null));
    }

    synchronized int waiterCount() {
      return waiters.size();
    }
  }

  private CompletableFuture<MultiWait.Outcome> start(
      List<FakeTarget> targets, boolean all, long waitMs) {
    return MultiWait.start(
        List.copyOf(targets),
        all,
        waitMs,
        timer.clock(),
        timer,
        Runnable::run,
        cancelled,
        reports::add);
  }

  @Test
  void anyReturnsWhenTheFirstSessionFinishesAndReportsTheOthers() {
    FakeTarget a = new FakeTarget("a");
    FakeTarget b = new FakeTarget("b");
    CompletableFuture<MultiWait.Outcome> w = start(List.of(a, b), false, 30_000);
    assertFalse(w.isDone());
    assertEquals(1, a.waiterCount());
    assertEquals(1, timer.pending(), "one slice timer");

    a.change("running", 0); // a change that is not ready: one more round, no new timer
    assertFalse(w.isDone());
    assertEquals(1, timer.pending());

    b.change("idle", 0);
    MultiWait.Outcome o = w.join();
    assertEquals(List.of("b"), o.ready());
    assertFalse(o.timedOut());
    assertEquals("running", o.views().get(0).status());
    assertEquals("idle", o.views().get(1).status());
    assertEquals(0, a.waiterCount(), "the wake-up leaves every session");
    assertEquals(0, timer.pending(), "the slice timer is cancelled");
  }

  @Test
  void allWaitsForEverySessionAndAPendingApprovalCounts() {
    FakeTarget a = new FakeTarget("a");
    FakeTarget b = new FakeTarget("b");
    CompletableFuture<MultiWait.Outcome> w = start(List.of(a, b), true, 30_000);
    a.change("error", 0);
    assertFalse(w.isDone());
    b.change("waiting_approval", 1);
    MultiWait.Outcome o = w.join();
    assertEquals(List.of("a", "b"), o.ready());
    assertFalse(o.timedOut());
  }

  @Test
  void theDeadlineEndsTheWaitAndProgressComesOncePerSlice() {
    FakeTarget a = new FakeTarget("a");
    CompletableFuture<MultiWait.Outcome> w = start(List.of(a), false, 12_000);
    assertEquals(1, reports.size(), "the first round reports");
    timer.advance(Duration.ofMillis(5_000));
    assertFalse(w.isDone());
    assertEquals(2, reports.size());
    timer.advance(Duration.ofMillis(5_000));
    assertEquals(3, reports.size());
    assertEquals(List.of(Duration.ofMillis(2_001)), timer.pendingDelays());
    timer.advance(Duration.ofMillis(2_001));
    MultiWait.Outcome o = w.join();
    assertTrue(o.timedOut());
    assertEquals(List.of(), o.ready());
    assertEquals(0, a.waiterCount());
  }

  @Test
  void zeroWaitJustReportsAndAlreadyReadyReturnsAtOnce() {
    FakeTarget a = new FakeTarget("a");
    MultiWait.Outcome o = start(List.of(a), false, 0).join();
    assertTrue(o.timedOut());
    assertEquals(0, timer.pending());
    a.change("idle", 0);
    o = start(List.of(a), false, 30_000).join();
    assertEquals(List.of("a"), o.ready());
    assertFalse(o.timedOut());
  }

  @Test
  void cancellationEndsTheWaitWithTheCurrentState() {
    FakeTarget a = new FakeTarget("a");
    CompletableFuture<MultiWait.Outcome> w = start(List.of(a), false, 60_000);
    cancelled.complete(null);
    MultiWait.Outcome o = w.join();
    assertTrue(o.timedOut());
    assertEquals(0, a.waiterCount());
    assertEquals(0, timer.pending());
  }

  @Test
  void aSessionRemovedDuringTheWaitEndsItWithSessionNotFound() {
    FakeTarget a = new FakeTarget("a");
    FakeTarget b = new FakeTarget("b");
    CompletableFuture<MultiWait.Outcome> w = start(List.of(a, b), false, 60_000);
    synchronized (b) {
      b.gone = true;
    }
    b.change("cancelled", 0);
    CompletionException e =
        org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, w::join);
    assertEquals(ErrorCode.SESSION_NOT_FOUND, ((CodexMcpException) e.getCause()).code());
    assertEquals(0, a.waiterCount());
    assertEquals(0, timer.pending());
  }

  /**
   * Regression: a session that changes right after the round read it (before the wait parked) must
   * still wake the wait; it used to be missed until the 5 s slice ended.
   */
  @Test
  void aChangeRightAfterTheReadStillWakesTheWait() {
    FakeTarget a = new FakeTarget("a");
    FakeTarget racing =
        new FakeTarget("b") {
          private boolean first = true;

          @Override
          public MultiWait.View view() {
            MultiWait.View v = super.view();
            if (first) {
              first = false;
              change("idle", 0); // lands between the read and the park
            }
            return v;
          }
        };
    CompletableFuture<MultiWait.Outcome> w = start(List.of(a, racing), false, 60_000);
    assertTrue(w.isDone(), "woken by the change, not by the slice timer");
    assertEquals(List.of("b"), w.join().ready());
    assertEquals(0, timer.pending());
    assertEquals(0, a.waiterCount());
  }
}

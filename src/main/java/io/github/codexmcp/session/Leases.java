package io.github.codexmcp.session;

import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.state.DiskStamp;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Which sessions this server drives, when several servers share the state directory. A session is
 * held (its ownership lock, {@link PersistenceHook#claim}) exactly while it is driven here: an
 * operation that drives it ({@code codex_reply}, fork, cancel) {@link #take}s it first, which
 * claims it or fails with {@code SESSION_BUSY} while another server drives it; once it rests (idle,
 * error or cancelled, no pending request, no operation under way) {@link #rest} detaches a backend
 * that can outlive the server (a listening app-server; the connection closes, Codex keeps running),
 * writes what is queued and hands the session back. A backend that cannot be detached (a stdio
 * app-server, exec) keeps its session held until the server exits.
 *
 * <p><b>Threads.</b> {@link #take} and {@link #done} run on request threads; {@link #rest} on the
 * work pool (it writes to disk). {@code drivers} (a concurrent map, operations under way per
 * session) is changed and read under the session's lock, so a rest check never misses an operation
 * that has started; the claim epoch read under that lock makes the hand-back refuse when a claim
 * came in between. The lock is never held across the claim, the release or the detach.
 */
final class Leases {
  private final PersistenceHook store;
  private final ForeignSessions foreign;
  private final Executor work;
  private final Map<String, Integer> drivers = new ConcurrentHashMap<>();

  Leases(PersistenceHook store, ForeignSessions foreign, Executor work) {
    this.store = store;
    this.foreign = foreign;
    this.work = work;
  }

  /**
   * An operation here starts driving {@code s}: marks it, claims it, and returns the baseline to
   * {@link ForeignSessions#catchUp} with (null: it was driven here already). Throws {@code
   * SESSION_BUSY} when another live server drives it. Call {@link #done} when the operation ends.
   */
  DiskStamp take(Session s) {
    DiskStamp base;
    synchronized (s) {
      drivers.merge(s.id, 1, Integer::sum);
      base = foreign.driving(s);
    }
    boolean claimed;
    try {
      claimed = store.claim(s.id);
    } catch (RuntimeException e) {
      claimed = false;
    }
    if (!claimed) {
      synchronized (s) {
        drivers.computeIfPresent(s.id, (k, n) -> n <= 1 ? null : n - 1);
      }
      foreign.notDriving(s, base);
      throw busy(s.id);
    }
    return base;
  }

  /**
   * Runs {@code op}, which drives {@code s}, between {@link #take} and {@link #done}, having first
   * taken in what another server wrote meanwhile (a disk read on this request thread, no lock
   * held).
   */
  <T> CompletableFuture<T> drive(Session s, Supplier<CompletableFuture<T>> op) {
    DiskStamp base = take(s);
    CompletableFuture<T> f;
    try {
      foreign.catchUp(s, base);
      f = op.get();
    } catch (RuntimeException e) {
      done(s);
      throw e;
    }
    return f.whenComplete((v, t) -> done(s));
  }

  /** The operation that {@link #take}s {@code s} is over: it may rest now. */
  void done(Session s) {
    synchronized (s) {
      drivers.computeIfPresent(s.id, (k, n) -> n <= 1 ? null : n - 1);
    }
    restLater(s);
  }

  /** Checks on the work pool whether {@code s} rests (after a status change). */
  void restLater(Session s) {
    try {
      work.execute(() -> rest(s));
    } catch (RuntimeException e) {
      // the pool is shut down: the server is exiting, which releases everything
    }
  }

  /** Hands {@code s} back when it rests here. Blocks on disk; no lock held across it. */
  void rest(Session s) {
    CodexBackend detach;
    long epoch;
    synchronized (s) {
      if (!resting(s)) {
        return;
      }
      detach = s.backend();
      if (detach != null && !detach.detachable()) {
        return; // cannot outlive the server: held until it exits
      }
      epoch = store.claimEpoch(s.id);
      if (detach != null) {
        s.adopt(null);
      }
    }
    if (detach != null) {
      detach.detach();
    }
    DiskStamp stamp = store.release(s.id, epoch);
    synchronized (s) {
      if (stamp != null && s.backend() == null && !drivers.containsKey(s.id)) {
        foreign.released(s, stamp);
      }
    }
  }

  /**
   * At rest and held here with nothing under way, every document snapshot taken already handed to
   * the store (a transition to rest snapshots its documents under the lock and saves them after it:
   * released before that save, the session's slot would be gone and the save dropped, leaving the
   * status on disk at {@code running} for the other servers); the caller holds {@code s}'s lock. A
   * session without a thread is still being made (a fork is idle from the start) unless it ended
   * (its creation failed or it was cancelled before its thread started); a turn that failed ({@code
   * error}) is not over before Codex completes it (its result follows the error).
   */
  private boolean resting(Session s) {
    return !drivers.containsKey(s.id)
        && (s.threadId() != null
            || s.status() == SessionStatus.ERROR
            || s.status() == SessionStatus.CANCELLED)
        && s.activeTurnId() == null
        && !s.status().isActive()
        && s.pending.unresolvedCount() == 0
        && s.persistOrder.settled()
        && store.drivenHere(s.id);
  }

  static CodexMcpException busy(String id) {
    return CodexMcpException.of(
        ErrorCode.SESSION_BUSY,
        "Session '"
            + id
            + "' is driven by another codex-mcp server right now; retry once its turn is over");
  }

  /**
   * The idle/running-timeout warning, an event (a write). A session driven here is warned at once;
   * one this server drove and handed back at rest is taken over for it on the work pool (then
   * handed back); one only another server ever drove is left to that server. Timer thread.
   */
  void warnTtl(Session s, long remainingMs) {
    if (!foreign.isForeign(s)) {
      s.warnTtl(remainingMs);
    } else if (!foreign.neverDrivenHere(s.id) && !s.ttlWarned()) {
      CompletableFuture.runAsync(
              () ->
                  drive(
                      s,
                      () -> {
                        s.warnTtl(remainingMs);
                        return CompletableFuture.completedFuture(null);
                      }),
              work)
          .exceptionally(t -> null); // driven elsewhere meanwhile: that server warns
    }
  }
}

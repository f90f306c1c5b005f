package io.github.codexmcp.state;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which sessions have queued writes, and when the writer thread should wake: {@link
 * #BATCH_WINDOW_NANOS} after the first change, or at once for a critical one. Producers call {@link
 * #mark} (a short lock, and a signal only on the idle→dirty or first-critical transition, so 5 000
 * events/s do not cause 5 000 wake-ups); the single writer blocks in {@link #awaitBatch} and {@link
 * #afterPass}. Thread-safe: {@code lock} guards the dirty ids, {@code firstDirtyNanos}, {@code
 * urgent} and {@code closed} and is held for in-memory work only (the writer waits on its
 * condition, which releases it); {@code retryNanos} is the writer thread's own, {@code windowNanos}
 * is volatile (tests set it).
 */
final class DirtySessions {
  static final long BATCH_WINDOW_NANOS = 100_000_000L;

  /** Longest wait between retries of writes that keep failing. */
  static final long MAX_RETRY_NANOS = 10_000_000_000L;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Set<String> ids = new LinkedHashSet<>();
  private long firstDirtyNanos;
  private boolean urgent;
  private boolean closed;
  private volatile long windowNanos = BATCH_WINDOW_NANOS;
  private long retryNanos = BATCH_WINDOW_NANOS; // writer thread only

  void mark(String sessionId, boolean critical) {
    lock.lock();
    try {
      boolean wasIdle = ids.isEmpty();
      ids.add(sessionId);
      if (wasIdle) {
        firstDirtyNanos = System.nanoTime();
      }
      if (wasIdle || (critical && !urgent)) {
        urgent |= critical;
        wake.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Tests only: another batch window (a long one shows which changes go out at once). */
  void window(long nanos) {
    windowNanos = nanos;
  }

  /** Removes and returns the dirty ids in the order they became dirty. */
  List<String> take() {
    lock.lock();
    try {
      List<String> out = new ArrayList<>(ids);
      ids.clear();
      urgent = false;
      return out;
    } finally {
      lock.unlock();
    }
  }

  void remove(String sessionId) {
    lock.lock();
    try {
      ids.remove(sessionId);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writer side: blocks until a batch is due. Uses real time ({@code System.nanoTime}) because it
   * paces a real thread; the injected clock only stamps documents.
   *
   * @return false once {@link #close} was called
   */
  boolean awaitBatch() throws InterruptedException {
    lock.lock();
    try {
      while (ids.isEmpty() && !closed) {
        wake.await();
      }
      long deadline = firstDirtyNanos + windowNanos;
      long left;
      while (!urgent && !closed && (left = deadline - System.nanoTime()) > 0) {
        wake.awaitNanos(left);
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writer side, after each pass: when writes failed ({@code ok} false; they are queued again),
   * waits before the next pass, 100 ms after the first failure and doubling up to {@link
   * #MAX_RETRY_NANOS}, or until {@link #close} (real time, as {@link #awaitBatch}).
   */
  void afterPass(boolean ok) throws InterruptedException {
    if (ok) {
      retryNanos = BATCH_WINDOW_NANOS;
      return;
    }
    long nanos = retryNanos;
    retryNanos = Math.min(retryNanos * 2, MAX_RETRY_NANOS);
    lock.lock();
    try {
      long deadline = System.nanoTime() + nanos;
      long left;
      while (!closed && (left = deadline - System.nanoTime()) > 0) {
        wake.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Wakes the writer for good; returns false if already closed. */
  boolean close() {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      wake.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }
}

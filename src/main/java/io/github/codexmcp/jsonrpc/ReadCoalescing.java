package io.github.codexmcp.jsonrpc;

import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.SystemClock;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the lines of a hot stream gather before the next read. Codex writes each streamed delta as a
 * line of its own, thousands per turn; read as they come, every line costs the reader a wake-up and
 * a read, and the session's inbox a hand-off to a pool thread, which together cost more than
 * applying the line. Once {@value #STREAK} reads in a row each came less than {@link #GAP_NANOS}
 * after the one before without filling the buffer, the reader waits {@link #PAUSE_NANOS} before its
 * next read, so that one read (and one hand-off) takes the lines written meanwhile. A read that
 * comes later ends the streak: lone lines (answers, the few notifications of a plain turn, approval
 * requests) are read at once, and a line of a stream waits at most one pause.
 *
 * <p>Off where a thread cannot wait that briefly (Windows waits a whole timer tick, up to 15.6 ms,
 * which would stall a stream): {@link #system()} returns null there, and an instance whose pauses
 * keep taking four times as long as asked (a quarter of them, at least eight) turns itself off. Not
 * thread-safe: one per reading thread.
 */
public final class ReadCoalescing {
  static final int STREAK = 16;
  static final long GAP_NANOS = 1_000_000;
  static final long PAUSE_NANOS = 1_000_000;
  static final long OVERRUN_NANOS = 4 * PAUSE_NANOS;
  private static final Logger LOG = LoggerFactory.getLogger(ReadCoalescing.class);

  private final Clock clock;
  private final LongConsumer pause;
  private long readStarted;
  private boolean lastFilled;
  private int streak;
  private int pauses;
  private int overruns;
  private boolean off;

  ReadCoalescing(Clock clock, LongConsumer pause) {
    this.clock = clock;
    this.pause = pause;
  }

  /** Waits on the system clock by parking the thread; null where that cannot be brief. */
  public static ReadCoalescing system() {
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      return null;
    }
    return new ReadCoalescing(SystemClock.INSTANCE, LockSupport::parkNanos);
  }

  /** Before a read that may block: waits while the stream is hot. */
  void beforeRead() {
    long now = clock.nanoTime();
    if (!off && streak >= STREAK && !lastFilled) {
      pause.accept(PAUSE_NANOS);
      pauses++;
      long after = clock.nanoTime();
      if (after - now > OVERRUN_NANOS && ++overruns >= 8 && overruns * 4 > pauses) {
        off = true;
        LOG.debug("[jsonrpc] read coalescing off: {} of {} pauses overran", overruns, pauses);
      }
      now = after;
    }
    readStarted = now;
  }

  /** After a read; {@code filled}: it took all the room it was given. */
  void afterRead(boolean filled) {
    streak = clock.nanoTime() - readStarted < GAP_NANOS ? streak + 1 : 0;
    lastFilled = filled;
  }

  /** Whether it turned itself off (tests). */
  boolean isOff() {
    return off;
  }
}

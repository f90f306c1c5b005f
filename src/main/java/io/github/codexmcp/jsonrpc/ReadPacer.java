package io.github.codexmcp.jsonrpc;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Batches the reads of a line stream that arrives a line at a time. Codex writes every streamed
 * delta as its own line, thousands per turn; read as they come, each costs the reader a wake-up and
 * a read for a hundred-odd bytes. Once {@value #STREAK} reads in a row have each returned less than
 * {@link #GAP_NANOS} after the one before, without filling the buffer, the reader pauses {@link
 * #PAUSE_NANOS} before its next read, so that one read takes the several lines written meanwhile. A
 * read that returns later than that ends the streak: isolated lines (answers to requests, the few
 * notifications of a plain turn, approval requests) are read at once, and a line of a stream waits
 * at most one pause. Where the platform cannot pause that briefly (Windows waits at least a
 * millisecond, often a whole timer tick of up to 15.6 ms) pacing is off: there is no pacer on
 * Windows, and a pacer whose pauses keep overrunning turns itself off. Not thread-safe: one per
 * reading thread.
 */
public final class ReadPacer {
  static final int STREAK = 16;
  static final long GAP_NANOS = 1_000_000;
  static final long PAUSE_NANOS = 500_000;

  private final LongSupplier clock;
  private final LongConsumer pause;
  private long lastReturn;
  private boolean returned;
  private boolean lastFilled;
  private int streak;
  private int pauses;
  private int overruns; // pauses that took more than twice as long as asked
  private boolean off;

  ReadPacer(LongSupplier clock, LongConsumer pause) {
    this.clock = clock;
    this.pause = pause;
  }

  /**
   * A pacer on the system's clock that parks the reading thread, or null where a thread cannot be
   * parked for half a millisecond (Windows).
   */
  public static ReadPacer system() {
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      return null;
    }
    return new ReadPacer(System::nanoTime, LockSupport::parkNanos);
  }

  /** Called before each read: pauses while the stream keeps coming. */
  void beforeRead() {
    if (off || streak < STREAK || lastFilled) {
      return;
    }
    long start = clock.getAsLong();
    pause.accept(PAUSE_NANOS);
    pauses++;
    // a platform (or a host) that cannot pause this briefly would stall the stream instead
    if (clock.getAsLong() - start > 2 * PAUSE_NANOS && ++overruns >= 3 && overruns * 4 > pauses) {
      off = true;
    }
  }

  /** Called after each read; {@code filledBuffer}: the read took all the room it was given. */
  void afterRead(boolean filledBuffer) {
    long now = clock.getAsLong();
    streak = returned && now - lastReturn < GAP_NANOS ? streak + 1 : 0;
    returned = true;
    lastReturn = now;
    lastFilled = filledBuffer;
  }
}

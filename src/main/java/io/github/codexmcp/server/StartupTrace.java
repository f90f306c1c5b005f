package io.github.codexmcp.server;

/**
 * A start-up timestamp trace for performance work: with {@code -Dcodexmcp.startupTrace=true} every
 * {@link #mark} prints {@code [startup] +<ms> <label> (<thread>)} to stderr, measured from the
 * first mark (the start of {@code Main.run}). Off by default; then a mark costs one field read.
 * Called from any thread; {@code firstResponse} is volatile (set once by the stdout writer thread).
 */
public final class StartupTrace {
  private static final boolean ENABLED = Boolean.getBoolean("codexmcp.startupTrace");
  private static final long T0 = System.nanoTime();
  private static volatile boolean firstResponse;

  private StartupTrace() {}

  public static void mark(String label) {
    if (ENABLED) {
      System.err.printf(
          "[startup] +%.1f ms %s (%s)%n",
          (System.nanoTime() - T0) / 1e6, label, Thread.currentThread().getName());
    }
  }

  /** Marks the first message written to the client (the {@code initialize} response). */
  static void firstResponse() {
    if (ENABLED && !firstResponse) {
      firstResponse = true;
      mark("first response written");
    }
  }
}

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
      // no String.format: the formatter's first use loads and interprets enough (locale data,
      // regular expressions, floating-point formatting) to distort what is measured
      long tenths = (System.nanoTime() - T0) / 100_000;
      System.err.println(
          new StringBuilder(64)
              .append("[startup] +")
              .append(tenths / 10)
              .append('.')
              .append(tenths % 10)
              .append(" ms ")
              .append(label)
              .append(" (")
              .append(Thread.currentThread().getName())
              .append(')'));
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

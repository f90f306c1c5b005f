package io.github.codexmcp.codex.appserver;

/**
 * How a child ended, in Node's terms: an exit code, or (code null) the name of the signal that
 * killed it. The JDK reports a signal death as 128+n, which is decoded for SIGHUP..SIGTERM on
 * POSIX; any other value stays a code.
 */
record ExitStatus(Integer code, String signal) {
  private static final String[] SIGNALS = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  /** Decodes a JDK exit value; {@code posix} false keeps every value as a code. */
  static ExitStatus decode(int exitValue, boolean posix) {
    int n = exitValue - 128;
    if (posix && n > 0 && n < SIGNALS.length) {
      return new ExitStatus(null, SIGNALS[n]);
    }
    return new ExitStatus(exitValue, null);
  }

  /** {@code app-server exited (code: <c>, signal: <s>)}, with {@code null} for absent parts. */
  String message() {
    return "app-server exited (code: " + code + ", signal: " + signal + ")";
  }
}

package io.github.codexmcp.process;

import io.github.codexmcp.util.Timer;
import java.io.File;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;

/**
 * Starts real child processes with {@link ProcessBuilder}.
 *
 * <ul>
 *   <li>Working directory from {@link ProcessSpec#cwd()} (inherited when null).
 *   <li>The server's environment plus {@link ProcessSpec#env()} plus {@code NO_COLOR=1} (Codex
 *       writes ANSI colour codes to a piped stderr otherwise).
 *   <li>stdout and stderr are always pipes (never {@code inheritIO}: our stdout carries MCP
 *       frames); stdin is a pipe, or the null device when {@link ProcessSpec#stdinFromNull()}.
 *   <li>Every child is registered with {@link LiveChildren} for the last-resort shutdown hook.
 * </ul>
 *
 * <p>Thread-safety: {@link #start} may be called from any thread; it blocks for the duration of the
 * fork/exec (milliseconds), so call it from a work thread, not from a reader thread.
 */
public final class SystemProcessLauncher implements ProcessLauncher {
  private static final File NULL_DEVICE =
      new File(
          System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
              ? "NUL"
              : "/dev/null");

  private final Timer timer;

  /**
   * @param timer runs the grace-period escalation of {@link ChildProcess#terminate}
   */
  public SystemProcessLauncher(Timer timer) {
    this.timer = timer;
  }

  @Override
  public ChildProcess start(ProcessSpec spec) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(spec.command());
    if (spec.cwd() != null) {
      pb.directory(spec.cwd().toFile());
    }
    Map<String, String> env = pb.environment();
    env.putAll(spec.env());
    env.put("NO_COLOR", "1");
    pb.redirectInput(
        spec.stdinFromNull()
            ? ProcessBuilder.Redirect.from(NULL_DEVICE)
            : ProcessBuilder.Redirect.PIPE);
    pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
    pb.redirectError(ProcessBuilder.Redirect.PIPE);
    Process process = pb.start();
    LiveChildren.register(process);
    return new SystemChildProcess(process, !spec.stdinFromNull(), timer);
  }
}

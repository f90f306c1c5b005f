package io.github.codexmcp.process;

import io.github.codexmcp.util.Timer;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ChildProcess} backed by a real {@link Process}.
 *
 * <p>Thread-safety: all methods are safe from any thread. {@link #onExit()} completes on the JDK's
 * process reaper thread; {@link #terminate} never waits (see {@link ProcessTree}): it runs under
 * this object's monitor, which guards {@code termination} (the one stop of this child), while the
 * signals are sent. Streams are closed by their users: the writer closes stdin when it is done with
 * the child, readers close stdout and stderr at end of stream (the JDK drains whatever the child
 * wrote before exiting into the stream, so closing them right at exit could lose output).
 */
public final class SystemChildProcess implements ChildProcess {
  private final Process process;
  private final boolean hasStdin;
  private final Timer timer;
  private final CompletableFuture<Integer> exit;
  private CompletableFuture<Void> termination;

  SystemChildProcess(Process process, boolean hasStdin, Timer timer) {
    this.process = process;
    this.hasStdin = hasStdin;
    this.timer = timer;
    this.exit = process.onExit().thenApply(Process::exitValue);
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public OutputStream stdin() {
    return hasStdin ? process.getOutputStream() : null;
  }

  @Override
  public InputStream stdout() {
    return process.getInputStream();
  }

  @Override
  public InputStream stderr() {
    return process.getErrorStream();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  @Override
  public synchronized CompletableFuture<Void> terminate(Duration grace) {
    if (termination == null) {
      termination = ProcessTree.terminate(process.toHandle(), stdin(), grace, timer);
    }
    return termination.copy();
  }

  @Override
  public String toString() {
    return "SystemChildProcess[pid=" + process.pid() + "]";
  }
}

package io.github.codexmcp.testing.appserver;

import io.github.codexmcp.process.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link ChildProcess}: three {@link BytePipe}s and an exit future the test (or the
 * scripted peer) completes. {@link #terminate} records the grace period, closes stdin and, unless
 * {@link #ignoreTerminate()} was called, exits with 143 (SIGTERM as reported by the JDK).
 */
public final class FakeChildProcess implements ChildProcess {
  private static final AtomicLong PIDS = new AtomicLong(40_000);

  private final long pid = PIDS.incrementAndGet();
  private final BytePipe stdin = new BytePipe();
  private final BytePipe stdout = new BytePipe();
  private final BytePipe stderr = new BytePipe();
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();
  private final List<Duration> terminations = new CopyOnWriteArrayList<>();
  private volatile boolean exitOnTerminate = true;

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public OutputStream stdin() {
    return stdin.sink();
  }

  @Override
  public InputStream stdout() {
    return stdout.source();
  }

  @Override
  public InputStream stderr() {
    return stderr.source();
  }

  @Override
  public boolean isAlive() {
    return !exit.isDone();
  }

  @Override
  public CompletableFuture<Integer> onExit() {
    return exit.copy();
  }

  @Override
  public CompletableFuture<Void> terminate(Duration grace) {
    terminations.add(grace);
    if (exitOnTerminate) {
      exit(143);
    }
    try {
      stdin.sink().close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return exit.thenApply(code -> null);
  }

  /** Ends the process: stdout and stderr reach end of stream, then the exit future completes. */
  public void exit(int code) {
    try {
      stdout.sink().close();
      stderr.sink().close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    exit.complete(code);
  }

  /**
   * Completes the exit future but keeps stdout open, like a descendant that inherited the pipe and
   * outlives the child.
   */
  public void exitKeepingStdoutOpen(int code) {
    exit.complete(code);
  }

  /** Closes stdout while the process keeps running. */
  public void closeStdout() {
    try {
      stdout.sink().close();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Makes {@link #terminate} leave the process running (a child ignoring SIGTERM). */
  public FakeChildProcess ignoreTerminate() {
    exitOnTerminate = false;
    return this;
  }

  /** Grace periods of every {@link #terminate} call so far. */
  public List<Duration> terminations() {
    return List.copyOf(terminations);
  }

  /** What the backend writes to the child's stdin. */
  public InputStream peerInput() {
    return stdin.source();
  }

  /** The child's stdout, written by the peer. */
  public OutputStream peerOutput() {
    return stdout.sink();
  }

  /** The child's stderr, written by the peer. */
  public OutputStream peerError() {
    return stderr.sink();
  }

  /** The stdin pipe, e.g. to make writes fail. */
  public BytePipe stdinPipe() {
    return stdin;
  }
}

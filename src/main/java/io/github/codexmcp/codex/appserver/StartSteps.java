package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.jsonrpc.WebSocketJsonRpc;
import io.github.codexmcp.process.ProcessTree;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The steps of starting a detached app-server ({@link ListeningAppServerBackend#start()}), off the
 * caller's thread, and the wait for a launched one's socket, with no thread waiting in between.
 *
 * <p><b>Threads.</b> Steps run on {@code STARTS}: two daemon threads {@code codex-mcp-start-N},
 * ended after 30 s idle. A step may block for a launch (fork and exec), one look for the socket
 * file, or a connection to a local socket and its handshake; never for the app-server to get ready:
 * the next look is scheduled on the injected {@link Timer}, whose thread only hands it back to
 * {@code STARTS}. One {@link SocketWait} is used by one start at a time (each look is the next
 * step); it holds no lock.
 */
final class StartSteps {
  static final Duration LISTEN_POLL = Duration.ofMillis(5);
  private static final int THREADS = 2;
  private static final ExecutorService STARTS = threads();

  private StartSteps() {}

  /** Runs {@code step} on a start thread; {@code started} fails if none can take it. */
  static void run(Runnable step, CompletableFuture<?> started) {
    try {
      STARTS.execute(step);
    } catch (RejectedExecutionException e) {
      started.completeExceptionally(e);
    }
  }

  private static ExecutorService threads() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            Threads.daemonFactory("codex-mcp-start-%d"));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** Opens the connection once the socket is there. */
  interface Connector {
    WebSocketJsonRpc.Endpoint connect() throws IOException;
  }

  /**
   * Looks for the socket of a launched app-server until it connects, the process ends, the backend
   * is destroyed or detached, or {@code timeout} passes; the process is stopped when destroyed or
   * late, left running when detached.
   */
  record SocketWait(
      ProcessHandle process,
      Path socket,
      Path log,
      Duration timeout,
      Timer timer,
      BooleanSupplier destroyed,
      BooleanSupplier detached,
      Connector connector,
      Consumer<WebSocketJsonRpc.Endpoint> connected,
      Consumer<Exception> failed,
      CompletableFuture<?> started) {

    /** The first look, on the start thread that launched the process. */
    void begin() {
      look(System.nanoTime() + timeout.toNanos(), null);
    }

    private void look(long deadline, IOException last) {
      try {
        if (destroyed.getAsBoolean()) { // destroyed before the process was known: stop it here
          stop();
          throw new IOException("destroyed while the app-server was starting");
        }
        if (detached.getAsBoolean()) { // left running, as a detach leaves it; nobody connects
          throw new IOException("detached while the app-server was starting");
        }
        if (!ProcessTree.isRunning(process)) { // not our child: a zombie until its reaper acts
          throw new IOException("app-server exited before listening; see " + log);
        }
        IOException seen = last;
        if (Files.exists(socket)) {
          try {
            connected.accept(connector.connect());
            return;
          } catch (IOException e) {
            seen = e; // not accepting yet
          }
        }
        if (System.nanoTime() - deadline >= 0) {
          stop();
          throw new IOException(
              "app-server did not listen on " + socket + " within " + timeout.toSeconds() + " s",
              seen);
        }
        IOException next = seen;
        timer.schedule(LISTEN_POLL, () -> run(() -> look(deadline, next), started));
      } catch (IOException | RuntimeException e) {
        failed.accept(e);
      }
    }

    private void stop() {
      ProcessTree.terminate(process, null, AppServerBackend.KILL_GRACE, timer);
    }
  }
}

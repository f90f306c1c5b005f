package io.github.codexmcp.codex.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.JsonLineReader;
import io.github.codexmcp.jsonrpc.JsonRpcException;
import io.github.codexmcp.process.ChildProcess;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.process.StderrTail;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of an {@link ExecBackend}'s turns: retiring the previous turn's child, spawning the
 * new one, reading its JSONL, and synthesizing the turn's end when it exits without a terminal
 * event.
 *
 * <p>If the previous turn's child is still alive when a turn starts (it reported its end and is
 * still writing its session files), it gets {@value #PREVIOUS_EXIT_WAIT_SECONDS} s to exit before
 * it is stopped; a child whose turn has not ended is stopped at once. The new child is spawned only
 * after the old one is gone, on the thread that saw it go.
 *
 * <p>When a child exits without a terminal event, the turn's end is synthesized ({@link
 * ExecEventTranslator#exit}): exit 0 → completed; another code → {@code error}, then failed with
 * {@code exec process exited with code <c>} (plus the last stderr lines as {@code
 * additionalDetails}); killed by a signal or an interrupt → failed with {@code exec process killed
 * by signal SIGTERM}. This is bound to the child instance: nothing from a child whose turn was
 * superseded by a newer turn reaches the listener.
 *
 * <p><b>Threads.</b> Per live child: {@code exec-<sessionId>-out} reads stdout, {@code
 * exec-<sessionId>-err} drains stderr (logged as {@code [exec-client stderr] }); synthesized ends
 * come from the process-exit or timer thread. Every state change takes the backend's lock ({@link
 * ExecBackend#lock}); spawning and stopping happen outside it. Malformed JSONL lines are logged
 * ({@code [exec-client] Failed to parse JSONL: <first 200 chars>}) and skipped.
 */
final class ExecProcesses {
  static final long PREVIOUS_EXIT_WAIT_SECONDS = 10;

  /** How long a finished turn's child may take to exit before the next turn stops it. */
  static final Duration PREVIOUS_EXIT_WAIT = Duration.ofSeconds(PREVIOUS_EXIT_WAIT_SECONDS);

  /** How long an exit waits for the rest of stdout/stderr before the end is synthesized anyway. */
  static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(ExecProcesses.class);
  private static final int STDERR_TAIL_LINES = 50;
  private static final int STDERR_DETAIL_LINES = 5;
  private static final int STDERR_DETAIL_CHARS = 2000;
  private static final int PARSE_ERROR_SNIPPET = 200;
  private static final String[] SIGNALS = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  private final ExecBackend owner;
  private final Set<String> loggedUnmapped = new HashSet<>(); // guarded by owner.lock
  private final String sessionId;
  private final ProcessLauncher launcher;
  private final Timer timer;

  ExecProcesses(ExecBackend owner, String sessionId, ProcessLauncher launcher, Timer timer) {
    this.owner = owner;
    this.sessionId = sessionId;
    this.launcher = launcher;
    this.timer = timer;
  }

  /** Lets the previous turn's child finish (or stops it); completes when it is gone. */
  CompletableFuture<Void> retire(ExecRun previous) {
    if (previous == null) {
      return CompletableFuture.completedFuture(null);
    }
    ChildProcess c;
    boolean ended;
    synchronized (owner.lock) {
      c = previous.child;
      ended = previous.translator.completed() && !previous.interrupted;
    }
    if (c == null || !c.isAlive()) {
      return CompletableFuture.completedFuture(null);
    }
    if (!ended) {
      LOG.info("[exec-client] session {}: stopping the previous turn's process", sessionId);
      return c.terminate(ExecBackend.KILL_GRACE).handle((v, t) -> null);
    }
    CompletableFuture<Void> gone = new CompletableFuture<>();
    Timer.Cancellable deadline =
        timer.schedule(
            PREVIOUS_EXIT_WAIT,
            () -> {
              LOG.warn(
                  "[exec-client] session {}: previous turn's process did not exit; stopping it",
                  sessionId);
              c.terminate(ExecBackend.KILL_GRACE).whenComplete((v, t) -> gone.complete(null));
            });
    c.onExit()
        .whenComplete(
            (code, t) -> {
              deadline.cancel();
              gone.complete(null);
            });
    return gone;
  }

  CompletableFuture<JsonNode> spawn(ExecRun run, ProcessSpec spec) {
    if (LOG.isDebugEnabled()) {
      List<String> shown = new ArrayList<>(spec.command().subList(0, spec.command().size() - 1));
      shown.add("<prompt>");
      LOG.debug(
          "[exec-client] session {}: {}", sessionId, Redactor.redactPaths(String.join(" ", shown)));
    }
    ChildProcess child;
    try {
      boolean destroyed;
      synchronized (owner.lock) {
        destroyed = owner.isDestroyed();
        if (destroyed) {
          run.finished = true;
        }
      }
      if (destroyed) { // the clean-up (a file delete, the run's waiters) outside the lock
        run.ended.complete(null);
        ExecInput.deleteQuietly(run.schemaDir);
        return CompletableFuture.failedFuture(ExecBackend.clientDestroyed());
      }
      child = launcher.start(spec);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "[exec-client] failed to spawn codex exec for session {}: {}", sessionId, e.getMessage());
      synchronized (owner.lock) {
        run.finished = true;
      }
      run.ended.complete(null);
      ExecInput.deleteQuietly(run.schemaDir);
      return CompletableFuture.failedFuture(e);
    }
    boolean interrupt;
    RuntimeException refused = null;
    synchronized (owner.lock) {
      run.child = child;
      if (owner.isDestroyed() || owner.current() != run) {
        run.finished = true;
        refused =
            owner.isDestroyed()
                ? ExecBackend.clientDestroyed()
                : new JsonRpcException.Closed("Turn superseded by a newer turn");
      } else {
        owner.live.add(run);
      }
      interrupt = run.interrupted;
    }
    if (refused != null) { // stopped and cleaned up outside the lock
      run.ended.complete(null);
      child.terminate(ExecBackend.KILL_GRACE);
      ExecInput.deleteQuietly(run.schemaDir);
      return CompletableFuture.failedFuture(refused);
    }
    attach(run, child);
    owner.childStarted(child.pid());
    if (interrupt) {
      child.terminate(ExecBackend.KILL_GRACE);
    }
    ObjectNode result = Json.object();
    result.putObject("turn").put("id", run.turnId).put("status", "inProgress");
    return CompletableFuture.completedFuture(result);
  }

  private void attach(ExecRun run, ChildProcess child) {
    closeQuietly(child.stdin());
    StderrTail tail =
        StderrTail.start(
            child.stderr(),
            "exec-" + sessionId + "-err",
            STDERR_TAIL_LINES,
            line -> LOG.info("[exec-client stderr] {}", line));
    synchronized (owner.lock) {
      run.stderr = tail;
    }
    Threads.startDaemon("exec-" + sessionId + "-out", () -> read(run, child.stdout()));
    child.onExit().whenComplete((code, t) -> onChildExit(run, tail, code == null ? -1 : code));
  }

  private void read(ExecRun run, InputStream stdout) {
    try {
      new JsonLineReader(stdout)
          .readAll(
              new JsonLineReader.Sink() {
                @Override
                public void onJson(JsonNode value) {
                  if (value.isObject()) {
                    owner.onEvent(run, value);
                  } else {
                    synchronized (owner.lock) {
                      unmapped(
                          "<"
                              + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                              + ">");
                    }
                  }
                }

                @Override
                public void onMalformed(String line, Exception cause) {
                  String snippet =
                      line.length() > PARSE_ERROR_SNIPPET
                          ? line.substring(0, PARSE_ERROR_SNIPPET)
                          : line;
                  LOG.warn("[exec-client] Failed to parse JSONL: {}", snippet);
                }

                @Override
                public void onOversized(long length) {
                  LOG.warn("[exec-client] Dropped an oversized JSONL line ({} chars)", length);
                }
              });
    } catch (IOException e) {
      // The child went away or the stream was closed: the exit handler takes over.
    } finally {
      closeQuietly(stdout);
      run.stdoutDone.complete(null);
    }
  }

  private void onChildExit(ExecRun run, StderrTail tail, int rawCode) {
    // Synthesize only after stdout (and stderr) are drained, so events written just before the
    // exit still count; a descendant holding the pipes open must not delay it forever.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Timer.Cancellable fallback = timer.schedule(DRAIN_AFTER_EXIT, () -> drained.complete(null));
    CompletableFuture.allOf(run.stdoutDone, tail.closed())
        .whenComplete(
            (v, t) -> {
              fallback.cancel();
              drained.complete(null);
            });
    drained.thenRun(() -> finishRun(run, tail, rawCode));
  }

  private void finishRun(ExecRun run, StderrTail tail, int rawCode) {
    try {
      endRun(run, tail, rawCode);
    } finally {
      run.ended.complete(null);
    }
  }

  private void endRun(ExecRun run, StderrTail tail, int rawCode) {
    synchronized (owner.lock) {
      owner.live.remove(run);
      if (run.finished) {
        return;
      }
      run.finished = true;
      if (!owner.isDestroyed() && owner.current() == run) {
        Integer code = rawCode;
        String signal = null;
        if (rawCode > 128 && rawCode - 128 < SIGNALS.length && !isWindows()) {
          signal = SIGNALS[rawCode - 128];
          code = null;
        }
        if (!run.translator.completed()) {
          LOG.info(
              "[exec-client] session {}: codex exec ended without a terminal event (code: {},"
                  + " signal: {}, interrupted: {})",
              sessionId,
              code,
              signal,
              run.interrupted);
        }
        owner.deliver(run.translator.exit(code, signal, run.interrupted, stderrDetails(tail)));
      }
    }
    ExecInput.deleteQuietly(run.schemaDir);
  }

  private static String stderrDetails(StderrTail tail) {
    if (tail == null) {
      return null;
    }
    List<String> lines = tail.lines();
    List<String> last =
        lines.subList(Math.max(0, lines.size() - STDERR_DETAIL_LINES), lines.size());
    String text = Redactor.redactPaths(String.join("\n", last)).trim();
    if (text.length() > STDERR_DETAIL_CHARS) {
      text = text.substring(text.length() - STDERR_DETAIL_CHARS);
    }
    return text.isEmpty() ? null : text;
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // Already closed or broken: nothing to do.
    }
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").startsWith("Windows");
  }

  /** Logs an event type the translator does not map, once per backend; caller holds the lock. */
  void unmapped(String type) {
    if (loggedUnmapped.add(type)) {
      LOG.info("[exec-client] Unmapped exec event type: {}", type);
    }
  }
}

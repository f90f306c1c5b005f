package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.codex.BackendListener;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.CodexNotification;
import io.github.codexmcp.events.NotificationMapper;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Redactor;
import io.github.codexmcp.workspace.FileChange;
import io.github.codexmcp.workspace.WorkTreeSnapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a backend reports, applied to its session. Codex's reader thread only hands each report to
 * the session's inbox (a {@link SerialExecutor} on the work pool) and returns to reading; the
 * reports of one read are handed over as one burst (the inbox is held from the backend's {@link
 * BackendListener#onBatchStart} to its {@link BackendListener#onBatchEnd}), so a streamed turn
 * wakes a pool thread once per read rather than once per line. The inbox applies reports one at a
 * time in arrival order: the transition under the session's lock, then its effects (persistence,
 * answers to Codex, waking long polls, whose continuations render and send the MCP response on that
 * inbox thread). A slow consumer therefore delays only the session's own inbox, never Codex's
 * stdout reader. No state of its own.
 */
final class BackendEvents {
  private static final String TURN_COMPLETED = "turn/completed";

  private final SessionEffects effects;
  private final ServerRequests serverRequests;
  private final Executor work;
  private final CodexWarnings warnings;
  private final SessionWorkspace workspace;

  BackendEvents(
      SessionEffects effects,
      ServerRequests serverRequests,
      Executor work,
      CodexWarnings warnings,
      SessionWorkspace workspace) {
    this.effects = effects;
    this.serverRequests = serverRequests;
    this.work = work;
    this.warnings = warnings;
    this.workspace = workspace;
  }

  /** The listener to register on {@code backend}, which serves {@code s}. */
  BackendListener listenerFor(Session s, CodexBackend backend) {
    return listenerFor(s, backend, new SerialExecutor(work));
  }

  /** As above, with the session's inbox given (work queued on it runs between the reports). */
  BackendListener listenerFor(Session s, CodexBackend backend, SerialExecutor inbox) {
    return new Listener(s, backend, inbox);
  }

  /** Applies one notification to {@code s} (on the caller's thread). */
  void notification(Session s, String method, JsonNode params) {
    if (NotificationMapper.AGENT_MESSAGE_DELTA.equals(method)) {
      effects.apply(s, s.agentMessageDelta(params)); // most of a turn's notifications, no warning
      return;
    }
    if (TURN_COMPLETED.equals(method)) {
      prepareReceipt(s);
    }
    effects.apply(s, s.notification(method, params, CodexNotification.read(method, params)));
    String warning = NotificationMapper.warningText(method, params);
    if (warning != null) {
      warnings.report(s.id, method, warning);
    }
  }

  /**
   * Compares the work tree with its snapshot from the turn's start before the turn's end is
   * applied, so the result carries its change receipt the moment the session turns idle. Git runs
   * here, on the session's inbox, with no lock held: it delays only this session's later reports.
   */
  private void prepareReceipt(Session s) {
    WorkTreeSnapshot before;
    Path cwd;
    synchronized (s) {
      before = s.extras.snapshot();
      cwd = s.settings().cwd();
    }
    List<FileChange> fromGit = workspace.changesSince(before);
    synchronized (s) {
      s.extras.finishReceipt(cwd, fromGit);
    }
  }

  void backendDied(Session s, CodexBackend backend, String message) {
    effects.apply(s, s.backendDied(backend, message));
  }

  /** Routes one backend's reports to its session through the session's inbox. */
  private final class Listener implements BackendListener {
    private final Session s;
    private final CodexBackend backend;
    private final SerialExecutor inbox;

    Listener(Session s, CodexBackend backend, SerialExecutor inbox) {
      this.s = s;
      this.backend = backend;
      this.inbox = inbox;
    }

    @Override
    public void onNotification(String method, JsonNode params) {
      inbox.execute(() -> notification(s, method, params));
    }

    @Override
    public void onServerRequest(JsonNode id, String method, JsonNode params) {
      inbox.execute(
          () -> {
            try {
              serverRequests.handle(s, backend, id, method, params);
            } catch (RuntimeException e) {
              // never leave a request unanswered
              SessionEffects.LOG.warn(
                  "[codex-mcp] request {} of session {} failed: {}", method, s.id, e.toString());
              SessionEffects.send(
                  backend,
                  io.github.codexmcp.codex.protocol.ServerRequestReply.error(
                      id, -32603, "Internal error while handling " + method));
            }
          });
    }

    @Override
    public void onBatchStart() {
      inbox.hold();
    }

    @Override
    public void onBatchEnd() {
      inbox.release();
    }

    @Override
    public void onChildStarted(long pid) {
      work.execute(() -> effects.store().savePid(s.id, pid));
    }

    @Override
    public void onExit(Integer code, String signal) {
      inbox.execute(
          () -> backendDied(s, backend, "app-server exited unexpectedly (code: " + code + ")"));
    }

    @Override
    public void onError(Throwable error) {
      String message = Redactor.redactPaths("app-server error: " + ErrorMessages.messageOf(error));
      inbox.execute(() -> backendDied(s, backend, message));
    }
  }
}

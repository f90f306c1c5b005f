package io.github.codexmcp.session;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Redactor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continues a session this server has no Codex client for: one recovered from disk after a restart,
 * or written by another server on the same state directory. It takes the session over ({@link
 * PersistenceHook#claim}: refused while another live server drives it), gives it a backend and
 * resumes its thread there ({@code thread/resume} keeps the conversation's context), so the caller
 * can start a turn as on any session. App-server mode only: exec mode has no thread to resume in a
 * new process and answers as before.
 *
 * <p><b>Threads.</b> Called from the MCP request thread, which also claims the session (a file
 * lock); the backend is started on the work pool (spawning blocks for the fork/exec), its pid is
 * recorded there too, and the returned future completes on the thread that completes the resume
 * (Codex's reader thread, or the timer on a timeout), so what the caller chains on it must not
 * block. The session's lock is held only to read its thread and settings and to adopt the backend,
 * never across a call into Codex or the disk. No state of its own.
 */
final class Continuation {
  private static final Logger LOG = LoggerFactory.getLogger(Continuation.class);

  private final BackendFactory backends;
  private final SessionEffects effects;
  private final BackendEvents events;
  private final Executor work;

  Continuation(
      BackendFactory backends, SessionEffects effects, BackendEvents events, Executor work) {
    this.backends = backends;
    this.effects = effects;
    this.events = events;
    this.work = work;
  }

  /** Completes once {@code s} has a backend on its thread; at once when it has one already. */
  CompletableFuture<Void> ensureBackend(Session s) {
    String threadId;
    Settings settings;
    synchronized (s) {
      if (s.backend() != null || s.threadId() == null || s.status() == SessionStatus.CANCELLED) {
        return CompletableFuture.completedFuture(null); // the usual checks answer these
      }
      threadId = s.threadId();
      settings = s.settings();
    }
    if (backends.mode() != BackendMode.APP_SERVER) {
      return CompletableFuture.completedFuture(null);
    }
    if (!effects.store().claim(s.id)) {
      throw CodexMcpException.of(
          ErrorCode.SESSION_BUSY,
          "Session '"
              + s.id
              + "' is driven by another codex-mcp server right now; retry once its turn is over");
    }
    LaunchOptions launch =
        new LaunchOptions(
            s.profile,
            settings.model(),
            settings.approvalPolicy(),
            settings.sandbox(),
            s.config,
            settings.cwd(),
            s.approvalTimeoutMs);
    CodexBackend b = backends.create(s.id, launch);
    if (!s.adopt(b)) {
      // another call gave it one meanwhile, maybe on the same detached Codex: leave that running
      if (!b.detach()) {
        b.destroy();
      }
      return CompletableFuture.completedFuture(null);
    }
    b.setListener(events.listenerFor(s, b));
    LOG.info("[codex-mcp] resuming thread {} of session {} in a new Codex client", threadId, s.id);
    return CompletableFuture.supplyAsync(b::start, work)
        .thenCompose(f -> f)
        .thenCompose(
            init -> {
              Long pid = b.childPid();
              if (pid != null) { // it reads the process table: not on Codex's reader thread
                work.execute(() -> effects.store().savePid(s.id, pid));
              }
              return b.threadResume(Json.object().put("threadId", threadId));
            })
        .handle(
            (resp, err) -> {
              if (err == null) {
                return null;
              }
              String message =
                  "Failed to resume thread '"
                      + threadId
                      + "' of session '"
                      + s.id
                      + "': "
                      + Redactor.redactPaths(ErrorMessages.messageOf(err));
              effects.apply(s, s.backendDied(b, message));
              s.adopt(null);
              b.destroy();
              throw CodexMcpException.of(ErrorCode.THREAD_FORK_RESUME_FAILED, message);
            });
  }
}

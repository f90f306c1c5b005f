package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.SteerInput;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code codex_reply} with {@code steer: true}: a running session's prompt joins the turn in
 * progress ({@code turn/steer} with that turn's id); a session that is not running gets a normal
 * reply. Reads the session under its lock, calls Codex without it; the future completes on the work
 * executor. No state of its own.
 */
final class Steering {
  /** What to do with a steer request. */
  sealed interface Plan {
    /** The session is not running: start a normal turn. */
    record Reply() implements Plan {}

    /** Add the prompt to the running turn. */
    record Steer(CodexBackend backend, String threadId, String turnId) implements Plan {}
  }

  private final Executor work;

  Steering(Executor work) {
    this.work = work;
  }

  /**
   * Decides under the session's lock: running → steer; idle or error → reply; waiting for an
   * answer, or a turn whose id Codex has not given yet → {@code SESSION_BUSY}; exec mode → {@code
   * EXEC_NOT_SUPPORTED}; cancelled → as a reply would fail.
   */
  static Plan plan(Session s) {
    synchronized (s) {
      SessionStatus st = s.status();
      if (st != SessionStatus.RUNNING && st != SessionStatus.WAITING_APPROVAL) {
        return new Plan.Reply();
      }
      CodexBackend b = SessionChecks.requireBackend(s);
      if (b.mode() == BackendMode.EXEC) {
        throw CodexMcpException.of(
            ErrorCode.EXEC_NOT_SUPPORTED, "steering a running turn needs the app-server backend");
      }
      if (st == SessionStatus.WAITING_APPROVAL || s.pending.unresolvedCount() > 0) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_BUSY,
            "Session '"
                + s.id
                + "' is waiting for an answer to a pending request; answer it before steering");
      }
      if (s.activeTurnId() == null || s.threadId() == null) {
        throw CodexMcpException.of(
            ErrorCode.SESSION_BUSY,
            "Session '" + s.id + "' is starting its turn; steer once the turn has started");
      }
      return new Plan.Steer(b, s.threadId(), s.activeTurnId());
    }
  }

  /** Sends the steer; completes with the session's running turn, marked as steered. */
  CompletableFuture<TurnStarted> steer(Session s, Plan.Steer p, String prompt) {
    return p.backend()
        .turnSteer(new SteerInput(p.threadId(), p.turnId(), prompt))
        .thenApplyAsync(
            resp -> {
              synchronized (s) {
                s.touch();
                ObjectNode progress =
                    s.progress.snapshot("running", s.activeTurnId(), s.pending.unresolvedCount());
                return new TurnStarted(
                    s.id,
                    p.threadId(),
                    ProgressTracker.coerce("running", progress, null, null),
                    List.of(),
                    true);
              }
            },
            work);
  }
}

package io.github.codexmcp.session;

import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.util.CodexMcpException;

/**
 * The preconditions of the operations on a session: each reads the session under its lock, throws
 * the contract's error when the operation is not possible, and returns what the operation needs.
 * Read-only: no state changes here. Called from tool-call threads; each takes the session's lock
 * for the reads only (in-memory, never blocking).
 */
final class SessionChecks {
  private SessionChecks() {}

  /** A backend and the thread (and turn) an operation is about. */
  record Target(CodexBackend backend, String threadId, String turnId) {}

  /** What a fork copies from its source. */
  record ForkSource(String threadId, Settings settings, String description) {}

  static CodexBackend requireBackend(Session s) {
    CodexBackend b = s.backend();
    if (b == null) {
      throw SessionErrors.noClient(s.id);
    }
    return b;
  }

  /** A new turn may start (idle or error, with a thread); returns the backend. */
  static CodexBackend turnable(Session s) {
    synchronized (s) {
      if (s.status() == SessionStatus.CANCELLED) {
        throw SessionErrors.cancelled(s.id, "resumed");
      }
      if (s.status() != SessionStatus.IDLE && s.status() != SessionStatus.ERROR) {
        throw SessionErrors.busy(s.id, s.status());
      }
      if (s.threadId() == null) {
        throw CodexMcpException.internal("Session '" + s.id + "' has no threadId, cannot reply");
      }
      return requireBackend(s);
    }
  }

  /** The session can be forked; returns what the fork copies. */
  static ForkSource forkable(Session s) {
    synchronized (s) {
      if (s.status() == SessionStatus.CANCELLED) {
        throw SessionErrors.cancelled(s.id, "forked");
      }
      if (s.threadId() == null) {
        throw CodexMcpException.internal("No threadId to fork");
      }
      if (requireBackend(s).mode() == BackendMode.EXEC) {
        throw SessionErrors.execNotSupported();
      }
      return new ForkSource(s.threadId(), s.settings(), s.extras.description());
    }
  }

  /** The running turn can be interrupted. */
  static Target interruptible(Session s) {
    synchronized (s) {
      if (!s.status().isActive()) {
        throw SessionErrors.notRunning(s.status());
      }
      if (s.threadId() == null || s.activeTurnId() == null) {
        throw CodexMcpException.internal("Missing threadId or activeTurnId for interrupt");
      }
      return new Target(requireBackend(s), s.threadId(), s.activeTurnId());
    }
  }

  /** Background terminals can be cleaned. */
  static Target cleanable(Session s) {
    synchronized (s) {
      if (s.status() == SessionStatus.CANCELLED) {
        throw SessionErrors.cancelled(s.id, "cleaned");
      }
      if (s.threadId() == null) {
        throw CodexMcpException.internal(
            "Session '" + s.id + "' has no threadId, cannot clean background terminals");
      }
      return new Target(requireBackend(s), s.threadId(), null);
    }
  }
}

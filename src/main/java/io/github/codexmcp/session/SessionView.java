package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.SessionUsage;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code codex_session list/get} shows of a session, read under its lock.
 *
 * @param cancelledAt null unless cancelled
 * @param cancelledReason null unless cancelled
 * @param settings model, approval policy, sandbox (and cwd, shown only as sensitive)
 * @param damaged what was damaged in the session's state on disk when it was recovered (empty:
 *     nothing)
 * @param sensitive the fields shown with {@code includeSensitive}, else null
 * @param usage turns and tokens so far
 * @param worktree the session's own worktree, or null
 * @param description what the session is about (its first prompt, shortened), or null
 */
public record SessionView(
    String sessionId,
    SessionStatus status,
    String createdAt,
    String lastActiveAt,
    String cancelledAt,
    String cancelledReason,
    String model,
    String approvalPolicy,
    String sandbox,
    int pendingRequestCount,
    List<String> damaged,
    Sensitive sensitive,
    SessionUsage usage,
    Worktree worktree,
    String description) {

  /** A view without usage, worktree or description. */
  public SessionView(
      String sessionId,
      SessionStatus status,
      String createdAt,
      String lastActiveAt,
      String cancelledAt,
      String cancelledReason,
      String model,
      String approvalPolicy,
      String sandbox,
      int pendingRequestCount,
      List<String> damaged,
      Sensitive sensitive) {
    this(
        sessionId,
        status,
        createdAt,
        lastActiveAt,
        cancelledAt,
        cancelledReason,
        model,
        approvalPolicy,
        sandbox,
        pendingRequestCount,
        damaged,
        sensitive,
        SessionUsage.NONE,
        null,
        null);
  }

  /** The session's own git worktree: where, which branch, made from which base (and commit). */
  public record Worktree(String path, String branch, String base, String baseCommit) {}

  public SessionView {
    damaged = List.copyOf(damaged);
  }

  /** Fields shown only on request: thread id (null before Codex named it), cwd, profile, config. */
  public record Sensitive(String threadId, Path cwd, String profile, ObjectNode config) {}
}

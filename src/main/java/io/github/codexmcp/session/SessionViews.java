package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.workspace.WorktreeInfo;

/**
 * Read-only views of a session: the {@link SessionView} of list/get and the {@code meta.json}
 * document. Caller holds the session's lock.
 */
final class SessionViews {
  private SessionViews() {}

  static SessionView view(Session s, boolean includeSensitive) {
    Settings st = s.settings();
    return new SessionView(
        s.id,
        s.status(),
        s.createdAt,
        s.lastActiveAt(),
        s.cancelledAt(),
        s.cancelledReason(),
        st.model(),
        st.approvalPolicy(),
        st.sandbox(),
        s.pending.unresolvedCount(),
        s.damaged(),
        includeSensitive
            ? new SessionView.Sensitive(s.threadId(), st.cwd(), s.profile, s.config)
            : null,
        s.extras.usage(),
        worktree(s.extras.worktree()),
        s.extras.description());
  }

  private static SessionView.Worktree worktree(WorktreeInfo w) {
    return w == null
        ? null
        : new SessionView.Worktree(w.path().toString(), w.branch(), w.base(), w.baseCommit());
  }

  private static ObjectNode publicInfo(Session s) {
    ObjectNode o = Json.object();
    o.put("sessionId", s.id);
    o.put("status", s.status().wireName());
    o.put("createdAt", s.createdAt);
    o.put("lastActiveAt", s.lastActiveAt());
    if (s.cancelledAt() != null) {
      o.put("cancelledAt", s.cancelledAt());
    }
    if (s.cancelledReason() != null) {
      o.put("cancelledReason", s.cancelledReason());
    }
    if (s.settings().model() != null) {
      o.put("model", s.settings().model());
    }
    if (s.settings().approvalPolicy() != null) {
      o.put("approvalPolicy", s.settings().approvalPolicy());
    }
    if (s.settings().sandbox() != null) {
      o.put("sandbox", s.settings().sandbox());
    }
    o.put("pendingRequestCount", s.pending.unresolvedCount());
    if (!s.damaged().isEmpty()) {
      s.damaged().forEach(o.putArray("damaged")::add);
    }
    if (s.extras.description() != null) {
      o.put("description", s.extras.description());
    }
    o.set("usage", OrchestrationJson.usage(s.extras.usage()));
    return o;
  }

  private static ObjectNode sensitiveInfo(Session s) {
    ObjectNode o = publicInfo(s);
    if (s.threadId() != null) {
      o.put("threadId", s.threadId());
    }
    o.put("cwd", s.settings().cwd() == null ? "" : s.settings().cwd().toString());
    if (s.profile != null) {
      o.put("profile", s.profile);
    }
    if (s.config != null) {
      o.set("config", s.config);
    }
    return o;
  }

  /** The document written to {@code meta.json}. */
  static ObjectNode meta(Session s) {
    ObjectNode o = sensitiveInfo(s);
    o.remove("pendingRequestCount");
    o.put("approvalTimeoutMs", s.approvalTimeoutMs);
    o.put("lastEventCursor", s.lastEventCursor());
    if (s.activeTurnId() != null) {
      o.put("activeTurnId", s.activeTurnId());
    }
    if (s.extras.worktree() != null) {
      o.set("worktree", OrchestrationJson.persisted(s.extras.worktree()).toJson());
    }
    return o;
  }
}

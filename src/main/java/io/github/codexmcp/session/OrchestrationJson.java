package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.SessionUsage;
import io.github.codexmcp.state.PersistedUsage;
import io.github.codexmcp.state.PersistedWorktree;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.workspace.ChangeReceipt;
import io.github.codexmcp.workspace.FileChange;
import io.github.codexmcp.workspace.WorktreeInfo;
import java.nio.file.Path;

/**
 * The wire and disk forms of change receipts, usage and worktrees: {@code result.changes}, {@code
 * result.diffStat}, {@code result.changesTruncated}, {@code usage}, {@code worktree}. Stateless.
 */
final class OrchestrationJson {
  private OrchestrationJson() {}

  /** Adds the receipt to a turn result; nothing when the turn changed nothing. */
  static void putReceipt(ObjectNode result, ChangeReceipt r) {
    if (r == null || r.isEmpty()) {
      return;
    }
    ArrayNode changes = result.putArray("changes");
    for (FileChange c : r.changes()) {
      ObjectNode o = changes.addObject();
      o.put("path", c.path());
      o.put("kind", c.kind().wire());
      if (c.from() != null) {
        o.put("from", c.from());
      }
      if (c.additions() != null) {
        o.put("additions", c.additions());
      }
      if (c.deletions() != null) {
        o.put("deletions", c.deletions());
      }
    }
    ObjectNode stat = result.putObject("diffStat");
    stat.put("files", r.stat().files());
    stat.put("additions", r.stat().additions());
    stat.put("deletions", r.stat().deletions());
    if (r.truncated()) {
      result.put("changesTruncated", true);
    }
  }

  static ObjectNode usage(SessionUsage u) {
    ObjectNode o = Json.object();
    o.put("turns", u.turns());
    o.put("inputTokens", u.inputTokens());
    o.put("cachedInputTokens", u.cachedInputTokens());
    o.put("outputTokens", u.outputTokens());
    o.put("reasoningOutputTokens", u.reasoningOutputTokens());
    return o;
  }

  static ObjectNode worktree(WorktreeInfo w) {
    ObjectNode o = Json.object();
    o.put("path", w.path().toString());
    o.put("branch", w.branch());
    o.put("base", w.base());
    if (w.baseCommit() != null) {
      o.put("baseCommit", w.baseCommit());
    }
    return o;
  }

  static PersistedUsage persisted(SessionUsage u) {
    return u == null
        ? null
        : new PersistedUsage(
            u.turns(),
            u.inputTokens(),
            u.cachedInputTokens(),
            u.outputTokens(),
            u.reasoningOutputTokens());
  }

  static SessionUsage restored(PersistedUsage u) {
    return u == null
        ? null
        : new SessionUsage(
            u.turns(),
            u.inputTokens(),
            u.cachedInputTokens(),
            u.outputTokens(),
            u.reasoningOutputTokens());
  }

  static PersistedWorktree persisted(WorktreeInfo w) {
    return w == null
        ? null
        : new PersistedWorktree(
            w.path().toString(), w.branch(), w.base(), w.baseCommit(), w.repository().toString());
  }

  /** The worktree of a recovered session ({@code cwd} is the session's own). */
  static WorktreeInfo restored(PersistedWorktree w, Path cwd) {
    return w == null
        ? null
        : new WorktreeInfo(
            Path.of(w.path()), w.branch(), w.base(), w.baseCommit(), Path.of(w.repository()), cwd);
  }
}

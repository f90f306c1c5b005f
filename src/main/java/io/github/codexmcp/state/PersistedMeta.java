package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;

/**
 * The content of {@code meta.json} (spec 40 §4.1). Null components are omitted on disk.
 *
 * <p>What the session layer must provide on every {@link StateStore#saveMeta(PersistedMeta)}:
 *
 * <ul>
 *   <li>{@code sessionId} (required, must pass {@link SessionIds#isValid}), {@code status}
 *       (required: {@code running|waiting_approval|idle|error|cancelled}), {@code createdAt} and
 *       {@code lastActiveAt} (required; ISO-8601 UTC strings with milliseconds, as in the session
 *       record);
 *   <li>{@code cancelledAt}, {@code cancelledReason} when set;
 *   <li>{@code threadId} once known; {@code model}, {@code cwd}, {@code approvalPolicy}, {@code
 *       sandbox}, {@code profile} with their current values (after reply overrides);
 *   <li>{@code usage} (summed token usage), {@code worktree} (the session's own git worktree) and
 *       {@code description} (what the session is about) when the session has them;
 *   <li>{@code approvalTimeoutMs}, the session's own approval timeout (optional: metas written
 *       before it was persisted have none, and their sessions get the server's default).
 * </ul>
 *
 * <p>Not persisted: {@code config}, pending requests, cursors, progress. Immutable and thread-safe.
 */
public record PersistedMeta(
    String sessionId,
    String status,
    String createdAt,
    String lastActiveAt,
    String cancelledAt,
    String cancelledReason,
    String threadId,
    String model,
    String cwd,
    String approvalPolicy,
    String sandbox,
    String profile,
    PersistedUsage usage,
    PersistedWorktree worktree,
    String description,
    Long approvalTimeoutMs) {

  /** The only {@code schemaVersion} this code writes and accepts. */
  public static final int SCHEMA_VERSION = 1;

  /** A meta without usage, worktree and description. */
  public PersistedMeta(
      String sessionId,
      String status,
      String createdAt,
      String lastActiveAt,
      String cancelledAt,
      String cancelledReason,
      String threadId,
      String model,
      String cwd,
      String approvalPolicy,
      String sandbox,
      String profile) {
    this(
        sessionId,
        status,
        createdAt,
        lastActiveAt,
        cancelledAt,
        cancelledReason,
        threadId,
        model,
        cwd,
        approvalPolicy,
        sandbox,
        profile,
        null,
        null,
        null);
  }

  /** A meta without an approval timeout (the server's default applies). */
  public PersistedMeta(
      String sessionId,
      String status,
      String createdAt,
      String lastActiveAt,
      String cancelledAt,
      String cancelledReason,
      String threadId,
      String model,
      String cwd,
      String approvalPolicy,
      String sandbox,
      String profile,
      PersistedUsage usage,
      PersistedWorktree worktree,
      String description) {
    this(
        sessionId,
        status,
        createdAt,
        lastActiveAt,
        cancelledAt,
        cancelledReason,
        threadId,
        model,
        cwd,
        approvalPolicy,
        sandbox,
        profile,
        usage,
        worktree,
        description,
        null);
  }

  /** Copy with this usage and worktree (null: none). */
  public PersistedMeta with(PersistedUsage newUsage, PersistedWorktree newWorktree) {
    return copy(status, cancelledAt, cancelledReason, newUsage, newWorktree);
  }

  /** Validates the required components. */
  public PersistedMeta {
    if (!SessionIds.isValid(sessionId)) {
      throw new IllegalArgumentException("invalid session id");
    }
    if (status == null) {
      throw new IllegalArgumentException("status is required");
    }
  }

  /** Copy with another status and cancelled reason (null reason keeps the current one). */
  public PersistedMeta withStatus(String newStatus, String reason) {
    return copy(newStatus, cancelledAt, reason != null ? reason : cancelledReason, usage, worktree);
  }

  /** Copy with another status and no cancellation (a session whose turn goes on). */
  public PersistedMeta reactivated(String newStatus) {
    return copy(newStatus, null, null, usage, worktree);
  }

  /** This meta with the parts that change over a session's life replaced. */
  private PersistedMeta copy(
      String newStatus,
      String newCancelledAt,
      String newCancelledReason,
      PersistedUsage newUsage,
      PersistedWorktree newWorktree) {
    return new PersistedMeta(
        sessionId,
        newStatus,
        createdAt,
        lastActiveAt,
        newCancelledAt,
        newCancelledReason,
        threadId,
        model,
        cwd,
        approvalPolicy,
        sandbox,
        profile,
        newUsage,
        newWorktree,
        description,
        approvalTimeoutMs);
  }

  /** The {@code meta.json} document, {@code schemaVersion} first. */
  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("schemaVersion", SCHEMA_VERSION);
    n.put("sessionId", sessionId);
    n.put("status", status);
    putIfPresent(n, "createdAt", createdAt);
    putIfPresent(n, "lastActiveAt", lastActiveAt);
    putIfPresent(n, "cancelledAt", cancelledAt);
    putIfPresent(n, "cancelledReason", cancelledReason);
    putIfPresent(n, "threadId", threadId);
    putIfPresent(n, "model", model);
    putIfPresent(n, "cwd", cwd);
    putIfPresent(n, "approvalPolicy", approvalPolicy);
    putIfPresent(n, "sandbox", sandbox);
    putIfPresent(n, "profile", profile);
    putIfPresent(n, "description", description);
    if (approvalTimeoutMs != null) {
      n.put("approvalTimeoutMs", approvalTimeoutMs.longValue());
    }
    if (usage != null) {
      n.set("usage", usage.toJson());
    }
    if (worktree != null) {
      n.set("worktree", worktree.toJson());
    }
    return n;
  }

  /**
   * Lenient read: string fields of another type are treated as absent; a missing status becomes
   * {@code "unknown"} (which recovery maps to {@code error}). Returns null when the session id is
   * missing or invalid.
   */
  public static PersistedMeta fromJson(JsonNode n) {
    String id = Json.text(n, "sessionId");
    if (!SessionIds.isValid(id)) {
      return null;
    }
    String status = Json.text(n, "status");
    return new PersistedMeta(
        id,
        status == null ? "unknown" : status,
        Json.text(n, "createdAt"),
        Json.text(n, "lastActiveAt"),
        Json.text(n, "cancelledAt"),
        Json.text(n, "cancelledReason"),
        Json.text(n, "threadId"),
        Json.text(n, "model"),
        Json.text(n, "cwd"),
        Json.text(n, "approvalPolicy"),
        Json.text(n, "sandbox"),
        Json.text(n, "profile"),
        PersistedUsage.fromJson(n.get("usage")),
        PersistedWorktree.fromJson(n.get("worktree")),
        Json.text(n, "description"),
        positiveLong(n.get("approvalTimeoutMs")));
  }

  /** A positive whole number, else null (absent, or of another type: the default applies). */
  private static Long positiveLong(JsonNode v) {
    return v != null && v.canConvertToLong() && v.isIntegralNumber() && v.asLong() > 0
        ? v.asLong()
        : null;
  }

  private static void putIfPresent(ObjectNode n, String field, String value) {
    if (value != null) {
      n.put(field, value);
    }
  }
}

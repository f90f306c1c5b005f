package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.ReviewTarget;
import java.nio.file.Path;
import java.util.List;

/** Parsed inputs of the session operations. Nullable fields are absent. */
public final class SessionRequests {
  private SessionRequests() {}

  /** {@code codex} tool: a new session. */
  public record Create(
      String prompt,
      Path cwd,
      String profile,
      String model,
      String approvalPolicy,
      String sandbox,
      String effort,
      ObjectNode config,
      String baseInstructions,
      String developerInstructions,
      String personality,
      String summary,
      Boolean ephemeral,
      ObjectNode outputSchema,
      List<String> images,
      Long approvalTimeoutMs,
      String approvalChannel,
      ReviewTarget review,
      Worktree worktree) {}

  /** {@code advanced.worktree}: a worktree on a new branch (null: the default) from base. */
  public record Worktree(String branch, String base) {}

  /** {@code codex_reply}: overrides for one turn. */
  public record Reply(
      String sessionId,
      String prompt,
      String model,
      String approvalPolicy,
      String effort,
      String summary,
      String personality,
      String sandbox,
      String cwd,
      ObjectNode outputSchema,
      String approvalChannel,
      boolean steer) {
    /** A reply that starts a new turn. */
    public Reply(
        String sessionId,
        String prompt,
        String model,
        String approvalPolicy,
        String effort,
        String summary,
        String personality,
        String sandbox,
        String cwd,
        ObjectNode outputSchema,
        String approvalChannel) {
      this(
          sessionId,
          prompt,
          model,
          approvalPolicy,
          effort,
          summary,
          personality,
          sandbox,
          cwd,
          outputSchema,
          approvalChannel,
          false);
    }

    /** A reply that starts a new turn and keeps the session's channel. */
    public Reply(
        String sessionId,
        String prompt,
        String model,
        String approvalPolicy,
        String effort,
        String summary,
        String personality,
        String sandbox,
        String cwd,
        ObjectNode outputSchema) {
      this(
          sessionId,
          prompt,
          model,
          approvalPolicy,
          effort,
          summary,
          personality,
          sandbox,
          cwd,
          outputSchema,
          null,
          false);
    }
  }

  /** {@code codex_session clean}. */
  public record Clean(
      List<String> statuses, Long olderThanMs, boolean dryRun, boolean includeDisk) {}
}

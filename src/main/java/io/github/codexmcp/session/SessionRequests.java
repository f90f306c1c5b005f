package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
      String approvalChannel) {
    /** Without {@code approvalChannel} (the {@code poll} channel). */
    public Create(
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
        Long approvalTimeoutMs) {
      this(
          prompt,
          cwd,
          profile,
          model,
          approvalPolicy,
          sandbox,
          effort,
          config,
          baseInstructions,
          developerInstructions,
          personality,
          summary,
          ephemeral,
          outputSchema,
          images,
          approvalTimeoutMs,
          null);
    }
  }

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
      String approvalChannel) {
    /** Without {@code approvalChannel} (the session keeps its channel). */
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
          null);
    }
  }

  /** {@code codex_session clean}. */
  public record Clean(
      List<String> statuses, Long olderThanMs, boolean dryRun, boolean includeDisk) {}
}

package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.session.SessionPaths;
import io.github.codexmcp.session.SessionPolling;
import io.github.codexmcp.session.SessionRequests;
import io.github.codexmcp.util.CodexMcpException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** {@code codex}: starts a session in the background (or waits for it with waitForResult). */
public final class CodexTool implements ToolHandler {
  private final SessionManager sessions;
  private final SessionPolling polling;
  private final Path serverCwd;

  public CodexTool(SessionManager sessions, SessionPolling polling, Path serverCwd) {
    this.sessions = sessions;
    this.polling = polling;
    this.serverCwd = serverCwd;
  }

  @Override
  public String name() {
    return "codex";
  }

  @Override
  public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
    try {
      Path cwd = SessionPaths.resolveCwd(Args.str(args, "cwd"), serverCwd);
      ObjectNode adv = Args.obj(args, "advanced");
      String effort = Args.str(args, "effort");
      SessionRequests.Create req =
          new SessionRequests.Create(
              Args.str(args, "prompt"),
              cwd,
              Args.str(args, "profile"),
              Args.str(args, "model"),
              Args.str(args, "approvalPolicy"),
              Args.str(args, "sandbox"),
              effort == null ? "low" : effort,
              Args.obj(adv, "config"),
              Args.str(adv, "baseInstructions"),
              Args.str(adv, "developerInstructions"),
              Args.str(adv, "personality"),
              Args.str(adv, "summary"),
              Args.bool(adv, "ephemeral"),
              Args.obj(adv, "outputSchema"),
              Args.strings(adv, "images"),
              Args.lng(adv, "approvalTimeoutMs"),
              Args.str(adv, "approvalChannel"),
              review(Args.obj(adv, "review"), Args.str(args, "prompt")),
              worktree(adv == null ? null : adv.get("worktree")));
      Long wait = Args.lng(adv, "waitForResult");
      return sessions
          .create(req)
          .thenCompose(resp -> ForegroundWait.after(resp, wait, polling, context))
          .exceptionally(ToolOutcome::thrown);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ToolOutcome.thrown(e));
    }
  }

  /**
   * {@code advanced.review}: the review target; with {@code custom} the prompt is the instruction.
   */
  static ReviewTarget review(ObjectNode review, String prompt) {
    if (review == null) {
      return null;
    }
    ReviewTarget.Kind kind = ReviewTarget.Kind.fromWire(Args.str(review, "target"));
    if (kind == null) {
      throw CodexMcpException.invalid("advanced.review.target: unknown target");
    }
    try {
      return new ReviewTarget(
          kind,
          Args.str(review, "branch"),
          Args.str(review, "sha"),
          Args.str(review, "title"),
          kind == ReviewTarget.Kind.CUSTOM ? prompt : null);
    } catch (IllegalArgumentException e) {
      throw CodexMcpException.invalid(
          "advanced.review: "
              + (kind == ReviewTarget.Kind.CUSTOM
                  ? "a custom review needs the instruction as a non-empty prompt"
                  : e.getMessage()));
    }
  }

  /** {@code advanced.worktree}: {@code true}, or an object with branch and base; else none. */
  static SessionRequests.Worktree worktree(JsonNode w) {
    if (w == null || w.isNull() || (w.isBoolean() && !w.booleanValue())) {
      return null;
    }
    if (w.isBoolean()) {
      return new SessionRequests.Worktree(null, null);
    }
    return new SessionRequests.Worktree(Args.str(w, "branch"), Args.str(w, "base"));
  }
}

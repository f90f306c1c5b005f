package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.session.SessionPolling;
import io.github.codexmcp.session.SessionRequests;
import java.util.concurrent.CompletableFuture;

/** {@code codex_reply}: continues an idle or failed session with a new turn. */
public final class CodexReplyTool implements ToolHandler {
  private final SessionManager sessions;
  private final SessionPolling polling;

  public CodexReplyTool(SessionManager sessions, SessionPolling polling) {
    this.sessions = sessions;
    this.polling = polling;
  }

  @Override
  public String name() {
    return "codex_reply";
  }

  @Override
  public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
    try {
      SessionRequests.Reply req =
          new SessionRequests.Reply(
              Args.str(args, "sessionId"),
              Args.str(args, "prompt"),
              Args.str(args, "model"),
              Args.str(args, "approvalPolicy"),
              Args.str(args, "effort"),
              Args.str(args, "summary"),
              Args.str(args, "personality"),
              Args.str(args, "sandbox"),
              Args.str(args, "cwd"),
              Args.obj(args, "outputSchema"),
              Args.str(args, "approvalChannel"),
              Boolean.TRUE.equals(Args.bool(args, "steer")));
      Long wait = Args.lng(args, "waitForResult");
      return sessions
          .reply(req)
          .thenCompose(
              started ->
                  ForegroundWait.after(started, started.steered() ? null : wait, polling, context))
          .exceptionally(ToolOutcome::thrown);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(ToolOutcome.thrown(e));
    }
  }
}

package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.session.SessionRequests;
import io.github.codexmcp.util.Json;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code codex_session}: list, get, cancel, interrupt, fork, wait, clean,
 * clean_background_terminals.
 */
public final class CodexSessionTool implements ToolHandler {
  private static final Set<String> NEEDS_ID =
      Set.of("get", "cancel", "interrupt", "fork", "clean_background_terminals");
  private static final long DEFAULT_WAIT_MS = 30_000;
  private final SessionManager sessions;

  public CodexSessionTool(SessionManager sessions) {
    this.sessions = sessions;
  }

  @Override
  public String name() {
    return "codex_session";
  }

  /** {@code list} and {@code get} only read session state. */
  @Override
  public boolean isQuickRead(ObjectNode args) {
    String action = Args.str(args, "action");
    return "list".equals(action) || "get".equals(action);
  }

  @Override
  public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
    String action = Args.str(args, "action");
    String id = Args.str(args, "sessionId");
    if (action == null) {
      // Set.contains(null) and switch (null) throw; a handler must answer, never throw.
      return done(ToolOutcome.returned("Error [INVALID_ARGUMENT]: Unknown action 'null'"));
    }
    if (NEEDS_ID.contains(action) && (id == null || id.isEmpty())) {
      return done(
          ToolOutcome.returned(
              "Error [INVALID_ARGUMENT]: sessionId required for '" + action + "'"));
    }
    try {
      switch (action) {
        case "list":
          {
            return done(ToolOutcome.success(SessionJson.list(sessions.list())));
          }
        case "get":
          return done(
              ToolOutcome.success(
                  SessionJson.view(
                      sessions.get(id, Boolean.TRUE.equals(Args.bool(args, "includeSensitive"))))));
        case "cancel":
          return sessions
              .cancel(id, null)
              .thenApply(v -> success("Session " + id + " cancelled"))
              .exceptionally(ToolOutcome::thrown);
        case "interrupt":
          return sessions
              .interrupt(id)
              .thenApply(v -> success("Session " + id + " interrupted"))
              .exceptionally(ToolOutcome::thrown);
        case "fork":
          return sessions
              .fork(id)
              .thenApply(f -> ToolOutcome.success(SessionJson.fork(f)))
              .exceptionally(ToolOutcome::thrown);
        case "clean_background_terminals":
          return sessions
              .cleanBackgroundTerminals(id)
              .thenApply(v -> success("Background terminals cleaned for session " + id))
              .exceptionally(ToolOutcome::thrown);
        case "wait":
          return waitFor(args, context);
        case "clean":
          {
            Boolean dry = Args.bool(args, "dryRun");
            Boolean disk = Args.bool(args, "includeDisk");
            List<String> statuses = Args.strings(args, "statuses");
            SessionRequests.Clean req =
                new SessionRequests.Clean(
                    statuses,
                    Args.lng(args, "olderThanMs"),
                    Boolean.TRUE.equals(dry),
                    disk == null || disk);
            return done(ToolOutcome.success(SessionJson.clean(sessions.clean(req))));
          }
        default:
          return done(
              ToolOutcome.returned("Error [INVALID_ARGUMENT]: Unknown action '" + action + "'"));
      }
    } catch (RuntimeException e) {
      return done(ToolOutcome.thrown(e));
    }
  }

  /**
   * {@code wait}: until any (default) or all of the sessions need the caller, at most {@code
   * waitMs} (default 30000; capped like every wait when the request has no progress token);
   * progress notifications when the client asked for them; the client's cancellation ends it with
   * the state at that moment.
   */
  private CompletableFuture<ToolOutcome> waitFor(ObjectNode args, RequestContext context) {
    List<String> ids = Args.strings(args, "sessionIds");
    if (ids == null || ids.isEmpty()) {
      return done(
          ToolOutcome.returned(
              "Error [INVALID_ARGUMENT]: sessionIds (1 to 50 session ids) required for 'wait'"));
    }
    Long waitMs = Args.lng(args, "waitMs");
    boolean all = "all".equals(Args.str(args, "until"));
    java.util.function.Consumer<String> progress = null;
    if (context.wantsProgress()) {
      java.util.concurrent.atomic.AtomicInteger count =
          new java.util.concurrent.atomic.AtomicInteger();
      progress = message -> context.progress(count.incrementAndGet(), null, message);
    }
    return sessions
        .waitFor(
            List.copyOf(new java.util.LinkedHashSet<>(ids)),
            all,
            WaitBudget.effective(waitMs == null ? DEFAULT_WAIT_MS : waitMs, context),
            context.cancelled(),
            progress)
        .thenApply(r -> (ToolOutcome) ToolOutcome.success(SessionJson.waited(r)))
        .exceptionally(ToolOutcome::thrown);
  }

  private static ToolOutcome success(String message) {
    return ToolOutcome.success(Json.object().put("success", true).put("message", message));
  }

  private static CompletableFuture<ToolOutcome> done(ToolOutcome o) {
    return CompletableFuture.completedFuture(o);
  }
}

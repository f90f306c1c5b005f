package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.SessionPolling;

/**
 * Turns the observations of a wait into MCP progress notifications: one per wait round (at most 5 s
 * apart) and one whenever the phase changes, each with an increasing progress value.
 *
 * <p><b>Concurrency.</b> Called by one wait's rounds, one at a time but possibly on different
 * threads, with no session lock held; {@code count} is guarded by this object's monitor, so it is
 * published between them, and the monitor is released before the notification is handed to the MCP
 * client. The hand-over never blocks (a progress notification that finds the output full is dropped
 * or replaces the one queued for its token).
 */
final class WaitProgress implements SessionPolling.WaitObserver {
  private final RequestContext context;
  private int count;

  WaitProgress(RequestContext context) {
    this.context = context;
  }

  static SessionPolling.WaitObserver of(RequestContext context) {
    return context.wantsProgress() ? new WaitProgress(context) : SessionPolling.WaitObserver.NONE;
  }

  @Override
  public void accept(ObjectNode progress) {
    int n;
    synchronized (this) {
      n = ++count;
    }
    String phase = progress.path("phase").asText("running");
    String last = progress.path("lastMethod").asText("");
    context.progress(n, null, "codex session " + phase + (last.isEmpty() ? "" : " (" + last + ")"));
  }
}

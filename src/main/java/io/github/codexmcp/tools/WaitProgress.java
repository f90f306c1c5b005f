package io.github.codexmcp.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.session.SessionPolling;

/**
 * Turns the observations of a wait into MCP progress notifications: one per wait round (at most 5 s
 * apart) and one whenever the phase changes, each with an increasing progress value.
 *
 * <p><b>Concurrency.</b> Called by one wait's rounds, one at a time but possibly on different
 * threads, with no session lock held; {@code accept} is synchronized so the count is published
 * between them. It hands the notification to the MCP client under that monitor; the hand-over never
 * blocks (a progress notification that finds the output full is dropped or replaces the one queued
 * for its token, see {@code StdoutWriter}).
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
  public synchronized void accept(ObjectNode progress) {
    count++;
    String phase = progress.path("phase").asText("running");
    String last = progress.path("lastMethod").asText("");
    context.progress(
        count, null, "codex session " + phase + (last.isEmpty() ? "" : " (" + last + ")"));
  }
}

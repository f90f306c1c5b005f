package io.github.codexmcp.session;

import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A session as {@link MultiWait} sees it: its view read under its lock, and its long-poll waiters
 * (woken by every change of the session). A session evicted since the wait began reads as {@code
 * SESSION_NOT_FOUND}. Holds no state beyond the session it wraps.
 */
final class SessionTarget implements MultiWait.Target {
  private final SessionRegistry registry;
  private final Session s;

  SessionTarget(SessionRegistry registry, Session s) {
    this.registry = registry;
    this.s = s;
  }

  @Override
  public String id() {
    return s.id;
  }

  @Override
  public MultiWait.View view() {
    if (registry.find(s.id) != s) {
      throw CodexMcpException.of(ErrorCode.SESSION_NOT_FOUND, "Session '" + s.id + "' not found");
    }
    synchronized (s) {
      return new MultiWait.View(
          s.id,
          s.status().wireName(),
          s.pending.actionTypes(),
          s.pending.unresolvedCount(),
          SessionViews.view(s, false));
    }
  }

  @Override
  public boolean addWaiter(CompletableFuture<Void> wake) {
    if (registry.find(s.id) != s) {
      return false;
    }
    synchronized (s) {
      s.waiters().add(wake);
    }
    return true;
  }

  @Override
  public void removeWaiter(CompletableFuture<Void> wake) {
    synchronized (s) {
      s.waiters().remove(wake);
    }
  }

  /** The {@code wait} result: every session's entry, the ready ids, whether time ran out. */
  static WaitResult result(MultiWait.Outcome o) {
    List<WaitResult.Entry> entries = new ArrayList<>();
    for (MultiWait.View v : o.views()) {
      entries.add(new WaitResult.Entry(v.info(), v.pendingTypes()));
    }
    return new WaitResult(entries, o.ready(), o.timedOut());
  }

  /** A progress line: how many sessions are ready. */
  static String summary(List<MultiWait.View> views) {
    long ready = views.stream().filter(MultiWait.View::needsCaller).count();
    return "waiting on " + views.size() + " session(s): " + ready + " ready";
  }
}

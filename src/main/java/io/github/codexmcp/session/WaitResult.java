package io.github.codexmcp.session;

import java.util.List;

/**
 * {@code codex_session wait}: every listed session as the wait ended (in the order given), the ones
 * that need the caller, and whether the wait ran out of time first.
 */
public record WaitResult(List<Entry> sessions, List<String> ready, boolean timedOut) {
  public WaitResult {
    sessions = List.copyOf(sessions);
    ready = List.copyOf(ready);
  }

  /**
   * One session: its view and the kinds of its unanswered requests ({@code approval}, {@code
   * user_input}).
   */
  public record Entry(SessionView view, List<String> pendingActionTypes) {
    public Entry {
      pendingActionTypes = List.copyOf(pendingActionTypes);
    }
  }
}

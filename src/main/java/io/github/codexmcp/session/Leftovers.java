package io.github.codexmcp.session;

import io.github.codexmcp.codex.BackendFactory;
import java.util.concurrent.CompletableFuture;

/**
 * Stops the Codex process a session left running with no backend connected to it (a detached
 * app-server whose server exited, was killed, or detached at rest) when the session is cancelled,
 * cleaned, timed out or this server exits, unless another live server drives the session (its
 * process is that server's). No state of its own; called from any thread, with no lock held (it
 * reads a small record file and may take the session's ownership lock, which it hands back once the
 * process is gone unless the session was driven here before).
 */
final class Leftovers {
  private final BackendFactory backends;
  private final PersistenceHook store;

  Leftovers(BackendFactory backends, PersistenceHook store) {
    this.backends = backends;
    this.store = store;
  }

  /** Completes once the session's left-over process is gone (at once when there is none). */
  CompletableFuture<Void> stop(String sessionId) {
    if (!backends.survives(sessionId)) {
      return CompletableFuture.completedFuture(null);
    }
    boolean heldBefore = store.drivenHere(sessionId);
    if (!store.claim(sessionId)) {
      return CompletableFuture.completedFuture(null);
    }
    long epoch = store.claimEpoch(sessionId);
    CompletableFuture<Void> stopped = backends.discard(sessionId);
    // claimed only to stop it: handed back afterwards (else held here until exit: SESSION_BUSY),
    // unless it was claimed again since (then its driver hands it back)
    return heldBefore ? stopped : stopped.whenComplete((v, t) -> store.release(sessionId, epoch));
  }
}

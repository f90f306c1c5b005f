package io.github.codexmcp.bootstrap;

import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.client.LogLevel;
import io.github.codexmcp.state.PersistenceHealth;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.tools.CodexSetupTool;
import java.util.concurrent.CompletableFuture;

/**
 * How disk persistence is doing, told to users: the state {@code codex_setup} reports, and log
 * messages to the client when it is off from the start, when writes start failing and when they
 * work again. Stateless apart from the store's future; thread-safe. {@link #setupState} waits for
 * the store to open (a codex_setup report's thread; the store opens during start-up).
 */
final class PersistenceStatus {
  static final String LOGGER = "codex-mcp/persistence";

  private final CompletableFuture<StateStore> store;

  PersistenceStatus(CompletableFuture<StateStore> store) {
    this.store = store;
  }

  /** For {@code codex_setup}: waits for the store to open (a work thread calls it). */
  CodexSetupTool.PersistenceState setupState() {
    PersistenceHealth h = store.join().health();
    return new CodexSetupTool.PersistenceState(h.mode().wireName(), describe(h));
  }

  /** One sentence for a user about {@code h}; null when persistence works. */
  static String describe(PersistenceHealth h) {
    switch (h.mode()) {
      case OFF:
        return "Disk persistence is off (" + h.reason() + "); sessions are held in memory only.";
      case DEGRADED:
        return "Disk persistence is degraded: "
            + h.reason()
            + "; sessions keep running, but what they do now may be missing after a restart.";
      default:
        return null;
    }
  }

  /**
   * Reports persistence trouble in the client's log from now on: off from the start, writes that
   * start failing (warning) and that work again (notice). Does not wait for the store to open.
   */
  void reportTo(ClientLog log) {
    store.thenAccept(
        s -> {
          PersistenceHealth h = s.health();
          if (h.mode() != PersistenceHealth.Mode.ON) {
            log.warning(LOGGER, describe(h));
          }
          s.onHealthChange(
              now -> {
                if (now.mode() == PersistenceHealth.Mode.ON) {
                  log.log(LogLevel.NOTICE, LOGGER, "Disk persistence works again.");
                } else {
                  log.warning(LOGGER, describe(now));
                }
              });
        });
  }
}

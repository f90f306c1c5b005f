package io.github.codexmcp;

import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.session.PersistenceHook;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.util.Timer;

/** Wiring of disk persistence: the state store, recovery at startup, and shutdown flushing. */
final class Persistence {
  private final PersistenceHook hook;
  private final String disabledReason;

  private Persistence(PersistenceHook hook, String disabledReason) {
    this.hook = hook;
    this.disabledReason = disabledReason;
  }

  static Persistence open(ServerConfig config, Timer timer) {
    return new Persistence(PersistenceHook.NONE, "Disk persistence is not available in this build.");
  }

  PersistenceHook hook() {
    return hook;
  }

  boolean enabled() {
    return hook.enabled();
  }

  /** Warning for codex_setup, or null when persistence works. */
  String disabledWarning() {
    return enabled() ? null : "Disk persistence is off: " + disabledReason;
  }

  void recoverInto(SessionManager sessions) {}

  void close() {}
}

package io.github.codexmcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.session.PersistenceHook;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.state.JsonFileStateStore;
import io.github.codexmcp.state.OrphanReaper;
import io.github.codexmcp.state.ProcessTable;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.state.RetentionPolicy;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Timer;
import java.time.Instant;
import java.util.List;

/** Wiring of disk persistence: the state store, recovery at startup, and shutdown flushing. */
final class Persistence implements PersistenceHook {
  private final StateStore store;

  private Persistence(StateStore store) {
    this.store = store;
  }

  static Persistence open(ServerConfig config, Clock clock) {
    return new Persistence(JsonFileStateStore.open(config.stateDir(), clock));
  }

  PersistenceHook hook() {
    return this;
  }

  @Override
  public boolean enabled() {
    return store.enabled();
  }

  /** Warning for codex_setup, or null when persistence works. */
  String disabledWarning() {
    return enabled() ? null : "Disk persistence is off (" + store.disabledReason() + "); sessions are held in memory only.";
  }

  /** Prunes, recovers into the manager, and reaps orphans in the background. */
  void recoverInto(SessionManager sessions, Timer timer) {
    if (!store.enabled()) {
      return;
    }
    store.prune(RetentionPolicy.DEFAULT);
    List<RecoveredSession> recovered = store.recover();
    for (RecoveredSession r : recovered) {
      sessions.ingestRecovered(r);
    }
    new OrphanReaper(ProcessTable.system(), timer).reap(recovered);
  }

  @Override
  public void saveMeta(String sessionId, ObjectNode meta) {
    store.saveMeta(sessionId, meta);
  }

  @Override
  public void saveResult(String sessionId, ObjectNode result) {
    store.saveResult(sessionId, result);
  }

  @Override
  public void savePid(String sessionId, long pid) {
    store.savePid(sessionId, pid, Instant.now(), null);
  }

  @Override
  public void appendEvent(String sessionId, ObjectNode event) {
    ObjectNode line = event.deepCopy();
    line.remove("id");
    store.appendEvent(sessionId, line);
  }

  @Override
  public boolean delete(String sessionId) {
    return store.deleteSession(sessionId);
  }

  void close() {
    store.flush();
    store.close();
  }
}

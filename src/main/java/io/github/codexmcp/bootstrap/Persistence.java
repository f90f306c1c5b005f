package io.github.codexmcp.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.session.PersistenceHook;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.state.JsonFileStateStore;
import io.github.codexmcp.state.NoopStateStore;
import io.github.codexmcp.state.OrphanReaper;
import io.github.codexmcp.state.ProcessTable;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.state.RetentionPolicy;
import io.github.codexmcp.state.StateStore;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Threads;
import io.github.codexmcp.util.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Wiring of disk persistence: the state store, recovery at startup, and shutdown flushing.
 *
 * <p>The store is opened on a thread of its own ({@link #openAsync}) so that creating the state
 * directory, taking its lock and reading recovered sessions overlap with the rest of start-up
 * instead of delaying the {@code initialize} answer; every method waits for the opening to finish.
 */
final class Persistence implements PersistenceHook {
  private final CompletableFuture<StateStore> opening;

  private Persistence(CompletableFuture<StateStore> opening) {
    this.opening = opening;
  }

  static Persistence open(ServerConfig config, Clock clock) {
    return new Persistence(
        CompletableFuture.completedFuture(JsonFileStateStore.open(config.stateDir(), clock)));
  }

  /** Starts opening the store on a daemon thread ({@code JsonFileStateStore.open} never throws). */
  static Persistence openAsync(ServerConfig config, Clock clock) {
    CompletableFuture<StateStore> f = new CompletableFuture<>();
    Threads.startDaemon(
        "codex-mcp-state-open",
        () -> {
          try {
            f.complete(JsonFileStateStore.open(config.stateDir(), clock));
          } catch (Throwable t) {
            f.complete(new NoopStateStore(config.stateDir(), "Cannot open the state store: " + t));
          }
        });
    return new Persistence(f);
  }

  private StateStore store() {
    return opening.join();
  }

  PersistenceHook hook() {
    return this;
  }

  @Override
  public boolean enabled() {
    return store().enabled();
  }

  /** The store once it is open (it always opens, possibly as the memory-only store). */
  CompletableFuture<StateStore> opened() {
    return opening;
  }

  /** Prunes, recovers into the manager, and reaps orphans in the background. */
  void recoverInto(SessionManager sessions, Timer timer) {
    StateStore store = store();
    if (!store.enabled()) {
      return;
    }
    store.prune(RetentionPolicy.DEFAULT);
    List<RecoveredSession> recovered = store.recover();
    for (RecoveredSession r : recovered) {
      sessions.ingestRecovered(r);
    }
    // another live server's children are its own business: only the unowned sessions are reaped
    new OrphanReaper(ProcessTable.system(), timer)
        .reap(recovered.stream().filter(r -> !store.drivenElsewhere(r.sessionId())).toList());
  }

  @Override
  public void saveMeta(String sessionId, ObjectNode meta) {
    store().saveMeta(sessionId, meta);
  }

  @Override
  public void saveResult(String sessionId, ObjectNode result) {
    store().saveResult(sessionId, result);
  }

  @Override
  public void savePid(String sessionId, long pid) {
    store().savePid(sessionId, pid, Instant.now(), null);
  }

  @Override
  public void appendEvent(String sessionId, ObjectNode event) {
    // A shallow copy: the store only reads the line (it serialises it at once), and event data is
    // immutable once pushed, so copying the whole tree for every delta would be wasted work.
    ObjectNode line = Json.object();
    for (Map.Entry<String, JsonNode> e : event.properties()) {
      if (!"id".equals(e.getKey())) {
        line.set(e.getKey(), e.getValue());
      }
    }
    store().appendEvent(sessionId, line);
  }

  @Override
  public void appendEvent(String sessionId, SessionEvent event) {
    store().appendEvent(sessionId, event.type().wireName(), event.data(), event.timestamp());
  }

  @Override
  public boolean delete(String sessionId) {
    return store().deleteSession(sessionId);
  }

  void close() {
    store().flush();
    store().close();
  }
}

package io.github.codexmcp.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.session.PersistenceHook;
import io.github.codexmcp.session.SessionManager;
import io.github.codexmcp.state.DiskStamp;
import io.github.codexmcp.state.DiskUpdate;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of disk persistence: the state store, recovery at startup, and shutdown flushing.
 *
 * <p>The store is opened on a thread of its own ({@link #openAsync}) so that creating the state
 * directory, taking its lock and reading recovered sessions overlap with the rest of start-up
 * instead of delaying the {@code initialize} answer.
 *
 * <p><b>Concurrency.</b> The {@link PersistenceHook} methods are called from any thread, often
 * under a session's lock, and never block: once the store is open ({@code ready}, volatile) they
 * call it directly (it only enqueues); before, they queue the call ({@code queued}, guarded by
 * {@code lock}), and the opening thread replays the queue in order before publishing {@code ready}
 * (outside {@code lock}). {@link #recoverInto} (the recovery thread), {@link #close} (shutdown) and
 * the claims and releases ({@link #claim}, {@link #release}: request threads and the work pool,
 * never under a session's lock) wait for the opening; those come after start-up's recovery, by when
 * it is done, so in practice they do not wait.
 */
final class Persistence implements PersistenceHook {
  private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
  private final CompletableFuture<StateStore> opening;
  private final Object lock = new Object();
  private final ArrayDeque<Consumer<StateStore>> queued = new ArrayDeque<>();
  private volatile StateStore ready;

  private Persistence(CompletableFuture<StateStore> opening) {
    this.opening = opening;
    opening.thenAccept(this::opened);
  }

  /** Replays the calls made while opening, then lets later calls through directly. */
  private void opened(StateStore store) {
    while (true) {
      List<Consumer<StateStore>> batch;
      synchronized (lock) {
        if (queued.isEmpty()) {
          ready = store;
          return;
        }
        batch = new ArrayList<>(queued);
        queued.clear();
      }
      batch.forEach(op -> op.accept(store));
    }
  }

  /** Runs {@code op} on the open store, or queues it until the store is open. */
  private void run(Consumer<StateStore> op) {
    StateStore s = ready;
    if (s == null) {
      synchronized (lock) {
        s = ready;
        if (s == null) {
          queued.add(op);
          return;
        }
      }
    }
    op.accept(s);
  }

  /** Persistence over a store that is being opened elsewhere (tests). */
  static Persistence over(CompletableFuture<StateStore> opening) {
    return new Persistence(opening);
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

  /** The store, waiting for it to open: for the recovery thread and shutdown only. */
  private StateStore store() {
    return opening.join();
  }

  PersistenceHook hook() {
    return this;
  }

  @Override
  public boolean enabled() {
    StateStore s = ready;
    return s != null && s.enabled();
  }

  /** The store once it is open (it always opens, possibly as the memory-only store). */
  CompletableFuture<StateStore> opened() {
    return opening;
  }

  /**
   * Prunes, recovers into the manager, re-attaches the sessions whose turn outlived their server,
   * and reaps orphans in the background. A recovered session whose status was running or
   * waiting_approval, that no live server drives (this one claimed it while recovering) and whose
   * detached app-server still runs is re-attached ({@link SessionManager#reattach}); the others get
   * the restart rule. The orphan reaper never touches a live detached app-server.
   */
  void recoverInto(SessionManager sessions, BackendFactory backends, Timer timer) {
    StateStore store = store();
    if (!store.enabled()) {
      return;
    }
    store.prune(RetentionPolicy.DEFAULT);
    List<RecoveredSession> recovered = store.recover();
    List<RecoveredSession> orphans = new ArrayList<>();
    List<RecoveredSession> reattach = new ArrayList<>();
    for (RecoveredSession r : recovered) {
      boolean mine = !store.drivenElsewhere(r.sessionId());
      boolean survives = mine && backends.survives(r.sessionId());
      if (survives && r.statusChanged() && wasActive(r.persistedStatus())) {
        reattach.add(r);
      } else {
        sessions.ingestRecovered(r);
        if (mine && !survives) {
          orphans.add(r); // another live server's children are its own business
        }
      }
    }
    new OrphanReaper(ProcessTable.system(), timer).reap(orphans);
    for (RecoveredSession r : reattach) {
      try {
        sessions.reattach(r); // adopts its backend before returning: sharing sees it driven
      } catch (RuntimeException e) {
        LOG.warn("[codex-mcp] cannot re-attach session {}: {}", r.sessionId(), e.toString());
      }
    }
    sessions.startSharing();
  }

  private static boolean wasActive(String status) {
    return "running".equals(status) || "waiting_approval".equals(status);
  }

  @Override
  public boolean claim(String sessionId) {
    return store().claim(sessionId);
  }

  @Override
  public void release(String sessionId) {
    store().release(sessionId);
  }

  @Override
  public long claimEpoch(String sessionId) {
    StateStore s = ready; // under a session's lock: never wait for the opening
    return s == null ? 0 : s.claimEpoch(sessionId);
  }

  @Override
  public boolean drivenHere(String sessionId) {
    StateStore s = ready;
    return s != null && s.holds(sessionId);
  }

  @Override
  public boolean drivenElsewhere(String sessionId) {
    StateStore s = ready;
    return s != null && s.drivenElsewhere(sessionId);
  }

  @Override
  public DiskStamp release(String sessionId, long epoch) {
    return store().release(sessionId, epoch);
  }

  @Override
  public DiskStamp stamp(String sessionId) {
    StateStore s = ready;
    return s == null ? null : s.stamp(sessionId);
  }

  @Override
  public DiskUpdate readForeign(String sessionId, DiskStamp since) {
    StateStore s = ready;
    return s == null ? null : s.readForeign(sessionId, since);
  }

  @Override
  public List<String> sessionIdsOnDisk() {
    StateStore s = ready;
    return s == null || !s.enabled() ? List.of() : s.sessionIdsOnDisk();
  }

  @Override
  public void saveMeta(String sessionId, ObjectNode meta) {
    run(s -> s.saveMeta(sessionId, meta));
  }

  @Override
  public void saveResult(String sessionId, ObjectNode result) {
    run(s -> s.saveResult(sessionId, result));
  }

  @Override
  public void savePid(String sessionId, long pid) {
    Instant at = Instant.now();
    run(s -> s.savePid(sessionId, pid, at, null));
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
    run(s -> s.appendEvent(sessionId, line));
  }

  @Override
  public void appendEvent(String sessionId, SessionEvent event) {
    run(s -> s.appendEvent(sessionId, event.type().wireName(), event.data(), event.timestamp()));
  }

  @Override
  public boolean delete(String sessionId) {
    StateStore s = ready;
    if (s != null) {
      return s.deleteSession(sessionId);
    }
    run(st -> st.deleteSession(sessionId)); // not open yet: removed once it is, not counted
    return false;
  }

  void close() {
    store().flush();
    store().close();
  }
}

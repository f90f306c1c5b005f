package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.events.EventRing;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.events.Timestamps;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The sessions this server knows: building, registering, finding, listing, evicting, and adding the
 * ones recovered from disk or written by another server. The map and the set of removed ids are
 * concurrent; each session's state is read under its own monitor. Called from any thread; blocks on
 * nothing except {@link #evict} and {@link #forget}, which carry out the session's teardown on the
 * caller's thread with no lock held (answers written to Codex, its backend destroyed or its
 * left-over app-server stopped, files deleted: call them from request threads or the work pool),
 * and {@link #require} of an id unknown in memory, which asks the {@code onMiss} lookup (volatile,
 * set once at wiring), which reads the disk: only request threads call it with such an id.
 */
final class SessionRegistry {
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  // ids this server removed (unregistered, evicted): never looked up on disk again
  private final Set<String> gone = ConcurrentHashMap.newKeySet();
  private volatile Function<String, Session> onMiss = id -> null;
  private final AtomicLong registrations = new AtomicLong();
  private final Clock clock;
  private final boolean noiseFilter;
  private final SessionEffects effects;
  private final Leftovers leftovers;

  SessionRegistry(Clock clock, boolean noiseFilter, SessionEffects effects, Leftovers leftovers) {
    this.clock = clock;
    this.noiseFilter = noiseFilter;
    this.effects = effects;
    this.leftovers = leftovers;
  }

  String now() {
    return Timestamps.now(clock);
  }

  /** A new, unregistered session whose events are mirrored to the event log. */
  Session newSession(
      String id,
      long approvalTimeoutMs,
      String profile,
      ObjectNode config,
      String created,
      SessionStatus status) {
    EventRing ring =
        new EventRing(
            clock, EventRing.DEFAULT_SOFT_LIMIT, EventRing.DEFAULT_HARD_LIMIT, noiseFilter);
    Session s =
        new Session(
            id,
            registrations.incrementAndGet(),
            clock,
            created,
            approvalTimeoutMs,
            profile,
            config,
            ring,
            status);
    ring.retainUnconsumed(EventRing.DEFAULT_BACKLOG_LIMIT);
    PersistenceHook store = effects.store();
    ring.setListener(e -> store.appendEvent(id, e));
    return s;
  }

  void register(Session s) {
    sessions.put(s.id, s);
  }

  void unregister(Session s) {
    gone.add(s.id);
    sessions.remove(s.id, s);
  }

  /** Whether this server removed {@code id} (so a copy on disk is not taken in again). */
  boolean isGone(String id) {
    return gone.contains(id);
  }

  /**
   * Where {@link #require} looks for an id unknown in memory (the state directory, written by
   * another server); it may block on disk, so {@link #require} is for request threads only.
   */
  void onMiss(Function<String, Session> lookup) {
    this.onMiss = lookup;
  }

  /** The injected clock's time (ms). */
  long millis() {
    return clock.millis();
  }

  Session find(String id) {
    return id == null ? null : sessions.get(id);
  }

  Session require(String id) {
    Session s = find(id);
    if (s == null && id != null && !gone.contains(id)) {
      s = onMiss.apply(id);
    }
    if (s == null) {
      throw SessionErrors.notFound(id);
    }
    return s;
  }

  int size() {
    return sessions.size();
  }

  List<Session> all() {
    return new ArrayList<>(sessions.values());
  }

  /** By creation time, then registration order. */
  List<Session> ordered() {
    List<Session> list = new ArrayList<>(sessions.values());
    list.sort(Comparator.comparing((Session x) -> x.createdAt).thenComparingLong(x -> x.seq));
    return list;
  }

  /**
   * Removes a session: its requests are answered, its waiters woken, its child stopped, and (when
   * asked) its files deleted. Completes with whether files were removed; false when unknown.
   */
  boolean evict(String id, boolean removeDisk, int[] diskRemoved) {
    gone.add(id);
    Session s = sessions.remove(id);
    if (s == null) {
      return false;
    }
    CodexBackend[] backend = new CodexBackend[1];
    effects.apply(s, s.detach(backend));
    if (backend[0] != null) {
      backend[0].destroy();
    } else {
      leftovers.stop(id); // a detached app-server nobody is connected to
    }
    if (removeDisk && effects.store().delete(id)) {
      diskRemoved[0]++;
    }
    return true;
  }

  /**
   * Another server removed {@code id}'s files: it leaves memory (and is not taken in again) without
   * stopping any process of it, which the remover stopped; call with no lock held.
   */
  void forget(String id) {
    gone.add(id);
    Session s = sessions.remove(id);
    if (s != null) {
      effects.apply(s, s.detach(new CodexBackend[1]));
    }
  }

  /**
   * Adds a session found on disk at startup. It has no backend: it can be listed, inspected and
   * polled, and answers {@code No client} to operations that need Codex.
   */
  void ingestRecovered(RecoveredSession r, long approvalTimeoutMs) {
    Session s = build(r, approvalTimeoutMs);
    sessions.put(s.id, s);
  }

  /**
   * Adds a session another server wrote, unless this server knows it already or removed it: the
   * session added, or null when none was.
   */
  Session ingestForeign(RecoveredSession r, long approvalTimeoutMs) {
    if (gone.contains(r.sessionId()) || sessions.containsKey(r.sessionId())) {
      return null;
    }
    Session s = build(r, approvalTimeoutMs);
    return sessions.putIfAbsent(s.id, s) == null ? s : null;
  }

  /** The session {@code r} describes; {@code approvalTimeoutMs} when its meta names none. */
  private Session build(RecoveredSession r, long approvalTimeoutMs) {
    PersistedMeta m = r.meta();
    Session s =
        newSession(
            r.sessionId(),
            m.approvalTimeoutMs() != null ? m.approvalTimeoutMs() : approvalTimeoutMs,
            m.profile(),
            null,
            m.createdAt() != null ? m.createdAt() : now(),
            parseStatus(m.status()));
    synchronized (s) {
      // Recovered sessions count as active from the restart, so they stay queryable for their TTL.
      s.restore(
          parseStatus(m.status()),
          m.threadId(),
          new Settings(
              m.cwd() == null ? null : Path.of(m.cwd()),
              m.model(),
              m.approvalPolicy(),
              m.sandbox()),
          m.cancelledAt(),
          m.cancelledReason(),
          r.result(),
          r.damage());
      s.extras.restore(
          OrchestrationJson.restored(m.usage()),
          OrchestrationJson.restored(m.worktree(), m.cwd() == null ? null : Path.of(m.cwd())));
      s.extras.description(m.description());
      List<SessionEvent> events = new ArrayList<>();
      for (ObjectNode e : r.events()) {
        EventType type = EventType.fromWireName(Json.text(e, "type"));
        if (type != null) {
          events.add(
              new SessionEvent(
                  e.path("seq").asLong(), type, e.get("data"), Json.text(e, "timestamp"), false));
        }
      }
      PersistenceHook store = effects.store();
      s.events.setListener(null);
      s.events.restore(events, r.lastSeq() + 1);
      s.events.setListener(e -> store.appendEvent(s.id, e));
    }
    return s;
  }

  static SessionStatus parseStatus(String status) {
    try {
      return SessionStatus.fromWire(status);
    } catch (RuntimeException e) {
      return SessionStatus.ERROR;
    }
  }

  // ---------------------------------------------------------------- reads

  List<SessionView> list() {
    List<SessionView> out = new ArrayList<>();
    for (Session s : ordered()) {
      synchronized (s) {
        out.add(SessionViews.view(s, false));
      }
    }
    return out;
  }

  SessionView get(String sessionId, boolean includeSensitive) {
    Session s = require(sessionId);
    synchronized (s) {
      return SessionViews.view(s, includeSensitive);
    }
  }

  int count(java.util.function.Predicate<SessionStatus> which) {
    int n = 0;
    for (Session s : sessions.values()) {
      synchronized (s) {
        if (which.test(s.status())) {
          n++;
        }
      }
    }
    return n;
  }

  /** Model of the most recently active non-cancelled session that has one, else null. */
  String observedDefaultModel() {
    String best = null;
    long bestAt = Long.MIN_VALUE;
    for (Session s : ordered()) {
      synchronized (s) {
        if (s.status() != SessionStatus.CANCELLED
            && s.settings().model() != null
            && !s.settings().model().isEmpty()
            && s.lastActiveMillis() >= bestAt) {
          best = s.settings().model();
          bestAt = s.lastActiveMillis();
        }
      }
    }
    return best;
  }
}

package io.github.codexmcp.session;

import io.github.codexmcp.state.DiskStamp;
import io.github.codexmcp.state.DiskUpdate;
import io.github.codexmcp.state.SessionIds;
import io.github.codexmcp.util.Periodic;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of the state directory that this server does not drive, kept fresh in memory off the
 * request path (list, get, poll and wait never touch the disk for a session they know). Every
 * {@link #PERIOD} a pass on the work pool takes in sessions other servers created, refreshes those
 * whose files changed since they were last read ({@link DiskStamp}: three {@code stat}s each, the
 * files are read only when they changed) and drops those another server removed. A request for an
 * id unknown in memory looks on disk once ({@link #load}). Sessions this server drives are left
 * alone; the pass hands them to {@code atRest}, which releases them once they rest.
 *
 * <p><b>Threads.</b> Passes run on the work pool, one at a time ({@code passing}), scheduled by the
 * timer; {@link #load} runs on request threads. {@code baselines} is a concurrent map whose entry
 * for a session means "not driven here, refreshed from its files": it is first put without a lock
 * when a session is taken in ({@link #load}, {@link #markForeign}); after that it is replaced or
 * removed only under the session's lock (drive, hand-back, refresh, removal), and a refresh is
 * applied under that lock only when the entry it read from is still current. {@code othersOnly} and
 * {@code misses} are concurrent sets/maps used without a lock. Disk reads happen with no lock held.
 * {@link Periodic} schedules the next pass after each.
 */
final class ForeignSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ForeignSessions.class);
  static final Duration PERIOD = Duration.ofMillis(500);

  /** Baseline of a session read at start-up while another server drove it: read it whole. */
  static final DiskStamp UNKNOWN =
      new DiskStamp(DiskStamp.FileMark.NONE, DiskStamp.FileMark.NONE, -1, -1);

  private final SessionRegistry registry;
  private final SessionEffects effects;
  private final Executor work;
  private final long approvalTimeoutMs;
  private final Map<String, DiskStamp> baselines = new ConcurrentHashMap<>();
  // taken in from another server's files and not driven here since
  private final java.util.Set<String> othersOnly = ConcurrentHashMap.newKeySet();
  // ids looked up on disk in vain, until when (ms) a lookup answers from here: a client asking for
  // a wrong id again and again does not read the disk each time (cleared when it grows large)
  private final Map<String, Long> misses = new ConcurrentHashMap<>();
  private final AtomicBoolean passing = new AtomicBoolean();
  private volatile Consumer<Session> atRest = s -> {};
  private final Periodic passes;

  ForeignSessions(
      SessionRegistry registry,
      SessionEffects effects,
      Timer timer,
      Executor work,
      long approvalTimeoutMs) {
    this.registry = registry;
    this.effects = effects;
    this.passes = new Periodic(timer, PERIOD, this::tick);
    this.work = work;
    this.approvalTimeoutMs = approvalTimeoutMs;
    registry.onMiss(this::loadUnlessMissed);
  }

  /** Told of every session this server holds on each pass (it may have come to rest). */
  void onPass(Consumer<Session> sessionsHeldHere) {
    this.atRest = sessionsHeldHere;
  }

  /** Starts the passes (they do nothing while the store is off or still opening). */
  void start() {
    passes.start();
  }

  void stop() {
    passes.stop();
  }

  private void tick() {
    if (!passing.compareAndSet(false, true)) {
      passes.schedule();
      return;
    }
    try {
      work.execute(
          () -> {
            try {
              pass();
            } catch (RuntimeException e) {
              LOG.warn("[codex-mcp] refreshing sessions from disk failed: {}", e.toString());
            } finally {
              passing.set(false);
              passes.schedule();
            }
          });
    } catch (RuntimeException e) { // the pool is shut down
      passing.set(false);
    }
  }

  /** One pass (also called directly by tests). Blocks on disk; no lock held across it. */
  void pass() {
    PersistenceHook store = effects.store();
    if (!store.enabled()) {
      return;
    }
    for (String id : store.sessionIdsOnDisk()) {
      if (registry.find(id) == null && !registry.isGone(id)) {
        load(id);
      }
    }
    for (Session s : registry.all()) {
      DiskStamp base = baselines.get(s.id);
      if (base == null || store.drivenHere(s.id)) {
        // driven here, or held here after a write of its own (a cleanup warning): its files are
        // this server's writes, not news; handed back once it rests, with a fresh baseline
        atRest.accept(s);
      } else {
        refresh(s, base);
      }
    }
  }

  /** {@link #load}, but an id looked up in vain is not looked up again for one {@link #PERIOD}. */
  private Session loadUnlessMissed(String id) {
    long now = registry.millis();
    Long until = id == null ? null : misses.get(id);
    if (until != null && now < until) {
      return null;
    }
    Session s = load(id);
    if (s != null || id == null) {
      misses.remove(String.valueOf(id));
      return s;
    }
    if (misses.size() >= 1024) {
      misses.clear();
    }
    misses.put(id, now + PERIOD.toMillis());
    return null;
  }

  /** A session unknown in memory, looked up on disk (another server's); null when none. */
  Session load(String id) {
    if (!SessionIds.isValid(id) || registry.isGone(id) || !effects.store().enabled()) {
      return null;
    }
    DiskUpdate u = effects.store().readForeign(id, null);
    if (u == null) {
      return null;
    }
    Session added = registry.ingestForeign(u.asRecovered(), approvalTimeoutMs);
    if (added != null) {
      othersOnly.add(id);
      baselines.put(id, u.stamp());
      LOG.debug("[codex-mcp] session {} of another server taken in", id);
      return added;
    }
    return registry.find(id);
  }

  /** A session ingested at start-up while another server drove it: refreshed from then on. */
  void markForeign(String id) {
    othersOnly.add(id);
    baselines.putIfAbsent(id, UNKNOWN);
  }

  /**
   * Whether {@code id} came from another live server's files and was never driven here: its Codex
   * process, if one is left, is that server's business (not stopped when this server exits).
   */
  boolean neverDrivenHere(String id) {
    return othersOnly.contains(id);
  }

  /** Whether {@code s} is one this server does not drive (refreshed from disk). */
  boolean isForeign(Session s) {
    return baselines.containsKey(s.id);
  }

  /**
   * This server is about to drive {@code s}: refreshing stops; the baseline it had is returned
   * (null: driven here already) for {@link #catchUp}. The caller holds {@code s}'s lock.
   */
  DiskStamp driving(Session s) {
    othersOnly.remove(s.id);
    return baselines.remove(s.id);
  }

  /** {@code s} is not driven here (after all) with these files: refreshing goes on. */
  void notDriving(Session s, DiskStamp base) {
    if (base != null) {
      synchronized (s) {
        baselines.putIfAbsent(s.id, base);
      }
    }
  }

  /**
   * {@code s} was handed back with its files as {@code stamp}: from now on what changes there is
   * another server's work. The caller holds {@code s}'s lock and saw no backend and no driver.
   */
  void released(Session s, DiskStamp stamp) {
    if (stamp != null) {
      baselines.put(s.id, stamp);
    }
  }

  /**
   * After this server claimed {@code s}: takes in what another server wrote since {@code base} (the
   * baseline {@link #driving} returned; null: nothing to do). Blocks on disk; no lock held.
   */
  void catchUp(Session s, DiskStamp base) {
    if (base == null) {
      return;
    }
    DiskUpdate u = read(s, base);
    if (u == null) {
      return;
    }
    Effects fx;
    synchronized (s) {
      if (s.backend() != null) {
        return;
      }
      DiskRefresh.apply(s, u);
      fx = s.effects(new Effects.Builder().wake());
    }
    effects.apply(s, fx);
  }

  private void refresh(Session s, DiskStamp base) {
    DiskStamp now = effects.store().stamp(s.id);
    if (now == DiskStamp.UNREADABLE) {
      return; // an I/O error is no removal: looked at again next pass
    }
    if (now == null) {
      if (base != UNKNOWN) {
        gone(s);
      }
      return;
    }
    if (base != UNKNOWN && base.sameFiles(now)) {
      return;
    }
    DiskUpdate u = effects.store().readForeign(s.id, base == UNKNOWN ? null : base);
    if (u == null) {
      return;
    }
    Effects fx;
    synchronized (s) {
      if (s.backend() != null || baselines.get(s.id) != base) {
        return; // driven here now, or refreshed meanwhile
      }
      DiskRefresh.apply(s, u);
      baselines.put(s.id, u.stamp());
      fx = s.effects(new Effects.Builder().wake());
    }
    effects.apply(s, fx);
  }

  /** What changed after {@code base}; null when nothing did or nothing is readable. */
  private DiskUpdate read(Session s, DiskStamp base) {
    PersistenceHook store = effects.store();
    if (base != UNKNOWN && base.sameFiles(store.stamp(s.id))) {
      return null;
    }
    return store.readForeign(s.id, base == UNKNOWN ? null : base);
  }

  /**
   * Another server removed the session's files ({@code meta.json} is missing): it goes here too
   * (waits on it end); its Codex process, if any, is the remover's business, not stopped here.
   */
  private void gone(Session s) {
    synchronized (s) {
      if (s.backend() != null || !baselines.containsKey(s.id)) {
        return;
      }
      baselines.remove(s.id);
    }
    LOG.debug("[codex-mcp] session {} was removed by another server", s.id);
    registry.forget(s.id);
  }
}

package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link StateStore} writing JSON files under {@code <stateDir>/sessions/<id>/} (spec 40 §2):
 * atomic temp-file-then-move documents, an append-only {@code events.jsonl}, owner-only permissions
 * where the file system supports POSIX permissions.
 *
 * <p><b>Several servers, one directory.</b> A session's files are written only by the server
 * holding its {@link SessionOwnership} lock: {@link #claim} (or, for a new session, the writer
 * before its first write) takes it; writes to a session not held here are dropped (logged once).
 * {@link #recover} claims the sessions nobody holds and returns the others as they are on disk;
 * {@link #prune} and {@link #deleteSession} leave other servers' sessions alone; {@link #release}
 * hands a session back once its turn is over.
 *
 * <p>Obtain one with {@link #open}. <b>Threads.</b> Producers ({@code save*}, {@code appendEvent})
 * run on any thread, often under a session's lock: they fill per-session {@link PendingSession}
 * slots and never touch the disk nor wait for {@code ioLock} ({@code savePid} reads the process
 * table). The daemon thread {@code codex-mcp-state} drains all dirty slots at most 100 ms after the
 * first change (at once for critical events). {@code ioLock} serialises all disk I/O (that thread,
 * {@link #flush}, {@link #deleteSession}, {@link #recover}, {@link #prune}, claims, {@link
 * #release}) and covers the drain, so files are written in the order their changes were queued; it
 * is held across disk I/O by design, by threads that hold no session lock.
 */
public final class JsonFileStateStore implements StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(JsonFileStateStore.class);
  private static final Set<String> CRITICAL_TYPES =
      Set.of("approval_request", "approval_result", "result", "error");

  private final Path stateDir;
  private final Path sessionsDir;
  private final StateFiles files;
  private final SessionOwnership owners;
  private final ProcessTable processes;
  private final Clock clock;
  private final FailureLog failures = new FailureLog(LOG);
  private final WriteHealth health = new WriteHealth();
  private final SessionSlots slots = new SessionSlots();
  private final ConcurrentHashMap<String, PendingSession> sessions = slots.map;
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final ReentrantLock ioLock = new ReentrantLock();
  private final DirtySessions dirty = new DirtySessions();
  private final BatchWriter batches;
  private volatile boolean closed;
  private final Thread writer;

  JsonFileStateStore(
      Path stateDir,
      StateFiles files,
      SessionOwnership owners,
      ProcessTable processes,
      Clock clock) {
    this.stateDir = stateDir;
    this.clock = clock;
    this.sessionsDir = stateDir.resolve("sessions");
    this.files = files;
    this.batches = new BatchWriter(files, failures);
    this.owners = owners;
    this.processes = processes;
    this.writer = Threads.startDaemon("codex-mcp-state", this::runWriter);
  }

  /** {@link #open(Path, Clock, ProcessTable)} with the real process table. */
  public static StateStore open(Path dir, Clock clock) {
    return open(dir, clock, ProcessTable.system());
  }

  /**
   * Creates {@code <dir>/sessions} (0700) and checks that it is writable. Never throws: on failure
   * logs a warning and returns a {@link NoopStateStore} saying why. Blocks on disk; at startup.
   */
  public static StateStore open(Path dir, Clock clock, ProcessTable processes) {
    return StoreOpening.open(dir, clock, processes);
  }

  /** Tests only: batches non-critical changes for {@code nanos} instead of the usual window. */
  void batchWindowForTests(long nanos) {
    dirty.window(nanos);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public PersistenceHealth health() {
    return health.current();
  }

  @Override
  public void onHealthChange(Consumer<PersistenceHealth> listener) {
    health.setListener(listener);
  }

  @Override
  public String disabledReason() {
    return null;
  }

  @Override
  public Path stateDir() {
    return stateDir;
  }

  @Override
  public void saveMeta(String sessionId, ObjectNode meta) {
    PendingSession s = slot(sessionId, "meta");
    if (s == null) {
      return;
    }
    // only the fields meta.json holds (spec 40 §4.1): the session's view also carries its
    // advanced.config, approval timeout and cursors, which are never written to disk
    ObjectNode named = Json.object().setAll(meta);
    named.put("sessionId", sessionId);
    PersistedMeta persisted = PersistedMeta.fromJson(named);
    if (persisted == null) {
      return;
    }
    // a new session's first meta goes out at once (its child is starting): a crash is recoverable
    boolean first = s.firstMeta();
    if (s.putMeta(persisted.toJson()) || first) {
      dirty.mark(sessionId, first);
    }
  }

  @Override
  public void savePid(String sessionId, long pid, Instant spawnedAt, String model) {
    PendingSession s = slot(sessionId, "pid");
    if (s == null) {
      return;
    }
    ProcessTable.ProcessInfo info = SessionIds.lookupQuietly(processes, pid);
    Instant start = info == null ? null : info.startInstant();
    PidRecord rec =
        new PidRecord(
            pid,
            (spawnedAt == null ? clock.instant() : spawnedAt).toString(),
            model,
            start == null ? null : start.toString(),
            info == null ? null : info.command());
    // at once: a crash before it reaches the disk would leave a child the next start cannot reap
    s.putPid(BatchWriter.pretty(rec.toJson()));
    dirty.mark(sessionId, true);
  }

  @Override
  public void clearPid(String sessionId) {
    PendingSession s = slot(sessionId, "pid");
    if (s != null && s.putPid(null)) {
      dirty.mark(sessionId, false);
    }
  }

  @Override
  public void saveResult(String sessionId, ObjectNode result) {
    PendingSession s = slot(sessionId, "result");
    if (s != null && s.putResult(result)) {
      dirty.mark(sessionId, false);
    }
  }

  @Override
  public void appendEvent(String sessionId, ObjectNode eventJson) {
    PendingSession s = slot(sessionId, "events");
    if (s == null) {
      return;
    }
    boolean critical = CRITICAL_TYPES.contains(Json.text(eventJson, "type"));
    if (s.appendEvent(eventJson) || critical) {
      dirty.mark(sessionId, critical);
    }
  }

  @Override
  public void appendEvent(String sessionId, String type, JsonNode data, String timestamp) {
    PendingSession s = slot(sessionId, "events");
    if (s == null) {
      return;
    }
    boolean critical = CRITICAL_TYPES.contains(type);
    if (s.appendEvent(type, data, timestamp) || critical) {
      dirty.mark(sessionId, critical);
    }
  }

  /** A valid id's slot, or null (logged once): a map lookup, no I/O; see {@link SessionSlots}. */
  private PendingSession slot(String sessionId, String op) {
    if (closed || sessionId == null || deleted.contains(sessionId)) {
      return null;
    }
    PendingSession known = sessions.get(sessionId);
    if (known != null) { // its id was checked when the slot was made (every event passes here)
      return known;
    }
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (dir == null) {
      failures.once("invalid-id", "[state] Ignoring " + op + " write for invalid session id");
      return null;
    }
    PendingSession made = slots.ofNewSession(sessionId, dir);
    if (made == null) {
      failures.once("unclaimed-" + sessionId, "[state] Not writing " + sessionId + ": not held");
    }
    return made;
  }

  /** Claims the session for this store; true unless another live server holds it. */
  private boolean mayWrite(String sessionId) {
    SessionOwnership.Claim c = owners.tryAcquire(sessionId);
    if (c == SessionOwnership.Claim.UNAVAILABLE) {
      failures.once("owners", "[state] Session ownership unavailable: writing without it");
    }
    return c != SessionOwnership.Claim.HELD_ELSEWHERE;
  }

  /** Claims a new session's slot before its first write (writer thread, under the I/O lock). */
  private boolean claimedForWrite(String id, PendingSession s) {
    if (!slots.needsClaim(id)) {
      return true;
    }
    boolean ok = mayWrite(id);
    slots.claimed(id, ok ? s : null);
    if (ok) {
      return true;
    }
    sessions.remove(id, s);
    failures.once(
        "foreign-" + id, "[state] Session " + id + " is driven by another server: not writing it");
    return false;
  }

  private void runWriter() {
    try {
      while (dirty.awaitBatch()) {
        boolean ok = false;
        try {
          ok = flushPending();
        } catch (RuntimeException e) {
          LOG.warn("[state] writer pass failed: {}", e.toString());
        }
        dirty.afterPass(ok); // what failed is queued again: wait before the retry
      }
    } catch (InterruptedException e) {
      // exit; close() performs the final flush
    }
  }

  @Override
  public void flush() {
    flushPending();
  }

  /** Writes what is queued; a session whose writes failed is dirty again (retried). */
  private boolean flushPending() {
    boolean ok = true;
    ioLock.lock();
    try {
      for (String id : dirty.take()) {
        PendingSession s = sessions.get(id);
        if (s != null && claimedForWrite(id, s) && !batches.flush(s, health)) {
          ok = false;
          dirty.mark(id, false);
        }
      }
    } finally {
      ioLock.unlock();
    }
    return ok;
  }

  @Override
  public boolean deleteSession(String sessionId) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (dir == null || closed) {
      return false;
    }
    if (owners.tryAcquire(sessionId) == SessionOwnership.Claim.HELD_ELSEWHERE) {
      LOG.info("[state] Not removing {}: another server drives it", sessionId);
      return false;
    }
    ioLock.lock();
    try {
      deleted.add(sessionId);
      boolean hadQueuedState = sessions.remove(sessionId) != null;
      dirty.remove(sessionId);
      return StateFiles.deleteRecursively(dir) || hadQueuedState;
    } catch (IOException | RuntimeException e) {
      LOG.warn("[state] Failed to remove {}: {}", dir, BatchWriter.describe(e));
      return false;
    } finally {
      owners.release(sessionId, true);
      ioLock.unlock();
    }
  }

  @Override
  public List<RecoveredSession> recover() {
    if (closed) {
      return List.of();
    }
    List<RecoveredSession> found;
    ioLock.lock();
    try {
      found =
          new SessionRecovery(files)
              .scan(
                  sessionsDir,
                  id -> owners.tryAcquire(id) != SessionOwnership.Claim.HELD_ELSEWHERE);
    } finally {
      ioLock.unlock();
    }
    for (RecoveredSession r : found) {
      slots.seen(r.sessionId());
      boolean mine = owners.holds(r.sessionId()); // else another server's: read-only here
      PendingSession s = mine ? claimSlot(r.sessionId(), sessionsDir.resolve(r.sessionId())) : null;
      if (s == null) {
        continue;
      }
      s.continueAt(r.lastSeq() + 1);
      if (r.statusChanged() && !r.metaRebuilt()) { // a rebuilt meta stays as found
        saveMeta(r.meta());
      }
    }
    if (!found.isEmpty()) {
      LOG.info("[codex-mcp] Recovered {} session(s) from disk", found.size());
    }
    return found;
  }

  @Override
  public int prune(RetentionPolicy policy) {
    if (closed) {
      return 0;
    }
    List<String> removed;
    ioLock.lock();
    try {
      removed =
          Retention.prune(sessionsDir, policy, clock.millis(), id -> !owners.heldElsewhere(id));
      removed.forEach(sessions::remove);
    } finally {
      ioLock.unlock();
    }
    if (!removed.isEmpty()) {
      LOG.info("[codex-mcp] Pruned {} old session(s)", removed.size());
    }
    return removed.size();
  }

  @Override
  public void close() {
    if (!dirty.close()) {
      return;
    }
    closed = true;
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flushPending();
    owners.close();
  }

  @Override
  public boolean drivenElsewhere(String sessionId) {
    return !closed && SessionIds.isValid(sessionId) && owners.heldElsewhere(sessionId);
  }

  @Override
  public boolean claim(String sessionId) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (closed || dir == null) {
      return false;
    }
    slots.seen(sessionId);
    return claimSlot(sessionId, dir) != null;
  }

  /** Claims the session and makes its slot (disk I/O: never under a session's lock); or null. */
  private PendingSession claimSlot(String sessionId, Path dir) {
    if (!mayWrite(sessionId)) {
      return null;
    }
    ioLock.lock(); // not between a hand-back's removal of the slot and its release
    try {
      PendingSession s = sessions.computeIfAbsent(sessionId, id -> SessionSlots.newSlot(id, dir));
      slots.claimed(sessionId, s);
      return s;
    } finally {
      ioLock.unlock();
    }
  }

  @Override
  public long claimEpoch(String sessionId) {
    return owners.epoch(sessionId);
  }

  @Override
  public DiskStamp release(String sessionId, long epoch) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (closed || dir == null || !owners.holds(sessionId)) {
      return null;
    }
    ioLock.lock();
    try {
      if (owners.epoch(sessionId) != epoch) {
        return null; // claimed again since: still driven here
      }
      // the slot goes first: a write from now on is dropped (logged) instead of landing in a slot
      // nobody drains; the second drain takes a write that found the slot just before it went
      PendingSession s = sessions.remove(sessionId);
      slots.seen(sessionId);
      if (s != null) {
        dirty.remove(sessionId);
        batches.write(s, s.drain());
        batches.write(s, s.drain());
      }
      // taken while still held, so that whatever changes after this is another server's work
      DiskStamp stamp = DiskStamp.of(dir, 0);
      boolean readable = stamp != null && stamp != DiskStamp.UNREADABLE;
      if (!owners.releaseIf(sessionId, epoch, readable ? stamp.meta() : null)) {
        if (s != null && sessions.putIfAbsent(sessionId, s) == null) {
          dirty.mark(sessionId, false); // claimed again meanwhile: the slot stays
        }
        return null;
      }
      return readable ? stamp.withEventsEnd(stamp.eventsSize()) : null;
    } finally {
      ioLock.unlock();
    }
  }

  @Override
  public boolean holds(String sessionId) {
    return owners.holds(sessionId);
  }

  @Override
  public DiskStamp stamp(String sessionId) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    return dir == null || closed ? null : DiskStamp.of(dir, 0);
  }

  @Override
  public DiskUpdate readForeign(String sessionId, DiskStamp since) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (dir == null || closed) {
      return null;
    }
    slots.seen(sessionId);
    return ForeignReads.read(dir, since);
  }

  @Override
  public Optional<RecoveredSession> read(String sessionId) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (dir == null || closed || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    slots.seen(sessionId);
    return Optional.ofNullable(new SessionRecovery(files).recoverOne(dir, false));
  }

  @Override
  public List<String> sessionIdsOnDisk() {
    return SessionIds.listIn(sessionsDir);
  }

  /** The session ownership locks (tests). */
  SessionOwnership owners() {
    return owners;
  }

  /** The writer thread (tests measure its CPU time). */
  Thread writerThread() {
    return writer;
  }
}

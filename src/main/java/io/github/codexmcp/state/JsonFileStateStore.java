package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Threads;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p><b>Several servers, one directory.</b> Any number of servers may open the same directory. A
 * session's files are written only by the server holding its {@link SessionOwnership} lock: the
 * first write of a session claims it (a new session, or one whose server is gone); writes to a
 * session another live server holds are dropped (logged once), so nothing is written twice or
 * clobbered. {@link #recover} claims the sessions nobody holds and returns the others as they are
 * on disk (no restart rule: their server is alive); {@link #prune} and {@link #deleteSession} leave
 * other servers' sessions alone; {@link #release} hands a session back once its turn is over.
 *
 * <p>Obtain one with {@link #open}. Producers fill per-session {@link PendingSession} slots; the
 * daemon thread {@code codex-mcp-state} drains all dirty slots at most 100 ms after the first
 * change (at once for critical events). All disk writes, whether by that thread, {@link #flush},
 * {@link #deleteSession}, {@link #recover} or {@link #prune}, happen under one I/O lock that also
 * covers the drain, so files are written in the order their changes were queued.
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
  private final ConcurrentHashMap<String, PendingSession> sessions = new ConcurrentHashMap<>();
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
   * Creates {@code <dir>/sessions} (0700) and checks that the directory is writable. Never throws:
   * on any failure logs a warning and returns a {@link NoopStateStore} whose {@link
   * StateStore#disabledReason()} explains why. Blocks on disk; call at startup.
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
    // a new session's first meta goes out at once (while its child is still starting up, the
    // cheapest moment), so that a crash soon after leaves a session the next start recovers
    boolean first = s.firstMeta();
    if (s.putMeta(persisted.toJson()) || first) {
      markDirty(sessionId, first);
    }
  }

  @Override
  public void savePid(String sessionId, long pid, Instant spawnedAt, String model) {
    PendingSession s = slot(sessionId, "pid");
    if (s == null) {
      return;
    }
    ProcessTable.ProcessInfo info = lookupQuietly(pid);
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
    markDirty(sessionId, true);
  }

  private ProcessTable.ProcessInfo lookupQuietly(long pid) {
    try {
      return processes.lookup(pid).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void clearPid(String sessionId) {
    PendingSession s = slot(sessionId, "pid");
    if (s != null && s.putPid(null)) {
      markDirty(sessionId, false);
    }
  }

  @Override
  public void saveResult(String sessionId, ObjectNode result) {
    PendingSession s = slot(sessionId, "result");
    if (s != null && s.putResult(result)) {
      markDirty(sessionId, false);
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
      markDirty(sessionId, critical);
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
      markDirty(sessionId, critical);
    }
  }

  /** The pending slot of a valid, live session id, or null (logged once) when writes are void. */
  private PendingSession slot(String sessionId, String op) {
    if (closed || deleted.contains(String.valueOf(sessionId))) {
      return null;
    }
    PendingSession known = sessionId == null ? null : sessions.get(sessionId);
    if (known != null) { // its id was checked when the slot was made (every event passes here)
      return known;
    }
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (dir == null) {
      failures.once("invalid-id", "[state] Ignoring " + op + " write for invalid session id");
      return null;
    }
    if (!mayWrite(sessionId)) {
      failures.once(
          "foreign-" + sessionId,
          "[state] Session " + sessionId + " is driven by another server: not writing it here");
      return null;
    }
    return sessions.computeIfAbsent(sessionId, id -> newSlot(id, dir));
  }

  /** Claims the session for this store; true unless another live server holds it. */
  private boolean mayWrite(String sessionId) {
    SessionOwnership.Claim c = owners.tryAcquire(sessionId);
    if (c == SessionOwnership.Claim.UNAVAILABLE) {
      failures.once("owners", "[state] Session ownership unavailable: writing without it");
    }
    return c != SessionOwnership.Claim.HELD_ELSEWHERE;
  }

  /** A slot whose event log continues after what is already on disk (another server's writes). */
  private PendingSession newSlot(String sessionId, Path dir) {
    PendingSession s = new PendingSession(sessionId, dir);
    Path log = dir.resolve("events.jsonl");
    if (Files.exists(log)) {
      try {
        s.continueAt(EventLogTail.read(log, 1).lastSeq() + 1);
      } catch (IOException | RuntimeException e) {
        LOG.warn("[state] Cannot read the event log of {}: {}", sessionId, e.toString());
      }
    }
    return s;
  }

  private void markDirty(String sessionId, boolean critical) {
    dirty.mark(sessionId, critical);
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
        if (s != null && !batches.flush(s, health)) {
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
      if (!owners.holds(r.sessionId())) {
        continue; // another server's: read-only here
      }
      PendingSession s = slot(r.sessionId(), "recover");
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
    return !closed && SessionIds.isValid(sessionId) && mayWrite(sessionId);
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
      PendingSession s = sessions.get(sessionId);
      if (s != null) {
        dirty.remove(sessionId);
        batches.write(s, s.drain());
      }
      // taken while still held, so that whatever changes after this is another server's work
      DiskStamp stamp = DiskStamp.of(dir, 0);
      if (!owners.releaseIf(sessionId, epoch)) {
        if (s != null) {
          dirty.mark(sessionId, false); // nothing lost: written above, the slot stays
        }
        return null;
      }
      sessions.remove(sessionId, s);
      return stamp == null ? null : stamp.withEventsEnd(stamp.eventsSize());
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
    return dir == null || closed ? null : ForeignReads.read(dir, since);
  }

  @Override
  public Optional<RecoveredSession> read(String sessionId) {
    Path dir = SessionIds.resolve(sessionsDir, sessionId);
    if (dir == null || closed || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return Optional.ofNullable(new SessionRecovery(files).recoverOne(dir, false));
  }

  @Override
  public List<String> sessionIdsOnDisk() {
    List<String> ids = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(sessionsDir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (SessionIds.isValid(name)) {
          ids.add(name);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("[state] Cannot list {}: {}", sessionsDir, e.toString());
    }
    ids.sort(null);
    return ids;
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

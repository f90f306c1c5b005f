package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Disk mirror of session state (spec 40): the seam the session manager writes through.
 *
 * <p><b>Threading.</b> Every method is thread-safe. The {@code save*}, {@link #clearPid} and {@link
 * #appendEvent} methods never write the disk ({@code savePid} reads the process table for the
 * child's start time): they serialize the document on the calling thread (so the caller may reuse
 * or mutate its node afterwards), queue it and return in microseconds. A single daemon writer
 * thread ({@code codex-mcp-state}) writes the latest queued document per (session, file) within
 * about 100 ms; critical events ({@code approval_request}, {@code approval_result}, {@code result},
 * {@code error}) wake it at once. {@link #deleteSession}, {@link #flush}, {@link #recover}, {@link
 * #prune} and {@link #close} block on disk I/O: call them from startup, shutdown or the work pool,
 * never from a stdio reader thread.
 *
 * <p><b>Errors.</b> Persistence is best-effort: no method throws for I/O problems or for a session
 * id that fails {@link SessionIds#isValid} (such calls are logged to stderr once and ignored).
 * Calls after {@link #close} are ignored.
 */
public interface StateStore extends AutoCloseable {

  /** Whether state is mirrored to disk; false for the memory-only store. */
  boolean enabled();

  /** Why persistence is off (shown by {@code codex_setup} and on stderr); null when enabled. */
  String disabledReason();

  /** On, degraded (its latest writes failed) or off, and why. */
  default PersistenceHealth health() {
    return enabled() ? PersistenceHealth.ON : PersistenceHealth.off(disabledReason());
  }

  /**
   * Registers the one listener told when writes start or stop failing. It runs on the store's
   * writer thread with the store's I/O lock held: it must only hand the news on.
   */
  default void onHealthChange(Consumer<PersistenceHealth> listener) {}

  /** The configured state directory (also when disabled). */
  Path stateDir();

  /**
   * Queues {@code meta.json}. {@code schemaVersion: 1} and {@code sessionId} are stamped by the
   * store; an identical document to the last one queued for the session is dropped. See {@link
   * PersistedMeta} for the fields the session layer provides.
   */
  void saveMeta(String sessionId, ObjectNode meta);

  /** Typed form of {@link #saveMeta(String, ObjectNode)}. */
  default void saveMeta(PersistedMeta meta) {
    saveMeta(meta.sessionId(), meta.toJson());
  }

  /**
   * Queues {@code pid.json} for the session's current child. The store captures the OS start time
   * and executable of {@code pid} right away (a {@code /proc} read, no disk write) for the orphan
   * reaper's identity check.
   *
   * @param spawnedAt when the child was spawned (our clock)
   * @param model the session model, or null
   */
  void savePid(String sessionId, long pid, Instant spawnedAt, String model);

  /** Queues removal of {@code pid.json} (call after the child has exited). */
  void clearPid(String sessionId);

  /** Queues {@code result.json} = the session's {@code lastResult}. */
  void saveResult(String sessionId, ObjectNode result);

  /**
   * Queues one line of {@code events.jsonl}. {@code eventJson} holds {@code type}, {@code data} and
   * {@code timestamp}; the store puts {@code seq} first, taking it from {@code eventJson} when it
   * has an integral {@code seq}, else assigning the session's next number (0, 1, …; after recovery
   * {@code lastSeq + 1}).
   */
  void appendEvent(String sessionId, ObjectNode eventJson);

  /**
   * As {@link #appendEvent(String, ObjectNode)} of {@code {type, data, timestamp}}, from the parts
   * (every streamed delta passes here).
   */
  default void appendEvent(String sessionId, String type, JsonNode data, String timestamp) {
    ObjectNode line = Json.object();
    line.put("type", type);
    line.set("data", data);
    line.put("timestamp", timestamp);
    appendEvent(sessionId, line);
  }

  /**
   * Drops everything queued for the session and removes its directory. Later writes for this id are
   * ignored. Blocks on disk.
   *
   * @return whether the session had state in this store (a directory, or writes still queued) that
   *     is now gone; false for unknown or invalid ids and on failure
   */
  boolean deleteSession(String sessionId);

  /** Writes everything queued, on the calling thread, and returns when done. */
  void flush();

  /**
   * Startup scan (spec 40 §6): returns the sessions found on disk with the restart rule applied
   * (see {@link RecoveredSession}), queues the rewritten {@code meta.json} of sessions that were
   * active, and continues each event log at {@code lastSeq + 1}. Call once, after {@link #prune}.
   */
  List<RecoveredSession> recover();

  /**
   * Startup retention (spec 40 §9); call before {@link #recover}, never while sessions are live.
   *
   * @return number of session directories removed
   */
  int prune(RetentionPolicy policy);

  /** Flushes, stops the writer and releases the directory lock. Idempotent. */
  @Override
  void close();

  /**
   * Whether another live server drives {@code sessionId} (holds its ownership lock): this store
   * does not write it, and its files on disk are that server's current view.
   */
  default boolean drivenElsewhere(String sessionId) {
    return false;
  }

  /**
   * Takes {@code sessionId} over for this server (a no-op when it already holds it); false when
   * another live server drives it. Re-read the session ({@link #read}) after taking it over.
   */
  default boolean claim(String sessionId) {
    return true;
  }

  /**
   * Writes what is queued for {@code sessionId} and hands it back, so another server may take it
   * over; a later write here claims it again if nobody else did.
   */
  default void release(String sessionId) {
    release(sessionId, claimEpoch(sessionId));
  }

  /**
   * How often {@code sessionId} was claimed here (explicitly or by a first write): read it when
   * deciding to {@link #release(String, long)}; in memory, never blocks.
   */
  default long claimEpoch(String sessionId) {
    return 0;
  }

  /**
   * As {@link #release(String)}, unless the session was claimed here again since {@code epoch}
   * ({@link #claimEpoch}) was read (then it is still being driven and stays held). Only for a
   * session at rest: no turn runs in its Codex process (the keeper in this JVM takes the hand-back
   * as that process's answer, {@link SessionOwnership#takeRestedHere}). Blocks on disk.
   *
   * @return the session's files as they were when handed back (the baseline for telling another
   *     server's changes), or null when not released (not held, claimed since, unreadable)
   */
  default DiskStamp release(String sessionId, long epoch) {
    return null;
  }

  /** Whether this server holds the session's ownership lock (in memory, never blocks). */
  default boolean holds(String sessionId) {
    return false;
  }

  /** The session's files now (three {@code stat}s, no read); null when it has none. */
  default DiskStamp stamp(String sessionId) {
    return null;
  }

  /**
   * Reads a session another server may be writing, changing nothing: whole with {@code since} null,
   * else what changed after that stamp. Null when it has no readable state. Blocks on disk.
   */
  default DiskUpdate readForeign(String sessionId, DiskStamp since) {
    return null;
  }

  /** The session as it is on disk now (no restart rule applied), if readable. */
  default Optional<RecoveredSession> read(String sessionId) {
    return Optional.empty();
  }

  /** Ids of every session directory on disk, whichever server wrote it. */
  default List<String> sessionIdsOnDisk() {
    return List.of();
  }
}

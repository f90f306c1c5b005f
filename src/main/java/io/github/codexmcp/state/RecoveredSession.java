package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One session found on disk at startup (spec 40 §6), with the restart rule already applied to
 * {@link #meta()}.
 *
 * <p><b>Where the "was active → error" rule lives:</b> in {@link #statusAfterRestart} and {@link
 * #applyRestartRule}, called by {@link StateStore#recover()}. The store also queues the rewritten
 * {@code meta.json} for sessions whose status changed, so the session manager must neither re-apply
 * the rule nor persist it again (doing so is harmless: saves of an identical document are dropped).
 * The events are the JSON objects of the log lines ({@code seq}, {@code type}, {@code data}, {@code
 * timestamp}), ascending by seq; the caller owns them.
 *
 * @param meta stored metadata after the restart rule (status {@code error} and reason {@link
 *     #RESTART_REASON} for sessions that were active)
 * @param persistedStatus the status as found on disk
 * @param events at most the last 500 events, ascending {@code seq}
 * @param lastSeq highest {@code seq} in the log, or -1; the log continues at {@code lastSeq + 1}
 * @param result content of {@code result.json}, or null
 * @param pid content of {@code pid.json}, or null
 * @param sessionDir the session's directory
 * @param damage what was damaged on disk and how it was repaired or what is lost, one sentence each
 *     (empty for a whole session); shown with the session
 * @param metaRebuilt whether {@code meta.json} was unreadable and {@link #meta()} was rebuilt from
 *     the event log (the damaged file is then left as it is, never overwritten with a guess)
 */
public record RecoveredSession(
    String sessionId,
    PersistedMeta meta,
    String persistedStatus,
    List<ObjectNode> events,
    long lastSeq,
    ObjectNode result,
    PidRecord pid,
    Path sessionDir,
    List<String> damage,
    boolean metaRebuilt) {

  /** {@code cancelledReason} given to sessions that were running when the server stopped. */
  public static final String RESTART_REASON = "Server restarted while session was active";

  /** Number of log events kept per session. */
  public static final int MAX_EVENTS = 500;

  public RecoveredSession {
    events = List.copyOf(events);
    damage = damage == null ? List.of() : List.copyOf(damage);
  }

  /** A session recovered whole (nothing damaged). */
  public RecoveredSession(
      String sessionId,
      PersistedMeta meta,
      String persistedStatus,
      List<ObjectNode> events,
      long lastSeq,
      ObjectNode result,
      PidRecord pid,
      Path sessionDir) {
    this(
        sessionId,
        meta,
        persistedStatus,
        events,
        lastSeq,
        result,
        pid,
        sessionDir,
        List.of(),
        false);
  }

  /**
   * This session with its status as found on disk, before the restart rule: for a session whose
   * Codex process outlived its server and is re-attached (its turn goes on).
   */
  public RecoveredSession asFound() {
    if (!statusChanged()) {
      return this;
    }
    return new RecoveredSession(
        sessionId,
        meta.reactivated(persistedStatus),
        persistedStatus,
        events,
        lastSeq,
        result,
        pid,
        sessionDir,
        damage,
        metaRebuilt);
  }

  /** Whether the restart rule changed the status (then {@code meta.json} was queued again). */
  public boolean statusChanged() {
    return !meta.status().equals(persistedStatus);
  }

  /**
   * Status after a restart: {@code running}/{@code waiting_approval} → {@code error}; {@code idle},
   * {@code error}, {@code cancelled} kept; anything else → {@code error}.
   */
  public static String statusAfterRestart(String persisted) {
    switch (persisted) {
      case "idle":
      case "error":
      case "cancelled":
        return persisted;
      default:
        return "error";
    }
  }

  /** {@code stored} with the restart rule applied; active sessions get {@link #RESTART_REASON}. */
  public static PersistedMeta applyRestartRule(PersistedMeta stored) {
    String s = stored.status();
    String after = statusAfterRestart(s);
    if (after.equals(s)) {
      return stored;
    }
    boolean wasActive = s.equals("running") || s.equals("waiting_approval");
    return stored.withStatus(after, wasActive ? RESTART_REASON : null);
  }
}

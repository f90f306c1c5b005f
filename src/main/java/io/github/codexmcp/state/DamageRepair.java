package io.github.codexmcp.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Recovery of a session whose documents are damaged or behind its event log: rebuilds {@code
 * meta.json} and {@code result.json} from {@code events.jsonl} (see {@link LogEvidence}) and says,
 * for each repair, what was rebuilt and what is lost. The messages are listed with the session
 * ({@link RecoveredSession#damage()}). Stateless; called by {@link SessionRecovery} under the
 * store's I/O lock.
 */
final class DamageRepair {
  private DamageRepair() {}

  /** What recovery found, before repair: documents as read (null when unusable) and the log. */
  record Found(
      String sessionId,
      PersistedMeta meta,
      String metaProblem,
      ObjectNode result,
      String resultProblem,
      List<ObjectNode> events) {}

  /** The repaired documents, whether meta.json was rebuilt, and what was damaged. */
  record Repaired(
      PersistedMeta meta, boolean metaRebuilt, ObjectNode result, List<String> damage) {}

  /**
   * Repairs what {@code found} lacks; null when there is nothing to rebuild a damaged meta.json
   * from (no events and no result).
   */
  static Repaired repair(Found found) {
    LogEvidence log = LogEvidence.of(found.events());
    List<String> damage = new ArrayList<>();
    ObjectNode result = repairResult(found, log, damage);
    PersistedMeta meta = found.meta();
    boolean rebuilt = false;
    if (meta == null) {
      if (found.events().isEmpty() && result == null) {
        return null;
      }
      meta = rebuildMeta(found.sessionId(), log, result, found.metaProblem(), damage);
      rebuilt = true;
    } else if (log.status() != null
        && !log.status().equals(meta.status())
        && !restartedWhileActive(meta, log)) {
      boolean wasActive = isActive(meta.status());
      if (wasActive != isActive(log.status()) || !wasActive) {
        damage.add(
            "meta.json was behind events.jsonl (a write failed): status "
                + meta.status()
                + " on disk, "
                + log.status()
                + " in the event log, which is used");
      }
      meta = meta.withStatus(log.status(), cancelledReason(log));
    }
    return new Repaired(meta, rebuilt, result, List.copyOf(damage));
  }

  private static ObjectNode repairResult(Found found, LogEvidence log, List<String> damage) {
    ObjectNode fromLog = log.rebuiltResult();
    ObjectNode result = found.result();
    if (found.resultProblem() != null) {
      damage.add(
          "result.json "
              + found.resultProblem()
              + (fromLog != null
                  ? ": the last result was rebuilt from events.jsonl (turn, status and text only)"
                  : ": the last turn's result is lost"));
      return fromLog;
    }
    if (fromLog == null) {
      return result;
    }
    if (result == null) {
      damage.add(
          "result.json missing although events.jsonl records a finished turn (a write failed):"
              + " rebuilt from events.jsonl (turn, status and text only)");
      return fromLog;
    }
    String logTurn = Json.text(fromLog, "turnId");
    if (!logTurn.isEmpty() && !Objects.equals(logTurn, Json.text(result, "turnId"))) {
      damage.add(
          "result.json was behind events.jsonl (a write failed): the result of turn "
              + logTurn
              + " was rebuilt from events.jsonl (turn, status and text only)");
      return fromLog;
    }
    return result;
  }

  private static PersistedMeta rebuildMeta(
      String id, LogEvidence log, ObjectNode result, String problem, List<String> damage) {
    String status = log.status();
    if (status == null) {
      // no lifecycle event in the tail that was read: a turn was streaming when the log ends,
      // unless there is no event at all (then only the result tells: the turn finished)
      status = log.lastTimestamp() != null ? "running" : "idle";
    }
    String createdAt = log.firstSeq() == 0 ? log.firstTimestamp() : null;
    String lastActive = log.lastTimestamp();
    if (lastActive == null && result != null) {
      lastActive = Json.text(result, "completedAt");
    }
    String threadId = log.threadId();
    List<String> unknown = new ArrayList<>();
    if (createdAt == null) {
      unknown.add("createdAt");
    }
    if (threadId == null) {
      unknown.add("threadId");
    }
    unknown.addAll(List.of("model", "cwd", "approvalPolicy", "sandbox", "profile", "usage"));
    damage.add(
        "meta.json "
            + problem
            + ": rebuilt from events.jsonl"
            + (result != null ? " and result.json" : "")
            + " (status "
            + status
            + "); unknown: "
            + String.join(", ", unknown));
    return new PersistedMeta(
        id,
        status,
        createdAt,
        lastActive,
        "cancelled".equals(status) ? log.lastResultAt() : null,
        cancelledReason(log),
        threadId,
        null,
        null,
        null,
        null,
        null);
  }

  private static String cancelledReason(LogEvidence log) {
    return "cancelled".equals(log.status()) ? Json.text(log.lastResult(), "reason") : null;
  }

  /** An earlier start applied the restart rule: the log still ends inside the turn it ended. */
  private static boolean restartedWhileActive(PersistedMeta meta, LogEvidence log) {
    return "error".equals(meta.status())
        && RecoveredSession.RESTART_REASON.equals(meta.cancelledReason())
        && isActive(log.status());
  }

  private static boolean isActive(String status) {
    return "running".equals(status) || "waiting_approval".equals(status);
  }
}

package io.github.codexmcp.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.events.EventRing;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.ProgressTracker;
import io.github.codexmcp.events.SessionEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One session's state. Every field is guarded by the session's monitor ({@code synchronized
 * (session)}); the lock is never held across a backend call or a wait.
 */
final class Session {
  final String id;

  /** Order in which the manager built the session (tie-break for equal {@code createdAt}). */
  final long seq;

  final String createdAt;
  final long approvalTimeoutMs;
  final String profile;
  final ObjectNode config;
  final EventRing events;
  final ProgressTracker progress;
  final Map<String, PendingRequest> pending = new LinkedHashMap<>();
  final List<CompletableFuture<Void>> waiters = new ArrayList<>();

  String threadId;
  String activeTurnId;
  SessionStatus status;
  String lastActiveAt;
  long lastActiveMillis;
  String cancelledAt;
  String cancelledReason;

  /** What was damaged in the session's state on disk when it was recovered (empty: nothing). */
  List<String> damaged = List.of();

  Path cwd;
  String model;
  String approvalPolicy;
  String sandbox;
  long lastEventCursor;
  ObjectNode lastResult;
  String lastAgentMessageText;
  String finalAnswerText;
  boolean turnHasOutputSchema;
  boolean ttlWarned;
  CodexBackend backend;
  CompletableFuture<Void> cancelling;

  Session(
      String id,
      long seq,
      String createdAt,
      long createdMillis,
      long approvalTimeoutMs,
      String profile,
      ObjectNode config,
      EventRing events,
      ProgressTracker progress) {
    this.id = id;
    this.seq = seq;
    this.createdAt = createdAt;
    this.lastActiveAt = createdAt;
    this.lastActiveMillis = createdMillis;
    this.approvalTimeoutMs = approvalTimeoutMs;
    this.profile = profile;
    this.config = config;
    this.events = events;
    this.progress = progress;
  }

  SessionEvent push(EventType type, JsonNode data, boolean pinned) {
    return events.push(type, data, pinned);
  }

  int unresolvedCount() {
    int n = 0;
    for (PendingRequest p : pending.values()) {
      if (!p.resolved) {
        n++;
      }
    }
    return n;
  }

  /**
   * Types of unresolved pending requests in first-seen order ({@code approval}, {@code
   * user_input}).
   */
  List<String> pendingActionTypes() {
    List<String> out = new ArrayList<>();
    for (PendingRequest p : pending.values()) {
      if (!p.resolved && !out.contains(p.actionType())) {
        out.add(p.actionType());
      }
    }
    return out;
  }

  /** Completes and forgets every long-poll waiter. */
  void wakeWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> w = new ArrayList<>(waiters);
    waiters.clear();
    w.forEach(f -> f.complete(null));
  }
}

package io.github.codexmcp.session;

import io.github.codexmcp.events.EventType;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Periodic cleanup on the injected timer: idle sessions are cancelled after 30 minutes, running
 * ones after 4 hours, finished ones are evicted 5 minutes after their last activity, with a TTL
 * warning event a minute before a cancellation.
 */
final class SessionJanitor {
  static final Duration PERIOD = Duration.ofSeconds(60);
  static final long IDLE_TTL_MS = 30 * 60_000L;
  static final long RUNNING_TTL_MS = 4 * 60 * 60_000L;
  static final long TERMINAL_TTL_MS = 5 * 60_000L;
  static final long WARNING_LEAD_MS = 60_000L;
  private final SessionManager manager;
  private volatile Timer.Cancellable next;
  private volatile boolean running;

  SessionJanitor(SessionManager manager) {
    this.manager = manager;
  }

  void start() {
    running = true;
    schedule();
  }

  void stop() {
    running = false;
    Timer.Cancellable n = next;
    if (n != null) {
      n.cancel();
    }
  }

  private void schedule() {
    if (running) {
      next = manager.timer.schedule(PERIOD, this::tick);
    }
  }

  private void tick() {
    try {
      sweep();
    } finally {
      schedule();
    }
  }

  /** One cleanup pass (also called directly by tests). */
  void sweep() {
    long now = manager.clock.millis();
    List<String[]> cancels = new ArrayList<>();
    List<String> evictions = new ArrayList<>();
    for (Session s : manager.orderedSessions()) {
      synchronized (s) {
        long age = now - s.lastActiveMillis;
        SessionStatus st = s.status;
        if (st == SessionStatus.IDLE && age > IDLE_TTL_MS) {
          cancels.add(new String[] {s.id, "Idle timeout"});
        } else if (st == SessionStatus.WAITING_APPROVAL && age > RUNNING_TTL_MS) {
          cancels.add(new String[] {s.id, "Approval timeout"});
        } else if (st == SessionStatus.RUNNING && age > RUNNING_TTL_MS) {
          cancels.add(new String[] {s.id, "Running timeout"});
        } else if ((st == SessionStatus.CANCELLED || st == SessionStatus.ERROR)
            && age > TERMINAL_TTL_MS) {
          evictions.add(s.id);
        } else if (!s.ttlWarned && (st == SessionStatus.IDLE || st.isActive())) {
          long ttl = st == SessionStatus.IDLE ? IDLE_TTL_MS : RUNNING_TTL_MS;
          long remaining = ttl - age;
          if (remaining > 0 && remaining <= WARNING_LEAD_MS) {
            s.ttlWarned = true;
            s.push(
                EventType.PROGRESS,
                Json.object()
                    .put("method", "codex-mcp/ttl_warning")
                    .put("type", "ttl_warning")
                    .put("ttlRemainingMs", remaining)
                    .put("sessionId", s.id),
                false);
          }
        }
      }
    }
    for (String[] c : cancels) {
      try {
        manager
            .cancel(c[0], c[1])
            .exceptionally(
                t -> {
                  SessionManager.LOG.warn(
                      "[codex-mcp] cleanup could not cancel {}: {}", c[0], t.getMessage());
                  return null;
                });
      } catch (RuntimeException e) {
        // removed since this pass looked at it (clean or eviction); nothing left to cancel
        SessionManager.LOG.debug("[codex-mcp] cleanup skipped {}: {}", c[0], e.getMessage());
      }
    }
    for (String id : evictions) {
      manager.evict(id, true, new int[1]);
    }
  }
}

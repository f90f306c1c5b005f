package io.github.codexmcp.session;

import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Periodic;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic cleanup on the injected timer: idle sessions are cancelled after 30 minutes, running
 * ones after 4 hours, finished ones are evicted 5 minutes after their last activity, with a TTL
 * warning event a minute before a cancellation.
 *
 * <p><b>Concurrency.</b> {@link #start}/{@link #stop} may be called from any thread; passes run on
 * the timer thread, one at a time ({@link Periodic} schedules the next after each); a pass reads
 * each session under its own lock and hands its cancels and evictions to the work pool (they take
 * the session over, which fails while another server drives it, and touch the disk); the TTL
 * warning, a write, goes to the manager, which warns only sessions this server drives or drove.
 */
final class SessionJanitor {
  private static final Logger LOG = LoggerFactory.getLogger(SessionJanitor.class);
  static final Duration PERIOD = Duration.ofSeconds(60);
  static final long IDLE_TTL_MS = 30 * 60_000L;
  static final long RUNNING_TTL_MS = 4 * 60 * 60_000L;
  static final long TERMINAL_TTL_MS = 5 * 60_000L;
  static final long WARNING_LEAD_MS = 60_000L;
  private final SessionRegistry registry;
  private final Clock clock;
  private final BiFunction<String, String, java.util.concurrent.CompletableFuture<Void>> cancel;
  private final java.util.function.Function<String, java.util.concurrent.CompletableFuture<?>>
      evict;
  private final java.util.function.BiConsumer<Session, Long> warn;
  private final Periodic passes;

  SessionJanitor(
      SessionRegistry registry,
      Clock clock,
      Timer timer,
      BiFunction<String, String, java.util.concurrent.CompletableFuture<Void>> cancel,
      java.util.function.Function<String, java.util.concurrent.CompletableFuture<?>> evict,
      java.util.function.BiConsumer<Session, Long> warn) {
    this.registry = registry;
    this.clock = clock;
    this.passes = new Periodic(timer, PERIOD, this::tick);
    this.cancel = cancel;
    this.evict = evict;
    this.warn = warn;
  }

  void start() {
    passes.start();
  }

  void stop() {
    passes.stop();
  }

  private void tick() {
    try {
      sweep();
    } finally {
      passes.schedule();
    }
  }

  /** One cleanup pass (also called directly by tests). */
  void sweep() {
    long now = clock.millis();
    List<String[]> cancels = new ArrayList<>();
    List<String> evictions = new ArrayList<>();
    for (Session s : registry.ordered()) {
      SessionStatus st;
      long age;
      synchronized (s) {
        st = s.status();
        age = now - s.lastActiveMillis();
      }
      if (st == SessionStatus.IDLE && age > IDLE_TTL_MS) {
        cancels.add(new String[] {s.id, "Idle timeout"});
      } else if (st == SessionStatus.WAITING_APPROVAL && age > RUNNING_TTL_MS) {
        cancels.add(new String[] {s.id, "Approval timeout"});
      } else if (st == SessionStatus.RUNNING && age > RUNNING_TTL_MS) {
        cancels.add(new String[] {s.id, "Running timeout"});
      } else if ((st == SessionStatus.CANCELLED || st == SessionStatus.ERROR)
          && age > TERMINAL_TTL_MS) {
        evictions.add(s.id);
      } else if (st == SessionStatus.IDLE || st.isActive()) {
        long remaining = (st == SessionStatus.IDLE ? IDLE_TTL_MS : RUNNING_TTL_MS) - age;
        if (remaining > 0 && remaining <= WARNING_LEAD_MS) {
          warn.accept(s, remaining); // a write: the manager decides who may make it
        }
      }
    }
    for (String[] c : cancels) {
      try {
        cancel
            .apply(c[0], c[1])
            .exceptionally(
                t -> {
                  LOG.warn("[codex-mcp] cleanup could not cancel {}: {}", c[0], t.getMessage());
                  return null;
                });
      } catch (RuntimeException e) {
        // removed since this pass looked at it (clean or eviction); nothing left to cancel
        LOG.debug("[codex-mcp] cleanup skipped {}: {}", c[0], e.getMessage());
      }
    }
    for (String id : evictions) {
      try {
        evict.apply(id); // on the work pool: it takes the session over and touches the disk
      } catch (RuntimeException e) {
        LOG.debug("[codex-mcp] cleanup could not evict {}: {}", id, e.getMessage());
      }
    }
  }
}

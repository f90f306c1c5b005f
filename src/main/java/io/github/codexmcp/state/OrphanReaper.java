package io.github.codexmcp.state;

import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops Codex children leaked by a previous server run (spec 40 §8).
 *
 * <p>A recorded pid is only signalled when the live process is provably the one we spawned: its OS
 * start time must be within 5 s of the recorded one ({@code processStartedAt}, else {@code
 * spawnedAt}) and, when both are known, its executable must equal the recorded one. Without a start
 * time nothing is killed. The tree is stopped politely (root and the descendants captured before
 * signalling), polled every 250 ms for 5 s, then killed forcibly; a process counts as reaped only
 * after its exit is observed.
 *
 * <p><b>Threading.</b> {@link #reap} returns at once; all checks and signals run as short tasks on
 * the injected {@link Timer} thread, candidates concurrently, so startup is never delayed. The
 * returned future completes exactly once, on the timer thread, after every candidate is settled.
 */
public final class OrphanReaper {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanReaper.class);
  static final Duration IDENTITY_TOLERANCE = Duration.ofSeconds(5);
  static final Duration POLL = Duration.ofMillis(250);
  static final int GRACE_POLLS = 20; // 20 x 250 ms = 5 s
  static final Duration KILL_WAIT = Duration.ofMillis(500);

  /** Outcome counts; {@code failed} = still alive after the forcible kill. */
  public record Summary(int reaped, int alreadyDead, int skipped, int failed) {}

  private enum Outcome {
    REAPED,
    ALREADY_DEAD,
    SKIPPED,
    FAILED
  }

  private final ProcessTable table;
  private final Timer timer;

  public OrphanReaper(ProcessTable table, Timer timer) {
    this.table = table;
    this.timer = timer;
  }

  /** Reaps the children recorded in the {@code pid.json} of {@code sessions}; see class doc. */
  public CompletableFuture<Summary> reap(List<RecoveredSession> sessions) {
    List<CompletableFuture<Outcome>> all = new ArrayList<>();
    for (RecoveredSession s : sessions) {
      if (s.pid() != null) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        all.add(f);
        Candidate c = new Candidate(s.sessionId(), s.pid(), f);
        try {
          timer.schedule(Duration.ZERO, () -> c.guard(c::start));
        } catch (RuntimeException e) { // timer already shut down: leave the process alone
          LOG.warn(
              "[orphan-reaper] Cannot schedule check of PID {}: {}", s.pid().pid(), e.toString());
          f.complete(Outcome.SKIPPED);
        }
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .thenApply(v -> summarize(all));
  }

  private static Summary summarize(List<CompletableFuture<Outcome>> all) {
    int[] n = new int[Outcome.values().length];
    all.forEach(f -> n[f.join().ordinal()]++);
    Summary s = new Summary(n[0], n[1], n[2], n[3]);
    if (s.reaped() > 0) {
      LOG.info("[codex-mcp] Reaped {} orphan process(es)", s.reaped());
    }
    return s;
  }

  /** Whether {@code live} is the process described by {@code rec}. */
  static boolean matches(PidRecord rec, ProcessTable.ProcessInfo live) {
    if (rec.spawnedInstant() == null) {
      return false; // unparseable spawnedAt: cannot be ours (spec 40 §8 step 2)
    }
    Instant recorded =
        rec.processStartInstant() != null ? rec.processStartInstant() : rec.spawnedInstant();
    if (!sameStart(live.startInstant(), recorded)) {
      return false;
    }
    return rec.executable() == null
        || live.command() == null
        || rec.executable().equals(live.command());
  }

  private static boolean sameStart(Instant a, Instant b) {
    return a != null && b != null && Duration.between(a, b).abs().compareTo(IDENTITY_TOLERANCE) < 0;
  }

  /** One recorded child and the tree snapshot taken before it was signalled. */
  private final class Candidate {
    final String sessionId;
    final PidRecord rec;
    final CompletableFuture<Outcome> done;
    List<ProcessTable.ProcessInfo> tree = List.of();

    Candidate(String sessionId, PidRecord rec, CompletableFuture<Outcome> done) {
      this.sessionId = sessionId;
      this.rec = rec;
      this.done = done;
    }

    void guard(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        LOG.warn("[orphan-reaper] PID {} (session {}): {}", rec.pid(), sessionId, e.toString());
        done.complete(Outcome.SKIPPED);
      }
    }

    void start() {
      Outcome early = check();
      if (early != null) {
        done.complete(early);
        return;
      }
      tree = table.descendants(rec.pid()); // before the root dies and its children are re-parented
      early = check(); // re-check immediately before signalling
      if (early != null) {
        done.complete(early);
        return;
      }
      LOG.info(
          "[orphan-reaper] Sending graceful terminate to orphan PID {} (session {}).",
          rec.pid(),
          sessionId);
      table.terminate(rec.pid());
      tree.forEach(p -> table.terminate(p.pid()));
      timer.schedule(POLL, () -> guard(() -> poll(1)));
    }

    /** Null when the pid is ours and alive, else the outcome that settles it. */
    private Outcome check() {
      if (rec.pid() == table.currentPid()) {
        return Outcome.SKIPPED;
      }
      var live = table.lookup(rec.pid());
      if (live.isEmpty()) {
        return Outcome.ALREADY_DEAD;
      }
      if (!matches(rec, live.get())) {
        LOG.warn(
            "[orphan-reaper] PID {} (session {}) is alive but does not match stored spawn time — likely a reused PID. Skipping.",
            rec.pid(),
            sessionId);
        return Outcome.SKIPPED;
      }
      return null;
    }

    private void poll(int round) {
      boolean rootAlive = stillAlive(rec.pid(), recordedStart());
      boolean treeAlive = tree.stream().anyMatch(p -> stillAlive(p.pid(), p.startInstant()));
      if (!rootAlive && !treeAlive) {
        done.complete(Outcome.REAPED);
      } else if (round < GRACE_POLLS) {
        timer.schedule(POLL, () -> guard(() -> poll(round + 1)));
      } else {
        LOG.warn(
            "[orphan-reaper] PID {} did not exit after graceful terminate — force killing.",
            rec.pid());
        if (rootAlive) {
          table.kill(rec.pid());
        }
        tree.stream()
            .filter(p -> stillAlive(p.pid(), p.startInstant()))
            .forEach(p -> table.kill(p.pid()));
        timer.schedule(KILL_WAIT, () -> guard(this::afterKill));
      }
    }

    private void afterKill() {
      done.complete(stillAlive(rec.pid(), recordedStart()) ? Outcome.FAILED : Outcome.REAPED);
    }

    private Instant recordedStart() {
      return rec.processStartInstant() != null ? rec.processStartInstant() : rec.spawnedInstant();
    }

    /** Alive and still the same process (a pid reused meanwhile counts as gone). */
    private boolean stillAlive(long pid, Instant start) {
      return table
          .lookup(pid)
          .filter(p -> start == null || sameStart(p.startInstant(), start))
          .isPresent();
    }
  }
}

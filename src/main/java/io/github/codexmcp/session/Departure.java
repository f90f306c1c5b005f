package io.github.codexmcp.session;

import io.github.codexmcp.codex.CodexBackend;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to the sessions when the server exits. A session with a running turn (or a pending
 * request) whose Codex can outlive the server is left to it: the backend is detached (the
 * connection closes, the app-server goes on), its pending requests are dropped unanswered (Codex
 * sends them again to the next server) and its state stays as persisted, so the next server
 * re-attaches it. Every other session's Codex is stopped: connected backends are destroyed (their
 * pending requests answered as on any teardown), and the detached app-servers of resting sessions
 * that had their Codex here (handed back at rest) are stopped unless another live server drives
 * them now ({@link Leftovers}); another server's resting sessions keep theirs.
 *
 * <p><b>Threads.</b> Called once, from the shutdown thread; the session's lock is held for
 * in-memory work only, never across a detach or destroy. No state of its own.
 */
final class Departure {
  private static final Logger LOG = LoggerFactory.getLogger(Departure.class);

  private final SessionEffects effects;
  private final Leftovers leftovers;

  Departure(SessionEffects effects, Leftovers leftovers) {
    this.effects = effects;
    this.leftovers = leftovers;
  }

  /**
   * Leaves or stops every session; completes when every stopped Codex has exited.
   *
   * @param othersOnly sessions of other servers never driven here: their left-over Codex is theirs
   */
  CompletableFuture<Void> leave(Collection<Session> sessions, Predicate<String> othersOnly) {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    int left = 0;
    for (Session s : sessions) {
      CodexBackend b;
      boolean active;
      synchronized (s) {
        b = s.backend();
        active = s.status().isActive();
      }
      if (b != null && active && b.detach()) {
        Effects e;
        synchronized (s) {
          if (s.backend() == b) {
            s.pending.forgetAll();
            s.adopt(null);
          }
          e = s.effects(new Effects.Builder().wake());
        }
        effects.apply(s, e);
        left++;
        continue;
      }
      CodexBackend[] backend = new CodexBackend[1];
      effects.apply(s, s.detach(backend));
      if (backend[0] != null) {
        stops.add(backend[0].destroy().handle((v, t) -> null));
      } else if (!active && !othersOnly.test(s.id)) {
        stops.add(leftovers.stop(s.id).handle((v, t) -> null));
      }
    }
    if (left > 0) {
      LOG.info("[codex-mcp] {} running session(s) left to their detached Codex", left);
    }
    return CompletableFuture.allOf(stops.toArray(new CompletableFuture<?>[0]));
  }

  /** Running sessions whose Codex ends with this server (stdio app-server, exec). */
  static int endingWithServer(Collection<Session> sessions) {
    int n = 0;
    for (Session s : sessions) {
      synchronized (s) {
        CodexBackend b = s.backend();
        if (s.status().isActive() && b != null && !b.detachable()) {
          n++;
        }
      }
    }
    return n;
  }
}

package io.github.codexmcp.session;

import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.protocol.ServerRequestReply;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a transition's {@link Effects} after the session's lock was released: persists the
 * documents (enqueue only), writes the answers to Codex, then wakes the waiters. Called on the
 * thread that ran the transition; holds no lock of its own (persisting takes the session's short
 * persistence-order lock, see {@link PersistOrder}). Waking completes long-poll futures, whose
 * continuations render the poll on this thread: never a Codex reader thread (see {@link
 * BackendEvents}). Last, forms shown for requests that are no longer pending are withdrawn ({@link
 * ElicitationChannel#sweep}), and when the transition saved the session's meta the {@code
 * statusChanged} hook (volatile, set once at wiring) is told, which only queues a rest check.
 */
final class SessionEffects {
  static final Logger LOG = LoggerFactory.getLogger(SessionEffects.class);
  private final PersistenceHook store;
  private final ElicitationChannel forms;
  private volatile Consumer<Session> statusChanged = s -> {};

  SessionEffects(PersistenceHook store, ElicitationChannel forms) {
    this.store = store;
    this.forms = forms;
  }

  PersistenceHook store() {
    return store;
  }

  /** Told after the effects of every transition that saved the session's meta (its status). */
  void onMetaSaved(Consumer<Session> hook) {
    this.statusChanged = hook;
  }

  void apply(Session s, Effects e) {
    if (e == Effects.NONE) {
      return;
    }
    s.persistOrder.persist(s.id, e, store);
    for (ServerRequestReply r : e.replies()) {
      send(e.replyTo(), r);
    }
    for (CompletableFuture<Void> w : e.waiters()) {
      w.complete(null);
    }
    forms.sweep(s); // forms of requests this transition answered or ended are withdrawn
    if (e.meta() != null) {
      statusChanged.accept(s);
    }
  }

  /** Writes one answer to Codex; a failure is logged (Codex is gone or going). */
  static void send(CodexBackend backend, ServerRequestReply r) {
    try {
      if (r.isError()) {
        backend.respondError(r.rpcId(), r.errorCode(), r.errorMessage());
      } else {
        backend.respond(r.rpcId(), r.result());
      }
    } catch (RuntimeException e) {
      LOG.warn("[codex-mcp] Failed to answer a codex request: {}", e.getMessage());
    }
  }
}

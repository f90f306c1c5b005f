package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.codex.BackendListener;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a backend's listener and calls it one call at a time: calls are serialized under one lock,
 * so the listener never runs concurrently with itself even though exit reports may come from
 * another thread than notifications. Once {@link #silence()} was called no new call starts. A
 * listener exception is logged and reported to the caller as {@code false}. A batch begun on a
 * listener ({@link #batchStart}) is ended on the same listener even when silenced meanwhile, so it
 * never stays held; the listener of the open batch is confined to the reader thread.
 */
final class ListenerDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ListenerDispatcher.class);

  private final String sessionId;
  private final Object lock = new Object();
  private volatile BackendListener listener;
  private volatile boolean silenced;
  private BackendListener inBatch; // reader thread only

  ListenerDispatcher(String sessionId) {
    this.sessionId = sessionId;
  }

  void set(BackendListener l) {
    listener = l;
  }

  /** Whether a listener is registered and not silenced. */
  boolean isListening() {
    return !silenced && listener != null;
  }

  /** Drops the listener for good. */
  void silence() {
    silenced = true;
    listener = null;
  }

  /** Opens a batch on the current listener (reader thread). */
  void batchStart() {
    BackendListener l = listener;
    if (silenced || l == null || inBatch != null) {
      return;
    }
    inBatch = l;
    deliverTo(l, BackendListener::onBatchStart);
  }

  /** Ends the batch {@link #batchStart} opened (reader thread). */
  void batchEnd() {
    BackendListener l = inBatch;
    if (l != null) {
      inBatch = null;
      deliverTo(l, BackendListener::onBatchEnd);
    }
  }

  private void deliverTo(BackendListener l, Consumer<BackendListener> call) {
    synchronized (lock) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("[app-server] listener failed for session {}", sessionId, e);
      }
    }
  }

  /** Calls the listener; false only when it threw. Does nothing when silenced or unset. */
  boolean deliver(Consumer<BackendListener> call) {
    synchronized (lock) {
      BackendListener l = listener;
      if (silenced || l == null) {
        return true;
      }
      try {
        call.accept(l);
        return true;
      } catch (RuntimeException e) {
        LOG.warn("[app-server] listener failed for session {}", sessionId, e);
        return false;
      }
    }
  }
}

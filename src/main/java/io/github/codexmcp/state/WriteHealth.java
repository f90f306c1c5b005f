package io.github.codexmcp.state;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Whether the store's latest writes succeeded. The writer reports each written batch ({@link
 * #afterBatch}, on the thread holding the store's I/O lock); a change between working and failing
 * is passed to the listener on that thread, so the listener must only hand the news on (it must not
 * block or call back into the store). The current failure is an atomic reference; the listener a
 * volatile field set once at wiring.
 */
final class WriteHealth {
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile Consumer<PersistenceHealth> listener = h -> {};

  void setListener(Consumer<PersistenceHealth> listener) {
    this.listener = listener == null ? h -> {} : listener;
  }

  /**
   * After a batch: {@code failed} is its first failure's text, or null when all of it was written.
   */
  void afterBatch(String failed) {
    String before = failure.getAndSet(failed);
    if ((before == null) != (failed == null)) {
      listener.accept(current());
    }
  }

  PersistenceHealth current() {
    String f = failure.get();
    return f == null
        ? PersistenceHealth.ON
        : PersistenceHealth.degraded("writes to the state directory fail (" + f + ")");
  }
}

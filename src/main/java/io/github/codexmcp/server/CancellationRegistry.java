package io.github.codexmcp.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps in-flight MCP request ids to futures completed by {@code notifications/cancelled}.
 * Thread-safe; the transport's reader thread cancels, tool work threads register and release.
 */
public final class CancellationRegistry {
  private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

  static String key(Object id) {
    if (id instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return "n:" + n.longValue();
    }
    return "s:" + id;
  }

  /** Registers a request; the future completes if the client cancels it. */
  public CompletableFuture<Void> register(Object requestId) {
    return inFlight.computeIfAbsent(key(requestId), k -> new CompletableFuture<>());
  }

  /** Forgets a finished request. */
  public void release(Object requestId) {
    inFlight.remove(key(requestId));
  }

  /**
   * Called for {@code notifications/cancelled} of a request in flight (read, not yet answered); the
   * request may not have registered yet, so its future is created here then.
   */
  public void cancel(Object requestId) {
    if (requestId == null) {
      return;
    }
    CompletableFuture<Void> f =
        inFlight.computeIfAbsent(key(requestId), k -> new CompletableFuture<>());
    f.complete(null);
  }

  /** Number of requests registered (tests). */
  int size() {
    return inFlight.size();
  }

  /** Completes every in-flight wait (shutdown). */
  public void cancelAll() {
    inFlight.values().forEach(f -> f.complete(null));
  }
}

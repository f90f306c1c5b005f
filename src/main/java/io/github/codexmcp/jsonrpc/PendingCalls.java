package io.github.codexmcp.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls a {@link JsonRpcConnection} sent and awaits answers to. Ids come from an {@link
 * AtomicLong} starting at 1; each call keeps its method name and a timeout task on the timer. An
 * entry is removed from the map before its future is completed, so an answer, a timeout and a
 * failure can never complete it twice, and its timeout task is cancelled once it is settled, also
 * when a close fails it before the task is stored ({@code timeout} is volatile and {@link #add}
 * looks again after storing it), so no task outlives its call.
 *
 * <p>Thread-safe without locks (a concurrent map): calls are added by writers, completed by the
 * reader thread, timed out on the timer thread, failed by whoever closes the connection.
 */
final class PendingCalls {
  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, Call> pending = new ConcurrentHashMap<>();
  private final Timer timer;

  PendingCalls(Timer timer) {
    this.timer = timer;
  }

  /** Registers a call; it fails with a timeout unless answered within {@code timeout}. */
  long add(String method, CompletableFuture<JsonNode> future, Duration timeout) {
    long id = nextId.getAndIncrement();
    Call call = new Call(method, future);
    pending.put(id, call);
    call.timeout =
        timer.schedule(
            timeout,
            () -> {
              Call timedOut = pending.remove(id);
              if (timedOut != null) {
                timedOut.future.completeExceptionally(
                    new JsonRpcException.Timeout(method, timeout.toMillis()));
              }
            });
    if (!pending.containsKey(id)) {
      call.cancelTimeout(); // settled before its timeout was stored: fail() could not cancel it
    }
    return id;
  }

  /** Completes the call answered with {@code idNode}; false when no such call is waiting. */
  boolean complete(JsonNode idNode, JsonNode result, Throwable error) {
    Long id = toLong(idNode);
    Call call = id == null ? null : pending.remove(id);
    if (call == null) {
      return false;
    }
    call.cancelTimeout();
    if (error != null) {
      call.future.completeExceptionally(error);
    } else {
      call.future.complete(result);
    }
    return true;
  }

  /** Fails the call {@code id} if it is still waiting. */
  void fail(long id, Throwable reason) {
    Call call = pending.remove(id);
    if (call != null) {
      call.cancelTimeout();
      call.future.completeExceptionally(reason);
    }
  }

  /** Fails every waiting call. */
  void failAll(Throwable reason) {
    List<Long> ids = new ArrayList<>(pending.keySet());
    for (Long id : ids) {
      fail(id, reason);
    }
  }

  int size() {
    return pending.size();
  }

  private static Long toLong(JsonNode id) {
    if (id == null) {
      return null;
    }
    if (id.isIntegralNumber() && id.canConvertToLong()) {
      return id.asLong();
    }
    if (id.isTextual()) {
      try {
        return Long.parseLong(id.asText());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static final class Call {
    final String method;
    final CompletableFuture<JsonNode> future;
    volatile Timer.Cancellable timeout;

    Call(String method, CompletableFuture<JsonNode> future) {
      this.method = method;
      this.future = future;
    }

    void cancelTimeout() {
      Timer.Cancellable t = timeout;
      if (t != null) {
        t.cancel();
      }
    }

    @Override
    public String toString() {
      return "PendingCall[" + method + "]";
    }
  }
}

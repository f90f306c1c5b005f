package io.github.codexmcp.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The client's requests that have been read but not yet answered, and which of them the client has
 * cancelled. A cancelled request gets no answer (MCP: "receivers … SHOULD NOT send a response for
 * the cancelled request"): the transport asks {@link #shouldAnswer} before writing a response.
 *
 * <p>Thread-safe without locks: the stdin reader thread calls {@link #started} and {@link #cancel};
 * whichever thread writes a response calls {@link #shouldAnswer}. Only ids in flight are held, so
 * the map stays as small as the number of open requests.
 */
final class InFlightRequests {
  private final Map<String, Boolean> open = new ConcurrentHashMap<>();

  /** A request with this id was read. */
  void started(Object id) {
    if (id != null) {
      open.put(CancellationRegistry.key(id), Boolean.FALSE);
    }
  }

  /**
   * The client cancelled this request; true when it was still open (its answer will be dropped).
   * Ids of requests already answered, or never seen, are ignored.
   */
  boolean cancel(Object id) {
    return id != null && open.replace(CancellationRegistry.key(id), Boolean.TRUE) != null;
  }

  /**
   * Called once for each response about to be written: forgets the request and says whether to
   * write the answer (false when the client cancelled it).
   */
  boolean shouldAnswer(Object id) {
    if (id == null) {
      return true;
    }
    Boolean cancelled = open.remove(CancellationRegistry.key(id));
    return !Boolean.TRUE.equals(cancelled);
  }

  /** Number of open requests (tests). */
  int size() {
    return open.size();
  }
}

package io.github.codexmcp.detached;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.codex.protocol.Answers;
import io.github.codexmcp.codex.protocol.RequestKind;
import io.github.codexmcp.util.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keeper's side of approvals nobody answers: a request Codex sends to the keeper (after its
 * server died, the keeper resumes the thread and gets the pending requests again) is settled the
 * way its timeout settles it on a server ({@link Answers#timeout}) once that timeout has passed,
 * counted from when it was raised; a request answered elsewhere meanwhile (a server re-attached and
 * its user answered) is dropped. So a turn never waits forever for an answer that cannot come.
 *
 * <p><b>Threads.</b> Requests arrive on the keeper connection's reader thread, {@link #due} runs on
 * the keeper's thread: every method is {@code synchronized} on this object, which guards {@code
 * pending}; nothing blocks under it.
 */
final class ApprovalSettler {
  /** One answer to send: {@code result} for request {@code rpcId} of {@code sessionId}. */
  record Settlement(String sessionId, JsonNode rpcId, JsonNode result) {}

  private record Pending(String sessionId, JsonNode rpcId, RequestKind kind, long dueAtMillis) {}

  private final Clock clock;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  ApprovalSettler(Clock clock) {
    this.clock = clock;
  }

  /**
   * Codex asks {@code sessionId}'s clients (the keeper among them) for an answer, first raised at
   * {@code raisedAtMillis} (epoch ms; null: now); it times out {@code timeout} after that. Requests
   * that are not parked for a user (Codex's other questions) are ignored.
   */
  synchronized void requested(
      String sessionId,
      JsonNode rpcId,
      String method,
      JsonNode params,
      Long raisedAtMillis,
      Duration timeout) {
    RequestKind kind = RequestKind.parked(method, params);
    if (kind == null || rpcId == null) {
      return;
    }
    long raised = raisedAtMillis != null ? raisedAtMillis : clock.millis();
    pending.putIfAbsent(
        key(sessionId, rpcId), new Pending(sessionId, rpcId, kind, raised + timeout.toMillis()));
  }

  /** Codex settled the request (someone answered it, or the turn ended). */
  synchronized void resolved(String sessionId, JsonNode rpcId) {
    if (rpcId != null) {
      pending.remove(key(sessionId, rpcId));
    }
  }

  /** The session's app-server is gone or driven by a server again: its requests are not ours. */
  synchronized void forget(String sessionId) {
    pending.values().removeIf(p -> p.sessionId().equals(sessionId));
  }

  /** Whether a request of {@code sessionId} waits here. */
  synchronized boolean waiting(String sessionId) {
    return pending.values().stream().anyMatch(p -> p.sessionId().equals(sessionId));
  }

  /** The requests of {@code sessionId} whose timeout has passed, removed: answer them now. */
  synchronized List<Settlement> due(String sessionId) {
    long now = clock.millis();
    List<Settlement> out = new ArrayList<>();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (p.sessionId().equals(sessionId) && now >= p.dueAtMillis()) {
        out.add(new Settlement(sessionId, p.rpcId(), Answers.timeout(p.kind())));
        it.remove();
      }
    }
    return out;
  }

  private static String key(String sessionId, JsonNode rpcId) {
    return sessionId + "\u0000" + rpcId;
  }
}

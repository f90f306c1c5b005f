package io.github.codexmcp.detached;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.jsonrpc.UnixWebSocket;
import io.github.codexmcp.jsonrpc.WebSocketJsonRpc;
import io.github.codexmcp.state.DiskStamp;
import io.github.codexmcp.state.SessionOwnership;
import io.github.codexmcp.util.Clock;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keeper's real {@link DetachedKeeper.Probe}: a session is driven when its ownership lock is
 * held; its turn runs when {@code thread/read} on its app-server answers status {@code active} (the
 * thread id comes from the session's {@code meta.json}). A connection stays open between ticks only
 * to an app-server whose turn runs (it carries that turn's requests); one at rest is closed after
 * its answer, and asked again only once its {@code meta.json} changed ({@link #restMark}) or before
 * its TTL stop ({@link DetachedKeeper}). A turn of a session nobody drives that waits for an
 * approval gets the thread resumed here, so Codex sends the pending requests to the keeper too, and
 * {@link ApprovalSettler} settles each once its timeout has passed (the session's {@code
 * approvalTimeoutMs} from the record, counted from the request's {@code approval_request} event in
 * the session's log).
 *
 * <p><b>Threads.</b> Confined to the keeper's thread, except the connections' reader threads, which
 * hand requests and resolutions to the (synchronized) settler. For a request the reader thread
 * first reads the session's record and at most the last 256 KiB of its event log ({@link
 * LastApproval}): it may block on the local disk, never on a lock or on Codex; that connection's
 * next message waits meanwhile, which costs nothing here (the keeper only answers requests).
 */
final class KeeperProbe implements DetachedKeeper.Probe {
  private static final Logger LOG = LoggerFactory.getLogger(KeeperProbe.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMillis(60_000);
  static final long RECENT_MS = 2_000;

  private final DetachedPaths paths;
  private final Timer timer;
  private final ApprovalSettler settler;
  private final Map<String, WebSocketJsonRpc.Endpoint> open = new HashMap<>();
  private final Set<String> subscribed = new HashSet<>();
  private final Set<String> unsure = new HashSet<>();
  private final Clock clock;

  KeeperProbe(DetachedPaths paths, Timer timer, Clock clock) {
    this.paths = paths;
    this.timer = timer;
    this.settler = new ApprovalSettler(clock);
    this.clock = clock;
  }

  @Override
  public boolean driven(String sessionId) {
    return SessionOwnership.heldByAnyone(paths.stateDir(), sessionId);
  }

  @Override
  public boolean drivenHere(String sessionId) {
    return SessionOwnership.heldHere(paths.stateDir(), sessionId);
  }

  @Override
  public DetachedKeeper.Hold hold(String sessionId) {
    Optional<Closeable> lock;
    try {
      lock = SessionOwnership.holdIfFree(paths.stateDir(), sessionId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("[keeper] cannot lock session {}: {}", sessionId, e.toString());
      return null; // not sure nobody drives it: leave it for now
    }
    if (lock.isEmpty()) {
      return null;
    }
    Closeable c = lock.get();
    return () -> {
      try {
        c.close();
      } catch (IOException e) {
        LOG.warn("[keeper] cannot release the lock of {}: {}", sessionId, e.toString());
      }
    };
  }

  /**
   * The session's {@code meta.json} as the file it is now (modification time, size, and key: every
   * write replaces the file), which any server running a turn writes; null (ask) when unreadable,
   * when written in the last {@value #RECENT_MS} ms (a coarse file clock could hide a second
   * write), or when the last ask failed.
   */
  @Override
  public Object restMark(String sessionId) {
    if (unsure.contains(sessionId)) {
      return null;
    }
    try {
      DiskStamp.FileMark m = DiskStamp.FileMark.of(meta(sessionId));
      if (m == DiskStamp.FileMark.NONE
          || clock.millis() - TimeUnit.NANOSECONDS.toMillis(m.modifiedNanos()) < RECENT_MS) {
        return null;
      }
      return m;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The {@code meta.json} mark this JVM's store took when it handed the session back at rest
   * ({@link SessionOwnership#takeRestedHere}): the same kind of mark as {@link #restMark}.
   */
  @Override
  public Object releasedAtRest(String sessionId) {
    return SessionOwnership.takeRestedHere(paths.stateDir(), sessionId);
  }

  @Override
  public boolean turnRunning(String sessionId) {
    String threadId = threadId(sessionId);
    if (threadId == null) {
      return false;
    }
    try {
      JsonRpcConnection c = connection(sessionId);
      JsonNode r =
          c.request(
                  "thread/read",
                  Json.object().put("threadId", threadId).put("includeTurns", false),
                  CALL_TIMEOUT)
              .get(CALL_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      JsonNode status = r.path("thread").path("status");
      unsure.remove(sessionId);
      if (!"active".equals(status.path("type").asText())) {
        disconnect(sessionId); // at rest: asked again only after a pause, no connection meanwhile
        return false;
      }
      if (status.path("activeFlags").size() > 0 && subscribed.add(sessionId)) {
        // waits for an answer: resumed here, Codex sends the pending requests to the keeper too
        c.request(
                "thread/resume",
                Json.object().put("threadId", threadId).put("excludeTurns", true),
                CALL_TIMEOUT)
            .get(CALL_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      }
      for (ApprovalSettler.Settlement due : settler.due(sessionId)) {
        LOG.info("[keeper] settling unanswered request {} of {} (timeout)", due.rpcId(), sessionId);
        c.respond(due.rpcId(), due.result());
      }
      return true;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      forget(sessionId);
      unsure.add(sessionId); // not an answer: the next look asks again, whatever restMark says
      return false;
    }
  }

  private JsonRpcConnection connection(String sessionId) throws Exception {
    WebSocketJsonRpc.Endpoint e = open.get(sessionId);
    if (e != null && e.socket().isOpen()) {
      return e.connection();
    }
    e =
        WebSocketJsonRpc.open(
            "app-server",
            paths.socket(sessionId),
            CALL_TIMEOUT,
            timer,
            new JsonRpcConnection.Handler() {
              @Override
              public void onNotification(String method, JsonNode params) {
                if ("serverRequest/resolved".equals(method)) {
                  settler.resolved(sessionId, params.get("requestId"));
                }
              }

              @Override
              public void onRequest(JsonNode id, String method, JsonNode params) {
                settler.requested(
                    sessionId,
                    id,
                    method,
                    params,
                    raisedAt(sessionId, Json.text(params, "itemId")),
                    timeout(sessionId));
              }
            },
            "keeper-" + sessionId,
            UnixWebSocket.SMALL_BUFFER); // kept open only while its turn runs
    open.put(sessionId, e);
    ObjectNode init = Json.object();
    init.putObject("clientInfo").put("name", "codex-mcp-keeper").put("version", "2.1.7");
    init.putObject("capabilities").put("experimentalApi", true);
    e.connection()
        .request("initialize", init, CALL_TIMEOUT)
        .get(CALL_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    e.connection().notify("initialized", Json.object());
    return e.connection();
  }

  private Path meta(String sessionId) {
    return paths.stateDir().resolve("sessions").resolve(sessionId).resolve("meta.json");
  }

  private String threadId(String sessionId) {
    try {
      return Json.text(Json.MAPPER.readTree(Files.readAllBytes(meta(sessionId))), "threadId");
    } catch (Exception e) {
      return null;
    }
  }

  /** The session's approval timeout, from its record (the default when it has none). */
  private Duration timeout(String sessionId) {
    return DetachedRecord.read(paths.record(sessionId))
        .map(DetachedRecord::approvalTimeoutMs)
        .map(Duration::ofMillis)
        .orElse(DEFAULT_APPROVAL_TIMEOUT);
  }

  /** When the request about {@code itemId} was logged (epoch ms), or null. */
  private Long raisedAt(String sessionId, String itemId) {
    Path log = paths.stateDir().resolve("sessions").resolve(sessionId).resolve("events.jsonl");
    return LastApproval.raisedAt(log, itemId);
  }

  @Override
  public void forget(String sessionId) {
    settler.forget(sessionId);
    unsure.remove(sessionId);
    disconnect(sessionId);
  }

  private void disconnect(String sessionId) {
    subscribed.remove(sessionId);
    WebSocketJsonRpc.Endpoint e = open.remove(sessionId);
    if (e != null) {
      e.socket().close();
    }
  }
}

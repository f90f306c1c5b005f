package io.github.codexmcp.detached;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.jsonrpc.WebSocketJsonRpc;
import io.github.codexmcp.state.SessionOwnership;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The keeper's real {@link DetachedKeeper.Probe}: a session is driven when its ownership lock is
 * held; its turn runs when {@code thread/read} on its app-server answers status {@code active} (the
 * thread id comes from the session's {@code meta.json}). One connection per app-server is kept open
 * between ticks. Confined to the keeper's thread.
 */
final class KeeperProbe implements DetachedKeeper.Probe {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final DetachedPaths paths;
  private final Timer timer;
  private final Map<String, WebSocketJsonRpc.Endpoint> open = new HashMap<>();

  KeeperProbe(DetachedPaths paths, Timer timer) {
    this.paths = paths;
    this.timer = timer;
  }

  @Override
  public boolean driven(String sessionId) {
    return SessionOwnership.heldByAnyone(paths.stateDir(), sessionId);
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
      return "active".equals(r.path("thread").path("status").path("type").asText());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      forget(sessionId);
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
              public void onNotification(String method, JsonNode params) {}

              @Override
              public void onRequest(JsonNode id, String method, JsonNode params) {}
            },
            "keeper-" + sessionId);
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

  private String threadId(String sessionId) {
    Path meta = paths.stateDir().resolve("sessions").resolve(sessionId).resolve("meta.json");
    try {
      return Json.text(Json.MAPPER.readTree(Files.readAllBytes(meta)), "threadId");
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void forget(String sessionId) {
    WebSocketJsonRpc.Endpoint e = open.remove(sessionId);
    if (e != null) {
      e.socket().close();
    }
  }
}

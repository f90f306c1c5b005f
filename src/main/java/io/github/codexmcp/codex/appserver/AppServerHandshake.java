package io.github.codexmcp.codex.appserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.util.Json;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of the app-server's handshake, the same over a pipe and over a socket: {@code
 * initialize} (our client name and version, the experimental API on), then {@code initialized}.
 * Stateless; the continuation runs on the thread that completes the request (the connection's
 * reader, or the timer on a timeout) and only writes one notification.
 */
final class AppServerHandshake {
  private AppServerHandshake() {}

  /** Completes {@code started} with the initialize result once {@code initialized} is sent. */
  static void initialize(JsonRpcConnection connection, CompletableFuture<JsonNode> started) {
    ObjectNode params = Json.object();
    params
        .putObject("clientInfo")
        .put("name", AppServerBackend.CLIENT_NAME)
        .put("version", AppServerBackend.CLIENT_VERSION);
    params.putObject("capabilities").put("experimentalApi", true);
    connection
        .request(AppServerMethods.INITIALIZE, params, AppServerBackend.DEFAULT_TIMEOUT)
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                started.completeExceptionally(error);
                return;
              }
              try {
                connection.notify(AppServerMethods.INITIALIZED, Json.object());
                started.complete(result);
              } catch (RuntimeException e) {
                started.completeExceptionally(e);
              }
            });
  }
}

package io.github.codexmcp.jsonrpc;

import io.github.codexmcp.util.Timer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens a {@link JsonRpcConnection} over a {@link UnixWebSocket}: one JSON-RPC message per text
 * frame. The connection's handler runs on the socket's reader thread ({@code threadName}); closing
 * the returned socket ends the connection (pending calls fail with the close reason).
 */
public final class WebSocketJsonRpc {
  private WebSocketJsonRpc() {}

  /** A connected endpoint: the JSON-RPC side and the socket under it. */
  public record Endpoint(JsonRpcConnection connection, UnixWebSocket socket) {}

  /**
   * Connects to {@code socket}, performs the handshake within {@code timeout} (blocking the
   * caller), and starts reading through a buffer of {@code bufferBytes} ({@link
   * UnixWebSocket#connect}).
   */
  public static Endpoint open(
      String name,
      Path socket,
      Duration timeout,
      Timer timer,
      JsonRpcConnection.Handler handler,
      String threadName,
      int bufferBytes)
      throws IOException {
    UnixWebSocket ws = UnixWebSocket.connect(socket, timeout, timer, bufferBytes);
    JsonRpcConnection connection = new JsonRpcConnection(name, ws::sendText, timer, handler);
    ws.startReading(
        threadName,
        new UnixWebSocket.Listener() {
          @Override
          public void onText(byte[] utf8) {
            connection.receive(utf8);
          }

          @Override
          public void onClosed(IOException error) {
            connection.endOfInput(error);
          }

          @Override
          public void onBatchStart() {
            connection.batchStart();
          }

          @Override
          public void onBatchEnd() {
            connection.batchEnd();
          }
        });
    return new Endpoint(connection, ws);
  }
}

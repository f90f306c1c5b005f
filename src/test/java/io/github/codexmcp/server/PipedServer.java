package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server as built by {@link McpServerFactory}, in this JVM over pipes: a test writes JSON-RPC
 * lines and reads every line the server writes.
 */
final class PipedServer implements AutoCloseable {
  final McpServerFactory.Built built;
  final CancellationRegistry cancellations = new CancellationRegistry();
  private final OutputStream toServer;
  private final BlockingQueue<JsonNode> fromServer = new LinkedBlockingQueue<>();
  final List<JsonNode> seen = new ArrayList<>();
  private final ExecutorService work = Executors.newFixedThreadPool(2);

  PipedServer(Map<String, ToolHandler> handlers) throws IOException {
    PipedInputStream serverIn = new PipedInputStream(1 << 16);
    toServer = new PipedOutputStream(serverIn);
    PipedInputStream clientIn = new PipedInputStream(1 << 20);
    PipedOutputStream serverOut = new PipedOutputStream(clientIn);
    built =
        McpServerFactory.build(
            serverIn,
            serverOut,
            handlers,
            null,
            work,
            CompletableFuture.completedFuture(null),
            cancellations,
            () -> {},
            "0.0.0-test");
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(clientIn, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  fromServer.add(Json.parse(line));
                }
              } catch (IOException | RuntimeException e) {
                // server side closed
              }
            },
            "piped-server-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends initialize (with these client capabilities) and initialized; returns the answer. */
  JsonNode initialize(String capabilitiesJson) throws Exception {
    send(
        "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":"
            + capabilitiesJson
            + ",\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
    JsonNode answer = response("init");
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return answer;
  }

  void send(String line) throws IOException {
    synchronized (toServer) {
      toServer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      toServer.flush();
    }
  }

  void send(ObjectNode message) throws IOException {
    send(Json.write(message));
  }

  /** The next line the server wrote, or null after 10 s. */
  JsonNode next() throws InterruptedException {
    JsonNode m = fromServer.poll(10, TimeUnit.SECONDS);
    if (m != null) {
      seen.add(m);
    }
    return m;
  }

  /** Reads until the response with this id (as text); every line read stays in {@link #seen}. */
  JsonNode response(String id) throws InterruptedException {
    while (true) {
      JsonNode m = next();
      if (m == null) {
        throw new AssertionError("no response " + id + "; seen " + seen);
      }
      if (m.has("id") && (m.has("result") || m.has("error")) && m.get("id").asText().equals(id)) {
        return m;
      }
    }
  }

  @Override
  public void close() throws IOException {
    toServer.close();
    built.server().close();
    work.shutdownNow();
  }
}

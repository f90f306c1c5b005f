package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.JsonRpcConnection;
import io.github.codexmcp.jsonrpc.UnixWebSocket;
import io.github.codexmcp.jsonrpc.WebSocketJsonRpc;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ScheduledTimer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the detached sessions rely on, checked against the real {@code codex app-server --listen
 * unix://PATH}: the WebSocket transport, a turn finishing after its client vanished, and {@code
 * thread/resume} plus {@code thread/read} from a second connection.
 */
@Timeout(120)
class ListeningAppServerIT {
  private ScriptedModelServer model;
  private CodexTestHome home;
  private ScheduledTimer timer;
  private Process appServer;
  private Path socket;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    timer = new ScheduledTimer();
    socket = home.root().resolve("as.sock");
    ProcessBuilder pb =
        new ProcessBuilder(
            CodexCli.get().nativeBinary().toString(), "app-server", "--listen", "unix://" + socket);
    home.configure(pb);
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(home.root().resolve("as.out").toFile());
    pb.redirectError(home.root().resolve("as.err").toFile());
    appServer = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(socket) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(socket), "app-server did not create its socket");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (appServer != null) {
      appServer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    timer.close();
    home.close();
    model.close();
  }

  /** A client connection recording notifications and server requests. */
  private final class Client implements JsonRpcConnection.Handler {
    final List<String> notifications = new CopyOnWriteArrayList<>();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    WebSocketJsonRpc.Endpoint endpoint;

    Client open() throws Exception {
      endpoint =
          WebSocketJsonRpc.open(
              "app-server",
              socket,
              Duration.ofSeconds(10),
              timer,
              this,
              "it-ws-reader",
              UnixWebSocket.STREAM_BUFFER);
      ObjectNode init = Json.object();
      init.putObject("clientInfo").put("name", "codex-mcp").put("version", "2.1.7");
      init.putObject("capabilities").put("experimentalApi", true);
      call("initialize", init);
      endpoint.connection().notify("initialized", Json.object());
      return this;
    }

    JsonNode call(String method, JsonNode params) throws Exception {
      return endpoint
          .connection()
          .request(method, params, Duration.ofSeconds(30))
          .get(40, TimeUnit.SECONDS);
    }

    @Override
    public void onNotification(String method, JsonNode params) {
      notifications.add(method);
    }

    @Override
    public void onRequest(JsonNode id, String method, JsonNode params) {
      requests.add(params);
    }
  }

  @Test
  void aTurnFinishesAfterItsClientVanishedAndASecondClientResumesIt() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    model.enqueue(ScriptedReply.gated(gate, ScriptedReply.text("finished unattended")));
    Client first = new Client().open();
    JsonNode thread =
        first.call("thread/start", Json.object().put("cwd", home.workDir().toString()));
    String threadId = thread.path("thread").path("id").asText();
    ObjectNode turn = Json.object().put("threadId", threadId);
    turn.putArray("input").addObject().put("type", "text").put("text", "work while I am away");
    first.call("turn/start", turn);
    model.awaitRequestCount(1, Duration.ofSeconds(20));
    first.endpoint.socket().close(); // the client goes away mid-turn
    gate.complete(null);

    Client second = new Client().open();
    JsonNode turns = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      turns =
          second.call(
              "thread/read", Json.object().put("threadId", threadId).put("includeTurns", true));
      JsonNode list = turns.path("thread").path("turns");
      if (list.size() > 0
          && "completed".equals(list.get(list.size() - 1).path("status").asText())) {
        break;
      }
      Thread.sleep(100);
    }
    assertNotNull(turns);
    String read = turns.toString();
    assertTrue(read.contains("finished unattended"), read);

    JsonNode resumed = second.call("thread/resume", Json.object().put("threadId", threadId));
    assertEquals(threadId, resumed.path("thread").path("id").asText());
    ObjectNode next = Json.object().put("threadId", threadId);
    next.putArray("input").addObject().put("type", "text").put("text", "and once more");
    model.enqueue(ScriptedReply.text("second answer"));
    second.call("turn/start", next);
    model.awaitRequestCount(2, Duration.ofSeconds(20));
    assertTrue(
        ScriptedModelServer.inputContains(model.lastRequest(), "work while I am away"),
        "the resumed thread keeps its context");
    second.endpoint.socket().close();
  }
}

package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.appserver.BytePipe;
import io.github.codexmcp.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class JsonRpcConnectionTest {
  private final BytePipe toPeer = new BytePipe();
  private final BytePipe fromPeer = new BytePipe();
  private final ManualTimer timer = new ManualTimer();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicBoolean ownerCloses = new AtomicBoolean();
  private BufferedReader peerReader;
  private JsonRpcConnection conn;

  @BeforeEach
  void setUp() {
    peerReader = new BufferedReader(new InputStreamReader(toPeer.source(), StandardCharsets.UTF_8));
    conn =
        new JsonRpcConnection(
            "peer",
            toPeer.sink(),
            timer,
            new JsonRpcConnection.Handler() {
              @Override
              public void onNotification(String method, JsonNode params) {
                if (method.equals("boom")) {
                  throw new IllegalStateException("handler failure");
                }
                events.add("notification " + method + " " + params);
              }

              @Override
              public void onRequest(JsonNode id, String method, JsonNode params) {
                events.add("request " + id + " " + method);
              }

              @Override
              public void onParseError(String line, Exception cause) {
                events.add("parse-error " + line);
              }

              @Override
              public boolean onEndOfStream(IOException error) {
                events.add("eof");
                return ownerCloses.get();
              }
            });
    conn.startReading(fromPeer.source(), "test-reader");
  }

  @AfterEach
  void tearDown() throws IOException {
    fromPeer.sink().close();
  }

  private JsonNode peerReads() throws IOException {
    return Json.parse(peerReader.readLine());
  }

  private void peerSends(String line) throws IOException {
    fromPeer.sink().write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void numbersRequestsFromOneAndCorrelatesOutOfOrderResponses() throws Exception {
    CompletableFuture<JsonNode> a = conn.request("a", null, Duration.ofSeconds(30));
    CompletableFuture<JsonNode> b =
        conn.request("b", Json.object().put("k", 1), Duration.ofSeconds(30));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\",\"params\":{}}", peerReads().toString());
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"b\",\"params\":{\"k\":1}}",
        peerReads().toString());
    peerSends("{\"id\":2,\"result\":{\"r\":\"b\"}}");
    peerSends("{\"id\":1,\"result\":{\"r\":\"a\"}}");
    assertEquals("b", b.get(5, TimeUnit.SECONDS).path("r").asText());
    assertEquals("a", a.get(5, TimeUnit.SECONDS).path("r").asText());
    assertEquals(0, conn.pendingCount());
    assertEquals(0, timer.pending(), "timeout tasks are cancelled on completion");
  }

  @Test
  void completesResponseFuturesOnTheReaderThread() throws Exception {
    CompletableFuture<String> thread =
        conn.request("a", null, Duration.ofSeconds(30))
            .thenApply(r -> Thread.currentThread().getName());
    peerReads();
    peerSends("{\"id\":1,\"result\":{}}");
    assertEquals("test-reader", thread.get(5, TimeUnit.SECONDS));
  }

  @Test
  void timesOutWithMethodAndMillisAndIgnoresLateResponse() throws Exception {
    CompletableFuture<JsonNode> f = conn.request("thread/fork", null, Duration.ofSeconds(30));
    peerReads();
    timer.advance(Duration.ofMillis(29_999));
    assertFalse(f.isDone());
    timer.advance(Duration.ofMillis(1));
    Throwable t = failure(f);
    assertInstanceOf(JsonRpcException.Timeout.class, t);
    assertEquals("Request thread/fork timed out after 30000ms", t.getMessage());
    peerSends("{\"id\":1,\"result\":{}}");
    CompletableFuture<JsonNode> next = conn.request("next", null, Duration.ofSeconds(30));
    assertEquals(2, peerReads().path("id").asInt());
    peerSends("{\"id\":2,\"result\":{\"ok\":true}}");
    assertTrue(next.get(5, TimeUnit.SECONDS).path("ok").asBoolean());
  }

  @Test
  void errorResponseBecomesRpcError() throws Exception {
    CompletableFuture<JsonNode> f = conn.request("x", null, Duration.ofSeconds(30));
    peerReads();
    peerSends("{\"id\":1,\"error\":{\"code\":-32600,\"message\":\"bad\"}}");
    Throwable t = failure(f);
    assertInstanceOf(JsonRpcException.ResponseError.class, t);
    assertEquals("RPC error -32600: bad", t.getMessage());
    assertEquals(-32600, ((JsonRpcException.ResponseError) t).error().code());
  }

  @Test
  void peerRequestIdsAreASeparateSpace() throws Exception {
    CompletableFuture<JsonNode> f = conn.request("x", null, Duration.ofSeconds(30));
    peerReads();
    peerSends("{\"id\":1,\"method\":\"item/commandExecution/requestApproval\",\"params\":{}}");
    peerSends("{\"id\":99,\"result\":{}}");
    peerSends("{\"method\":\"sync\",\"params\":{}}");
    awaitEvent("notification sync {}");
    assertTrue(events.contains("request 1 item/commandExecution/requestApproval"));
    assertFalse(f.isDone(), "neither the peer's request nor an unknown id touch our call 1");
    conn.respond(Json.NODES.numberNode(1), Json.object().put("decision", "accept"));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"decision\":\"accept\"}}",
        peerReads().toString());
  }

  @Test
  void dispatchesBatchElementsInOrderAndSurvivesHandlerFailures() throws Exception {
    peerSends("[{\"method\":\"one\",\"params\":{}},{\"method\":\"boom\"},{\"method\":\"two\"}]");
    peerSends("{not json");
    peerSends("{\"method\":\"three\"}");
    awaitEvent("notification three {}");
    assertEquals(
        List.of(
            "notification one {}",
            "notification two {}",
            "parse-error {not json",
            "notification three {}"),
        events);
  }

  @Test
  void writeFailureFailsCallerAndPendingAndLaterWrites() throws Exception {
    CompletableFuture<JsonNode> first = conn.request("first", null, Duration.ofSeconds(30));
    peerReads();
    toPeer.failWrites(new IOException("Broken pipe"));
    CompletableFuture<JsonNode> second = conn.request("second", null, Duration.ofSeconds(30));
    Throwable t = failure(second);
    assertInstanceOf(JsonRpcException.WriteFailed.class, t);
    assertEquals("Failed to write to peer: Broken pipe", t.getMessage());
    assertSame(t, failure(first));
    JsonRpcException thrown =
        assertThrows(JsonRpcException.class, () -> conn.respond(Json.NODES.numberNode(0), null));
    assertEquals("Failed to write to peer: Broken pipe", thrown.getMessage());
    assertSame(t, failure(conn.request("third", null, Duration.ofSeconds(30))));
  }

  @Test
  void aWriteFailureFailsThePendingCallsWithoutHoldingTheWriteLock() throws Exception {
    CompletableFuture<JsonNode> first = conn.request("first", null, Duration.ofSeconds(30));
    peerReads();
    CompletableFuture<Boolean> heldInContinuation = new CompletableFuture<>();
    first.whenComplete((v, t) -> heldInContinuation.complete(conn.holdsWriteLock()));
    toPeer.failWrites(new IOException("Broken pipe"));
    assertThrows(JsonRpcException.class, () -> conn.notify("n", null));
    assertFalse(heldInContinuation.get(5, TimeUnit.SECONDS));
  }

  @Test
  void closeFailsPendingAndLaterCallsWithTheFirstReason() throws Exception {
    CompletableFuture<JsonNode> f = conn.request("x", null, Duration.ofSeconds(30));
    JsonRpcException.Closed reason = new JsonRpcException.Closed("Client destroyed");
    conn.close(reason);
    conn.close(new JsonRpcException.Closed("second reason"));
    assertSame(reason, failure(f));
    assertSame(reason, failure(conn.request("y", null, Duration.ofSeconds(30))));
    assertSame(reason, assertThrows(JsonRpcException.class, () -> conn.notify("n", null)));
    assertTrue(conn.isClosed());
  }

  @Test
  void endOfStreamClosesUnlessTheOwnerTakesOver() throws Exception {
    CompletableFuture<JsonNode> f = conn.request("x", null, Duration.ofSeconds(30));
    fromPeer.sink().close();
    Throwable t = failure(f);
    assertInstanceOf(JsonRpcException.Closed.class, t);
    assertEquals("peer closed the connection", t.getMessage());
  }

  @Test
  void ownerMayKeepTheConnectionOpenAtEndOfStream() throws Exception {
    ownerCloses.set(true);
    CompletableFuture<JsonNode> f = conn.request("x", null, Duration.ofSeconds(30));
    fromPeer.sink().close();
    awaitEvent("eof");
    assertFalse(f.isDone());
    conn.close(new JsonRpcException.Closed("peer exited"));
    assertEquals("peer exited", failure(f).getMessage());
  }

  private void awaitEvent(String event) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!events.contains(event)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("missing " + event + " in " + events);
      }
      Thread.onSpinWait();
      Thread.sleep(1);
    }
  }
}

package io.github.codexmcp.codex.appserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.jsonrpc.JsonRpcException;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.testing.appserver.FakeChildProcess;
import io.github.codexmcp.testing.appserver.FakeLauncher;
import io.github.codexmcp.testing.appserver.RecordingListener;
import io.github.codexmcp.testing.appserver.ScriptedAppServer;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Spec 70 group F against an in-memory child and a scripted peer; time is manual. */
@Timeout(30)
class AppServerBackendTest {
  private static final ProcessSpec SPEC =
      new ProcessSpec(List.of("codex", "app-server"), null, null, false);

  private final FakeLauncher launcher = new FakeLauncher();
  private final ManualTimer timer = new ManualTimer();
  private final RecordingListener listener = new RecordingListener();

  private AppServerBackend backend() {
    AppServerBackend b = new AppServerBackend("s1", () -> SPEC, launcher, timer);
    b.setListener(listener);
    return b;
  }

  private AppServerBackend started() throws Exception {
    AppServerBackend b = backend();
    b.start().get(5, TimeUnit.SECONDS);
    return b;
  }

  private static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    return e.getCause();
  }

  private ScriptedAppServer peer() {
    return launcher.peer();
  }

  private FakeChildProcess child() {
    return launcher.child();
  }

  private static ObjectNode params(String... kv) {
    ObjectNode n = Json.object();
    for (int i = 0; i < kv.length; i += 2) {
      n.put(kv[i], kv[i + 1]);
    }
    return n;
  }

  @Test
  void startSpawnsInitializesWithId1AndThenSendsInitialized() throws Exception {
    AppServerBackend b = backend();
    JsonNode init = await(b.start());
    assertEquals(List.of(SPEC), launcher.specs());
    assertTrue(init.path("userAgent").asText().startsWith("codex-mcp/0.169.0"));
    peer().awaitRequest("initialized");
    List<JsonNode> got = peer().received();
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"clientInfo\":"
            + "{\"name\":\"codex-mcp\",\"version\":\"2.1.7\"},\"capabilities\":{\"experimentalApi\":true}}}",
        got.get(0).toString());
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}", got.get(1).toString());
    assertEquals(BackendMode.APP_SERVER, b.mode());
    assertTrue(b.supportsTurnOverrides());
    assertEquals(child().pid(), b.childPid());
    assertSame(b.start(), b.start(), "start is idempotent");
    assertEquals(1, launcher.specs().size());
  }

  @Test
  void threadStartAndTurnStartDefaultTo90sAndHonourExplicitTimeouts() throws Exception {
    launcher.script(p -> p.hold("thread/start").hold("turn/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> thread = b.threadStart(params("cwd", "/w"));
    CompletableFuture<JsonNode> turn =
        b.turnStart(params("threadId", "t"), Duration.ofMillis(45_000));
    peer().awaitRequest("turn/start");
    timer.advance(Duration.ofMillis(44_999));
    assertFalse(turn.isDone());
    timer.advance(Duration.ofMillis(1));
    assertEquals("Request turn/start timed out after 45000ms", failure(turn).getMessage());
    timer.advance(Duration.ofMillis(44_999));
    assertFalse(thread.isDone());
    timer.advance(Duration.ofMillis(1));
    Throwable t = failure(thread);
    assertInstanceOf(JsonRpcException.Timeout.class, t);
    assertEquals("Request thread/start timed out after 90000ms", t.getMessage());
    CompletableFuture<JsonNode> turnDefault = b.turnStart(params("threadId", "t"));
    timer.advance(Duration.ofMillis(89_999));
    assertFalse(turnDefault.isDone());
    timer.advance(Duration.ofMillis(1));
    assertEquals("Request turn/start timed out after 90000ms", failure(turnDefault).getMessage());
  }

  @Test
  void otherRequestsTimeOutAfter30s() throws Exception {
    launcher.script(
        p ->
            p.hold("thread/fork")
                .hold("thread/resume")
                .hold("turn/interrupt")
                .hold("thread/backgroundTerminals/clean"));
    AppServerBackend b = started();
    List<CompletableFuture<JsonNode>> calls =
        List.of(
            b.threadFork(params("threadId", "t")),
            b.threadResume(params("threadId", "t")),
            b.turnInterrupt(params("threadId", "t")),
            b.threadBackgroundTerminalsClean(params("threadId", "t")));
    peer().awaitRequest("thread/backgroundTerminals/clean");
    timer.advance(Duration.ofMillis(29_999));
    calls.forEach(c -> assertFalse(c.isDone()));
    timer.advance(Duration.ofMillis(1));
    assertEquals("Request thread/fork timed out after 30000ms", failure(calls.get(0)).getMessage());
    assertEquals(
        "Request thread/resume timed out after 30000ms", failure(calls.get(1)).getMessage());
    assertEquals(
        "Request turn/interrupt timed out after 30000ms", failure(calls.get(2)).getMessage());
    assertEquals(
        "Request thread/backgroundTerminals/clean timed out after 30000ms",
        failure(calls.get(3)).getMessage());
  }

  @Test
  void callsReturnResultsAndThreadIds() throws Exception {
    AppServerBackend b = started();
    JsonNode thread = await(b.threadStart(params("cwd", "/w")));
    assertEquals("thr_1", thread.path("thread").path("id").asText());
    JsonNode fork = await(b.threadFork(params("threadId", "thr_1")));
    assertEquals("thr_fork_2", fork.path("thread").path("id").asText());
    JsonNode turn = await(b.turnStart(params("threadId", "thr_1")));
    assertEquals("turn_1", turn.path("turn").path("id").asText());
    JsonNode request = peer().awaitRequest("turn/start");
    assertEquals(4, request.path("id").asInt(), "initialize=1, thread/start=2, thread/fork=3");
  }

  @Test
  void bannerLinesAreIgnored() throws Exception {
    AppServerBackend b = started();
    peer().sendLine("Welcome to codex");
    peer().notifyClient("thread/started", params("x", "y"));
    List<RecordingListener.Event> n = listener.awaitKind("notification", 1);
    assertEquals("thread/started", n.get(0).method());
    assertTrue(child().terminations().isEmpty());
    assertNotNull(b.childPid());
  }

  @Test
  void malformedJsonLineRejectsPendingAndTerminatesTheChild() throws Exception {
    launcher.script(p -> p.hold("thread/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.threadStart(params("cwd", "/w"));
    peer().awaitRequest("thread/start");
    peer().sendLine("{not json");
    Throwable t = failure(pending);
    assertInstanceOf(CodexMcpException.class, t);
    assertEquals(ErrorCode.PROTOCOL_PARSE_ERROR, ((CodexMcpException) t).code());
    assertEquals(
        "Error [PROTOCOL_PARSE_ERROR]: app-server protocol error: failed to parse JSON line: {not json",
        t.getMessage());
    List<RecordingListener.Event> exit = listener.awaitKind("exit", 1);
    assertEquals("null/SIGTERM", exit.get(0).detail(), "the SIGTERMed child's exit is reported");
    assertEquals(List.of(Duration.ofSeconds(5)), child().terminations());
    assertSame(t, failure(b.turnStart(params("threadId", "t"))));
  }

  @Test
  void parseErrorMessageKeepsTheFirst200Characters() throws Exception {
    launcher.script(p -> p.hold("thread/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.threadStart(params());
    peer().awaitRequest("thread/start");
    String bad = "{" + "x".repeat(300);
    peer().sendLine(bad);
    assertEquals(
        "Error [PROTOCOL_PARSE_ERROR]: app-server protocol error: failed to parse JSON line: "
            + bad.substring(0, 200),
        failure(pending).getMessage());
  }

  @Test
  void batchLineDeliversEveryNotificationInOrder() throws Exception {
    started();
    peer()
        .sendLine(
            "[{\"method\":\"a/one\",\"params\":{}},{\"method\":\"a/two\",\"params\":{\"k\":1}}]");
    List<RecordingListener.Event> n = listener.awaitKind("notification", 2);
    assertEquals("a/one", n.get(0).method());
    assertEquals("a/two", n.get(1).method());
    assertEquals(1, n.get(1).params().path("k").asInt());
  }

  @Test
  void errorResponseRejectsWithRpcError() throws Exception {
    launcher.script(
        p -> p.handle("thread/start", (id, params, peer) -> peer.replyError(id, -32600, "bad")));
    AppServerBackend b = started();
    assertEquals("RPC error -32600: bad", failure(b.threadStart(params())).getMessage());
  }

  @Test
  void responseForUnknownIdIsIgnored() throws Exception {
    AppServerBackend b = started();
    peer().sendLine("{\"id\":777,\"result\":{}}");
    peer().sendLine("{\"id\":\"nope\",\"error\":{\"code\":1,\"message\":\"x\"}}");
    assertEquals("thr_1", await(b.threadStart(params())).path("thread").path("id").asText());
    assertTrue(child().terminations().isEmpty());
  }

  @Test
  void serverRequestWithoutListenerGetsMethodNotHandled() throws Exception {
    AppServerBackend b = new AppServerBackend("s1", () -> SPEC, launcher, timer);
    await(b.start());
    peer().requestClient(Json.NODES.numberNode(0), "item/tool/call", Json.object());
    JsonNode answer = peer().awaitAnswer(Json.NODES.numberNode(0));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":0,\"error\":{\"code\":-32601,\"message\":\"Method not handled: item/tool/call\"}}",
        answer.toString());
  }

  @Test
  void serverRequestWithStringIdIsAnsweredWithTheSameId() throws Exception {
    AppServerBackend b = started();
    peer()
        .requestClient(
            Json.NODES.textNode("abc"), "item/fileChange/requestApproval", params("itemId", "i"));
    RecordingListener.Event req = listener.awaitKind("request", 1).get(0);
    assertEquals("item/fileChange/requestApproval", req.method());
    assertEquals("abc", req.id().asText());
    b.respond(req.id(), params("decision", "accept"));
    JsonNode answer = peer().awaitAnswer(Json.NODES.textNode("abc"));
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":{\"decision\":\"accept\"}}",
        answer.toString());
    b.respondError(Json.NODES.numberNode(7), -32000, "no");
    assertEquals(
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32000,\"message\":\"no\"}}",
        peer().awaitAnswer(Json.NODES.numberNode(7)).toString());
  }

  @Test
  void failingListenerStillLeavesNoServerRequestUnanswered() throws Exception {
    AppServerBackend b = new AppServerBackend("s1", () -> SPEC, launcher, timer);
    b.setListener(
        new RecordingListener() {
          @Override
          public void onServerRequest(JsonNode id, String method, JsonNode params) {
            throw new IllegalStateException("boom");
          }
        });
    await(b.start());
    peer()
        .requestClient(
            Json.NODES.numberNode(3), "item/commandExecution/requestApproval", Json.object());
    assertEquals(
        -32603, peer().awaitAnswer(Json.NODES.numberNode(3)).path("error").path("code").asInt());
  }

  @Test
  void aChildSpawnedWhileDestroyingIsStoppedOutsideTheMonitor() throws Exception {
    AppServerBackend[] b = new AppServerBackend[1];
    List<Boolean> monitorHeld = new java.util.ArrayList<>();
    io.github.codexmcp.process.ProcessLauncher racing =
        spec -> {
          b[0].destroy(); // destroyed while the child is being spawned
          io.github.codexmcp.process.ChildProcess c = launcher.start(spec);
          return new io.github.codexmcp.process.ChildProcess() {
            @Override
            public long pid() {
              return c.pid();
            }

            @Override
            public java.io.OutputStream stdin() {
              return c.stdin();
            }

            @Override
            public java.io.InputStream stdout() {
              return c.stdout();
            }

            @Override
            public java.io.InputStream stderr() {
              return c.stderr();
            }

            @Override
            public boolean isAlive() {
              return c.isAlive();
            }

            @Override
            public CompletableFuture<Integer> onExit() {
              return c.onExit();
            }

            @Override
            public CompletableFuture<Void> terminate(java.time.Duration grace) {
              monitorHeld.add(Thread.holdsLock(b[0])); // signals: no monitor held across them
              return c.terminate(grace);
            }
          };
        };
    b[0] = new AppServerBackend("s1", () -> SPEC, racing, timer);
    assertEquals("Client destroyed", failure(b[0].start()).getMessage());
    assertEquals(List.of(false), monitorHeld);
  }

  @Test
  void requestAfterDestroyIsRejected() throws Exception {
    AppServerBackend b = started();
    await(b.destroy());
    assertEquals("Client destroyed", failure(b.threadStart(params())).getMessage());
    assertThrows(JsonRpcException.class, () -> b.respond(Json.NODES.numberNode(1), Json.object()));
    assertTrue(b.isDestroyed());
  }

  @Test
  void destroyIsIdempotentFailsPendingAndSilencesTheListener() throws Exception {
    launcher.script(p -> p.hold("turn/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.turnStart(params("threadId", "t"));
    peer().awaitRequest("turn/start");
    child().ignoreTerminate();
    peer().exitOnStdinEof(false);
    CompletableFuture<Void> first = b.destroy();
    CompletableFuture<Void> second = b.destroy();
    assertSame(first, second);
    assertEquals("Client destroyed", failure(pending).getMessage());
    assertEquals(List.of(Duration.ofSeconds(5)), child().terminations());
    peer().sendLine("{\"method\":\"late\",\"params\":{}}");
    peer().requestClient(Json.NODES.numberNode(5), "item/tool/call", Json.object());
    child().exit(143);
    await(first);
    assertTrue(
        listener.events().isEmpty(), "no exit or notification after destroy: " + listener.events());
    assertNull(b.childPid());
  }

  @Test
  void destroyWaitsForAChildThatIgnoresSigterm() throws Exception {
    AppServerBackend b = started();
    child().ignoreTerminate();
    peer().exitOnStdinEof(false);
    CompletableFuture<Void> destroyed = b.destroy();
    assertFalse(destroyed.isDone(), "completes when the child exits or was killed");
    assertTrue(child().isAlive());
    child().exit(137);
    await(destroyed);
    assertTrue(listener.events("exit").isEmpty());
  }

  @Test
  void childExitRejectsPendingAndReportsExitOnce() throws Exception {
    launcher.script(p -> p.hold("thread/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.threadStart(params());
    peer().awaitRequest("thread/start");
    peer().notifyClient("before/exit", Json.object());
    child().exit(1);
    Throwable t = failure(pending);
    assertEquals("app-server exited (code: 1, signal: null)", t.getMessage());
    listener.awaitKind("exit", 1);
    List<RecordingListener.Event> events = listener.events();
    assertEquals(2, events.size());
    assertEquals("before/exit", events.get(0).method(), "stdout is drained before the exit");
    assertEquals("1/null", events.get(1).detail());
    assertEquals(t.getMessage(), failure(b.threadStart(params())).getMessage());
    assertThrows(JsonRpcException.class, () -> b.respond(Json.NODES.numberNode(0), Json.object()));
    assertNull(b.childPid());
  }

  @Test
  void signalExitIsReportedAsSignal() throws Exception {
    started();
    child().exit(137);
    assertEquals("null/SIGKILL", listener.awaitKind("exit", 1).get(0).detail());
  }

  @Test
  void exitIsReportedAfterAGracePeriodWhenStdoutStaysOpen() throws Exception {
    launcher.script(p -> p.hold("thread/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.threadStart(params());
    peer().awaitRequest("thread/start");
    child().exitKeepingStdoutOpen(2);
    assertFalse(pending.isDone());
    timer.advance(Duration.ofMillis(1_999));
    assertFalse(pending.isDone());
    timer.advance(Duration.ofMillis(1));
    assertEquals("app-server exited (code: 2, signal: null)", failure(pending).getMessage());
    assertEquals("2/null", listener.awaitKind("exit", 1).get(0).detail());
  }

  @Test
  void stdoutClosedWhileRunningStopsTheChildAfterAGracePeriod() throws Exception {
    launcher.script(p -> p.hold("thread/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.threadStart(params());
    peer().awaitRequest("thread/start");
    child().ignoreTerminate().closeStdout();
    waitUntil(() -> timer.pendingDelays().contains(AppServerBackend.EXIT_AFTER_EOF));
    timer.advance(Duration.ofMillis(4_999));
    assertFalse(pending.isDone());
    timer.advance(Duration.ofMillis(1));
    assertEquals("app-server closed its stdout", failure(pending).getMessage());
    assertEquals(List.of(Duration.ofSeconds(5)), child().terminations());
  }

  @Test
  void multiByteCharacterSplitAcrossChunksIsDecoded() throws Exception {
    started();
    byte[] line =
        "{\"method\":\"item/agentMessage/delta\",\"params\":{\"delta\":\"h\u00e9\u20ac\uD83D\uDE00\"}}\n"
            .getBytes(StandardCharsets.UTF_8);
    int cut = line.length - 8; // inside the 4-byte emoji
    peer().sendBytes(Arrays.copyOfRange(line, 0, cut));
    peer().sendBytes(Arrays.copyOfRange(line, cut, line.length));
    JsonNode params = listener.awaitKind("notification", 1).get(0).params();
    assertEquals("h\u00e9\u20ac\uD83D\uDE00", params.path("delta").asText());
  }

  @Test
  void writeFailureRejectsCallerAndPendingAndRespondThrows() throws Exception {
    launcher.script(p -> p.hold("turn/start"));
    AppServerBackend b = started();
    CompletableFuture<JsonNode> pending = b.turnStart(params("threadId", "t"));
    peer().awaitRequest("turn/start");
    child().stdinPipe().failWrites(new IOException("Broken pipe"));
    CompletableFuture<JsonNode> next = b.threadStart(params());
    assertEquals("Failed to write to app-server: Broken pipe", failure(next).getMessage());
    assertEquals("Failed to write to app-server: Broken pipe", failure(pending).getMessage());
    // The write failure, or the exit of the child it stopped, whichever the reader saw last.
    assertThrows(JsonRpcException.class, () -> b.respond(Json.NODES.numberNode(0), Json.object()));
    assertEquals(List.of(Duration.ofSeconds(5)), child().terminations(), "the child is stopped");
    assertEquals("null/SIGTERM", listener.awaitKind("exit", 1).get(0).detail());
  }

  @Test
  void spawnFailureFailsStartAndReportsOneError() throws Exception {
    IOException cause =
        new IOException("Cannot run program \"codex\": error=2, No such file or directory");
    launcher.failWith(cause);
    AppServerBackend b = backend();
    assertSame(cause, failure(b.start()));
    List<RecordingListener.Event> errors = listener.events("error");
    assertEquals(1, errors.size());
    assertSame(cause, errors.get(0).detail());
    assertTrue(listener.events("exit").isEmpty());
    assertEquals(
        "app-server is not running (stdin not writable)",
        failure(b.threadStart(params())).getMessage());
    assertNull(b.childPid());
  }

  @Test
  void launchSpecFailureFailsStartWithoutErrorEvent() throws Exception {
    CodexMcpException bad = CodexMcpException.invalid("Profile 'x' not found");
    AppServerBackend b =
        new AppServerBackend(
            "s1",
            () -> {
              throw bad;
            },
            launcher,
            timer);
    b.setListener(listener);
    assertSame(bad, failure(b.start()));
    assertTrue(listener.events().isEmpty());
    assertTrue(launcher.specs().isEmpty());
  }

  @Test
  void listenerCallsRunOnTheReaderThreadInArrivalOrder() throws Exception {
    started();
    for (int i = 0; i < 50; i++) {
      peer().notifyClient("n/" + i, Json.object());
    }
    peer().requestClient(Json.NODES.numberNode(0), "item/tool/requestUserInput", Json.object());
    List<RecordingListener.Event> events = listener.await(e -> true, 51);
    for (int i = 0; i < 50; i++) {
      assertEquals("n/" + i, events.get(i).method());
      assertEquals("appserver-s1-out", events.get(i).thread());
    }
    assertEquals("request", events.get(50).kind());
  }

  @Test
  void onFailureApprovalPolicyIsSentAsOnRequest() throws Exception {
    AppServerBackend b = started();
    ObjectNode p = params("cwd", "/w", "approvalPolicy", "on-failure");
    await(b.threadStart(p));
    JsonNode sent = peer().awaitRequest("thread/start");
    assertEquals("on-request", sent.path("params").path("approvalPolicy").asText());
    assertEquals(
        "on-failure", p.path("approvalPolicy").asText(), "caller's params are not mutated");
    await(b.turnStart(params("threadId", "t", "approvalPolicy", "never")));
    assertEquals(
        "never", peer().awaitRequest("turn/start").path("params").path("approvalPolicy").asText());
  }

  @Test
  void stderrIsDrainedIntoTheTail() throws Exception {
    AppServerBackend b = started();
    peer().stderr("WARNING: proceeding, even though /home/alice/.codex/tmp is odd");
    waitUntil(() -> !b.stderrTail().isEmpty());
    assertEquals("WARNING: proceeding, even though <path> is odd", b.stderrTail());
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met");
      }
      Thread.sleep(1);
    }
  }
}

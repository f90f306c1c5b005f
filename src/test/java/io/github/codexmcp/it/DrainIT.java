package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End of stdin or a signal while sessions run. With state on disk every session has a detached
 * app-server: the server does not wait, its running turn goes on without it and the next server
 * picks it up. Memory-only (the state directory unusable: stdio app-servers that end with the
 * server), the server waits at most 10 s for running sessions (spec 00 §8), then stops every Codex
 * child and exits, leaving nothing behind.
 */
@Timeout(180)
class DrainIT {
  /** Drain bound (10 s) + child stop (5 s) + one drain check (0.75 s) + JVM exit slack. */
  static final Duration EXIT_BOUND = Duration.ofMillis(10_000 + 5_000 + 750 + 1_250);

  ScriptedModelServer model;
  CodexTestHome home;
  Path runtime;
  ServerProcess server;
  McpSession next;
  final List<Long> leftovers = new ArrayList<>();
  final AtomicInteger ids = new AtomicInteger(1);

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    runtime = Files.createDirectories(home.root().resolve("run"));
  }

  /** A server with state on disk (detached app-servers) or memory-only (stdio app-servers). */
  private void startServer(boolean memoryOnly) throws Exception {
    Map<String, String> env = home.env();
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    Path state = home.root().resolve("state");
    if (memoryOnly) {
      state = Files.writeString(home.root().resolve("not-a-directory"), "x");
    }
    env.put("CODEX_MCP_STATE_DIR", state.toString());
    server = ServerProcess.start(env, home.workDir());
    initialize();
  }

  @AfterEach
  void tearDown() {
    server.close();
    for (ProcessHandle p : Procs.withCommandLine(runtime.toString())) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    if (next != null) {
      next.close();
    }
    leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    home.close();
    model.close();
  }

  @Test
  void threeLongSessionsAreStoppedWithinTheDrainBound() throws Exception {
    startServer(true);
    // Codex hands a running command back to the model after 30 s at most: the model's next
    // answers are held, so the turns still run at the drain however slowly the sessions started
    for (int i = 0; i < 3; i++) {
      model.enqueue(ScriptedReply.longCommand(1741));
    }
    for (int i = 0; i < 3; i++) {
      model.enqueue(ScriptedReply.gated(new CompletableFuture<>(), ScriptedReply.text("later")));
    }
    for (int i = 0; i < 3; i++) {
      callTool("codex", sessionArgs("long " + i));
    }
    assertTrue(
        Procs.await(() -> Procs.sleeps(1741).size() == 3, Duration.ofSeconds(60)),
        "three commands never ran: " + Procs.withCommandLine("sleep 1741") + "\n" + server.stderr);
    List<Long> appServers =
        Procs.appServersUnder(server.process.toHandle()).stream().map(ProcessHandle::pid).toList();
    assertEquals(3, appServers.size(), appServers.toString());
    List<Long> sleeps =
        Procs.withCommandLine("sleep 1741").stream().map(ProcessHandle::pid).toList();
    leftovers.addAll(appServers);
    leftovers.addAll(sleeps);

    long eof = System.nanoTime();
    server.closeStdin();
    boolean exited = server.process.waitFor(EXIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    long exitMs = (System.nanoTime() - eof) / 1_000_000;
    assertTrue(
        exited,
        "server still running " + EXIT_BOUND + " after stdin EOF; stderr:\n" + server.stderr);
    System.out.printf(
        "[measure] drain: server exited %d ms after stdin EOF with 3 running sessions (exit code %d)%n",
        exitMs, server.process.exitValue());
    assertTrue(
        exitMs >= 9_000,
        "the server must wait for running sessions before stopping them: " + exitMs + " ms");
    String stderr = server.stderrAtExit();
    assertEquals(0, server.process.exitValue(), stderr);
    assertTrue(stderr.contains("drain period (10000ms) elapsed — forcing shutdown"), stderr);
    assertFalse(stderr.contains("not every child stopped in time"), stderr);

    List<Long> all = new ArrayList<>(appServers);
    all.addAll(sleeps);
    boolean gone = Procs.await(() -> all.stream().noneMatch(Procs::alive), Duration.ofSeconds(1));
    assertTrue(
        gone,
        "left behind: "
            + all.stream()
                .filter(Procs::alive)
                .map(Procs::describe)
                .collect(Collectors.joining(", "))
            + "\n"
            + server.stderr);
  }

  @Test
  void turnEndingDuringTheDrainLetsTheServerExitEarly() throws Exception {
    startServer(true);
    model.enqueue(ScriptedReply.longCommand(3));
    model.toolOutputReplyText("drained turn done");
    callTool("codex", sessionArgs("short"));
    assertTrue(
        Procs.await(
            () ->
                !Procs.appServersUnder(server.process.toHandle()).isEmpty()
                    && model.requestCount() >= 1,
            Duration.ofSeconds(60)));
    Thread.sleep(500);

    long eof = System.nanoTime();
    server.closeStdin();
    assertTrue(
        server.process.waitFor(EXIT_BOUND.toMillis(), TimeUnit.MILLISECONDS),
        server.stderr.toString());
    long exitMs = (System.nanoTime() - eof) / 1_000_000;
    System.out.printf(
        "[measure] drain: server exited %d ms after stdin EOF once its 3 s turn ended%n", exitMs);
    assertTrue(
        exitMs < 9_000,
        "the server should exit when the last session goes idle: "
            + exitMs
            + " ms\n"
            + server.stderr);
    assertTrue(model.requestCount() >= 2, "the turn ended before the exit");
    String stderr = server.stderrAtExit();
    assertTrue(stderr.contains("stdin closed with no active sessions — shutting down"), stderr);
  }

  /**
   * State on disk: end of stdin with a running turn. The server exits at once; the turn goes on in
   * its detached app-server and the next server shows its result.
   */
  @Test
  void aRunningTurnOutlivesAServerThatExitsAtOnceOnEndOfInput() throws Exception {
    exitsAtOnceLeavingTheTurn(() -> server.closeStdin(), "stdin EOF");
  }

  /** As above on SIGINT (a terminal's Ctrl-C, some clients' way to stop a server). */
  @Test
  void aRunningTurnOutlivesAServerThatExitsAtOnceOnSigint() throws Exception {
    exitsAtOnceLeavingTheTurn(
        () ->
            assertEquals(
                0,
                new ProcessBuilder("kill", "-INT", String.valueOf(server.process.pid()))
                    .start()
                    .waitFor()),
        "SIGINT");
  }

  interface Stop {
    void run() throws Exception;
  }

  private void exitsAtOnceLeavingTheTurn(Stop stop, String how) throws Exception {
    startServer(false);
    model.enqueue(ScriptedReply.longCommand(6));
    model.toolOutputReplyText("finished without its server");
    String sid = callTool("codex", sessionArgs("outlive")).path("sessionId").asText();
    // this test's own processes only (other builds on the machine run commands too): the
    // app-server listening on this session's socket under this test's runtime directory, and the
    // command it runs. A process on its way to becoming it (the launching shell's background
    // child) or started by it may show the same command line for a moment: the wait is for one
    // such process that no other of them started.
    assertTrue(
        Procs.await(() -> listeningOn(sid).size() == 1, Duration.ofSeconds(10)),
        "one app-server for " + sid + ": " + describe(listeningOn(sid)));
    List<Long> appServers = listeningOn(sid);
    assertEquals(1, appServers.size(), describe(appServers));
    leftovers.addAll(appServers);
    assertTrue(
        Procs.await(
            () ->
                ProcessHandle.of(appServers.get(0)).stream()
                    .flatMap(ProcessHandle::descendants)
                    .anyMatch(
                        p -> p.info().commandLine().map(c -> c.contains("sleep 6")).orElse(false)),
            Duration.ofSeconds(60)),
        server.stderr.toString());

    long t0 = System.nanoTime();
    stop.run();
    assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), server.stderr.toString());
    long exitMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "[measure] shutdown: server exited %d ms after %s with a running turn%n", exitMs, how);
    assertTrue(exitMs < 3_000, "the server must not wait for the turn: " + exitMs + " ms");
    assertTrue(Procs.alive(appServers.get(0)), "the turn's app-server outlives the server");
    assertEquals(1, model.requestCount(), "the turn was still running at the exit");

    model.awaitRequestCount(2, Duration.ofSeconds(30)); // the command ended; the turn finishes
    next = McpSession.start(home, Map.of("XDG_RUNTIME_DIR", runtime.toString()));
    JsonNode last = next.pollUntilIdle(sid).last();
    assertEquals("finished without its server", last.at("/result/text").asText(), last.toString());
  }

  /**
   * A hung Codex (stopped with SIGSTOP, so SIGTERM stays pending) must still be killed before the
   * server exits.
   */
  @Test
  void hungCodexIsKilledBeforeTheServerExits() throws Exception {
    startServer(true);
    model.enqueue(ScriptedReply.longCommand(1742));
    callTool("codex", sessionArgs("hang"));
    assertTrue(
        Procs.await(() -> Procs.sleeps(1742).size() == 1, Duration.ofSeconds(60)),
        server.stderr.toString());
    List<Long> appServers =
        Procs.appServersUnder(server.process.toHandle()).stream().map(ProcessHandle::pid).toList();
    assertEquals(1, appServers.size(), appServers.toString());
    List<Long> all = new ArrayList<>(appServers);
    Procs.sleeps(1742).forEach(ph -> all.add(ph.pid()));
    leftovers.addAll(all);
    Process stop = new ProcessBuilder("kill", "-STOP", String.valueOf(appServers.get(0))).start();
    assertEquals(0, stop.waitFor());
    assertTrue(
        Procs.await(() -> "T".equals(Procs.state(appServers.get(0))), Duration.ofSeconds(5)));

    long eof = System.nanoTime();
    server.closeStdin();
    boolean exited = server.process.waitFor(EXIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    long exitMs = (System.nanoTime() - eof) / 1_000_000;
    assertTrue(
        exited,
        "server still running " + EXIT_BOUND + " after stdin EOF; stderr:\n" + server.stderr);
    System.out.printf(
        "[measure] drain: server exited %d ms after stdin EOF with a hung codex%n", exitMs);
    String stderr = server.stderrAtExit();
    assertTrue(stderr.contains("still running after 3000ms — force killing"), stderr);
    boolean gone = Procs.await(() -> all.stream().noneMatch(Procs::alive), Duration.ofSeconds(1));
    assertTrue(
        gone,
        "left behind: "
            + all.stream()
                .filter(Procs::alive)
                .map(Procs::describe)
                .collect(Collectors.joining(", "))
            + "\n"
            + server.stderr);
  }

  /**
   * The SDK client closes stdin and sends SIGTERM 100 ms later. When the shutdown that the EOF
   * started is still stopping children (here a hung app-server), the JVM shutdown hook must wait
   * for it to finish (flush) rather than let the JVM halt mid-way.
   */
  @Test
  void sigtermDuringAnEofShutdownStillFinishesIt() throws Exception {
    startServer(false);
    model.enqueue(ScriptedReply.text("before the signal"));
    String sid = callTool("codex", sessionArgs("short")).path("sessionId").asText();
    Path dir = home.root().resolve("state/sessions").resolve(sid);
    assertTrue(
        Procs.await(() -> Files.exists(dir.resolve("result.json")), Duration.ofSeconds(60)),
        server.stderr.toString());
    List<Long> appServers =
        Procs.appServersUnder(server.process.toHandle()).stream().map(ProcessHandle::pid).toList();
    assertEquals(1, appServers.size(), appServers.toString());
    leftovers.addAll(appServers);
    assertEquals(
        0,
        new ProcessBuilder("kill", "-STOP", String.valueOf(appServers.get(0))).start().waitFor());

    server.closeStdin();
    Thread.sleep(100);
    server.process.destroy(); // SIGTERM while the EOF shutdown waits for the hung app-server
    assertTrue(server.process.waitFor(10, TimeUnit.SECONDS), server.stderr.toString());
    assertTrue(
        Procs.await(() -> !Procs.alive(appServers.get(0)), Duration.ofSeconds(1)),
        Procs.describe(appServers.get(0)));
  }

  /**
   * The processes that run {@code app-server --listen} on the socket of {@code sid}, roots only.
   */
  private List<Long> listeningOn(String sid) {
    List<ProcessHandle> all =
        Procs.withCommandLine(runtime.toString()).stream()
            .filter(
                p ->
                    p.info()
                        .commandLine()
                        .map(c -> c.contains("app-server") && c.contains(sid + ".sock"))
                        .orElse(false))
            .filter(p -> !p.info().command().map(c -> c.endsWith("java")).orElse(false))
            .toList();
    List<Long> pids = all.stream().map(ProcessHandle::pid).toList();
    return all.stream()
        .filter(p -> p.parent().map(parent -> !pids.contains(parent.pid())).orElse(true))
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String describe(List<Long> pids) {
    return pids.stream().map(Procs::describe).collect(Collectors.joining("; "));
  }

  private Map<String, Object> sessionArgs(String prompt) {
    return args(
        "prompt",
        prompt,
        "approvalPolicy",
        "never",
        "sandbox",
        "workspace-write",
        "cwd",
        home.workDir().toString());
  }

  private void initialize() throws Exception {
    ObjectNode init = request("initialize");
    ObjectNode params = init.putObject("params");
    params.put("protocolVersion", "2025-06-18");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "drain-it").put("version", "1");
    server.send(init);
    server.response(init.get("id").asInt(), Duration.ofSeconds(30));
    server.send(
        ServerProcess.JSON
            .createObjectNode()
            .put("jsonrpc", "2.0")
            .put("method", "notifications/initialized"));
  }

  private ObjectNode request(String method) {
    return ServerProcess.JSON
        .createObjectNode()
        .put("jsonrpc", "2.0")
        .put("id", ids.getAndIncrement())
        .put("method", method);
  }

  /** A successful tool call's structured result. */
  private JsonNode callTool(String name, Map<String, Object> arguments) throws Exception {
    ObjectNode call = request("tools/call");
    ObjectNode params = call.putObject("params");
    params.put("name", name);
    params.set("arguments", ServerProcess.JSON.valueToTree(arguments));
    server.send(call);
    JsonNode resp = server.response(call.get("id").asInt(), Duration.ofSeconds(120));
    assertTrue(
        !resp.at("/result/isError").asBoolean(false) && resp.has("result"),
        resp + "\n" + server.stderr);
    return resp.at("/result/structuredContent");
  }
}

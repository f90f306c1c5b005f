package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.detached.DetachedPaths;
import io.github.codexmcp.detached.KeeperLauncher;
import io.github.codexmcp.detached.KeeperMain;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Running turns survive their server (real CLI, scripted model): {@code kill -9} of the server
 * mid-turn, the turn finishes in the same Codex process and the next server re-attaches it (result,
 * no lost or doubled events, the session carries on); a pending approval is answerable after the
 * re-attachment; with a short {@code CODEX_MCP_DETACHED_TTL_MS} nothing is left running a few
 * seconds after the turn ended.
 */
@Timeout(240)
class SurvivalIT {
  ScriptedModelServer model;
  CodexTestHome home;
  final List<McpSession> servers = new ArrayList<>();
  Path runtime;

  @BeforeEach
  void setUp() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    runtime = Files.createDirectories(home.root().resolve("run"));
  }

  @AfterEach
  void tearDown() {
    servers.forEach(McpSession::close);
    for (ProcessHandle p : Procs.withCommandLine(runtime.toString())) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    home.close();
    model.close();
  }

  private McpSession start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    McpSession s = McpSession.start(home, env);
    servers.add(s);
    return s;
  }

  /** The detached Codex app-servers of this test's state directory (their socket is in runtime). */
  private List<Long> appServers() {
    List<ProcessHandle> found =
        Procs.withCommandLine(runtime.toString()).stream()
            .filter(p -> p.info().commandLine().map(c -> c.contains("app-server")).orElse(false))
            .filter(p -> !p.info().command().map(c -> c.endsWith("java")).orElse(false))
            .toList();
    Set<Long> pids = found.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
    // not an app-server's own short-lived fork (same command line until it execs a command)
    return found.stream()
        .filter(p -> p.parent().map(q -> !pids.contains(q.pid())).orElse(true))
        .map(ProcessHandle::pid)
        .toList();
  }

  private void kill9(McpSession s) throws Exception {
    ProcessHandle p = s.serverProcess();
    p.destroyForcibly();
    p.onExit().get(10, TimeUnit.SECONDS);
    servers.remove(s);
    s.close();
  }

  /** Waits until the session's event log on disk holds the {@code approval_request} of an id. */
  private void awaitLoggedRequest(String sid, String requestId) throws InterruptedException {
    Path log = home.root().resolve("state/sessions").resolve(sid).resolve("events.jsonl");
    assertTrue(
        Procs.await(() -> loggedRequest(log, requestId), Duration.ofSeconds(10)),
        "the approval_request of " + requestId + " reached " + log);
  }

  private static boolean loggedRequest(Path log, String requestId) {
    List<String> lines;
    try {
      lines = Files.readAllLines(log);
    } catch (IOException e) {
      return false; // not written yet
    }
    for (String line : lines) {
      try {
        JsonNode e = McpSession.JSON.readTree(line);
        if ("approval_request".equals(e.path("type").asText())
            && requestId.equals(e.at("/data/requestId").asText())) {
          return true;
        }
      } catch (IOException partial) {
        // the line being written
      }
    }
    return false;
  }

  private static JsonNode pollAll(McpSession s, String sid) {
    return s.ok(
        "codex_check",
        args("action", "poll", "sessionId", sid, "maxEvents", 1000, "responseMode", "full"));
  }

  /** Every item completes once in the events, and one result per turn. */
  private static void assertNoDuplicates(List<JsonNode> events) {
    Set<String> items = new HashSet<>();
    Set<String> results = new HashSet<>();
    for (JsonNode e : events) {
      if ("item/completed".equals(e.at("/data/method").asText())) {
        String id = e.at("/data/item/id").asText();
        assertTrue(items.add(id), "item " + id + " completed twice: " + events);
      }
      if ("result".equals(e.path("type").asText())) {
        assertTrue(
            results.add(e.at("/data/turnId").asText()), "two results for one turn: " + events);
      }
    }
  }

  @Test
  void aTurnRunningWhenItsServerIsKilledFinishesAndTheNextServerPicksItUp() throws Exception {
    McpSession first = start(Map.of());
    model.enqueue(ScriptedReply.longCommand(5));
    model.toolOutputReplyText("finished after the crash");
    String sid = first.startSession(home, "a job of six seconds").path("sessionId").asText();
    model.awaitRequestCount(1, Duration.ofSeconds(30));
    List<JsonNode> seenByFirst = new ArrayList<>();
    pollAll(first, sid).path("events").forEach(seenByFirst::add);
    Thread.sleep(1_500);
    List<Long> before = appServers();
    assertEquals(1, before.size(), "one detached app-server: " + before);
    kill9(first);
    assertTrue(Procs.alive(before.get(0)), "the turn's app-server survives its server");

    long t0 = System.nanoTime();
    McpSession second = start(Map.of());
    JsonNode firstPoll = second.ok("codex_check", args("action", "poll", "sessionId", sid));
    long firstPollMs = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(
        Set.of("running", "idle").contains(firstPoll.path("status").asText()),
        firstPoll.toString());
    McpSession.Polled done = second.pollUntilIdle(sid);
    long idleMs = (System.nanoTime() - t0) / 1_000_000;
    java.util.regex.Matcher reattached =
        java.util.regex.Pattern.compile(
                "re-attached session \\S+ to its running Codex in (\\d+) ms")
            .matcher(second.stderr);
    System.out.printf(
        "[measure] re-attach: server start to first poll %d ms, to idle %d ms; attach + resume +"
            + " reconcile %s ms%n",
        firstPollMs, idleMs, reattached.find() ? reattached.group(1) : "?");
    assertEquals(
        "finished after the crash",
        done.last().at("/result/text").asText(),
        done.last().toString());
    assertEquals("completed", done.last().at("/result/status").asText());
    assertEquals(2, model.requestCount(), "the turn ran once, in the first Codex process");
    assertEquals(before, appServers(), "no second Codex process was started for the turn");
    Path pidJson = second.stateDir.resolve("sessions").resolve(sid).resolve("pid.json");
    assertEquals(
        before.get(0).longValue(),
        McpSession.JSON.readTree(Files.readString(pidJson)).path("pid").asLong(),
        "pid.json still names the turn's one Codex process");

    List<JsonNode> all = new ArrayList<>(done.events());
    assertNoDuplicates(all);
    assertTrue(
        all.stream().anyMatch(e -> e.toString().contains("sleep 5")),
        "the command's events are there: " + all);
    assertTrue(all.size() >= seenByFirst.size(), "events lost: " + all);

    model.enqueue(ScriptedReply.text("and carried on"));
    second.ok("codex_reply", args("sessionId", sid, "prompt", "carry on"));
    assertEquals("and carried on", second.pollUntilIdle(sid).last().at("/result/text").asText());
    assertTrue(
        ScriptedModelServer.inputContains(model.lastRequest(), "a job of six seconds"),
        "the thread kept its context");
  }

  @Test
  void aPendingApprovalIsAnswerableAfterTheReattachment() throws Exception {
    McpSession first = start(Map.of());
    model.enqueue(
        ScriptedReply.escalatedCommand("echo across > across.txt", "need to write outside"));
    String sid =
        first
            .startSession(home, "write a file", "approvalPolicy", "on-request")
            .path("sessionId")
            .asText();
    JsonNode action =
        first
            .pollUntil(sid, r -> r.path("actions").size() > 0, Duration.ofSeconds(60))
            .last()
            .path("actions")
            .get(0);
    String requestId = action.path("requestId").asText();
    awaitLoggedRequest(sid, requestId);
    kill9(first);

    McpSession second = start(Map.of());
    McpSession.Polled reattached =
        second.pollUntil(sid, r -> r.path("actions").size() > 0, Duration.ofSeconds(60));
    JsonNode waiting = reattached.last();
    assertEquals("waiting_approval", waiting.path("status").asText(), waiting.toString());
    assertEquals(1, waiting.path("actions").size(), waiting.toString());
    assertEquals(
        requestId,
        waiting.at("/actions/0/requestId").asText(),
        "the re-sent request keeps its id: " + waiting);
    second.ok(
        "codex_check",
        args(
            "action",
            "respond_permission",
            "sessionId",
            sid,
            "requestId",
            requestId,
            "decision",
            "accept"));
    McpSession.Polled done = second.pollUntilIdle(sid);
    assertTrue(Files.exists(home.workDir().resolve("across.txt")), done.last().toString());
    List<JsonNode> all = new ArrayList<>(reattached.events());
    all.addAll(done.events());
    long requests =
        all.stream().filter(e -> "approval_request".equals(e.path("type").asText())).count();
    assertEquals(1, requests, "one approval_request event: " + all);
  }

  @Test
  void anApprovalNobodyAnswersIsSettledAtItsTimeoutWithoutAServer() throws Exception {
    McpSession first = start(Map.of("CODEX_MCP_DETACHED_TTL_MS", "60000"));
    model.enqueue(
        ScriptedReply.escalatedCommand("echo never > never.txt", "need to write outside"));
    model.toolOutputReplyText("declined, fine");
    String sid =
        first
            .startSession(
                home,
                "write a file",
                "approvalPolicy",
                "on-request",
                "advanced",
                Map.of("approvalTimeoutMs", 3000))
            .path("sessionId")
            .asText();
    String pending =
        first
            .pollUntil(sid, r -> r.path("actions").size() > 0, Duration.ofSeconds(60))
            .last()
            .at("/actions/0/requestId")
            .asText();
    awaitLoggedRequest(sid, pending);
    kill9(first);
    long killed = System.nanoTime();

    model.awaitRequestCount(2, Duration.ofSeconds(60)); // the keeper declined: the turn went on
    long settledMs = (System.nanoTime() - killed) / 1_000_000;
    System.out.printf(
        "[measure] keeper: an approval with a 3 s timeout settled %d ms after its server died%n",
        settledMs);
    assertFalse(Files.exists(home.workDir().resolve("never.txt")));

    McpSession second = start(Map.of());
    McpSession.Polled done = second.pollUntilIdle(sid);
    assertEquals("declined, fine", done.last().at("/result/text").asText(), done.last().toString());
    List<JsonNode> results =
        done.events().stream()
            .filter(e -> "approval_result".equals(e.path("type").asText()))
            .toList();
    assertEquals(1, results.size(), done.events().toString());
    assertTrue(results.get(0).at("/data/timeout").asBoolean(), results.toString());
    assertEquals(
        1,
        done.events().stream()
            .filter(e -> "approval_request".equals(e.path("type").asText()))
            .count());
  }

  @Test
  void aKeeperProcessLeavesTheKeepingToALiveServerThatLaunchesAppServers() throws Exception {
    Map<String, String> ttl = Map.of("CODEX_MCP_DETACHED_TTL_MS", "60000");
    McpSession first = start(ttl);
    model.enqueue(ScriptedReply.longCommand(30));
    first.startSession(home, "a long job");
    model.awaitRequestCount(1, Duration.ofSeconds(30));
    List<Long> codex = appServers();
    kill9(first);
    assertTrue(
        Procs.await(() -> !keeperProcesses().isEmpty(), Duration.ofSeconds(40)),
        "the dead server's sentinel became the keeper process");

    McpSession second = start(ttl);
    String sid = second.startSession(home, "a quick one").path("sessionId").asText();
    second.pollUntilIdle(sid);
    assertTrue(
        Procs.await(() -> keeperProcesses().isEmpty(), Duration.ofSeconds(40)),
        "the keeper process still runs beside a live server that keeps: " + keeperProcesses());
    Path dir;
    try (var dirs = Files.list(runtime.resolve("codex-mcp"))) {
      dir = dirs.findFirst().orElseThrow();
    }
    DetachedPaths paths = new DetachedPaths(dir, home.root().resolve("state"));
    assertTrue(
        Procs.await(() -> KeeperLauncher.keeperRunning(paths), Duration.ofSeconds(30)),
        "the live server holds the keeper lock");
    assertTrue(codex.stream().allMatch(Procs::alive), "the dead server's turn goes on");
  }

  /** Keeper JVMs of this test's runtime directory. */
  private List<ProcessHandle> keeperProcesses() {
    return Procs.withCommandLine(runtime.toString()).stream()
        .filter(
            p ->
                p.info()
                    .commandLine()
                    .map(c -> c.contains(KeeperMain.class.getName()))
                    .orElse(false))
        .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
        .toList();
  }

  @Test
  void nothingLingersOnceTheTtlHasPassedAfterTheTurn() throws Exception {
    McpSession first = start(Map.of("CODEX_MCP_DETACHED_TTL_MS", "3000"));
    model.enqueue(ScriptedReply.longCommand(3));
    model.toolOutputReplyText("done alone");
    first.startSession(home, "work alone");
    model.awaitRequestCount(1, Duration.ofSeconds(30));
    List<Long> codex = appServers();
    assertFalse(codex.isEmpty());
    List<String> before = codex.stream().map(Procs::describe).toList();
    kill9(first);
    assertTrue(
        codex.stream().allMatch(Procs::alive),
        "the turn's app-server survives its server: " + before);
    model.awaitRequestCount(2, Duration.ofSeconds(30)); // the command ended; the turn ends now
    long turnEnd = System.nanoTime();
    assertTrue(
        Procs.await(() -> codex.stream().noneMatch(Procs::alive), Duration.ofSeconds(40)),
        "app-server still running: " + codex.stream().map(Procs::describe).toList());
    long codexGoneMs = (System.nanoTime() - turnEnd) / 1_000_000;
    boolean gone =
        Procs.await(
            () -> Procs.withCommandLine(runtime.toString()).isEmpty(), Duration.ofSeconds(30));
    long allGoneMs = (System.nanoTime() - turnEnd) / 1_000_000;
    assertTrue(
        gone,
        "still running: "
            + Procs.withCommandLine(runtime.toString()).stream()
                .map(p -> Procs.describe(p.pid()))
                .toList());
    System.out.printf(
        "[measure] TTL 3000 ms: the dead server's Codex app-server gone %d ms after its turn ended,"
            + " the keeper %d ms%n",
        codexGoneMs, allGoneMs);
  }
}

package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Approvals, user input, timeouts, interrupt and cancel on the real Codex CLI. */
@Timeout(180)
class ApprovalsIT extends RealCodexFixture {

  private String startEscalated(String file, Object... extra) {
    model.enqueue(
        ScriptedReply.escalatedCommand(
            "echo escalated > " + file, "need to write outside the sandbox"));
    List<Object> a = new ArrayList<>(List.of("approvalPolicy", "on-request"));
    a.addAll(List.of(extra));
    JsonNode started = mcp.startSession(home, "write a file", a.toArray());
    return started.path("sessionId").asText();
  }

  private JsonNode awaitAction(String sid) {
    McpSession.Polled p =
        mcp.pollUntil(sid, r -> r.path("actions").size() > 0, Duration.ofSeconds(60));
    assertEquals("waiting_approval", p.last().path("status").asText());
    assertEquals("respond_permission", p.last().path("recommendedNextAction").asText());
    assertEquals(1000, p.last().path("pollInterval").asInt());
    JsonNode action = p.last().path("actions").get(0);
    assertEquals("command", action.path("kind").asText());
    assertEquals("approval", action.path("type").asText());
    return action;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "accept",
        "decline",
        "acceptForSession",
        "acceptWithExecpolicyAmendment",
        "cancel"
      })
  void escalatedCommandDecisionReachesCodex(String decision) {
    String file = "esc-" + decision + ".txt";
    String sid = startEscalated(file);
    JsonNode action = awaitAction(sid);
    Map<String, Object> respond =
        args(
            "action",
            "respond_permission",
            "sessionId",
            sid,
            "requestId",
            action.path("requestId").asText(),
            "decision",
            decision);
    if (decision.equals("acceptWithExecpolicyAmendment")) {
      List<String> amendment = new ArrayList<>();
      action.path("proposedExecpolicyAmendment").forEach(n -> amendment.add(n.asText()));
      assertFalse(amendment.isEmpty(), action.toString());
      respond.put("execpolicy_amendment", amendment);
    }
    JsonNode ack = mcp.ok("codex_check", respond);
    assertEquals(0, ack.path("events").size(), "respond_* defaults to a compact ACK");
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    boolean created = Files.exists(home.workDir().resolve(file));
    boolean expectCreated = decision.startsWith("accept");
    assertEquals(expectCreated, created, decision + ": " + p.last());
    if (decision.equals("cancel")) {
      assertEquals("interrupted", p.last().at("/result/status").asText());
    } else {
      assertEquals("completed", p.last().at("/result/status").asText());
    }
    assertTrue(
        p.hasEvent(
            e ->
                "approval_result".equals(e.path("type").asText())
                    && decision.equals(e.at("/data/decision").asText())));
  }

  @Test
  void approvalTimeoutAutoDeclines() {
    String sid = startEscalated("late.txt", "advanced", Map.of("approvalTimeoutMs", 1000));
    McpSession.Polled p =
        mcp.pollUntil(sid, r -> "idle".equals(r.path("status").asText()), Duration.ofSeconds(60));
    assertFalse(Files.exists(home.workDir().resolve("late.txt")));
    assertTrue(
        p.hasEvent(
            e ->
                "approval_result".equals(e.path("type").asText())
                    && e.at("/data/timeout").asBoolean()),
        p.events().toString());
  }

  @Test
  void userInputIsAnsweredThroughRespondUserInput() {
    model.enqueue(ScriptedReply.requestUserInput("q1", "Pick", "Which one?", "A", "B"));
    JsonNode started =
        mcp.startSession(
            home,
            "ask me",
            "approvalPolicy",
            "on-request",
            "advanced",
            Map.of("config", Map.of("features.default_mode_request_user_input", true)));
    String sid = started.path("sessionId").asText();
    McpSession.Polled p =
        mcp.pollUntil(sid, r -> r.path("actions").size() > 0, Duration.ofSeconds(60));
    assertEquals("respond_user_input", p.last().path("recommendedNextAction").asText());
    JsonNode action = p.last().path("actions").get(0);
    assertEquals("user_input", action.path("kind").asText());
    mcp.ok(
        "codex_check",
        args(
            "action",
            "respond_user_input",
            "sessionId",
            sid,
            "requestId",
            action.path("requestId").asText(),
            "answers",
            Map.of("q1", Map.of("answers", List.of("B")))));
    mcp.pollUntilIdle(sid);
    JsonNode followUp = model.lastRequest();
    assertTrue(
        ScriptedModelServer.toolOutputs(followUp).values().stream()
            .anyMatch(o -> o.contains("\"B\"")),
        followUp.toString());
  }

  @Test
  void interruptEndsALongCommandTurn() {
    model.enqueue(ScriptedReply.longCommand());
    // held: the turn still runs at the interrupt, even past Codex's 30 s hand-back to the model
    model.enqueue(
        ScriptedReply.gated(
            new java.util.concurrent.CompletableFuture<>(), ScriptedReply.text("too late")));
    String sid = mcp.startSession(home, "sleep").path("sessionId").asText();
    mcp.pollUntil(
        sid,
        r ->
            "acting".equals(r.at("/progress/phase").asText())
                || r.at("/progress/lastMethod").asText().startsWith("item/"),
        Duration.ofSeconds(60));
    JsonNode r = mcp.ok("codex_session", args("action", "interrupt", "sessionId", sid));
    assertTrue(r.path("success").asBoolean());
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertEquals("interrupted", p.last().at("/result/status").asText());
  }

  @Test
  void cancelLeavesNoCodexProcessOrCommand() throws Exception {
    model.enqueue(ScriptedReply.longCommand(37));
    String sid = mcp.startSession(home, "sleep").path("sessionId").asText();
    mcp.pollUntil(sid, r -> sleepRunning(), Duration.ofSeconds(60));
    JsonNode r = mcp.ok("codex_session", args("action", "cancel", "sessionId", sid));
    assertTrue(r.path("success").asBoolean());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (sleepRunning() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(sleepRunning(), "the command codex started survived the cancel");
    JsonNode after = mcp.ok("codex_check", args("action", "poll", "sessionId", sid));
    assertEquals("cancelled", after.path("status").asText());
    assertEquals("none", after.path("recommendedNextAction").asText());
    assertTrue(
        codexChildrenOf(home).isEmpty(),
        "codex app-server still running: " + codexChildrenOf(home));
  }

  static boolean sleepRunning() {
    return ProcessHandle.allProcesses()
        .anyMatch(ph -> ph.info().commandLine().map(c -> c.contains("sleep 37")).orElse(false));
  }

  static List<String> codexChildrenOf(CodexTestHome home) {
    List<String> out = new ArrayList<>();
    // The server is a child of this test JVM, so its stdio app-servers are our descendants; its
    // detached ones are nobody's children here and run with the home's CODEX_HOME.
    String codexHome = home.env().get("CODEX_HOME");
    java.util.stream.Stream.concat(
            ProcessHandle.current().descendants(),
            ProcessHandle.allProcesses()
                .filter(ph -> codexHome.equals(Procs.environment(ph.pid(), "CODEX_HOME"))))
        .distinct()
        .filter(
            ph ->
                ph.info()
                    .commandLine()
                    .map(c -> c.contains("app-server") && !c.contains("java"))
                    .orElse(false))
        .filter(ProcessHandle::isAlive)
        .forEach(ph -> out.add(ph.pid() + " " + ph.info().commandLine().orElse("")));
    return out;
  }
}

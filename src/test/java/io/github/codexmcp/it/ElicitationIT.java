package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.ScriptedReply;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The elicit approval channel end to end: a scripted MCP client that declares elicitation and
 * answers the form (accept, decline, no answer until the timeout), and one that does not.
 */
@Timeout(180)
class ElicitationIT extends RealCodexFixture {
  final List<McpSchema.ElicitFormRequest> forms = new CopyOnWriteArrayList<>();

  private void startClient(Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> user) {
    mcp.close();
    mcp =
        McpSession.start(
            home,
            Map.of(),
            spec ->
                spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                    .elicitation(
                        req -> {
                          forms.add(req);
                          return user.apply(req);
                        }));
  }

  private String startEscalated(String file, Object... extra) {
    model.enqueue(
        ScriptedReply.escalatedCommand(
            "echo escalated > " + file, "need to write outside the sandbox"));
    Object[] a = new Object[4 + extra.length];
    a[0] = "approvalPolicy";
    a[1] = "on-request";
    a[2] = "advanced";
    a[3] = Map.of("approvalChannel", "elicit", "approvalTimeoutMs", 20000);
    System.arraycopy(extra, 0, a, 4, extra.length);
    JsonNode started = mcp.startSession(home, "write a file", a);
    assertFalse(started.has("compatWarnings"), started.toString());
    return started.path("sessionId").asText();
  }

  private static McpSchema.ElicitResult answer(McpSchema.ElicitResult.Action action, String d) {
    return new McpSchema.ElicitResult(action, d == null ? null : Map.of("decision", d));
  }

  private JsonNode approvalResult(McpSession.Polled p) {
    return p.events().stream()
        .filter(e -> "approval_result".equals(e.path("type").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no approval_result: " + p.events()));
  }

  @Test
  void theUserAcceptsInTheForm() {
    startClient(req -> answer(McpSchema.ElicitResult.Action.ACCEPT, "accept"));
    String sid = startEscalated("accepted.txt");
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertTrue(Files.exists(home.workDir().resolve("accepted.txt")), p.last().toString());
    assertEquals("accept", approvalResult(p).at("/data/decision").asText());
    McpSchema.ElicitFormRequest form = forms.get(0);
    assertTrue(form.message().contains("echo escalated > accepted.txt"), form.message());
    @SuppressWarnings("unchecked")
    Map<String, Object> decision =
        (Map<String, Object>)
            ((Map<String, Object>) form.requestedSchema().get("properties")).get("decision");
    assertTrue(((List<?>) decision.get("enum")).contains("acceptForSession"), decision.toString());
  }

  @Test
  void theUserDeclinesInTheForm() {
    startClient(req -> answer(McpSchema.ElicitResult.Action.DECLINE, null));
    String sid = startEscalated("declined.txt");
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    assertFalse(Files.exists(home.workDir().resolve("declined.txt")), p.last().toString());
    assertEquals("decline", approvalResult(p).at("/data/decision").asText());
    assertEquals(1, forms.size());
  }

  @Test
  void noAnswerBeforeTheTimeoutEndsTheRequestAsTheTimeoutDoes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    startClient(
        req -> {
          try {
            release.await(60, TimeUnit.SECONDS); // the user walks away
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return answer(McpSchema.ElicitResult.Action.ACCEPT, "accept");
        });
    model.enqueue(ScriptedReply.escalatedCommand("echo late > late.txt", "need to write outside"));
    String sid =
        mcp.startSession(
                home,
                "write a file",
                "approvalPolicy",
                "on-request",
                "advanced",
                Map.of("approvalChannel", "elicit", "approvalTimeoutMs", 3000))
            .path("sessionId")
            .asText();
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    JsonNode result = approvalResult(p);
    assertTrue(result.at("/data/timeout").asBoolean(), result.toString());
    release.countDown(); // the late answer is dropped
    Thread.sleep(1000);
    assertFalse(Files.exists(home.workDir().resolve("late.txt")));
    long results =
        mcp.pollUntilIdle(sid).events().stream()
            .filter(e -> "approval_result".equals(e.path("type").asText()))
            .count();
    assertEquals(0, results, "no second answer after the timeout");
  }

  @Test
  void aClientWithoutElicitationGetsActionsAndAWarning() {
    model.enqueue(ScriptedReply.escalatedCommand("echo polled > polled.txt", "need to write"));
    JsonNode started =
        mcp.startSession(
            home,
            "write a file",
            "approvalPolicy",
            "on-request",
            "advanced",
            Map.of("approvalChannel", "elicit"));
    assertTrue(
        started.path("compatWarnings").toString().contains("elicitation"), started.toString());
    String sid = started.path("sessionId").asText();
    McpSession.Polled waiting =
        mcp.pollUntil(sid, r -> r.path("actions").size() > 0, Duration.ofSeconds(60));
    JsonNode action = waiting.last().path("actions").get(0);
    mcp.ok(
        "codex_check",
        args(
            "action",
            "respond_permission",
            "sessionId",
            sid,
            "requestId",
            action.path("requestId").asText(),
            "decision",
            "accept"));
    mcp.pollUntilIdle(sid);
    assertTrue(Files.exists(home.workDir().resolve("polled.txt")));
  }
}

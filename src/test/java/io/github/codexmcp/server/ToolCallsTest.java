package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.RequestContext;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.tools.ToolOutcome;
import io.github.codexmcp.util.Json;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tool calls after {@code notifications/initialized} go past the SDK ({@link ToolCalls}): what the
 * SDK did for them still happens (progress with the call's token, the contract's validation errors,
 * the answer's shape, string and number ids).
 */
@Timeout(30)
class ToolCallsTest {
  /** Reports progress when asked to, then answers with its arguments. */
  static final class Echo implements ToolHandler {
    @Override
    public String name() {
      return "codex_check";
    }

    @Override
    public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
      if (context.wantsProgress()) {
        context.progress(1, 2.0, "half way");
      }
      return CompletableFuture.completedFuture(
          ToolOutcome.success(Json.object().put("echo", args.path("sessionId").asText())));
    }
  }

  private static ObjectNode call(JsonNode id, String action, JsonNode progressToken) {
    ObjectNode m = Json.object().put("jsonrpc", "2.0");
    m.set("id", id);
    m.put("method", "tools/call");
    ObjectNode p = m.putObject("params").put("name", "codex_check");
    p.putObject("arguments").put("action", action).put("sessionId", "é \"x\"");
    if (progressToken != null) {
      p.putObject("_meta").set("progressToken", progressToken);
    }
    return m;
  }

  @Test
  void aCallAfterInitializationIsAnsweredWithItsProgressAndItsResult() throws Exception {
    try (PipedServer server = new PipedServer(Map.of("codex_check", new Echo()))) {
      server.initialize("{}");
      server.send(call(Json.NODES.textNode("c1"), "poll", Json.NODES.textNode("tok")));
      JsonNode answer = server.response("c1");
      JsonNode progress =
          server.seen.stream()
              .filter(m -> "notifications/progress".equals(m.path("method").asText()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no progress in " + server.seen));
      assertEquals("tok", progress.at("/params/progressToken").asText());
      assertEquals(1.0, progress.at("/params/progress").asDouble());
      assertEquals(2.0, progress.at("/params/total").asDouble());
      assertEquals("half way", progress.at("/params/message").asText());
      assertEquals("2.0", answer.path("jsonrpc").asText());
      assertFalse(answer.at("/result/isError").asBoolean());
      assertEquals("é \"x\"", answer.at("/result/structuredContent/echo").asText());
      assertEquals(
          "{\n  \"echo\": \"é \\\"x\\\"\"\n}", answer.at("/result/content/0/text").asText());

      server.send(call(Json.NODES.numberNode(42), "poll", null));
      JsonNode numbered = server.response("42");
      assertTrue(numbered.get("id").isNumber(), "a number id is answered as a number");
      long progressSeen =
          server.seen.stream()
              .filter(m -> "notifications/progress".equals(m.path("method").asText()))
              .count();
      assertEquals(1, progressSeen, "no progress without a token");
    }
  }

  @Test
  void invalidArgumentsGetTheContractsValidationError() throws Exception {
    try (PipedServer server = new PipedServer(Map.of("codex_check", new Echo()))) {
      server.initialize("{}");
      server.send(call(Json.NODES.numberNode(3), "nope", null));
      JsonNode answer = server.response("3");
      assertTrue(answer.at("/result/isError").asBoolean());
      String text = answer.at("/result/content/0/text").asText();
      assertTrue(
          text.startsWith(
              "MCP error -32602: Input validation error: Invalid arguments for tool codex_check: "),
          text);
      assertTrue(answer.at("/result/structuredContent").isMissingNode(), answer.toString());
    }
  }

  /** Completes its call later, from a thread of its own; the result is built when rendered. */
  static final class WakesLater implements ToolHandler {
    final CompletableFuture<ToolOutcome> outcome = new CompletableFuture<>();
    final CompletableFuture<String> builtOn = new CompletableFuture<>();

    @Override
    public String name() {
      return "codex_check";
    }

    @Override
    public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
      return outcome;
    }

    void wake() {
      Thread t =
          new Thread(
              () ->
                  outcome.complete(
                      ToolOutcome.deferred(
                          () -> {
                            builtOn.complete(Thread.currentThread().getName());
                            return Json.object().put("late", true);
                          })),
              "waker");
      t.start();
    }
  }

  @Test
  void aLateResultIsBuiltOnTheWorkPoolNotOnTheThreadThatCompletedIt() throws Exception {
    WakesLater tool = new WakesLater();
    try (PipedServer server = new PipedServer(Map.of("codex_check", tool))) {
      server.initialize("{}");
      server.send(call(Json.NODES.numberNode(9), "poll", null));
      tool.wake();
      JsonNode answer = server.response("9");
      assertTrue(answer.at("/result/structuredContent/late").asBoolean(), answer.toString());
      String thread = tool.builtOn.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertFalse("waker".equals(thread), "built on the thread that completed the call");
    }
  }
}

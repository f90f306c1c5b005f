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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** After {@code notifications/cancelled} the wait ends, no answer is written, serving goes on. */
@Timeout(30)
class CancelledRequestTest {
  /** A long poll that ends only when its request is cancelled (then "answers" anyway). */
  static final class WaitsForCancel implements ToolHandler {
    final CountDownLatch waiting = new CountDownLatch(1);
    final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public String name() {
      return "codex_check";
    }

    @Override
    public CompletableFuture<ToolOutcome> call(ObjectNode args, RequestContext context) {
      if ("quick".equals(args.path("sessionId").asText())) {
        return CompletableFuture.completedFuture(
            ToolOutcome.success(Json.object().put("quick", true)));
      }
      waiting.countDown();
      return context
          .cancelled()
          .thenApply(
              v -> {
                ended.countDown();
                return ToolOutcome.success(Json.object().put("late", true));
              });
    }
  }

  private static String call(Object id, String sessionId) {
    ObjectNode m = Json.object().put("jsonrpc", "2.0");
    m.set("id", Json.MAPPER.valueToTree(id));
    m.put("method", "tools/call");
    ObjectNode p = m.putObject("params").put("name", "codex_check");
    p.putObject("arguments").put("action", "poll").put("sessionId", sessionId);
    return Json.write(m);
  }

  private static String cancel(Object id) {
    ObjectNode m = Json.object().put("jsonrpc", "2.0").put("method", "notifications/cancelled");
    m.putObject("params").set("requestId", Json.MAPPER.valueToTree(id));
    return Json.write(m);
  }

  @Test
  void aCancelledLongPollGetsNoAnswerAndTheServerKeepsServing() throws Exception {
    WaitsForCancel handler = new WaitsForCancel();
    try (PipedServer server = new PipedServer(Map.of("codex_check", handler))) {
      server.initialize("{}");
      server.send(call(41, "slow"));
      assertTrue(handler.waiting.await(10, TimeUnit.SECONDS));
      server.send(cancel(41));
      assertTrue(handler.ended.await(10, TimeUnit.SECONDS), "the wait did not end");
      server.send(call("after", "quick"));
      JsonNode quick = server.response("after");
      assertTrue(quick.at("/result/structuredContent/quick").asBoolean(), quick.toString());
      server.send("{\"jsonrpc\":\"2.0\",\"id\":43,\"method\":\"ping\"}");
      server.response("43");
      for (JsonNode m : server.seen) {
        assertFalse("41".equals(m.path("id").asText()), "answered a cancelled request: " + m);
      }
    }
  }

  @Test
  void cancellingAnAnsweredOrUnknownRequestChangesNothing() throws Exception {
    WaitsForCancel handler = new WaitsForCancel();
    try (PipedServer server = new PipedServer(Map.of("codex_check", handler))) {
      server.initialize("{}");
      server.send(call(7, "quick"));
      server.response("7");
      server.send(cancel(7));
      server.send(cancel("never-sent"));
      for (int i = 0; i < 100; i++) {
        server.send(cancel("bogus-" + i));
      }
      // a later request reusing the id is answered
      server.send(call(7, "quick"));
      assertTrue(server.response("7").at("/result/structuredContent/quick").asBoolean());
      // the cancels were read before that call: none of them left an entry behind
      assertEquals(0, server.cancellations.size(), "cancels of ids not in flight are not kept");
    }
  }

  @Test
  void inFlightRequestsHoldOnlyOpenIds() {
    InFlightRequests r = new InFlightRequests();
    r.started(1);
    r.started("a");
    assertFalse(r.cancel(2));
    assertTrue(r.cancel(1L));
    assertEquals(2, r.size());
    assertFalse(r.shouldAnswer(1));
    assertTrue(r.shouldAnswer("a"));
    assertTrue(r.shouldAnswer("a"));
    assertEquals(0, r.size());
    assertTrue(r.shouldAnswer(null));
  }
}

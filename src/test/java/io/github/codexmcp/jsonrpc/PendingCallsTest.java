package io.github.codexmcp.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.ManualTimer;
import io.github.codexmcp.util.Timer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PendingCallsTest {
  private final ManualTimer timer = new ManualTimer();

  @Test
  void anAnswerCancelsTheTimeout() {
    PendingCalls calls = new PendingCalls(timer);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    long id = calls.add("m", f, Duration.ofSeconds(30));
    assertTrue(
        calls.complete(com.fasterxml.jackson.databind.node.LongNode.valueOf(id), null, null));
    assertEquals(0, timer.pending());
  }

  @Test
  void aCloseRacingWithTheCallLeavesNoTimeoutBehind() {
    // the connection closes while the call's timeout is being scheduled
    PendingCalls[] calls = new PendingCalls[1];
    Timer racing =
        (delay, task) -> {
          calls[0].failAll(new JsonRpcException.Closed("closed"));
          return timer.schedule(delay, task);
        };
    calls[0] = new PendingCalls(racing);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    calls[0].add("m", f, Duration.ofSeconds(30));
    assertTrue(f.isCompletedExceptionally());
    assertEquals(0, timer.pending(), "the timeout task of a settled call is cancelled");
  }
}

package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages of this server's own ({@link StdioTransportProvider#sendOwn}): progress notifications of
 * direct tool calls never wait for a client that stopped reading (they are sent from wait rounds,
 * on session inboxes and the timer thread) and coalesce per token.
 */
@Timeout(20)
class OwnMessagesTest {
  private final StdoutWriterTest.StalledOut out = new StdoutWriterTest.StalledOut();
  private final StdioTransportProvider transport =
      new StdioTransportProvider(
          new JacksonMcpJsonMapper(Json.MAPPER),
          InputStream.nullInputStream(),
          out,
          new CancellationRegistry(),
          Set::of,
          () -> {});

  private static ObjectNode progress(String token, int value) {
    ObjectNode n = Json.object().put("jsonrpc", "2.0").put("method", "notifications/progress");
    n.putObject("params").put("progressToken", token).put("progress", value);
    return n;
  }

  @Test
  void progressIsDroppedRatherThanWaitingWhenTheOutputIsFull() throws Exception {
    ObjectNode big = Json.object().put("jsonrpc", "2.0").put("id", 1);
    big.putObject("result").put("pad", "x".repeat((int) StdoutWriter.DEFAULT_MAX_QUEUED_BYTES));
    transport.sendOwn(big);
    out.blocked.await(); // the writer is stuck writing a line as large as the whole queue
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> transport.sendOwn(progress("t", 1)));
    out.resume();
    assertTrue(transport.drainOutput(Duration.ofSeconds(10)));
    assertEquals(1, out.lines().size(), "the progress was dropped");
  }

  @Test
  void progressForOneTokenCoalesces() throws Exception {
    transport.sendOwn(Json.object().put("jsonrpc", "2.0").put("id", 0));
    out.blocked.await();
    transport.sendOwn(progress("t", 1));
    transport.sendOwn(progress("u", 1));
    transport.sendOwn(progress("t", 2)); // replaces t/1 where it waits
    out.resume();
    assertTrue(transport.drainOutput(Duration.ofSeconds(10)));
    List<String> lines = out.lines();
    assertEquals(3, lines.size(), lines.toString());
    JsonNode first = Json.parse(lines.get(1));
    assertEquals("t", first.at("/params/progressToken").asText());
    assertEquals(2, first.at("/params/progress").asInt());
    assertEquals("u", Json.parse(lines.get(2)).at("/params/progressToken").asText());
  }
}

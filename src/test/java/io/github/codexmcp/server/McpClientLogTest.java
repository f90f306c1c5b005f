package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.client.LogLevel;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Log messages reach the client as notifications/message, at the level it set, in order. */
@Timeout(30)
class McpClientLogTest {
  private static JsonNode nextLog(PipedServer server) throws InterruptedException {
    while (true) {
      JsonNode m = server.next();
      assertNotNull(m, "no log message; seen " + server.seen);
      if ("notifications/message".equals(m.path("method").asText())) {
        return m;
      }
    }
  }

  @Test
  void messagesLoggedBeforeInitializationArriveAfterIt() throws Exception {
    try (PipedServer server = new PipedServer(Map.of())) {
      McpClientLog log = server.built.clientLog();
      log.warning("codex-mcp/persistence", "early");
      server.initialize("{}");
      JsonNode m = nextLog(server);
      assertEquals("warning", m.at("/params/level").asText());
      assertEquals("codex-mcp/persistence", m.at("/params/logger").asText());
      assertEquals("early", m.at("/params/data").asText());
    }
  }

  @Test
  void theClientsLevelFiltersAndOrderIsKept() throws Exception {
    try (PipedServer server = new PipedServer(Map.of())) {
      server.initialize("{}");
      server.send(
          "{\"jsonrpc\":\"2.0\",\"id\":\"lvl\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"warning\"}}");
      server.response("lvl");
      McpClientLog log = server.built.clientLog();
      log.log(LogLevel.INFO, "codex", "hidden");
      log.log(LogLevel.WARNING, "codex", "first");
      log.log(LogLevel.DEBUG, "codex", "hidden too");
      log.log(LogLevel.ERROR, "codex", "second");
      assertEquals("first", nextLog(server).at("/params/data").asText());
      assertEquals("second", nextLog(server).at("/params/data").asText());
      for (JsonNode m : server.seen) {
        assertFalse(m.toString().contains("hidden"), m.toString());
      }
    }
  }
}

package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EarlyInitializeTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void recognisesInitializeWithNumberOrStringIds() {
    assertArrayEquals(
        new String[] {"7", "2025-06-18"},
        EarlyInitialize.parseInitialize(
            utf8(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"x\":[1,{}]}}}\n")));
    assertArrayEquals(
        new String[] {"\"a\\\"b\"", null},
        EarlyInitialize.parseInitialize(
            utf8("{\"method\":\"initialize\",\"id\":\"a\\\"b\",\"params\":{}}")));
  }

  @Test
  void leavesEverythingElseToTheServer() {
    assertNull(EarlyInitialize.parseInitialize(utf8("{\"id\":1,\"method\":\"ping\"}")));
    assertNull(EarlyInitialize.parseInitialize(utf8("{\"method\":\"initialize\",\"params\":{}}")));
    assertNull(EarlyInitialize.parseInitialize(utf8("{\"id\":null,\"method\":\"initialize\"}")));
    assertNull(EarlyInitialize.parseInitialize(utf8("{not json")));
    assertNull(EarlyInitialize.parseInitialize(utf8("[{\"id\":1,\"method\":\"initialize\"}]")));
    assertNull(EarlyInitialize.parseInitialize(utf8("{\"id\":1,\"method\":\"initialize\"} {}")));
  }

  @Test
  void negotiatesTheProtocolVersionLikeTheSdk() {
    JsonNode known = Json.parse(EarlyInitialize.response("1", "2025-03-26", "codex-mcp", "2.1.7"));
    assertEquals("2025-03-26", known.at("/result/protocolVersion").asText());
    JsonNode unknown =
        Json.parse(EarlyInitialize.response("1", "1999-01-01", "codex-mcp", "2.1.7"));
    assertEquals("2025-11-25", unknown.at("/result/protocolVersion").asText());
    assertEquals("codex-mcp", unknown.at("/result/serverInfo/name").asText());
    assertTrue(unknown.at("/result/capabilities/tools/listChanged").asBoolean());
  }

  @Test
  void theAnswerCarriesTitleAndInstructionsWithinTwoKilobytes() {
    JsonNode r = Json.parse(EarlyInitialize.response("1", null, "codex-mcp", "2.1.7"));
    assertEquals(ServerIdentity.TITLE, r.at("/result/serverInfo/title").asText());
    String instructions = r.at("/result/instructions").asText();
    assertEquals(ServerIdentity.instructions(), instructions);
    assertTrue(instructions.contains("codex-mcp:///quickstart"), instructions);
    assertTrue(instructions.contains("codex_check") && instructions.contains("actions[]"));
    assertTrue(
        instructions.getBytes(StandardCharsets.UTF_8).length
            <= ServerIdentity.MAX_INSTRUCTION_BYTES);
  }

  @Test
  void anIdIsWrittenBackAsItCame() {
    assertEquals(
        "a\"b",
        Json.parse(EarlyInitialize.response("\"a\\\"b\"", null, "codex-mcp", "2.1.7"))
            .get("id")
            .asText());
  }

  @Test
  void answersAtOnceAndReplaysTheLine() throws Exception {
    String first =
        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}\n";
    String rest = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
    ByteArrayInputStream in = new ByteArrayInputStream(utf8(first + rest));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EarlyInitialize e = EarlyInitialize.start(in, out, "codex-mcp", "2.1.7");
    EarlyInitialize.Result r = e.result().get(5, TimeUnit.SECONDS);
    assertEquals("3", r.answeredId());
    JsonNode answer = Json.parse(out.toString(StandardCharsets.UTF_8));
    assertEquals(3, answer.get("id").asInt());
    assertEquals("2025-06-18", answer.at("/result/protocolVersion").asText());
    String replayed =
        new String(EarlyInitialize.replay(r, in).readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(first + rest, replayed);
  }

  @Test
  void aDifferentFirstLineIsPassedOnUnanswered() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EarlyInitialize e =
        EarlyInitialize.start(new ByteArrayInputStream(utf8("{bad\n")), out, "codex-mcp", "2.1.7");
    EarlyInitialize.Result r = e.result().get(5, TimeUnit.SECONDS);
    assertNull(r.answeredId());
    assertEquals(0, out.size());
    assertEquals("{bad\n", new String(r.firstLine(), StandardCharsets.UTF_8));
  }
}

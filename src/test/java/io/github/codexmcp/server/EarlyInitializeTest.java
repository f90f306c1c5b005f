package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.tools.ToolCatalog;
import io.github.codexmcp.util.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EarlyInitializeTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static final String DISCOVER =
      "{\"jsonrpc\":\"2.0\",\"id\":\"d\\\"1\",\"method\":\"server/discover\",\"params\":{}}\n";
  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\"}}\n";
  private static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
  private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n";
  private static final String CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{}}\n";

  private static List<JsonNode> lines(ByteArrayOutputStream out) {
    List<JsonNode> l = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      l.add(Json.parse(line));
    }
    return l;
  }

  @Test
  void aDiscoverFirstHandshakeIsAnsweredUpToToolsList() throws Exception {
    ByteArrayInputStream in =
        new ByteArrayInputStream(utf8(DISCOVER + INIT + INITIALIZED + LIST + CALL));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EarlyInitialize.Result r =
        EarlyInitialize.start(in, out, "codex-mcp", "2.1.7").result().get(5, TimeUnit.SECONDS);
    List<JsonNode> answers = lines(out);
    assertEquals(3, answers.size(), answers.toString());
    assertEquals("d\"1", answers.get(0).get("id").asText());
    assertEquals(-32601, answers.get(0).at("/error/code").asInt());
    assertEquals("Method not found: server/discover", answers.get(0).at("/error/message").asText());
    assertEquals(1, answers.get(1).get("id").asInt());
    assertEquals("2025-06-18", answers.get(1).at("/result/protocolVersion").asText());
    assertEquals(2, answers.get(2).get("id").asInt());
    assertEquals(5, answers.get(2).at("/result/tools").size());
    // The SDK gets initialize (to initialise its session) and the notification, not the requests
    // answered for good; then the rest of stdin, untouched.
    assertEquals("1", r.answeredId());
    assertFalse(r.endOfInput());
    assertEquals(INIT + INITIALIZED + CALL, text(EarlyInitialize.replay(r, in).readAllBytes()));
  }

  @Test
  void toolsListIsWhatTheSdkWouldAnswer() throws Exception {
    JsonNode early =
        Json.parse(text(EarlyAnswers.toolsList(new EarlyAnswers.Id(false, "x"))))
            .at("/result/tools");
    List<JsonNode> sdk = new ArrayList<>();
    for (var def : ToolCatalog.all()) {
      sdk.add(Json.MAPPER.valueToTree(ToolAdapter.toSdkTool(def)));
    }
    assertEquals(Json.MAPPER.valueToTree(sdk), early);
    try (InputStream golden = getClass().getResourceAsStream("/golden/tools-list.json")) {
      assertEquals(Json.MAPPER.readTree(golden), early);
    }
  }

  @Test
  void theBuildWroteTheToolsArrayAndItIsTheDefinitionsCopied() throws Exception {
    byte[] built = EarlyAnswers.builtTools();
    assertNotNull(
        built, EarlyAnswers.TOOLS_RESOURCE + " is written by the build (process-classes)");
    EarlyAnswers.Id id = new EarlyAnswers.Id(true, "7");
    byte[] fromFile = EarlyAnswers.toolsList(id, built);
    byte[] copied = EarlyAnswers.toolsList(id, null);
    assertEquals(Json.parse(text(copied)), Json.parse(text(fromFile)));
    assertArrayEquals(copied, fromFile, "byte for byte what the copy writes");
    assertEquals(1, text(fromFile).split("\n", -1).length - 1, "one line");
  }

  @Test
  void toolsListBeforeInitializeIsLeftToTheServer() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(utf8(DISCOVER + LIST + INIT));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EarlyInitialize.Result r =
        EarlyInitialize.start(in, out, "codex-mcp", "2.1.7").result().get(5, TimeUnit.SECONDS);
    assertEquals(1, lines(out).size());
    assertNull(r.answeredId());
    assertEquals(LIST + INIT, text(EarlyInitialize.replay(r, in).readAllBytes()));
  }

  @Test
  void endOfInputAfterTheHandshakeIsPassedOn() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(utf8(INIT + INITIALIZED));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EarlyInitialize.Result r =
        EarlyInitialize.start(in, out, "codex-mcp", "2.1.7").result().get(5, TimeUnit.SECONDS);
    assertTrue(r.endOfInput());
    assertEquals("1", r.answeredId());
    assertEquals(INIT + INITIALIZED, text(r.firstLine()));
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
  void negotiatesTheProtocolVersionLikeTheSdk() throws Exception {
    EarlyAnswers.Id one = new EarlyAnswers.Id(true, "1");
    JsonNode known =
        Json.parse(text(EarlyAnswers.initialize(one, "2025-03-26", "codex-mcp", "2.1.7")));
    assertEquals("2025-03-26", known.at("/result/protocolVersion").asText());
    JsonNode unknown =
        Json.parse(text(EarlyAnswers.initialize(one, "1999-01-01", "codex-mcp", "2.1.7")));
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
    assertTrue(r.endOfInput());
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

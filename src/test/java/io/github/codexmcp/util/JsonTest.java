package io.github.codexmcp.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static ObjectNode sample() {
    ObjectNode o = Json.object();
    o.put("text", "quote \" backslash \\ newline \n tab \t é € 😀 \u0001");
    o.putArray("events").addObject().put("id", 1).putNull("data");
    o.putArray("empty");
    o.putObject("none");
    o.put("n", 1.5).put("big", 12345678901L).put("ok", true);
    return o;
  }

  /** The bytes-based pretty printer gives the text the character-based writer gave. */
  @Test
  void prettyTextIsTheJacksonDefaultPrettyText() throws Exception {
    String viaWriter = Json.MAPPER.copy().writerWithDefaultPrettyPrinter().writeValueAsString(sample());
    assertEquals(viaWriter, Json.pretty(sample()));
  }

  @Test
  void bytesAreTheCompactTextInUtf8() {
    assertArrayEquals(Json.write(sample()).getBytes(StandardCharsets.UTF_8), Json.bytes(sample()));
  }

  /** State documents: same text as the character-based writer with the same printer gave. */
  @Test
  void stateDocumentsKeepTheirText() throws Exception {
    ObjectNode doc = sample();
    String text = io.github.codexmcp.state.StateDocs.prettyForTest(doc);
    assertEquals(true, text.endsWith("}\n"));
    assertEquals(doc, Json.parse(text));
    assertEquals(true, text.contains("\"text\": \"quote"));
    assertEquals(true, text.contains("\uD83D\uDE00"));
  }
}

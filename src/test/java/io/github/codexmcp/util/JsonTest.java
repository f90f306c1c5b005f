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
}

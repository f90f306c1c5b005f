package io.github.codexmcp.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.RandomText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrettyJsonTest {
  /** What Json.pretty writes through Jackson: the JSON.stringify layout, UTF-8. */
  private static final ObjectWriter JACKSON =
      Json.MAPPER
          .writer(Json.stringifyPrinter())
          .with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

  /** What the transport writes for structured content: Jackson's compact output, UTF-8. */
  private static final ObjectWriter COMPACT =
      Json.MAPPER.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

  private static void same(JsonNode tree) throws Exception {
    // the compact text alone first: the indented one written next must not be affected
    assertEquals(
        new String(COMPACT.writeValueAsBytes(tree), StandardCharsets.UTF_8),
        new String(PrettyJson.compact(tree), StandardCharsets.UTF_8));
    PrettyJson.Rendered ours = PrettyJson.render(tree);
    assertNotNull(ours, () -> "handled: " + tree);
    assertEquals(
        new String(JACKSON.writeValueAsBytes(tree), StandardCharsets.UTF_8),
        new String(ours.pretty(), StandardCharsets.UTF_8));
    assertEquals(
        new String(COMPACT.writeValueAsBytes(tree), StandardCharsets.UTF_8),
        new String(ours.compact(), StandardCharsets.UTF_8));
  }

  @Test
  void pollShapedTrees() throws Exception {
    ObjectNode o = Json.object();
    o.put("sessionId", "sess_1")
        .put("status", "running")
        .put("nextCursor", 12345678901L)
        .put("small", -3);
    ArrayNode events = o.putArray("events");
    events
        .addObject()
        .put("id", 0)
        .put("type", "output")
        .putObject("data")
        .put("method", "m")
        .put("delta", "a \"b\" \\ c\n\t\r\b\f\u0000\u001f\u007f é € 😀 ?");
    events
        .addObject()
        .putObject("data")
        .putArray("deep")
        .add(1)
        .add("x")
        .addNull()
        .add(true)
        .add(false)
        .addArray()
        .addObject();
    o.putArray("empty");
    o.putObject("none");
    o.putNull("nothing");
    o.putArray("nested")
        .addArray()
        .addArray()
        .addObject()
        .put("k", "v")
        .putObject("o")
        .putArray("a")
        .addObject();
    same(o);
    same(Json.object());
    same(Json.array());
    same(Json.NODES.textNode("top \"level\""));
    same(Json.NODES.numberNode(7));
    same(Json.NODES.booleanNode(true));
    same(Json.NODES.nullNode());
    same(Json.object().put("question?", "what? ?"));
    same(
        Json.object()
            .put("d", 1.5)
            .put("tiny", 1e-9)
            .put("big", 1.0E20)
            .put("neg", -0.0)
            .put("f", 2.5f)
            .put("third", 1.0 / 3));
  }

  @Test
  void valuesItLeavesToJackson() {
    for (JsonNode tree :
        List.<JsonNode>of(
            Json.object().put("nan", Double.NaN),
            Json.object().put("inf", Float.NEGATIVE_INFINITY),
            Json.object().put("big", new BigInteger("123456789012345678901234567890")),
            Json.object().put("dec", new BigDecimal("1.50")),
            Json.object().put("bin", new byte[] {1, 2}),
            Json.object().putPOJO("pojo", Map.of("k", 1)),
            Json.array().add(Json.object().put("lone", "x\uD800y")),
            Json.object().put("lowFirst", "\uDC00\uD800"),
            Json.object().set("key \uDFFF", Json.NODES.textNode("v")))) {
      assertNull(PrettyJson.render(tree), tree::toString);
      assertNull(PrettyJson.compact(tree), tree::toString);
    }
  }

  /** And Json.pretty / prettyBytes still give Jackson's text for those. */
  @Test
  void prettyFallsBackToJackson() throws Exception {
    ObjectNode o = Json.object().put("d", Double.NaN).put("lone", "x\uD800y");
    assertEquals(new String(JACKSON.writeValueAsBytes(o), StandardCharsets.UTF_8), Json.pretty(o));
    assertEquals(
        new String(JACKSON.writeValueAsBytes(o), StandardCharsets.UTF_8),
        new String(Json.prettyBytes(o), StandardCharsets.UTF_8));
  }

  @Test
  void randomTreesMatchJackson() throws Exception {
    Random r = new Random(11);
    String alphabet = "ab ?\"\\/\n\t\r\b\f\u0001\u001f\u007fé€中😀";
    for (int i = 0; i < 3000; i++) {
      same(randomValue(r, alphabet, 0));
    }
  }

  /** Review: Jackson refuses to write more than 1000 levels of nesting; so does the tree writer. */
  @Test
  void nestingUpToJacksonsLimit() throws Exception {
    same(nested(1000));
    JsonNode tooDeep = nested(1001);
    assertNull(PrettyJson.render(tooDeep));
    org.junit.jupiter.api.Assertions.assertThrows(
        Exception.class, () -> JACKSON.writeValueAsBytes(tooDeep));
  }

  private static JsonNode nested(int levels) {
    JsonNode inner = Json.array();
    for (int i = 1; i < levels; i++) {
      inner = i % 2 == 0 ? Json.array().add(inner) : Json.object().set("k", inner);
    }
    return inner;
  }

  /** A result far larger than the writer's starting buffer. */
  @Test
  void largeTrees() throws Exception {
    ObjectNode o = Json.object();
    ArrayNode a = o.putArray("events");
    for (int i = 0; i < 5000; i++) {
      a.addObject().put("id", i).put("text", "\"\"\"\"\"\"\"\"\"\"\u0001\u0001\u0001".repeat(3));
    }
    same(o);
  }

  private static JsonNode randomValue(Random r, String alphabet, int depth) {
    int kind = r.nextInt(depth > 4 ? 5 : 8);
    switch (kind) {
      case 0:
        return Json.NODES.textNode(RandomText.of(r, alphabet, 12));
      case 1:
        return Json.NODES.numberNode(r.nextInt());
      case 2:
        return Json.NODES.numberNode(r.nextLong());
      case 3:
        return r.nextBoolean()
            ? Json.NODES.booleanNode(r.nextBoolean())
            : r.nextBoolean()
                ? Json.NODES.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20))
                : Json.NODES.numberNode(r.nextFloat());
      case 4:
        return Json.NODES.nullNode();
      case 5:
      case 6:
        {
          ObjectNode o = Json.object();
          int n = r.nextInt(4);
          for (int k = 0; k < n; k++) {
            o.set(RandomText.of(r, alphabet, 12), randomValue(r, alphabet, depth + 1));
          }
          return o;
        }
      default:
        {
          ArrayNode a = Json.array();
          int n = r.nextInt(4);
          for (int k = 0; k < n; k++) {
            a.add(randomValue(r, alphabet, depth + 1));
          }
          return a;
        }
    }
  }
}

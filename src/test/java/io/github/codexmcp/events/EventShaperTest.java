package io.github.codexmcp.events;

import static io.github.codexmcp.events.TestEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.codexmcp.util.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventShaperTest {

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** The shaping rule written out plainly: the oracle for the shortcut that returns data as is. */
  private static JsonNode rebuilt(JsonNode data, ResponseMode mode) {
    List<String> keys =
        mode == ResponseMode.MINIMAL ? EventShaper.MINIMAL_KEYS : EventShaper.DELTA_COMPACT_KEYS;
    ObjectNode out = Json.object();
    if (data.path("method").isTextual()) {
      out.set("method", data.get("method"));
    }
    for (String k : keys) {
      if (data.has(k)) {
        out.set(k, data.get(k));
      }
    }
    if (out.path("delta").isTextual() && out.get("delta").asText().length() > mode.deltaLimit()) {
      out.put("delta", EventShaper.cut(out.get("delta").asText(), mode.deltaLimit()));
      out.put("deltaTruncated", true);
    }
    if (out.isEmpty()) {
      if (mode == ResponseMode.MINIMAL) {
        out.put("summary", EventShaper.MINIMAL_SUMMARY);
      } else {
        out.setAll((ObjectNode) data);
      }
    }
    return out;
  }

  @Test
  void shapingMatchesTheRuleForEveryKeyOrder() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(7);
    List<String> pool =
        List.of(
            "method", "delta", "itemId", "turnId", "status", "command", "cwd", "extra", "reason",
            "message");
    for (int i = 0; i < 5_000; i++) {
      ObjectNode data = Json.object();
      int n = r.nextInt(5);
      for (int j = 0; j < n; j++) {
        String k = pool.get(r.nextInt(pool.size()));
        switch (r.nextInt(4)) {
          case 0 -> data.put(k, 3);
          case 1 -> data.put(k, "x".repeat(r.nextInt(3000)));
          default -> data.put(k, k + j);
        }
      }
      for (ResponseMode mode : List.of(ResponseMode.MINIMAL, ResponseMode.DELTA_COMPACT)) {
        JsonNode shaped = EventShaper.shape(data, mode);
        assertEquals(rebuilt(data, mode), shaped, data + " " + mode);
        assertEquals(keys(rebuilt(data, mode)), keys(shaped), data + " " + mode);
      }
    }
  }

  @Test
  void dataAlreadyInShapeIsReturnedAsIs() {
    ObjectNode delta =
        Json.object()
            .put("method", "item/agentMessage/delta")
            .put("delta", "hi")
            .put("itemId", "i1");
    assertSame(delta, EventShaper.shape(delta, ResponseMode.MINIMAL));
    assertSame(delta, EventShaper.shape(delta, ResponseMode.DELTA_COMPACT));
    ObjectNode reordered = Json.object().put("itemId", "i1").put("delta", "hi");
    assertEquals(
        List.of("delta", "itemId"), keys(EventShaper.shape(reordered, ResponseMode.MINIMAL)));
  }

  @Test
  void fullReturnsDataUnchanged() {
    ObjectNode data = json("{'method':'x','foo':1,'delta':'" + "a".repeat(20_000) + "'}");
    assertSame(data, EventShaper.shape(data, ResponseMode.FULL));
  }

  @Test
  void nonObjectDataIsUnchangedInEveryMode() {
    JsonNode text = TextNode.valueOf("plain");
    for (ResponseMode m : ResponseMode.values()) {
      assertSame(text, EventShaper.shape(text, m));
    }
  }

  @Test
  void minimalPutsMethodFirstThenListedKeysInListOrder() {
    ObjectNode data =
        json(
            "{'turnId':'t','extra':1,'status':'completed','method':'turn/completed','turn':{},"
                + "'itemId':null,'reason':'r'}");
    JsonNode shaped = EventShaper.shape(data, ResponseMode.MINIMAL);
    assertEquals(List.of("method", "status", "itemId", "turnId"), keys(shaped));
    assertTrue(shaped.get("itemId").isNull(), "present null keys are kept");
  }

  @Test
  void deltaCompactAddsReasonCommandCwdSourceMethod() {
    ObjectNode data =
        json(
            "{'sourceMethod':'error','cwd':'/w','command':'ls','reason':'why','method':'m',"
                + "'maxRetries':5,'other':true}");
    JsonNode shaped = EventShaper.shape(data, ResponseMode.DELTA_COMPACT);
    assertEquals(
        List.of("method", "maxRetries", "reason", "command", "cwd", "sourceMethod"), keys(shaped));
  }

  @Test
  void nonStringMethodIsNotCopied() {
    ObjectNode data = json("{'method':5,'message':'hi'}");
    assertEquals(json("{'message':'hi'}"), EventShaper.shape(data, ResponseMode.MINIMAL));
  }

  @Test
  void deltaCutTo256ForMinimalAnd2048ForDeltaCompact() {
    ObjectNode data = TestEvents.commandDelta("i1", "x".repeat(3000));
    JsonNode minimal = EventShaper.shape(data, ResponseMode.MINIMAL);
    JsonNode compact = EventShaper.shape(data, ResponseMode.DELTA_COMPACT);
    assertEquals(256, minimal.get("delta").asText().length());
    assertTrue(minimal.get("deltaTruncated").asBoolean());
    assertEquals("deltaTruncated", keys(minimal).get(keys(minimal).size() - 1));
    assertEquals(2048, compact.get("delta").asText().length());
    assertTrue(compact.get("deltaTruncated").asBoolean());
    assertEquals(3000, EventShaper.shape(data, ResponseMode.FULL).get("delta").asText().length());
    assertEquals(3000, data.get("delta").asText().length(), "source data untouched");
  }

  @Test
  void deltaAtTheLimitIsNotMarkedTruncated() {
    JsonNode minimal =
        EventShaper.shape(TestEvents.commandDelta("i", "y".repeat(256)), ResponseMode.MINIMAL);
    assertEquals(256, minimal.get("delta").asText().length());
    assertFalse(minimal.has("deltaTruncated"));
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    String s = "a".repeat(255) + "\uD83D\uDE00" + "b";
    JsonNode minimal = EventShaper.shape(TestEvents.commandDelta("i", s), ResponseMode.MINIMAL);
    assertEquals("a".repeat(255), minimal.get("delta").asText());
  }

  @Test
  void emptyMinimalBecomesSummaryAndEmptyDeltaCompactBecomesCopy() {
    ObjectNode data = json("{'foo':1,'bar':{'x':2}}");
    assertEquals(
        json("{'summary':'omitted for minimal response mode'}"),
        EventShaper.shape(data, ResponseMode.MINIMAL));
    JsonNode compact = EventShaper.shape(data, ResponseMode.DELTA_COMPACT);
    assertEquals(data, compact);
    assertTrue(compact != data, "a copy, not the stored node");
  }

  @Test
  void minimalApprovalRequestKeepsOnlyRequestIdKindItemId() {
    ObjectNode data =
        json(
            "{'requestId':'req_1','kind':'command','itemId':'it','command':'rm -rf x','cwd':'/w',"
                + "'reason':'because','commandActions':null,'availableDecisions':['accept']}");
    assertEquals(
        json("{'requestId':'req_1','kind':'command','itemId':'it'}"),
        EventShaper.shape(data, ResponseMode.MINIMAL));
    JsonNode compact = EventShaper.shape(data, ResponseMode.DELTA_COMPACT);
    assertEquals(List.of("itemId", "requestId", "kind", "reason", "command", "cwd"), keys(compact));
  }

  @Test
  void serializedSizesGrowFromMinimalToFull() {
    SessionEvent e =
        new SessionEvent(
            0,
            EventType.PROGRESS,
            json(
                "{'method':'item/commandExecution/outputDelta','threadId':'th','turnId':'t',"
                    + "'itemId':'i','delta':'"
                    + "z".repeat(3000)
                    + "'}"),
            "2026-02-15T10:00:00.000Z",
            false);
    int minimal = bytes(e.toJson(ResponseMode.MINIMAL));
    int compact = bytes(e.toJson(ResponseMode.DELTA_COMPACT));
    int full = bytes(e.toJson(ResponseMode.FULL));
    assertTrue(minimal < compact && compact < full, minimal + " " + compact + " " + full);
    JsonNode compactData = e.toJson(ResponseMode.DELTA_COMPACT).get("data");
    assertTrue(compactData.get("deltaTruncated").asBoolean());
    assertTrue(compactData.get("delta").asText().length() < 3000);
  }

  @Test
  void eventJsonHasIdTypeDataTimestampAndNeverPinned() {
    SessionEvent e = new SessionEvent(7, EventType.APPROVAL_REQUEST, json("{'a':1}"), "ts", true);
    ObjectNode out = e.toJson();
    assertEquals(List.of("id", "type", "data", "timestamp"), keys(out));
    assertEquals(7, out.get("id").asLong());
    assertEquals("approval_request", out.get("type").asText());
    assertEquals("ts", out.get("timestamp").asText());
  }

  @Test
  void nullDataBecomesJsonNull() {
    SessionEvent e = new SessionEvent(0, EventType.ERROR, null, "ts", false);
    assertTrue(e.data().isNull());
    assertEquals(null, e.method());
  }

  @Test
  void timestampsHaveMillisecondsAndZ() {
    assertEquals(
        "2026-02-15T10:00:00.000Z", Timestamps.format(Instant.parse("2026-02-15T10:00:00Z")));
    assertEquals(
        "2026-02-15T10:00:00.123Z",
        Timestamps.format(Instant.parse("2026-02-15T10:00:00.123456Z")));
  }

  @Test
  void wireNamesRoundTrip() {
    for (EventType t : EventType.values()) {
      assertSame(t, EventType.fromWireName(t.wireName()));
      assertEquals('"' + t.wireName() + '"', Json.write(t));
    }
    for (ResponseMode m : ResponseMode.values()) {
      assertSame(m, ResponseMode.fromWireName(m.wireName()));
    }
    assertEquals(null, EventType.fromWireName("nope"));
    assertEquals(null, ResponseMode.fromWireName("compact"));
  }

  private static int bytes(JsonNode n) {
    return Json.write(n).getBytes(StandardCharsets.UTF_8).length;
  }
}

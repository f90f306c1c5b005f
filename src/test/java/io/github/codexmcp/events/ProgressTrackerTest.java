package io.github.codexmcp.events;

import static io.github.codexmcp.events.TestEvents.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {
  private static final String CREATED = "2026-02-15T09:59:00.000Z";

  private final ManualClock clock = new ManualClock();
  private final ProgressTracker tracker = new ProgressTracker(clock, CREATED);

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void freshSessionIsStartingWithCreationTime() {
    ObjectNode p = tracker.snapshot("running", null, 0);
    assertEquals(
        json("{'phase':'starting','lastEventAt':'" + CREATED + "','pendingActionCount':0}"), p);
  }

  @Test
  void snapshotFieldOrder() {
    tracker.observe(
        "thread/tokenUsage/updated", json("{'tokenUsage':{'total':{'totalTokens':9}}}"));
    tracker.observe("item/started", json("{}"));
    ObjectNode p = tracker.snapshot("running", "turn_1", 2);
    assertEquals(
        List.of(
            "phase", "lastEventAt", "activeTurnId", "pendingActionCount", "lastMethod", "tokens"),
        keys(p));
    assertEquals("turn_1", p.get("activeTurnId").asText());
    assertEquals(2, p.get("pendingActionCount").asInt());
  }

  @Test
  void observeRefreshesLastEventAtAndLastMethodEvenForUnknownMethods() {
    clock.advanceMillis(1500);
    tracker.observe("sessionConfigured", json("{}"));
    assertEquals("2026-02-15T10:00:01.500Z", tracker.lastEventAt());
    assertEquals("sessionConfigured", tracker.lastMethod());
    assertEquals(
        "sessionConfigured", tracker.snapshot("running", "t", 0).get("lastMethod").asText());
  }

  @Test
  void aStreamedFragmentRefreshesTheTimeAndMethodAndKeepsTheCounters() {
    tracker.observe(
        "thread/tokenUsage/updated", json("{'tokenUsage':{'total':{'totalTokens':9}}}"));
    ObjectNode before = tracker.snapshot("running", "t", 0);
    clock.advanceMillis(250);
    tracker.observeFragment();
    assertEquals("2026-02-15T10:00:00.250Z", tracker.lastEventAt());
    assertEquals("item/agentMessage/delta", tracker.lastMethod());
    assertEquals(before.get("tokens"), tracker.snapshot("running", "t", 0).get("tokens"));
  }

  @Test
  void phaseFollowsStatusAndLastMethod() {
    assertEquals("starting", ProgressTracker.phase("running", null, "item/reasoning/textDelta"));
    assertEquals("running", ProgressTracker.phase("running", "t", null));
    assertEquals("running", ProgressTracker.phase("running", "t", "item/completed"));
    for (String m :
        List.of(
            "item/reasoning/textDelta",
            "item/reasoning/summaryTextDelta",
            "item/reasoning/summaryPartAdded",
            "item/plan/delta")) {
      assertEquals("reasoning", ProgressTracker.phase("running", "t", m), m);
    }
    for (String m :
        List.of(
            "item/commandExecution/outputDelta",
            "item/commandExecution/terminalInteraction",
            "item/fileChange/outputDelta",
            "item/mcpToolCall/progress",
            "turn/diff/updated",
            "turn/plan/updated")) {
      assertEquals("acting", ProgressTracker.phase("running", "t", m), m);
    }
    assertEquals("waiting_approval", ProgressTracker.phase("waiting_approval", "t", null));
    assertEquals("finished", ProgressTracker.phase("idle", null, null));
    assertEquals("error", ProgressTracker.phase("error", "t", null));
    assertEquals("cancelled", ProgressTracker.phase("cancelled", null, null));
  }

  @Test
  void snapshotPhaseUsesObservedMethod() {
    tracker.observe("item/commandExecution/outputDelta", json("{'delta':'x'}"));
    assertEquals("acting", tracker.snapshot("running", "t", 0).get("phase").asText());
    tracker.observe("item/reasoning/textDelta", json("{}"));
    assertEquals("reasoning", tracker.snapshot("running", "t", 0).get("phase").asText());
  }

  @Test
  void tokenUsageFillsTokensButNotLastMethod() {
    tracker.observe("turn/started", json("{}"));
    tracker.observe(
        "thread/tokenUsage/updated",
        json(
            "{'threadId':'th','tokenUsage':{'total':{'inputTokens':100,'outputTokens':20,"
                + "'totalTokens':120},'last':{'inputTokens':1,'outputTokens':2,'totalTokens':3}}}"));
    assertEquals("turn/started", tracker.lastMethod());
    assertEquals(json("{'input':100,'output':20,'total':120}"), tracker.tokens());
  }

  @Test
  void tokenSourcesInPriorityOrder() {
    tracker.observe(
        "x", json("{'tokenUsage':{'last':{'inputTokens':5}},'usage':{'input_tokens':6}}"));
    assertEquals(json("{'input':5}"), tracker.tokens());
    tracker.observe(
        "x", json("{'info':{'total_token_usage':{'input_tokens':7,'output_tokens':8}}}"));
    assertEquals(json("{'input':7,'output':8}"), tracker.tokens());
    tracker.observe("x", json("{'info':{'last_token_usage':{'total_tokens':30}}}"));
    assertEquals(json("{'input':7,'output':8,'total':30}"), tracker.tokens());
    tracker.observe("x", json("{'usage':{'prompt_tokens':1,'completion_tokens':2}}"));
    assertEquals(json("{'input':1,'output':2,'total':30}"), tracker.tokens());
    tracker.observe("x", json("{'promptTokens':3,'completionTokens':4,'token_count':50}"));
    assertEquals(json("{'input':3,'output':4,'total':50}"), tracker.tokens());
    tracker.observe("x", json("{'tokenCount':60}"));
    assertEquals(json("{'input':3,'output':4,'total':60}"), tracker.tokens());
    tracker.observe("x", json("{'total':70}"));
    assertEquals(70, tracker.tokens().get("total").asInt());
  }

  @Test
  void missingOrNonNumericCountersChangeNothing() {
    tracker.observe("x", json("{'inputTokens':'12','usage':'n/a'}"));
    assertNull(tracker.tokens());
    assertFalse(tracker.snapshot("running", "t", 0).has("tokens"));
    tracker.observe("x", null);
    assertNull(tracker.tokens());
  }

  @Test
  void mergeTokensReadsUsageDirectly() {
    tracker.mergeTokens(json("{'input_tokens':10,'output_tokens':5}"));
    assertEquals(json("{'input':10,'output':5}"), tracker.tokens());
    tracker.mergeTokens(null);
    assertEquals(json("{'input':10,'output':5}"), tracker.tokens());
  }

  @Test
  void pendingActionCountIsPassedThrough() {
    assertEquals(3, tracker.snapshot("waiting_approval", "t", 3).get("pendingActionCount").asInt());
  }

  @Test
  void coerceForcesPhaseAndReconcilesCounts() {
    ObjectNode progress =
        json("{'phase':'running','lastEventAt':'a','activeTurnId':'t','pendingActionCount':2}");
    ObjectNode idle = ProgressTracker.coerce("idle", progress, "done-at", null);
    assertEquals(
        json(
            "{'phase':'finished','lastEventAt':'done-at','activeTurnId':'t','pendingActionCount':0}"),
        idle);
    assertEquals("running", progress.get("phase").asText(), "input untouched");
    assertEquals("error", ProgressTracker.coerce("error", progress, null, 5).get("phase").asText());
    assertEquals(
        "a", ProgressTracker.coerce("error", progress, null, 5).get("lastEventAt").asText());
    assertEquals(
        "cancelled",
        ProgressTracker.coerce("cancelled", progress, null, null).get("phase").asText());
    ObjectNode waiting = ProgressTracker.coerce("waiting_approval", progress, null, 4);
    assertEquals("waiting_approval", waiting.get("phase").asText());
    assertEquals(4, waiting.get("pendingActionCount").asInt());
    assertEquals(
        2,
        ProgressTracker.coerce("waiting_approval", progress, null, null)
            .get("pendingActionCount")
            .asInt());
    ObjectNode running = ProgressTracker.coerce("running", progress, null, 9);
    assertEquals("running", running.get("phase").asText());
    assertEquals(2, running.get("pendingActionCount").asInt());
  }

  @Test
  void interactionStates() {
    assertEquals("working", ProgressTracker.interactionState("running").wireName());
    assertEquals("waiting_input", ProgressTracker.interactionState("waiting_approval").wireName());
    assertEquals("finished", ProgressTracker.interactionState("idle").wireName());
    assertEquals("finished", ProgressTracker.interactionState("error").wireName());
    assertEquals("finished", ProgressTracker.interactionState("cancelled").wireName());
  }

  @Test
  void recommendedNextActions() {
    assertEquals(
        "respond_user_input",
        ProgressTracker.recommendedNextAction("waiting_approval", List.of("command", "user_input"))
            .wireName());
    assertEquals(
        "respond_permission",
        ProgressTracker.recommendedNextAction("waiting_approval", List.of("fileChange"))
            .wireName());
    assertEquals(
        "poll", ProgressTracker.recommendedNextAction("waiting_approval", List.of()).wireName());
    assertEquals(
        "poll", ProgressTracker.recommendedNextAction("running", List.of("command")).wireName());
    for (String s : List.of("idle", "error", "cancelled")) {
      assertEquals(
          "none", ProgressTracker.recommendedNextAction(s, List.of("user_input")).wireName());
    }
  }

  @Test
  void pollIntervals() {
    assertEquals(120_000L, ProgressTracker.pollInterval("running"));
    assertEquals(1_000L, ProgressTracker.pollInterval("waiting_approval"));
    assertNull(ProgressTracker.pollInterval("idle"));
    assertNull(ProgressTracker.pollInterval("error"));
    assertNull(ProgressTracker.pollInterval("cancelled"));
  }

  /** The one-pass token merge must pick what the per-key lookups pick. */
  @Test
  void tokenMergePicksTheFirstListedNumericKeyPerCounter() {
    List<String> keys =
        List.of(
            "inputTokens",
            "input_tokens",
            "promptTokens",
            "prompt_tokens",
            "outputTokens",
            "output_tokens",
            "completionTokens",
            "completion_tokens",
            "totalTokens",
            "total_tokens",
            "tokenCount",
            "token_count",
            "total",
            "delta",
            "itemId",
            "other");
    java.util.SplittableRandom r = new java.util.SplittableRandom(11);
    for (int i = 0; i < 5_000; i++) {
      com.fasterxml.jackson.databind.node.ObjectNode usage = io.github.codexmcp.util.Json.object();
      int n = r.nextInt(12);
      for (int j = 0; j < n; j++) {
        String k = keys.get(r.nextInt(keys.size()));
        switch (r.nextInt(4)) {
          case 0 -> usage.put(k, "12");
          case 1 -> usage.put(k, Double.NaN);
          default -> usage.put(k, r.nextInt(1000));
        }
      }
      ProgressTracker t = new ProgressTracker(new ManualClock(), "2026-02-15T10:00:00.000Z");
      t.mergeTokens(usage);
      com.fasterxml.jackson.databind.node.ObjectNode expected =
          io.github.codexmcp.util.Json.object();
      String[][] lists = {
        {"inputTokens", "input_tokens", "promptTokens", "prompt_tokens"},
        {"outputTokens", "output_tokens", "completionTokens", "completion_tokens"},
        {"totalTokens", "total_tokens", "tokenCount", "token_count", "total"}
      };
      String[] names = {"input", "output", "total"};
      for (int c = 0; c < 3; c++) {
        for (String k : lists[c]) {
          com.fasterxml.jackson.databind.JsonNode v = usage.get(k);
          if (v != null && v.isNumber() && Double.isFinite(v.doubleValue())) {
            expected.set(names[c], v);
            break;
          }
        }
      }
      assertEquals(expected.isEmpty() ? null : expected, t.tokens(), usage.toString());
    }
  }
}

package io.github.codexmcp.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.PollJson;
import io.github.codexmcp.util.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed poll page rendered by {@link PollJson} is the answer the poller built as a JSON tree
 * before the page existed: {@code /golden/poll-pages.jsonl} holds those answers (recorded from the
 * tree-building poller, hints included) for {@link PollScenarios}, and the {@code maxBytes}
 * truncation's measurement is the rendered size.
 */
class PollPageRenderingTest {

  private static List<String> golden() throws IOException {
    List<String> lines = new ArrayList<>();
    try (InputStream in =
            PollPageRenderingTest.class.getResourceAsStream("/golden/poll-pages.jsonl");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private static PollOutcome run(PollScenarios.Scenario s) {
    return s.monotonic()
        ? Poller.pollMonotonic(s.request(), s.context())
        : Poller.poll(s.request(), s.context());
  }

  private static int utf8(JsonNode node) {
    return Json.bytes(node).length;
  }

  @Test
  void rendersTheRecordedAnswersByteForByte() throws IOException {
    List<String> golden = golden();
    List<PollScenarios.Scenario> scenarios = PollScenarios.all();
    assertEquals(golden.size(), scenarios.size());
    for (int i = 0; i < scenarios.size(); i++) {
      PollScenarios.Scenario s = scenarios.get(i);
      PollPage page = run(s).page().withHints(s.pendingKinds());
      ObjectNode rendered = PollJson.render(page);
      assertEquals(golden.get(i), Json.write(rendered), s.name());
      assertEquals(Json.parse(golden.get(i)), rendered, s.name() + ": field for field");
    }
  }

  @Test
  void truncatedPagesKeepToMaxBytesAsMeasured() {
    int truncated = 0;
    for (PollScenarios.Scenario s : PollScenarios.all()) {
      PollPage page = run(s).page();
      ObjectNode rendered = PollJson.render(page);
      int size = utf8(rendered);
      assertEquals(measured(page), size, s.name() + ": measured size is the rendered size");
      assertEquals(page.truncated(), rendered.has("truncated"), s.name());
      assertEquals(page.truncated(), rendered.has("truncatedFields"), s.name());
      long limit = s.request().options().byteLimit();
      if (limit < 0) {
        assertFalse(page.truncated(), s.name());
        continue;
      }
      boolean allDropped =
          page.events().isEmpty()
              && page.progress() == null
              && page.actions() == null
              && page.result() == null;
      assertTrue(
          size <= limit || allDropped,
          s.name() + ": " + size + " bytes for maxBytes " + limit + " with droppable fields left");
      if (page.truncated()) {
        truncated++;
      }
      // the hints come after truncation and are not counted
      ObjectNode hinted = PollJson.render(page.withHints(s.pendingKinds()));
      assertTrue(utf8(hinted) > size);
    }
    assertTrue(truncated > 50, "the scenarios exercise truncation: " + truncated);
  }

  /** The draft's measurement of the finished page (what truncation compared to the limit). */
  private static long measured(PollPage p) {
    PollResponseDraft d =
        new PollResponseDraft(
            p.sessionId(),
            p.status(),
            p.pollInterval(),
            p.progress(),
            p.events(),
            p.mode(),
            p.nextCursor(),
            p.nextCursor(),
            p.cursorResetTo(),
            p.actions(),
            p.result());
    d.compatWarnings = p.compatWarnings();
    d.truncatedFields = p.truncatedFields();
    return d.size();
  }

  @Test
  void hintsComeLastAndFollowTheStatus() {
    PollPage page =
        new PollPage(
            "s",
            ProgressTracker.WAITING_APPROVAL,
            null,
            null,
            List.of(),
            ResponseMode.FULL,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertNull(page.interactionState());
    ObjectNode bare = PollJson.render(page);
    assertEquals(List.of("sessionId", "status", "events", "nextCursor"), keys(bare));
    PollPage hinted = page.withHints(List.of("command"));
    ObjectNode r = PollJson.render(hinted);
    assertEquals(
        List.of(
            "sessionId",
            "status",
            "events",
            "nextCursor",
            "interactionState",
            "recommendedNextAction"),
        keys(r));
    assertEquals("waiting_input", r.get("interactionState").asText());
    assertEquals("respond_permission", r.get("recommendedNextAction").asText());
    assertEquals(
        "respond_user_input",
        page.withHints(List.of("command", "user_input")).recommendedNextAction().wireName());
    PollPage idle =
        new PollPage(
                "s",
                ProgressTracker.IDLE,
                null,
                null,
                List.of(),
                ResponseMode.FULL,
                0,
                null,
                null,
                null,
                null,
                null,
                null,
                null)
            .withHints(List.of("command"));
    assertEquals(InteractionState.FINISHED, idle.interactionState());
    assertEquals(NextAction.NONE, idle.recommendedNextAction());
    assertNotNull(PollJson.render(idle).get("recommendedNextAction"));
  }

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}

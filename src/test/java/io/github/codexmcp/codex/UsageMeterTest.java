package io.github.codexmcp.codex;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import org.junit.jupiter.api.Test;

class UsageMeterTest {
  private static JsonNode update(long totalIn, long totalOut, long lastIn, long lastOut) {
    return Json.parse(
        "{\"threadId\":\"t\",\"turnId\":\"u\",\"tokenUsage\":{"
            + "\"total\":{\"inputTokens\":"
            + totalIn
            + ",\"cachedInputTokens\":0,\"outputTokens\":"
            + totalOut
            + ",\"reasoningOutputTokens\":1,\"totalTokens\":0},"
            + "\"last\":{\"inputTokens\":"
            + lastIn
            + ",\"cachedInputTokens\":0,\"outputTokens\":"
            + lastOut
            + ",\"reasoningOutputTokens\":1,\"totalTokens\":0}}}");
  }

  private static final JsonNode COMPLETED = Json.parse("{\"turn\":{\"id\":\"u\"}}");

  @Test
  void sumsTheGrowthOfTheThreadTotalAndIgnoresRepeatedReports() {
    UsageMeter m = new UsageMeter(null);
    m.onTokenUsageUpdated(update(100, 10, 100, 10));
    m.onTokenUsageUpdated(update(100, 10, 100, 10));
    m.onTokenUsageUpdated(update(250, 30, 150, 20));
    m.onTurnCompleted(COMPLETED);
    assertEquals(new SessionUsage(1, 250, 0, 30, 1), m.usage());
    m.onTokenUsageUpdated(update(400, 35, 150, 5));
    m.onTurnCompleted(COMPLETED);
    assertEquals(new SessionUsage(2, 400, 0, 35, 1), m.usage());
  }

  @Test
  void afterARestartTheFirstReportCountsItsLastCallOnly() {
    UsageMeter m = new UsageMeter(new SessionUsage(3, 1000, 10, 100, 0));
    m.onTokenUsageUpdated(update(5000, 500, 40, 4));
    m.onTurnCompleted(COMPLETED);
    assertEquals(new SessionUsage(4, 1040, 10, 104, 1), m.usage());
    m.onBackendRestarted();
    m.onTokenUsageUpdated(update(6000, 600, 30, 3));
    assertEquals(new SessionUsage(4, 1070, 10, 107, 2), m.usage());
  }

  @Test
  void execUsageOnTurnCompletedCountsWhenNoNotificationCame() {
    UsageMeter m = new UsageMeter(null);
    m.onTurnCompleted(
        Json.parse(
            "{\"turn\":{\"id\":\"u\",\"usage\":{\"input_tokens\":7,\"cached_input_tokens\":2,"
                + "\"output_tokens\":3}}}"));
    assertEquals(new SessionUsage(1, 7, 2, 3, 0), m.usage());
    m.onTokenUsageUpdated(update(50, 5, 50, 5));
    m.onTurnCompleted(
        Json.parse("{\"turn\":{\"usage\":{\"input_tokens\":50,\"output_tokens\":5}}}"));
    assertEquals(new SessionUsage(2, 57, 2, 8, 1), m.usage());
  }
}

package io.github.codexmcp.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.util.Json;
import org.junit.jupiter.api.Test;

class PersistedMetaUsageTest {
  private static final String ID = "sess_0123abcd-456";

  private static PersistedMeta plain() {
    return new PersistedMeta(
        ID,
        "idle",
        "2026-01-01T00:00:00.000Z",
        "2026-01-01T00:00:01.000Z",
        null,
        null,
        "thr",
        "m",
        "/w",
        "never",
        "workspace-write",
        null);
  }

  @Test
  void usageAndWorktreeSurviveTheRoundTripAndAStatusChange() {
    PersistedMeta meta =
        plain()
            .with(
                new PersistedUsage(3, 1000, 200, 50, 10),
                new PersistedWorktree("/wt/s1", "codex/s1", "HEAD", "abc123", "/repo"));
    JsonNode json = Json.parse(Json.write(meta.toJson()));
    assertEquals(
        Json.parse(
            "{\"turns\":3,\"inputTokens\":1000,\"cachedInputTokens\":200,\"outputTokens\":50,"
                + "\"reasoningOutputTokens\":10}"),
        json.get("usage"));
    PersistedMeta back = PersistedMeta.fromJson(json);
    assertEquals(meta, back);
    assertEquals(meta.usage(), back.withStatus("error", "restart").usage());
    assertEquals(meta.worktree(), back.withStatus("error", "restart").worktree());
  }

  @Test
  void theApprovalTimeoutSurvivesTheRoundTripAndOlderMetasHaveNone() {
    PersistedMeta m = PersistedMeta.fromJson(plain().toJson().put("approvalTimeoutMs", 300000));
    assertEquals(300_000L, m.approvalTimeoutMs());
    assertEquals(300_000L, m.withStatus("idle", null).approvalTimeoutMs());
    assertEquals(300_000L, PersistedMeta.fromJson(m.toJson()).approvalTimeoutMs());
    assertNull(PersistedMeta.fromJson(plain().toJson()).approvalTimeoutMs());
    assertFalse(plain().toJson().has("approvalTimeoutMs"));
    assertNull(
        PersistedMeta.fromJson(plain().toJson().put("approvalTimeoutMs", "soon"))
            .approvalTimeoutMs());
    assertNull(
        PersistedMeta.fromJson(plain().toJson().put("approvalTimeoutMs", -5)).approvalTimeoutMs());
  }

  @Test
  void olderMetaFilesHaveNeitherAndBadValuesAreLenient() {
    JsonNode json = plain().toJson();
    assertFalse(json.has("usage"));
    assertFalse(json.has("worktree"));
    PersistedMeta back = PersistedMeta.fromJson(json);
    assertNull(back.usage());
    assertNull(back.worktree());

    JsonNode odd =
        Json.parse(
            "{\"sessionId\":\""
                + ID
                + "\",\"status\":\"idle\",\"usage\":{\"turns\":\"x\",\"inputTokens\":-4,"
                + "\"outputTokens\":9},\"worktree\":{\"path\":\"/p\"}}");
    PersistedMeta lenient = PersistedMeta.fromJson(odd);
    assertEquals(new PersistedUsage(0, 0, 0, 9, 0), lenient.usage());
    assertNull(lenient.worktree(), "a worktree without branch and repository is dropped");
  }
}

package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.codexmcp.codex.SessionUsage;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.workspace.ChangeKind;
import io.github.codexmcp.workspace.FileChange;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionExtrasTest {
  private final Path cwd = Path.of("/work/repo").toAbsolutePath();

  @Test
  void fileChangeItemsAndTheTurnDiffFeedTheReceiptAndANewTurnForgetsThem() {
    SessionExtras x = new SessionExtras(null, null);
    x.turnStarting(null);
    x.observe(
        "item/completed",
        Json.parse(
            "{\"item\":{\"type\":\"fileChange\",\"status\":\"completed\",\"changes\":["
                + "{\"path\":\""
                + cwd.resolve("a.txt")
                + "\",\"kind\":{\"type\":\"add\"},\"diff\":\"x\"},"
                + "{\"path\":\""
                + cwd.resolve("b.txt")
                + "\",\"kind\":{\"type\":\"update\",\"move_path\":\""
                + cwd.resolve("c.txt")
                + "\"},\"diff\":\"\"}]}}"));
    x.observe(
        "item/completed",
        Json.parse(
            "{\"item\":{\"type\":\"fileChange\",\"status\":\"declined\",\"changes\":["
                + "{\"path\":\"nope.txt\",\"kind\":{\"type\":\"add\"},\"diff\":\"\"}]}}"));
    x.observe(
        "turn/diff/updated",
        Json.parse(
            "{\"diff\":\"diff --git a/a.txt b/a.txt\\nnew file mode 100644\\n--- /dev/null\\n"
                + "+++ b/a.txt\\n@@ -0,0 +1 @@\\n+hi\\n\"}"));
    assertEquals(
        List.of(
            new FileChange("a.txt", ChangeKind.ADDED, null, 1, 0),
            new FileChange("c.txt", ChangeKind.RENAMED, "b.txt", null, null)),
        x.changes().receipt(cwd, null, null).changes());

    x.turnStarting(null);
    assertEquals(true, x.changes().isEmpty());
  }

  @Test
  void usageAndReviewTextComeFromTheirNotifications() {
    SessionExtras x = new SessionExtras(new SessionUsage(1, 10, 0, 1, 0), null);
    x.observe(
        "thread/tokenUsage/updated",
        Json.parse(
            "{\"tokenUsage\":{\"total\":{\"inputTokens\":5,\"cachedInputTokens\":1,"
                + "\"outputTokens\":2,\"reasoningOutputTokens\":0},\"last\":{\"inputTokens\":5,"
                + "\"cachedInputTokens\":1,\"outputTokens\":2,\"reasoningOutputTokens\":0}}}"));
    x.observe(
        "item/completed",
        Json.parse("{\"item\":{\"type\":\"exitedReviewMode\",\"review\":\"looks right\"}}"));
    x.observe("turn/completed", Json.parse("{\"turn\":{\"id\":\"t\"}}"));
    assertEquals(new SessionUsage(2, 15, 1, 3, 0), x.usage());
    assertEquals("looks right", x.reviewText());
    x.turnStarting(null);
    assertNull(x.reviewText());
  }
}

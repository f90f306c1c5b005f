package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.state.PersistedMeta;
import io.github.codexmcp.state.RecoveredSession;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A session's description: made from its first prompt, shown, persisted, recovered, forked. */
class SessionDescriptionTest {
  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private String description(String id) {
    return f.manager.get(id, false).description();
  }

  @Test
  void aReviewOfAnotherTargetKeepsThePromptOnlyAsTheDescription() {
    SessionFixture.Create c = f.create();
    c.review = new ReviewTarget(ReviewTarget.Kind.UNCOMMITTED_CHANGES, null, null, null, null);
    c.prompt = "check my edit before the release";
    String id = c.id();

    assertEquals("check my edit before the release", description(id));
    assertEquals(
        Json.parse(
            "{\"threadId\":\"thread_mock\",\"target\":{\"type\":\"uncommittedChanges\"},"
                + "\"delivery\":\"inline\"}"),
        f.backend(id).calls(FakeCodexBackend.REVIEW_START).get(0).params(),
        "the prompt is not sent to Codex");
    assertEquals(
        "check my edit before the release",
        f.persistence.meta(id).path("description").asText(),
        "kept in meta.json");
  }

  @Test
  void aCustomReviewAndAPlainSessionAreDescribedByTheirPrompt() {
    SessionFixture.Create custom = f.create();
    custom.review =
        new ReviewTarget(ReviewTarget.Kind.CUSTOM, null, null, null, "look for races only");
    custom.prompt = "look for races only";
    assertEquals("look for races only", description(custom.id()));

    SessionFixture.Create plain = f.create();
    plain.prompt = "  fix the build\n\n\tthen run   the tests  ";
    assertEquals("fix the build then run the tests", description(plain.id()));
  }

  @Test
  void theDescriptionStaysTheFirstPromptAndAForkCopiesIt() {
    String id = f.idleSession();
    f.manager.reply(f.reply(id)).join();
    assertEquals("hello", description(id), "a reply does not change it");
    String fork = f.manager.fork(id).join().sessionId();
    assertEquals("hello", description(fork));
    assertEquals("hello", f.persistence.meta(fork).path("description").asText());
  }

  @Test
  void aRecoveredSessionShowsItsPersistedDescriptionAndOlderMetaHasNone() {
    PersistedMeta stored =
        new PersistedMeta(
            "sess_rec-desc",
            "idle",
            "2026-02-15T09:00:00.000Z",
            "2026-02-15T09:30:00.000Z",
            null,
            null,
            "thread_old",
            "o4",
            cwd.toString(),
            "never",
            "read-only",
            null,
            null,
            null,
            "review the parser");
    PersistedMeta back = PersistedMeta.fromJson(Json.parse(Json.write(stored.toJson())));
    assertEquals(stored, back);
    f.manager.ingestRecovered(
        new RecoveredSession(
            "sess_rec-desc", back, "idle", List.of(), -1, null, null, cwd.resolve("d")));
    assertEquals("review the parser", description("sess_rec-desc"));

    String old = f.recovered("sess_rec-old", "idle", "thread_old", null, List.of());
    assertNull(description(old));
    assertFalse(f.persistence.meta(old) != null && f.persistence.meta(old).has("description"));
  }

  @Test
  void longPromptsAreCutAndBlankOnesGiveNone() {
    assertNull(SessionExtras.describe(null));
    assertNull(SessionExtras.describe(" \n\t "));
    String emoji = "\uD83D\uDE00"; // one code point, two chars
    String d = SessionExtras.describe(emoji.repeat(400));
    assertEquals(SessionExtras.DESCRIPTION_MAX, d.codePointCount(0, d.length()));
    assertEquals(emoji.repeat(SessionExtras.DESCRIPTION_MAX - 1) + "…", d);
    String exact = "x".repeat(SessionExtras.DESCRIPTION_MAX);
    assertEquals(exact, SessionExtras.describe(exact));
    assertEquals(
        "a".repeat(SessionExtras.DESCRIPTION_MAX - 2) + "…",
        SessionExtras.describe("a".repeat(SessionExtras.DESCRIPTION_MAX - 2) + " bcd"),
        "no space before the ellipsis");
  }
}

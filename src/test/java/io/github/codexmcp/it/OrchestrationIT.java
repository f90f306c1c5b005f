package io.github.codexmcp.it;

import static io.github.codexmcp.it.McpSession.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.testing.ScriptedModelServer;
import io.github.codexmcp.testing.ScriptedReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Change receipts, waiting on many sessions, steering, reviews, worktrees and usage, end to end:
 * the packaged server, the real Codex CLI, a scripted model. Every result is checked against the
 * tool's output schema by {@link McpSession}.
 */
@Timeout(180)
class OrchestrationIT extends RealCodexFixture {

  @Test
  void aFileWrittenByAShellCommandIsInTheReceipt() throws Exception {
    Path repo = GitRepos.init(home.workDir());
    model.enqueue(ScriptedReply.command("printf 'one\\ntwo\\n' > made.txt && rm old.txt"));
    String sid = mcp.startSession(home, "make a file").path("sessionId").asText();
    JsonNode result = mcp.pollUntilIdle(sid).last().path("result");

    assertEquals(
        jsonSet(
            "{\"path\":\"made.txt\",\"kind\":\"added\",\"additions\":2,\"deletions\":0}",
            "{\"path\":\"old.txt\",\"kind\":\"deleted\",\"additions\":0,\"deletions\":1}"),
        jsonSet(result.path("changes")),
        result.toString());
    assertEquals(
        McpSession.JSON.readTree("{\"files\":2,\"additions\":2,\"deletions\":1}"),
        result.path("diffStat"));
    assertFalse(result.has("changesTruncated"));
    assertTrue(Files.exists(repo.resolve("made.txt")));

    model.enqueue(ScriptedReply.text("nothing to do"));
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "just talk"));
    JsonNode second = mcp.pollUntilIdle(sid).last().path("result");
    assertFalse(second.has("changes"), second.toString());
    assertFalse(second.has("diffStat"), second.toString());
  }

  @Test
  void waitReturnsWhenTheQuickerSessionFinishes() throws Exception {
    CompletableFuture<Void> slowGate = new CompletableFuture<>();
    CompletableFuture<Void> quickGate = new CompletableFuture<>();
    model.onUserMessageContaining(
        "slow-task", ScriptedReply.gated(slowGate, ScriptedReply.text("slow done")));
    model.onUserMessageContaining(
        "quick-task", ScriptedReply.gated(quickGate, ScriptedReply.text("quick done")));
    try {
      String slow = mcp.startSession(home, "slow-task").path("sessionId").asText();
      String quick = mcp.startSession(home, "quick-task").path("sessionId").asText();
      model.awaitRequestCount(2, Duration.ofSeconds(60));

      CompletableFuture<JsonNode> waited =
          CompletableFuture.supplyAsync(
              () ->
                  mcp.ok(
                      "codex_session",
                      args("action", "wait", "sessionIds", List.of(slow, quick), "waitMs", 60000)));
      Thread.sleep(500);
      assertFalse(waited.isDone(), () -> "returned before anything finished: " + waited.join());
      long released = System.nanoTime();
      quickGate.complete(null);
      JsonNode w = waited.get(30, TimeUnit.SECONDS);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released);
      // Well under the 5 s slice the wait started before the release: woken by the change itself.
      assertTrue(tookMs < 4000, "wait returned " + tookMs + " ms after the quick turn could end");

      assertFalse(w.path("timedOut").asBoolean(true), w.toString());
      assertEquals(List.of(quick), texts(w.path("ready")), w.toString());
      assertEquals(slow, w.at("/sessions/0/sessionId").asText());
      assertEquals("running", w.at("/sessions/0/status").asText());
      assertEquals("idle", w.at("/sessions/1/status").asText());
      assertEquals("none", w.at("/sessions/1/recommendedNextAction").asText());

      JsonNode none =
          mcp.ok(
              "codex_session", args("action", "wait", "sessionIds", List.of(slow), "waitMs", 300));
      assertTrue(none.path("timedOut").asBoolean(), none.toString());
      assertEquals(List.of(), texts(none.path("ready")));

      JsonNode unknown =
          mcp.call(
              "codex_session",
              args("action", "wait", "sessionIds", List.of(slow, "sess_nope"), "waitMs", 100));
      assertTrue(
          unknown.path("error").asText().startsWith("Error [SESSION_NOT_FOUND]"),
          unknown.toString());
      assertTrue(unknown.path("error").asText().contains("sess_nope"), unknown.toString());
    } finally {
      slowGate.complete(null);
      quickGate.complete(null);
    }
  }

  @Test
  void aSteerDuringASlowAnswerReachesTheModelInTheSameTurn() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    model.enqueue(
        ScriptedReply.gated(gate, ScriptedReply.text("stale answer")),
        ScriptedReply.text("steered answer"));
    String sid = mcp.startSession(home, "write a long essay").path("sessionId").asText();
    try {
      model.awaitRequestCount(1, Duration.ofSeconds(60));
      mcp.pollUntil(
          sid,
          r ->
              r.path("progress").has("activeTurnId") || r.path("status").asText().equals("running"),
          Duration.ofSeconds(30));

      JsonNode steered =
          mcp.ok(
              "codex_reply",
              args("sessionId", sid, "prompt", "STEER-7f3 keep it short", "steer", true));
      assertEquals("running", steered.path("status").asText(), steered.toString());
      assertTrue(steered.path("steered").asBoolean(), steered.toString());
      assertEquals(sid, steered.path("sessionId").asText());

      gate.complete(null); // the answer in progress ends; the steer goes out with the next request
      JsonNode second =
          model.awaitRequest(
              r -> ScriptedModelServer.inputContains(r, "STEER-7f3"), Duration.ofSeconds(60));
      assertTrue(ScriptedModelServer.inputContains(second, "write a long essay"));

      McpSession.Polled p = mcp.pollUntilIdle(sid);
      assertEquals("steered answer", p.last().at("/result/text").asText(), p.last().toString());
      long completions =
          p.events().stream()
              .filter(e -> "turn/completed".equals(e.at("/data/method").asText()))
              .count();
      assertEquals(1, completions, p.events().toString());
      JsonNode got = mcp.ok("codex_session", args("action", "get", "sessionId", sid));
      assertEquals(1, got.at("/usage/turns").asInt(), got.toString());
    } finally {
      gate.complete(null);
    }

    JsonNode idleSteer =
        mcp.ok(
            "codex_reply",
            args(
                "sessionId",
                mcp.ok("codex_session", args("action", "list"))
                    .at("/sessions/0/sessionId")
                    .asText(),
                "prompt",
                "now a normal turn",
                "steer",
                true));
    assertFalse(idleSteer.path("steered").asBoolean(false), idleSteer.toString());
    assertEquals("running", idleSteer.path("status").asText());
    assertEquals("completed", mcp.pollUntilIdle(sid).last().at("/result/status").asText());
    assertEquals(
        2,
        mcp.ok("codex_session", args("action", "get", "sessionId", sid)).at("/usage/turns").asInt(),
        "a steer on an idle session starts a turn of its own");
  }

  @Test
  void aReviewOfUncommittedChangesReturnsItsText() throws Exception {
    Path repo = GitRepos.init(home.workDir());
    Files.writeString(repo.resolve("old.txt"), "gone\nchanged line\n", StandardCharsets.UTF_8);
    model.enqueue(
        ScriptedReply.text(
            "{\"findings\":[],\"overall_correctness\":\"patch is correct\","
                + "\"overall_explanation\":\"REVIEW-OK-41 the edit is fine\","
                + "\"overall_confidence_score\":0.8}"));
    JsonNode started =
        mcp.startSession(
            home,
            "check my edit",
            "advanced",
            Map.of("review", Map.of("target", "uncommittedChanges")));
    String sid = started.path("sessionId").asText();
    McpSession.Polled p = mcp.pollUntilIdle(sid);
    JsonNode result = p.last().path("result");
    assertTrue(result.path("text").asText().contains("REVIEW-OK-41"), result.toString());
    assertEquals("completed", result.path("status").asText(), result.toString());

    // the prompt of a review of another target than custom is the session's description
    JsonNode got = mcp.ok("codex_session", args("action", "get", "sessionId", sid));
    assertEquals("check my edit", got.path("description").asText(), got.toString());
    JsonNode listed = mcp.ok("codex_session", args("action", "list"));
    assertEquals("check my edit", listed.at("/sessions/0/description").asText(), listed.toString());
  }

  @Test
  void worktreeSessionsWriteOnlyIntoTheirOwnWorktrees() throws Exception {
    Path repo = GitRepos.init(home.workDir());
    model.onUserMessageContaining("task-one", ScriptedReply.command("echo one > mine.txt"));
    model.onUserMessageContaining("task-two", ScriptedReply.command("echo two > mine.txt"));
    String one =
        mcp.startSession(home, "task-one", "advanced", Map.of("worktree", true))
            .path("sessionId")
            .asText();
    String two =
        mcp.startSession(
                home, "task-two", "advanced", Map.of("worktree", Map.of("branch", "feature/two")))
            .path("sessionId")
            .asText();
    JsonNode r1 = mcp.pollUntilIdle(one).last().path("result");
    JsonNode r2 = mcp.pollUntilIdle(two).last().path("result");

    JsonNode g1 = mcp.ok("codex_session", args("action", "get", "sessionId", one));
    JsonNode g2 = mcp.ok("codex_session", args("action", "get", "sessionId", two));
    Path w1 = Path.of(g1.at("/worktree/path").asText());
    Path w2 = Path.of(g2.at("/worktree/path").asText());
    assertEquals("codex/" + one, g1.at("/worktree/branch").asText(), g1.toString());
    assertEquals("feature/two", g2.at("/worktree/branch").asText(), g2.toString());
    assertNotEquals(w1, w2);
    assertFalse(w1.startsWith(repo), "worktrees live outside the repository: " + w1);
    assertEquals("one\n", Files.readString(w1.resolve("mine.txt")));
    assertEquals("two\n", Files.readString(w2.resolve("mine.txt")));
    assertFalse(Files.exists(repo.resolve("mine.txt")), "nothing written into the repository");
    assertEquals("mine.txt", r1.at("/changes/0/path").asText(), r1.toString());
    assertEquals("mine.txt", r2.at("/changes/0/path").asText(), r2.toString());

    // A worktree with work in it is kept, a clean one is removed.
    GitRepos.git(w2, "add", "-A");
    GitRepos.git(w2, "commit", "-q", "-m", "two's work");
    JsonNode clean = mcp.ok("codex_session", args("action", "clean", "includeDisk", true));
    assertEquals(2, clean.path("removedCount").asInt(), clean.toString());
    assertEquals(List.of(w1.toString()), texts(clean.path("worktreesKept")), clean.toString());
    assertTrue(Files.exists(w1.resolve("mine.txt")));
    assertFalse(Files.exists(w2), "the committed, clean worktree is removed");
    assertTrue(GitRepos.git(repo, "branch", "--list", "feature/two").contains("feature/two"));

    JsonNode refused =
        mcp.call(
            "codex",
            args(
                "prompt",
                "x",
                "approvalPolicy",
                "never",
                "sandbox",
                "workspace-write",
                "cwd",
                Files.createDirectories(home.root().resolve("not-a-repo")).toString(),
                "advanced",
                Map.of("worktree", true)));
    assertTrue(
        refused.path("error").asText().startsWith("Error [INVALID_ARGUMENT]"), refused.toString());
  }

  @Test
  void usageGrowsWithEachTurn() {
    model.enqueue(ScriptedReply.builder().message("first").usage(120, 7).build());
    String sid = mcp.startSession(home, "count me").path("sessionId").asText();
    mcp.pollUntilIdle(sid);
    JsonNode u1 = mcp.ok("codex_session", args("action", "get", "sessionId", sid)).path("usage");
    assertEquals(1, u1.path("turns").asInt(), u1.toString());
    assertTrue(u1.path("inputTokens").asLong() >= 120, u1.toString());
    assertTrue(u1.path("outputTokens").asLong() >= 7, u1.toString());

    model.enqueue(ScriptedReply.builder().message("second").usage(300, 11).build());
    mcp.ok("codex_reply", args("sessionId", sid, "prompt", "again"));
    mcp.pollUntilIdle(sid);
    JsonNode list = mcp.ok("codex_session", args("action", "list"));
    JsonNode u2 = list.at("/sessions/0/usage");
    assertEquals(2, u2.path("turns").asInt(), u2.toString());
    assertEquals(u1.path("inputTokens").asLong() + 300, u2.path("inputTokens").asLong());
    assertEquals(u1.path("outputTokens").asLong() + 11, u2.path("outputTokens").asLong());
  }

  // ---------------------------------------------------------------- helpers

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Order-free comparison of JSON objects. */
  static Set<JsonNode> jsonSet(String... json) throws IOException {
    Set<JsonNode> out = new HashSet<>();
    for (String j : json) {
      out.add(McpSession.JSON.readTree(j));
    }
    return out;
  }

  static Set<JsonNode> jsonSet(JsonNode array) {
    Set<JsonNode> out = new HashSet<>();
    array.forEach(out::add);
    return out;
  }
}

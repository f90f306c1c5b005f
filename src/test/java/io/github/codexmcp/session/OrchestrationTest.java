package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.ReviewTarget;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steering, reviews, receipts from Codex's reports, usage and waiting, on a fake backend. */
class OrchestrationTest {
  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  private SessionRequests.Reply steer(String id, String prompt) {
    return new SessionRequests.Reply(
        id, prompt, null, null, null, null, null, null, null, null, null, true);
  }

  private static CodexMcpException failure(CompletableFuture<?> future) {
    CompletionException e = assertThrows(CompletionException.class, future::join);
    return (CodexMcpException) e.getCause();
  }

  private static CodexMcpException thrown(Runnable r) {
    return assertThrows(CodexMcpException.class, r::run);
  }

  // ---------------------------------------------------------------- steer

  @Test
  void aSteerOnARunningSessionJoinsTheTurnInProgress() {
    String id = f.newSession();
    ObjectNode r = f.json.reply(steer(id, "also add tests")).join();
    assertTrue(r.path("steered").asBoolean(), r.toString());
    assertEquals("running", r.path("status").asText());
    List<FakeCodexBackend.Call> steers = f.backend(id).calls(FakeCodexBackend.TURN_STEER);
    assertEquals(1, steers.size());
    assertEquals(
        Json.parse(
            "{\"threadId\":\"thread_mock\",\"expectedTurnId\":\"turn_mock\",\"input\":"
                + "[{\"type\":\"text\",\"text\":\"also add tests\",\"text_elements\":[]}]}"),
        steers.get(0).params());
    assertEquals(1, f.backend(id).calls(FakeCodexBackend.TURN_START).size(), "no new turn");
    assertEquals("running", f.status(id));
  }

  @Test
  void aSteerOnAnIdleSessionIsAPlainReply() {
    String id = f.idleSession();
    ObjectNode r = f.json.reply(steer(id, "next step")).join();
    assertFalse(r.has("steered"), r.toString());
    assertEquals(2, f.backend(id).calls(FakeCodexBackend.TURN_START).size());
    assertEquals(0, f.backend(id).calls(FakeCodexBackend.TURN_STEER).size());
  }

  @Test
  void aSteerWhileAnApprovalIsPendingIsBusy() {
    String id = f.newSession();
    f.request(
        id,
        5,
        "item/commandExecution/requestApproval",
        "{'itemId':'call_1','command':'ls','cwd':'/w'}");
    assertEquals("waiting_approval", f.status(id));
    CodexMcpException e = thrown(() -> f.manager.reply(steer(id, "x")));
    assertEquals(ErrorCode.SESSION_BUSY, e.code());
    assertEquals(0, f.backend(id).calls(FakeCodexBackend.TURN_STEER).size());
  }

  @Test
  void aSteerInExecModeIsNotSupported() {
    SessionFixture exec = new SessionFixture(cwd, BackendMode.EXEC, true, true);
    String id = exec.newSession();
    CodexMcpException e = thrown(() -> exec.manager.reply(steer(id, "x")));
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, e.code());
  }

  // ---------------------------------------------------------------- review

  @Test
  void aReviewSessionStartsWithReviewStartAndTracksTheReviewsTurn() {
    SessionFixture.Create c = f.create();
    c.review = new ReviewTarget(ReviewTarget.Kind.BASE_BRANCH, "main", null, null, null);
    c.prompt = "check the branch";
    String id = c.id();
    FakeCodexBackend b = f.backend(id);
    assertEquals(0, b.calls(FakeCodexBackend.TURN_START).size());
    assertEquals(
        Json.parse(
            "{\"threadId\":\"thread_mock\",\"target\":{\"type\":\"baseBranch\",\"branch\":"
                + "\"main\"},\"delivery\":\"inline\"}"),
        b.calls(FakeCodexBackend.REVIEW_START).get(0).params());
    assertEquals("review_turn", f.activeTurnId(id));

    b.emitNotification(
        "item/completed",
        "{'item':{'type':'exitedReviewMode','id':'r','review':'No issues found.'}}");
    b.emitNotification("turn/completed", "{'turn':{'id':'review_turn','status':'completed'}}");
    assertEquals("idle", f.status(id));
    assertEquals("No issues found.", f.lastResult(id).path("text").asText());
    assertEquals("review_turn", f.lastResult(id).path("turnId").asText());
  }

  @Test
  void aReviewInExecModeIsNotSupported() {
    SessionFixture exec = new SessionFixture(cwd, BackendMode.EXEC, true, true);
    SessionFixture.Create c = exec.create();
    c.review = new ReviewTarget(ReviewTarget.Kind.UNCOMMITTED_CHANGES, null, null, null, null);
    assertEquals(ErrorCode.EXEC_NOT_SUPPORTED, failure(c.start()).code());
  }

  // ---------------------------------------------------------------- receipts and usage

  @Test
  void theResultListsWhatCodexReportsChangedAndUsageAddsUp() {
    String id = f.newSession();
    FakeCodexBackend b = f.backend(id);
    b.emitNotification(
        "item/completed",
        Json.parse(
            "{\"item\":{\"type\":\"fileChange\",\"id\":\"p\",\"status\":\"completed\","
                + "\"changes\":[{\"path\":\""
                + cwd.resolve("src/app.txt")
                + "\",\"kind\":{\"type\":\"add\"},\"diff\":\"a\\nb\\n\"}]}}"));
    b.emitNotification(
        "thread/tokenUsage/updated",
        "{'threadId':'thread_mock','turnId':'turn_mock','tokenUsage':{"
            + "'total':{'inputTokens':100,'cachedInputTokens':20,'outputTokens':9,"
            + "'reasoningOutputTokens':3,'totalTokens':109},"
            + "'last':{'inputTokens':100,'cachedInputTokens':20,'outputTokens':9,"
            + "'reasoningOutputTokens':3,'totalTokens':109}}}");
    b.emitNotification("turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");

    ObjectNode result = f.lastResult(id);
    assertEquals(
        Json.parse("[{\"path\":\"src/app.txt\",\"kind\":\"added\"}]"), result.get("changes"));
    assertEquals(
        "{\"files\":1,\"additions\":0,\"deletions\":0}", result.get("diffStat").toString());
    ObjectNode got = f.json.get(id, false);
    assertEquals(
        "{\"turns\":1,\"inputTokens\":100,\"cachedInputTokens\":20,\"outputTokens\":9,"
            + "\"reasoningOutputTokens\":3}",
        got.get("usage").toString());

    f.json.reply(f.reply(id)).join();
    b.emitNotification("turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    assertNull(f.lastResult(id).get("changes"), "a turn that changed nothing has no receipt");
    assertEquals(2, f.json.get(id, false).at("/usage/turns").asInt());
    assertTrue(
        f.persistence.meta(id).toString().contains("\"usage\":{\"turns\":2"),
        "usage is persisted with the session");
  }

  // ---------------------------------------------------------------- worktree

  @Test
  void aWorktreeWithoutGitIsRefusedBeforeAnySessionExists() {
    SessionFixture.Create c = f.create();
    c.worktree = new SessionRequests.Worktree(null, null);
    CodexMcpException e = thrown(() -> c.start());
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().contains("advanced.worktree"), e.getMessage());
    assertEquals(0, f.manager.list().size());
  }

  // ---------------------------------------------------------------- wait

  @Test
  void waitEndsWhenTheFirstSessionFinishesAndNamesUnknownIds() {
    String a = f.newSession();
    String b = f.newSession();
    CompletableFuture<WaitResult> w =
        f.manager.waitFor(List.of(a, b), false, 60_000, new CompletableFuture<>(), null);
    assertFalse(w.isDone());
    f.backend(b)
        .emitNotification("turn/completed", "{'turn':{'id':'turn_mock','status':'completed'}}");
    WaitResult r = w.join();
    assertEquals(List.of(b), r.ready());
    assertFalse(r.timedOut());
    assertEquals(SessionStatus.RUNNING, r.sessions().get(0).view().status());
    assertEquals(0, f.waiterCount(a), "the wait leaves no waiter behind");

    CodexMcpException e =
        thrown(
            () ->
                f.manager.waitFor(
                    List.of(a, "sess_nope"), false, 1000, new CompletableFuture<>(), null));
    assertEquals(ErrorCode.SESSION_NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("sess_nope"), e.getMessage());
  }
}

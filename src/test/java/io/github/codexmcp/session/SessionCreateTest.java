package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.json;
import static io.github.codexmcp.testing.FakeCodexBackend.DESTROY;
import static io.github.codexmcp.testing.FakeCodexBackend.START;
import static io.github.codexmcp.testing.FakeCodexBackend.THREAD_START;
import static io.github.codexmcp.testing.FakeCodexBackend.TURN_START;
import static io.github.codexmcp.testing.Futures.failure;
import static io.github.codexmcp.testing.Futures.failureMessage;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.ErrorMessages;
import io.github.codexmcp.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Session creation, ids and counters (spec 70 group L, manager side of group H). */
class SessionCreateTest {
  private static final String WEB_SEARCH_ERROR =
      "RPC error -32600: reasoning effort 'minimal' is not supported together with the web_search tool";

  @TempDir Path cwd;
  SessionFixture f;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
  }

  @Test
  void l1ThreadIdFromV2Response() {
    f.factory.configureNext(b -> b.answer(THREAD_START, "{'thread':{'id':'thread_v2'}}"));
    ObjectNode r = f.create().start().join();
    assertEquals("thread_v2", r.get("threadId").asText());
    assertEquals("thread_v2", f.threadId(r.get("sessionId").asText()));
  }

  @Test
  void l2ThreadIdFromV1Response() {
    f.factory.configureNext(
        b -> b.answer(THREAD_START, "{'threadId':'thread_v1','thread':{'id':'other'}}"));
    String id = f.newSession();
    assertEquals("thread_v1", f.threadId(id));
  }

  @Test
  void l8ActiveCountCoversRunningAndWaitingButNotCancelled() {
    String id = f.newSession();
    assertEquals(1, f.manager.activeSessionCount());
    f.commandApproval(id, 1);
    assertEquals("waiting_approval", f.status(id));
    assertEquals(1, f.manager.activeSessionCount());
    f.manager.cancel(id, null).join();
    assertEquals(0, f.manager.activeSessionCount());
  }

  @Test
  void l9PollIntervalFollowsStatus() {
    String id = f.newSession();
    assertEquals(120_000, f.poll(id, null, 1).get("pollInterval").asLong());
    f.commandApproval(id, 1);
    assertEquals(1_000, f.poll(id, null, 1).get("pollInterval").asLong());
    f.manager.cancel(id, null).join();
    assertFalse(f.poll(id, null, 1).has("pollInterval"));
  }

  @Test
  void l10ObservedDefaultModelIsTheLatestSessionsModel() {
    assertNull(f.manager.observedDefaultModel());
    SessionFixture.Create c = f.create();
    c.model = "o4-mini";
    c.id();
    assertEquals("o4-mini", f.manager.observedDefaultModel());
    f.timer.advanceMillis(1_000);
    SessionFixture.Create later = f.create();
    later.model = "o4";
    later.id();
    assertEquals("o4", f.manager.observedDefaultModel());
  }

  @Test
  void l11ObservedDefaultModelIgnoresCancelledSessions() {
    SessionFixture.Create c = f.create();
    c.model = "o4-mini";
    c.id();
    f.timer.advanceMillis(1_000);
    SessionFixture.Create later = f.create();
    later.model = "o4";
    String laterId = later.id();
    f.manager.cancel(laterId, null).join();
    assertEquals("o4-mini", f.manager.observedDefaultModel());
  }

  @Test
  void l12IdFormatsWithRealUuids() {
    SessionManager real =
        new SessionManager(
            f.factory,
            f.clock,
            f.timer,
            SessionFixture.DIRECT,
            f.persistence,
            true,
            ClientLog.NONE,
            ClientForms.NONE,
            SessionWorkspace.DISABLED);
    ObjectNode r = JsonSessions.of(real).create(f.create().build()).join();
    String id = r.get("sessionId").asText();
    assertTrue(Pattern.matches("sess_[0-9a-f]{8}-[0-9a-f]{3}", id), id);
    f.factory.last().emitRequest(7, "item/commandExecution/requestApproval", "{'itemId':'i'}");
    Session s = real.registry.find(id);
    synchronized (s) {
      String rid = s.pending.unresolved().get(0).requestId;
      assertTrue(Pattern.matches("req_[0-9a-f]{8}", rid), rid);
    }
    String other =
        JsonSessions.of(real).create(f.create().build()).join().get("sessionId").asText();
    assertFalse(id.equals(other));
  }

  @Test
  void l13MissingImageRejectedBeforeAnythingStarts() {
    SessionFixture.Create c = f.create();
    c.images = List.of("./nope.png");
    CodexMcpException e = assertThrows(CodexMcpException.class, c::start);
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertEquals(
        "Error [INVALID_ARGUMENT]: image does not exist: " + cwd.resolve("nope.png"),
        e.getMessage());
    assertTrue(f.factory.created().isEmpty(), "no backend created, so start was never called");
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void l13ImageThatIsADirectoryIsRejected() throws Exception {
    Files.createDirectory(cwd.resolve("dir.png"));
    SessionFixture.Create c = f.create();
    c.images = List.of("dir.png");
    CodexMcpException e = assertThrows(CodexMcpException.class, c::start);
    assertTrue(
        e.getMessage().startsWith("Error [INVALID_ARGUMENT]: image is not a file: "),
        e.getMessage());
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void l14ExistingImageBecomesLocalImageInput() throws Exception {
    Files.writeString(cwd.resolve("pic.png"), "png");
    SessionFixture.Create c = f.create();
    c.prompt = "look";
    c.images = List.of("./pic.png");
    String id = c.id();
    JsonNode input = f.backend(id).lastParams(TURN_START).get("input");
    assertJson(
        json(
            "[{'type':'text','text':'look'},{'type':'localImage','path':'"
                + cwd.resolve("pic.png")
                + "'}]"),
        input);
  }

  @Test
  void l15TurnStartParamsAreExactlyThreadInputEffortSummaryOutputSchema() {
    String id = f.newSession();
    assertJson(
        json("{'threadId':'thread_mock','input':[{'type':'text','text':'hello'}],'effort':'low'}"),
        f.backend(id).lastParams(TURN_START));

    SessionFixture.Create c = f.create();
    c.summary = "concise";
    c.outputSchema = (ObjectNode) json("{'type':'object'}");
    c.model = "o4";
    c.personality = "friendly";
    String id2 = c.id();
    assertJson(
        json(
            "{'threadId':'thread_mock','input':[{'type':'text','text':'hello'}],'effort':'low',"
                + "'summary':'concise','outputSchema':{'type':'object'}}"),
        f.backend(id2).lastParams(TURN_START));
  }

  @Test
  void l16ThreadStartParamsContainOnlyProvidedFields() {
    String id = f.newSession();
    assertJson(
        json("{'cwd':'" + cwd + "','approvalPolicy':'on-request','sandbox':'workspace-write'}"),
        f.backend(id).lastParams(THREAD_START));

    SessionFixture.Create c = f.create();
    c.model = "o4";
    c.personality = "pragmatic";
    c.ephemeral = true;
    c.baseInstructions = "base";
    c.developerInstructions = "dev";
    c.config = (ObjectNode) json("{'retries':3}");
    c.sandbox = "read-only";
    c.approvalPolicy = "never";
    c.profile = "work";
    String id2 = c.id();
    assertJson(
        json(
            "{'cwd':'"
                + cwd
                + "','model':'o4','approvalPolicy':'never','sandbox':'read-only',"
                + "'personality':'pragmatic','ephemeral':true,'baseInstructions':'base',"
                + "'developerInstructions':'dev','config':{'retries':3}}"),
        f.backend(id2).lastParams(THREAD_START));
    assertEquals("work", f.backend(id2).options().profile());
  }

  @Test
  void l16OnFailureIsSentAsOnRequestWithACompatWarning() {
    SessionFixture.Create c = f.create();
    c.approvalPolicy = "on-failure";
    ObjectNode r = c.start().join();
    String id = r.get("sessionId").asText();
    assertEquals(
        "on-request", f.backend(id).lastParams(THREAD_START).get("approvalPolicy").asText());
    assertEquals(SessionManager.ON_FAILURE_WARNING, r.get("compatWarnings").get(0).asText());
    assertEquals(
        "on-failure",
        f.json.get(id, false).get("approvalPolicy").asText(),
        "the session keeps the contract value");
    assertTrue(
        f.events(id, EventType.PROGRESS).stream()
            .anyMatch(e -> "codex-mcp/compat_warning".equals(e.method())));
  }

  @Test
  void l17FailureAfterStartDestroysTheClientAndDropsTheSession() {
    f.factory.configureNext(b -> b.fail(THREAD_START, "RPC error -32603: boom"));
    CompletableFuture<ObjectNode> r = f.create().start();
    assertEquals("RPC error -32603: boom", failureMessage(r));
    FakeCodexBackend b = f.factory.last();
    assertEquals(1, b.count(START));
    assertEquals(1, b.count(DESTROY));
    assertTrue(f.json.list().isEmpty());
    assertEquals(List.of(b.sessionId()), f.persistence.deleted(), "its directory is removed");
  }

  @Test
  void l17TurnStartFailureAlsoDropsTheSession() {
    f.factory.configureNext(b -> b.fail(TURN_START, "turn refused"));
    assertEquals("turn refused", failureMessage(f.create().start()));
    assertEquals(1, f.factory.last().count(DESTROY));
    assertEquals(0, f.manager.totalSessionCount());
  }

  @Test
  void h10SpawnFailureIsPropagatedAndTheSessionIsNotListed() {
    f.factory.configureNext(b -> b.fail(START, "spawn /usr/local/bin/codex ENOENT"));
    Throwable t = failure(f.create().start());
    assertEquals("Error [INTERNAL]: spawn <path> ENOENT", ErrorMessages.format(t));
    assertTrue(f.json.list().isEmpty());
    assertEquals(0, f.factory.last().count(THREAD_START));
  }

  @Test
  void h11MissingThreadIdIsInternal() {
    f.factory.configureNext(b -> b.answer(THREAD_START, "{'thread':{}}"));
    assertEquals(
        "Error [INTERNAL]: Invalid thread response: missing thread id",
        failureMessage(f.create().start()));
    assertEquals(1, f.factory.last().count(DESTROY));
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void h11EmptyThreadIdsAreMissing() {
    f.factory.configureNext(b -> b.answer(THREAD_START, "{'threadId':'','thread':{'id':''}}"));
    assertEquals(
        "Error [INTERNAL]: Invalid thread response: missing thread id",
        failureMessage(f.create().start()));
  }

  @Test
  void h12NonObjectThreadResponseIsInternal() {
    f.factory.configureNext(b -> b.answer(THREAD_START, Json.NODES.textNode("thread_x")));
    assertEquals(
        "Error [INTERNAL]: Invalid thread response: expected object",
        failureMessage(f.create().start()));
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void statusIsRunningBeforeAnyBackendCallCompletes() {
    f.factory.configureNext(b -> b.hold(START));
    CompletableFuture<ObjectNode> r = f.create().start();
    FakeCodexBackend b = f.factory.last();
    String id = b.sessionId();
    assertFalse(r.isDone());
    assertEquals("running", f.status(id));
    assertEquals(1, f.json.list().size());
    assertTrue(b.listener() != null, "listener registered before start");
    b.held(START).get(0).complete(json("{}"));
    assertEquals("running", r.join().get("status").asText());
    assertEquals("turn_mock", f.activeTurnId(id));
  }

  @Test
  void pidIsPersistedWhenTheBackendHasAChild() {
    f.factory.configureNext(b -> b.childPid(4242L));
    String id = f.newSession();
    assertEquals(4242L, f.persistence.pid(id));
    assertEquals("running", f.persistence.meta(id).get("status").asText());
  }

  @Test
  void l18MinimalEffortIsRetriedWithLowOnTheWebSearchError() {
    f.factory.configureNext(b -> b.failOnce(TURN_START, WEB_SEARCH_ERROR));
    SessionFixture.Create c = f.create();
    c.effort = "minimal";
    ObjectNode r = c.start().join();
    FakeCodexBackend b = f.backend(r.get("sessionId").asText());
    List<FakeCodexBackend.Call> turns = b.calls(TURN_START);
    assertEquals(2, turns.size());
    assertEquals("minimal", turns.get(0).params().get("effort").asText());
    assertEquals("low", turns.get(1).params().get("effort").asText());
    assertJson(
        json(
            "['effort=minimal is incompatible with the Codex web_search tool in this CLI build; automatically retried with effort=low.']"),
        r.get("compatWarnings"));
    assertEquals("running", r.get("status").asText());
  }

  @Test
  void l19FailingRetryGivesTheFriendlyInvalidArgument() {
    f.factory.configureNext(b -> b.fail(TURN_START, WEB_SEARCH_ERROR));
    SessionFixture.Create c = f.create();
    c.effort = "minimal";
    Throwable t = failure(c.start());
    assertEquals(ErrorMessages.EFFORT_WEB_SEARCH_MESSAGE, t.getMessage());
    assertEquals(2, f.factory.last().count(TURN_START));
    assertTrue(f.json.list().isEmpty());
  }

  @Test
  void l19RetryFailingForAnotherReasonIsRethrownUnchanged() {
    f.factory.configureNext(
        b -> b.failOnce(TURN_START, WEB_SEARCH_ERROR).fail(TURN_START, "second failure"));
    SessionFixture.Create c = f.create();
    c.effort = "minimal";
    assertEquals("second failure", failureMessage(c.start()));
  }

  @Test
  void l20OtherEffortWithTheClassifiedErrorIsNotRetried() {
    f.factory.configureNext(b -> b.fail(TURN_START, WEB_SEARCH_ERROR));
    SessionFixture.Create c = f.create();
    c.effort = "high";
    assertEquals(ErrorMessages.EFFORT_WEB_SEARCH_MESSAGE, failureMessage(c.start()));
    assertEquals(1, f.factory.last().count(TURN_START));
  }

  @Test
  void l21TurnStartWithoutIdLeavesNoActiveTurnAndInterruptIsInternal() {
    f.factory.configureNext(b -> b.answer(TURN_START, "{'turn':{}}"));
    String id = f.newSession();
    assertNull(f.activeTurnId(id));
    CodexMcpException e = assertThrows(CodexMcpException.class, () -> f.manager.interrupt(id));
    assertEquals(
        "Error [INTERNAL]: Missing threadId or activeTurnId for interrupt", e.getMessage());
  }

  @Test
  void h9BackgroundResponseShape() {
    ObjectNode r = f.create().start().join();
    assertEquals("running", r.get("status").asText());
    assertEquals(120_000, r.get("pollInterval").asLong());
    assertEquals("working", r.get("interactionState").asText());
    assertEquals("poll", r.get("recommendedNextAction").asText());
    assertJson(json("{'requested':'background','effective':'background'}"), r.get("execution"));
    assertEquals("running", r.at("/progress/phase").asText(), "turn id known from turn/start");
    assertEquals("turn_mock", r.at("/progress/activeTurnId").asText());
    assertFalse(r.has("compatWarnings"));
  }

  @Test
  void h9PhaseIsStartingWithoutATurnId() {
    f.factory.configureNext(b -> b.answer(TURN_START, "{}"));
    ObjectNode r = f.create().start().join();
    assertEquals("starting", r.at("/progress/phase").asText());
  }

  @Test
  void approvalTimeoutDefaultsTo60SecondsAndIsConfigurable() {
    String id = f.newSession();
    assertEquals(SessionManager.DEFAULT_APPROVAL_TIMEOUT_MS, f.session(id).approvalTimeoutMs);
    SessionFixture.Create c = f.create();
    c.approvalTimeoutMs = 5L;
    assertEquals(5L, f.session(c.id()).approvalTimeoutMs);
  }

  @Test
  void j1ListIsInCreationOrderEvenWithinOneMillisecond() {
    // Random ids do not sort in creation order; three sessions created in the same millisecond.
    java.util.Iterator<String> ids =
        List.of("cccccccc-0000", "aaaaaaaa-0000", "bbbbbbbb-0000").iterator();
    SessionManager m =
        new SessionManager(
            f.factory,
            f.clock,
            f.timer,
            SessionFixture.DIRECT,
            f.persistence,
            true,
            ids::next,
            ClientLog.NONE,
            ClientForms.NONE,
            SessionWorkspace.DISABLED);
    List<String> created = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(JsonSessions.of(m).create(f.create().build()).join().get("sessionId").asText());
    }
    List<String> listed = new java.util.ArrayList<>();
    JsonSessions.of(m).list().forEach(o -> listed.add(o.get("sessionId").asText()));
    assertEquals(created, listed);
  }
}

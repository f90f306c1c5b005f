package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.json;
import static io.github.codexmcp.session.SessionFixture.options;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turn results, structured output, progress and orchestration hints (spec 70 group W). */
class ResultsAndHintsTest {
  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private void agent(String text) {
    ObjectNode params = io.github.codexmcp.util.Json.object();
    params.putObject("item").put("type", "agentMessage").put("id", "m").put("text", text);
    f.backend(id).emitNotification("item/completed", params);
  }

  private void complete(String turnJson) {
    f.notify(id, "turn/completed", "{'turn':" + turnJson + "}");
  }

  private ObjectNode result() {
    return f.lastResult(id);
  }

  private ObjectNode progress() {
    return (ObjectNode) f.poll(id, null, 0).get("progress");
  }

  @Test
  void w1TextFromTheLastAgentMessage() {
    agent("Done.");
    complete("{'id':'turn_mock','status':'completed','items':[]}");
    assertEquals("Done.", result().get("text").asText());
    assertFalse(result().has("output"));
    assertFalse(result().has("structuredOutput"));
    assertEquals("completed", result().get("status").asText());
    assertJson("{'id':'turn_mock','status':'completed','items':[]}", result().get("turn"));
    assertEquals("2026-02-15T10:00:00.000Z", result().get("completedAt").asText());
  }

  @Test
  void w2TurnOutputIsTextAndOutput() {
    agent("ignored");
    complete("{'id':'t','status':'completed','output':'final words'}");
    assertEquals("final words", result().get("text").asText());
    assertEquals("final words", result().get("output").asText());
  }

  @Test
  void w3TheLastAgentMessageWins() {
    agent("first");
    agent("second");
    complete("{'id':'t'}");
    assertEquals("second", result().get("text").asText());
  }

  @Test
  void w3AFinalAnswerPhaseIsPreferred() {
    f.notify(
        id,
        "item/completed",
        "{'item':{'type':'agentMessage','id':'a','text':'the answer','phase':'final_answer'}}");
    f.notify(
        id,
        "item/completed",
        "{'item':{'type':'agentMessage','id':'b','text':'a late comment','phase':'commentary'}}");
    complete("{'id':'t'}");
    assertEquals("the answer", result().get("text").asText());
  }

  @Test
  void w4ANewTurnDoesNotReuseThePreviousText() {
    agent("old");
    complete("{'id':'t1'}");
    f.json.reply(f.reply(id)).join();
    complete("{'id':'t2'}");
    assertFalse(result().has("text"), result().toString());
  }

  @Test
  void w5StructuredOutputIsPassedThrough() {
    complete("{'id':'t','structuredOutput':{'a':[1,2]}}");
    assertJson("{'a':[1,2]}", result().get("structuredOutput"));
  }

  @Test
  void w6SchemaTurnParsesJsonText() {
    SessionFixture.Create c = f.create();
    c.outputSchema = (ObjectNode) json("{'type':'object'}");
    id = c.id();
    agent("  {\"ok\":true} ");
    complete("{'id':'t'}");
    assertJson("{'ok':true}", result().get("structuredOutput"));
  }

  @Test
  void w6ReplyWithSchemaParsesJsonText() {
    complete("{'id':'t1'}");
    f.manager
        .reply(
            new SessionRequests.Reply(
                id,
                "p",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                (ObjectNode) json("{'type':'array'}")))
        .join();
    agent("[1,2]");
    complete("{'id':'t2'}");
    assertJson("[1,2]", result().get("structuredOutput"));
  }

  @Test
  void w7NonJsonTextOrNoSchemaGivesNoStructuredOutput() {
    SessionFixture.Create c = f.create();
    c.outputSchema = (ObjectNode) json("{'type':'object'}");
    id = c.id();
    agent("{not json");
    complete("{'id':'t'}");
    assertFalse(result().has("structuredOutput"));

    id = f.newSession();
    agent("{}");
    complete("{'id':'t'}");
    assertFalse(result().has("structuredOutput"), "no schema, no parsing");
  }

  @Test
  void w7EmptySchemaDoesNotCount() {
    SessionFixture.Create c = f.create();
    c.outputSchema = (ObjectNode) json("{}");
    id = c.id();
    agent("{}");
    complete("{'id':'t'}");
    assertFalse(result().has("structuredOutput"));
  }

  @Test
  void w8PhaseFollowsStatusAndLastMethod() {
    f.factory.configureNext(
        b -> b.answer(io.github.codexmcp.testing.FakeCodexBackend.TURN_START, "{}"));
    id = f.newSession();
    assertEquals("starting", progress().get("phase").asText());
    f.notify(id, "turn/started", "{'turn':{'id':'t'}}");
    assertEquals("running", progress().get("phase").asText());
    f.notify(id, "item/reasoning/summaryTextDelta", "{'itemId':'r','delta':'x'}");
    assertEquals("reasoning", progress().get("phase").asText());
    f.notify(id, "item/commandExecution/outputDelta", "{'itemId':'c','delta':'x'}");
    assertEquals("acting", progress().get("phase").asText());
    String rid = f.commandApproval(id, 1);
    assertEquals("waiting_approval", progress().get("phase").asText());
    f.respondPermission(
        id, rid, "accept", null, null, null, io.github.codexmcp.events.PollRequest.of(null, 0));
    f.notify(id, "turn/completed", "{'turn':{'id':'t'}}");
    assertEquals("finished", progress().get("phase").asText());
    f.json.reply(f.reply(id)).join();
    f.notify(id, "error", "{'message':'x','willRetry':false}");
    assertEquals("error", progress().get("phase").asText());
    f.manager.cancel(id, null).join();
    assertEquals("cancelled", progress().get("phase").asText());
  }

  @Test
  void w9PendingActionCountCountsUnresolvedRequests() {
    String r1 = f.commandApproval(id, 1);
    f.userInput(id, 2);
    assertEquals(2, progress().get("pendingActionCount").asInt());
    f.respondPermission(
        id, r1, "accept", null, null, null, io.github.codexmcp.events.PollRequest.of(null, 0));
    assertEquals(1, progress().get("pendingActionCount").asInt());
  }

  @Test
  void w10TokenUsageDoesNotOverwriteLastMethod() {
    f.notify(id, "turn/diff/updated", "{'diff':''}");
    f.notify(id, "thread/tokenUsage/updated", "{'tokenUsage':{'total':{'totalTokens':3}}}");
    assertEquals("turn/diff/updated", progress().get("lastMethod").asText());
    assertEquals(3, progress().at("/tokens/total").asInt());
  }

  @Test
  void w11InteractionStateFollowsStatus() {
    assertEquals("working", f.poll(id, null, 0).get("interactionState").asText());
    f.commandApproval(id, 1);
    assertEquals("waiting_input", f.poll(id, null, 0).get("interactionState").asText());
    String idle = f.idleSession();
    assertEquals("finished", f.poll(idle, null, 0).get("interactionState").asText());
    f.manager.cancel(id, null).join();
    assertEquals("finished", f.poll(id, null, 0).get("interactionState").asText());
  }

  @Test
  void w12RecommendedNextAction() {
    assertEquals("poll", f.poll(id, null, 0).get("recommendedNextAction").asText());
    f.commandApproval(id, 1);
    assertEquals("respond_permission", f.poll(id, null, 0).get("recommendedNextAction").asText());
    f.userInput(id, 2);
    assertEquals("respond_user_input", f.poll(id, null, 0).get("recommendedNextAction").asText());
    f.manager.cancel(id, null).join();
    assertEquals("none", f.poll(id, null, 0).get("recommendedNextAction").asText());
  }

  @Test
  void w13HintsIgnoreIncludeActions() {
    f.commandApproval(id, 1);
    ObjectNode r = f.poll(id, null, 0, options(null, false, null, null, null, null));
    assertFalse(r.has("actions"));
    assertEquals("respond_permission", r.get("recommendedNextAction").asText());
  }

  @Test
  void turnUsageTokensAreMergedIntoProgress() {
    complete("{'id':'t','usage':{'input_tokens':7,'output_tokens':2}}");
    assertJson("{'input':7,'output':2}", progress().get("tokens"));
  }

  @Test
  void lastEventAtTracksTheLastNotification() {
    assertEquals("2026-02-15T10:00:00.000Z", progress().get("lastEventAt").asText());
    f.timer.advanceMillis(1_500);
    f.notify(id, "turn/diff/updated", "{}");
    assertEquals("2026-02-15T10:00:01.500Z", progress().get("lastEventAt").asText());
    assertEquals("turn_mock", progress().get("activeTurnId").asText());
  }
}

package io.github.codexmcp.tools;

import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.codex.protocol.Decision;
import io.github.codexmcp.session.SessionFixture;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code codex_check} tool: validation (spec 70 K) and tool-level polling/answers (M, N, O).
 */
class CodexCheckToolTest {
  @TempDir Path cwd;
  SessionFixture f;
  ToolHarness t;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    t = new ToolHarness(f, cwd);
    id = f.newSession();
  }

  private ToolHarness.Result check(String rest) {
    return t.call(t.check, "{'sessionId':'" + id + "'," + rest + "}");
  }

  private List<String> issues(String args) {
    return ToolHarness.inputIssues(t.check, args);
  }

  // ------------------------------------------------------------------ K: handler layer

  @Test
  void k1PollWithRespondFields() {
    for (String extra :
        List.of(
            "'requestId':'r'",
            "'decision':'accept'",
            "'execpolicy_amendment':['x']",
            "'network_policy_amendment':{'action':'allow','host':'h'}",
            "'denyMessage':'no'",
            "'answers':{}")) {
      assertEquals(
          "Error [INVALID_ARGUMENT]: requestId/decision/execpolicy_amendment/network_policy_amendment/denyMessage/answers are only"
              + " valid for respond_* actions",
          check("'action':'poll'," + extra).returnedError(),
          extra);
    }
  }

  @Test
  void k2PermissionWithAnswers() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: answers is only valid for respond_user_input",
        check("'action':'respond_permission','requestId':'r','decision':'accept','answers':{}")
            .returnedError());
  }

  @Test
  void k3UserInputWithPermissionFields() {
    for (String extra :
        List.of(
            "'decision':'accept'",
            "'execpolicy_amendment':['x']",
            "'network_policy_amendment':{}",
            "'denyMessage':'d'")) {
      assertEquals(
          "Error [INVALID_ARGUMENT]: decision/execpolicy_amendment/network_policy_amendment/denyMessage are only valid for"
              + " respond_permission",
          check("'action':'respond_user_input','requestId':'r','answers':{}," + extra)
              .returnedError());
    }
  }

  @Test
  void k4PermissionWithoutRequestIdOrDecision() {
    String msg = "Error [INVALID_ARGUMENT]: requestId and decision required for respond_permission";
    assertEquals(msg, check("'action':'respond_permission','decision':'accept'").returnedError());
    assertEquals(msg, check("'action':'respond_permission','requestId':'r'").returnedError());
    assertEquals(
        msg,
        check("'action':'respond_permission','requestId':'','decision':'accept'").returnedError());
  }

  @Test
  void k5UserInputWithoutAnswers() {
    String msg = "Error [INVALID_ARGUMENT]: requestId and answers required for respond_user_input";
    assertEquals(msg, check("'action':'respond_user_input','requestId':'r'").returnedError());
    assertEquals(msg, check("'action':'respond_user_input','answers':{}").returnedError());
  }

  @Test
  void k6AndK7AmendmentDecisionWithoutAmendment() {
    String msg =
        "Error [INVALID_ARGUMENT]: execpolicy_amendment required for acceptWithExecpolicyAmendment";
    assertEquals(
        msg,
        check(
                "'action':'respond_permission','requestId':'r','decision':'acceptWithExecpolicyAmendment'")
            .returnedError());
    assertEquals(
        msg,
        check(
                "'action':'respond_permission','requestId':'r','decision':'acceptWithExecpolicyAmendment','execpolicy_amendment':[]")
            .returnedError());
  }

  @Test
  void k8AmendmentWithAnotherDecision() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: execpolicy_amendment is only valid with decision='acceptWithExecpolicyAmendment'",
        check(
                "'action':'respond_permission','requestId':'r','decision':'accept','execpolicy_amendment':['x']")
            .returnedError());
  }

  @Test
  void k9NetworkDecisionWithoutAmendment() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment required for applyNetworkPolicyAmendment",
        check(
                "'action':'respond_permission','requestId':'r','decision':'applyNetworkPolicyAmendment'")
            .returnedError());
  }

  @Test
  void k10NetworkAmendmentWithAnotherDecision() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment is only valid with decision='applyNetworkPolicyAmendment'",
        check(
                "'action':'respond_permission','requestId':'r','decision':'accept','network_policy_amendment':{'action':'allow','host':'h'}")
            .returnedError());
  }

  @Test
  void k11NetworkActionMustBeAllowOrDeny() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment.action must be 'allow' or 'deny'",
        check(
                "'action':'respond_permission','requestId':'r','decision':'applyNetworkPolicyAmendment',"
                    + "'network_policy_amendment':{'action':'maybe','host':'h'}")
            .returnedError());
  }

  @Test
  void k12NetworkHostRequired() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment.host required for applyNetworkPolicyAmendment",
        check(
                "'action':'respond_permission','requestId':'r','decision':'applyNetworkPolicyAmendment',"
                    + "'network_policy_amendment':{'action':'deny','host':''}")
            .returnedError());
  }

  @Test
  void k13UnknownDecision() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: Unknown decision 'approve'",
        check("'action':'respond_permission','requestId':'r','decision':'approve'")
            .returnedError());
  }

  @Test
  void k14UnknownAction() {
    assertEquals(
        "Error [INVALID_ARGUMENT]: Unknown action 'peek'",
        check("'action':'peek'").returnedError());
  }

  // ------------------------------------------------------------------ K: schema layer

  @Test
  void k15PollWithDecisionIsAnInputError() {
    List<String> i = issues("{'action':'poll','sessionId':'s','decision':'accept'}");
    assertEquals(1, i.size());
    assertTrue(
        i.get(0).contains("decision")
            && i.get(0).contains("only allowed for action='respond_permission'."),
        i.toString());
    assertTrue(
        issues("{'action':'poll','sessionId':'s','requestId':'r'}")
            .get(0)
            .contains("requestId is only allowed for respond_* actions."));
    assertTrue(
        issues("{'action':'poll','sessionId':'s','answers':{}}")
            .get(0)
            .contains("answers is only allowed for action='respond_user_input'."));
  }

  @Test
  void k15RespondRulesAtTheSchemaLayer() {
    assertTrue(
        issues("{'action':'respond_permission','sessionId':'s'}")
            .contains("requestId: requestId is required for action='respond_permission'."));
    assertTrue(
        issues("{'action':'respond_permission','sessionId':'s'}")
            .contains("decision: decision is required for action='respond_permission'."));
    assertTrue(
        issues(
                "{'action':'respond_permission','sessionId':'s','requestId':'r','decision':'acceptWithExecpolicyAmendment','execpolicy_amendment':[]}")
            .contains(
                "execpolicy_amendment: execpolicy_amendment is required and must be non-empty when decision='acceptWithExecpolicyAmendment'."));
    assertTrue(
        issues(
                "{'action':'respond_permission','sessionId':'s','requestId':'r','decision':'applyNetworkPolicyAmendment'}")
            .contains(
                "network_policy_amendment: network_policy_amendment is required when decision='applyNetworkPolicyAmendment'."));
    assertTrue(
        issues("{'action':'respond_user_input','sessionId':'s','requestId':'r'}")
            .contains("answers: answers is required for action='respond_user_input'."));
    assertTrue(
        issues(
                "{'action':'respond_user_input','sessionId':'s','requestId':'r','answers':{},'denyMessage':'x'}")
            .contains("denyMessage: denyMessage is only allowed for action='respond_permission'."));
  }

  @Test
  void k16PollWithZeroMaxEventsIsAccepted() {
    assertTrue(issues("{'action':'poll','sessionId':'s','maxEvents':0}").isEmpty());
  }

  @Test
  void k17NegativeCursorOrFractionalMaxEvents() {
    assertFalse(issues("{'action':'poll','sessionId':'s','cursor':-1}").isEmpty());
    assertFalse(issues("{'action':'poll','sessionId':'s','maxEvents':1.5}").isEmpty());
    assertFalse(
        issues("{'action':'poll','sessionId':'s','cursor':'3'}").isEmpty(), "no type coercion");
  }

  @Test
  void k18EmptyNetworkHostIsAnInputError() {
    assertFalse(
        issues(
                "{'action':'respond_permission','sessionId':'s','requestId':'r','decision':'applyNetworkPolicyAmendment',"
                    + "'network_policy_amendment':{'action':'allow','host':''}}")
            .isEmpty());
  }

  @Test
  void pollOptionsRejectNothingExtra() {
    assertTrue(issues("{'action':'poll','sessionId':'s','pollOptions':{'foo':1}}").isEmpty());
    assertFalse(issues("{'action':'poll','sessionId':'s','pollOptions':{'maxBytes':0}}").isEmpty());
  }

  // ------------------------------------------------------------------ M/N/O through the tool

  private void delta(String item, String text) {
    f.notify(id, "item/agentMessage/delta", "{'itemId':'" + item + "','delta':'" + text + "'}");
  }

  @Test
  void m1DefaultMaxEventsIsOne() {
    delta("a", "x");
    delta("b", "y");
    ObjectNode r = check("'action':'poll','cursor':0").ok();
    assertEquals(1, r.get("events").size());
    assertEquals(0, r.at("/events/0/id").asLong());
    assertEquals(1, r.get("nextCursor").asLong());
    ObjectNode next = check("'action':'poll'").ok();
    assertEquals(1, next.at("/events/0/id").asLong());
  }

  @Test
  void m2ZeroMaxEventsCountsAsOne() {
    delta("a", "x");
    ObjectNode r = check("'action':'poll','maxEvents':0").ok();
    assertEquals(1, r.get("events").size());
    assertEquals("output", r.at("/events/0/type").asText());
    assertEquals(1, r.get("nextCursor").asLong());
  }

  @Test
  void defaultResponseModeIsMinimal() {
    f.notify(
        id,
        "item/commandExecution/outputDelta",
        "{'itemId':'c','delta':'" + "q".repeat(1000) + "'}");
    ObjectNode r = check("'action':'poll'").ok();
    assertEquals(256, r.at("/events/0/data/delta").asText().length());
    ObjectNode full = check("'action':'poll','cursor':0,'responseMode':'full'").ok();
    assertEquals(1000, full.at("/events/0/data/delta").asText().length());
  }

  @Test
  void m16PollOfAnUnknownSessionIsThrown() {
    id = "sess_nope";
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session 'sess_nope' not found",
        check("'action':'poll'").thrownText());
  }

  @Test
  void o1ApprovalRoundTripThroughTheTool() {
    f.commandApproval(
        id,
        41,
        "{'itemId':'i','command':'ls','availableDecisions':['accept',{'acceptWithExecpolicyAmendment':{'execpolicy_amendment':['ls']}},'cancel'],"
            + "'proposedExecpolicyAmendment':['ls'],'commandActions':[{'type':'listFiles'}]}");
    ObjectNode poll = check("'action':'poll','maxEvents':10").ok();
    assertEquals("waiting_approval", poll.get("status").asText());
    assertEquals(1_000, poll.get("pollInterval").asLong());
    assertEquals("respond_permission", poll.get("recommendedNextAction").asText());
    assertEquals("waiting_input", poll.get("interactionState").asText());
    String rid = poll.at("/actions/0/requestId").asText();
    ObjectNode ack =
        check("'action':'respond_permission','requestId':'" + rid + "','decision':'accept'").ok();
    assertEquals(0, ack.get("events").size());
    assertEquals(poll.get("nextCursor"), ack.get("nextCursor"));
    assertEquals("running", ack.get("status").asText());
    assertFalse(ack.has("actions"));
    assertJson("{'decision':'accept'}", f.backend(id).answerFor(41).result());
    assertEquals("approval_result", check("'action':'poll'").ok().at("/events/0/type").asText());
  }

  @Test
  void o3WriteFailureIsAReturnedInternalError() {
    String rid = f.commandApproval(id, 1);
    f.backend(id).failRespond(1, new IllegalStateException("app-server stdin closed"));
    String err =
        check("'action':'respond_permission','requestId':'" + rid + "','decision':'accept'")
            .returnedError();
    assertTrue(err.startsWith("Error [INTERNAL]: Failed to send response: session=" + id), err);
    assertEquals("waiting_approval", f.status(id));
    check("'action':'respond_permission','requestId':'" + rid + "','decision':'accept'").ok();
    assertEquals("running", f.status(id));
  }

  @Test
  void o6UserInputThroughTheTool() {
    String rid = f.userInput(id, 2);
    ObjectNode poll = check("'action':'poll'").ok();
    assertEquals("respond_user_input", poll.get("recommendedNextAction").asText());
    assertEquals("user_input", poll.at("/actions/0/type").asText());
    check(
            "'action':'respond_user_input','requestId':'"
                + rid
                + "','answers':{'q1':{'answers':['A']}}")
        .ok();
    assertJson("{'answers':{'q1':{'answers':['A']}}}", f.backend(id).answerFor(2).result());
  }

  @Test
  void o18ToO20RequestErrorsAreReturned() {
    String cmd = f.commandApproval(id, 1);
    String ui = f.userInput(id, 2);
    assertEquals(
        "Error [REQUEST_NOT_FOUND]: User input request '" + cmd + "' not found",
        check("'action':'respond_user_input','requestId':'" + cmd + "','answers':{}")
            .returnedError());
    assertEquals(
        "Error [INVALID_ARGUMENT]: Request '" + ui + "' is not an approval request",
        check("'action':'respond_permission','requestId':'" + ui + "','decision':'accept'")
            .returnedError());
    check(
            "'action':'respond_permission','requestId':'"
                + cmd
                + "','decision':'decline','denyMessage':'no'")
        .ok();
    assertEquals(
        "Error [REQUEST_NOT_FOUND]: Request '" + cmd + "' not found or already resolved",
        check("'action':'respond_permission','requestId':'" + cmd + "','decision':'accept'")
            .returnedError());
  }

  @Test
  void respondOnAnUnknownSessionIsReturned() {
    id = "sess_nope";
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session 'sess_nope' not found",
        check("'action':'respond_permission','requestId':'r','decision':'accept'").returnedError());
  }

  @Test
  void m18StaleCursorWarningThroughTheTool() {
    delta("a", "x");
    String rid = f.commandApproval(id, 1);
    long cursor = check("'action':'poll','maxEvents':10").ok().get("nextCursor").asLong();
    ObjectNode ack =
        check(
                "'action':'respond_permission','requestId':'"
                    + rid
                    + "','decision':'accept','cursor':0")
            .ok();
    assertEquals(cursor, ack.get("nextCursor").asLong());
    assertEquals(
        "Provided cursor 0 is stale; used session cursor " + cursor + ".",
        ack.at("/compatWarnings/0").asText());
  }

  @Test
  void m19RespondWithMaxEvents() {
    String rid = f.commandApproval(id, 1);
    check("'action':'poll','maxEvents':10").ok();
    ObjectNode ack =
        check(
                "'action':'respond_permission','requestId':'"
                    + rid
                    + "','decision':'accept','maxEvents':10")
            .ok();
    assertEquals("approval_result", ack.at("/events/0/type").asText());
  }

  @Test
  void everyActionKindValidatesAgainstTheOutputSchema() {
    f.commandApproval(
        id,
        1,
        "{'itemId':'i','reason':'r','approvalId':'a','availableDecisions':['accept'],"
            + "'additionalPermissions':{'network':null},'networkApprovalContext':{'host':'h','protocol':'https'},"
            + "'proposedNetworkPolicyAmendments':[{'host':'h','action':'deny'}],'proposedExecpolicyAmendment':['x',1]}");
    f.request(id, 2, "item/fileChange/requestApproval", "{'itemId':'f','grantRoot':null}");
    f.userInput(id, 3);
    f.request(
        id,
        4,
        "item/permissions/requestApproval",
        "{'itemId':'p','permissions':{'network':{'enabled':true}}}");
    f.request(
        id,
        5,
        "mcpServer/elicitation/request",
        "{'_meta':{'codex_approval_kind':'mcp_tool_call'},'message':'m'}");
    f.request(
        id,
        6,
        "mcpServer/elicitation/request",
        "{'message':'form','requestedSchema':{'type':'object'}}");
    for (String mode : List.of("minimal", "delta_compact", "full")) {
      ObjectNode r =
          check("'action':'poll','maxEvents':100,'cursor':0,'responseMode':'" + mode + "'").ok();
      assertEquals(6, r.get("actions").size());
      assertEquals(6, r.get("events").size());
    }
    ObjectNode truncated =
        check("'action':'poll','pollOptions':{'includeEvents':false,'maxBytes':300}").ok();
    assertTrue(truncated.get("truncated").asBoolean());
  }

  @Test
  void rawValuesOfAnUnexpectedTypeStillMatchTheOutputSchema() {
    // the schema declares object-or-null for these pass-throughs: other types become null
    f.commandApproval(
        id,
        1,
        "{'itemId':'i','additionalPermissions':'all','networkApprovalContext':5,"
            + "'availableDecisions':'accept','commandActions':{'x':1}}");
    ObjectNode r = check("'action':'poll','maxEvents':10,'responseMode':'full'").ok();
    assertTrue(r.at("/actions/0/additionalPermissions").isNull(), r.toString());
    assertTrue(r.at("/actions/0/networkApprovalContext").isNull(), r.toString());
    assertTrue(r.at("/actions/0/availableDecisions").isNull(), r.toString());
    assertTrue(r.at("/actions/0/commandActions").isNull(), r.toString());
  }

  @Test
  void aTurnErrorThatIsNotAnObjectBecomesOneAndStructuredOutputMayBeAnyJson() {
    f.notify(
        id,
        "turn/completed",
        "{'turn':{'id':'turn_mock','status':'failed','error':'boom','structuredOutput':'s'}}");
    ObjectNode r = check("'action':'poll','maxEvents':100,'responseMode':'full'").ok();
    assertJson("{'message':'boom'}", r.at("/result/turnError"));
    assertEquals("s", r.at("/result/structuredOutput").asText());
    String other = f.newSession();
    f.notify(other, "turn/completed", "{'turn':'not an object'}");
    ObjectNode o =
        t.call(t.check, "{'sessionId':'" + other + "','action':'poll','responseMode':'full'}").ok();
    assertTrue(o.at("/result/turn").isMissingNode(), o.toString());
  }

  @Test
  void terminalResultsValidateAgainstTheOutputSchema() {
    f.notify(id, "item/completed", "{'item':{'type':'agentMessage','id':'m','text':'{}'}}");
    f.notify(
        id,
        "turn/completed",
        "{'turn':{'id':'turn_mock','status':'failed','error':{'message':'x'},'structuredOutput':[1]}}");
    ObjectNode r = check("'action':'poll','maxEvents':100,'responseMode':'full'").ok();
    assertEquals("failed", r.at("/result/status").asText());
    assertEquals("none", r.get("recommendedNextAction").asText());
    String cancelled = f.newSession();
    f.manager.cancel(cancelled, "because").join();
    id = cancelled;
    assertEquals("because", check("'action':'poll'").ok().at("/result/error").asText());
    String exited = f.newSession();
    f.backend(exited).emitExit(137, "SIGKILL");
    id = exited;
    assertEquals(
        "error", check("'action':'poll','maxEvents':5").ok().at("/result/status").asText());
  }

  @Test
  void n9LongPollEndsWhenTheRequestIsCancelled() {
    ToolHarness.Context ctx = new ToolHarness.Context(true);
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.check,
            "{'sessionId':'" + id + "','action':'poll','pollOptions':{'waitMs':60000}}",
            ctx);
    assertFalse(r.isDone());
    assertEquals(1, ctx.progress.size(), "one progress notification per wait round");
    ctx.cancelled.complete(null);
    assertTrue(r.isDone());
    assertEquals(0, r.join().ok().get("events").size());
  }

  @Test
  void aLongPollWithoutProgressTokenEndsAfter50Seconds() {
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.check,
            "{'sessionId':'" + id + "','action':'poll','pollOptions':{'waitMs':120000}}",
            new ToolHarness.Context(false));
    f.timer.advanceMillis(49_999);
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    assertTrue(r.isDone(), "capped at 50 s without a progress token");
    assertEquals(0, r.join().ok().get("events").size());
  }

  @Test
  void aLongPollWithProgressTokenWaitsInFull() {
    ToolHarness.Context ctx = new ToolHarness.Context(true);
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.check,
            "{'sessionId':'" + id + "','action':'poll','pollOptions':{'waitMs':120000}}",
            ctx);
    f.timer.advanceMillis(119_999);
    assertFalse(r.isDone());
    f.timer.advanceMillis(1);
    assertTrue(r.isDone());
  }

  @Test
  void longPollThroughTheToolReturnsOnAnEvent() {
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.check,
            "{'sessionId':'" + id + "','action':'poll','pollOptions':{'waitMs':60000}}",
            new ToolHarness.Context(false));
    delta("a", "x");
    assertEquals(1, r.join().ok().get("events").size());
  }

  @Test
  void longPollOfAnEvictedSessionIsThrownNotFound() {
    f.notify(id, "error", "{'message':'x'}");
    check("'action':'poll','maxEvents':100").ok();
    CompletableFuture<ToolHarness.Result> r =
        t.start(
            t.check,
            "{'sessionId':'"
                + id
                + "','action':'poll','pollOptions':{'waitMs':60000,'includeResult':false}}",
            new ToolHarness.Context(false));
    assertFalse(r.isDone());
    t.call(t.session, "{'action':'clean'}").ok();
    assertEquals(
        "Error [SESSION_NOT_FOUND]: Session '" + id + "' not found", r.join().thrownText());
  }

  @Test
  void n10WaitMsIsIgnoredOnRespond() {
    String rid = f.commandApproval(id, 1);
    ObjectNode ack =
        check(
                "'action':'respond_permission','requestId':'"
                    + rid
                    + "','decision':'accept','pollOptions':{'waitMs':60000}")
            .ok();
    assertEquals("running", ack.get("status").asText());
    assertEquals(0, f.waiterCount(id));
  }

  @Test
  void m24MaxBytesThroughTheTool() {
    for (int i = 0; i < 20; i++) {
      delta("m" + i, "x".repeat(50));
    }
    ObjectNode r =
        check(
                "'action':'poll','maxEvents':20,'responseMode':'full','pollOptions':{'maxBytes':1200}")
            .ok();
    assertTrue(r.get("truncated").asBoolean());
    assertTrue(r.get("events").size() < 20);
    assertEquals(r.get("events").size(), r.get("nextCursor").asInt());
    assertEquals(
        "Response truncated to respect pollOptions.maxBytes=1200.",
        r.at("/compatWarnings/0").asText());
  }

  @Test
  void cancelledSessionPollHasNoPollInterval() {
    f.manager.cancel(id, null).join();
    ObjectNode r = check("'action':'poll'").ok();
    assertFalse(r.has("pollInterval"));
    assertEquals("finished", r.get("interactionState").asText());
    assertEquals(
        FakeCodexBackend.DESTROY,
        f.backend(id).calls().get(f.backend(id).calls().size() - 1).method());
  }

  @Test
  void theSchemaListsExactlyTheDecisionsTheServerKnows() {
    List<String> inSchema = new ArrayList<>();
    ToolCatalog.definition("codex_check")
        .at("/inputSchema/properties/decision/enum")
        .forEach(n -> inSchema.add(n.asText()));
    List<String> known = new ArrayList<>();
    for (Decision d : Decision.values()) {
      known.add(d.wireName());
    }
    assertEquals(known, inSchema);
  }

  @Test
  void eachDecisionRuleIsReportedByTheInputCheckInTheContractsWording() {
    CodexCheckTool tool = new CodexCheckTool(null);
    assertEquals(
        List.of(
            "execpolicy_amendment: execpolicy_amendment is required and must be non-empty when decision='acceptWithExecpolicyAmendment'.",
            "network_policy_amendment: network_policy_amendment is only allowed when decision='applyNetworkPolicyAmendment'."),
        tool.validate(
            (ObjectNode)
                Json.parse(
                    "{\"action\":\"respond_permission\",\"requestId\":\"r\",\"decision\":\"acceptWithExecpolicyAmendment\",\"network_policy_amendment\":{\"action\":\"allow\",\"host\":\"h\"}}")));
    assertEquals(
        List.of(
            "execpolicy_amendment: execpolicy_amendment is only allowed when decision='acceptWithExecpolicyAmendment'.",
            "network_policy_amendment: network_policy_amendment is required when decision='applyNetworkPolicyAmendment'."),
        tool.validate(
            (ObjectNode)
                Json.parse(
                    "{\"action\":\"respond_permission\",\"requestId\":\"r\",\"decision\":\"applyNetworkPolicyAmendment\",\"execpolicy_amendment\":[\"x\"]}")));
  }
}

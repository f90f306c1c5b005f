package io.github.codexmcp.session;

import static io.github.codexmcp.session.SessionFixture.json;
import static io.github.codexmcp.testing.JsonAssert.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.events.EventType;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.events.SessionEvent;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Approvals, user input and their timeouts (spec 70 group O, spec 80 §3 request kinds). */
class ApprovalsTest {
  private static final String COMMAND = "item/commandExecution/requestApproval";
  private static final String FILE_CHANGE = "item/fileChange/requestApproval";
  private static final String USER_INPUT = "item/tool/requestUserInput";
  private static final String PERMISSIONS = "item/permissions/requestApproval";
  private static final String ELICITATION = "mcpServer/elicitation/request";

  @TempDir Path cwd;
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd);
    id = f.newSession();
  }

  private FakeCodexBackend b() {
    return f.backend(id);
  }

  private String park(Object rpcId, String method, String params) {
    f.request(id, rpcId, method, params);
    List<String> ids = f.pendingRequestIds(id);
    return ids.get(ids.size() - 1);
  }

  private ObjectNode permit(String rid, String decision) {
    return permit(rid, decision, null, null, null);
  }

  private ObjectNode permit(
      String rid, String decision, List<String> exec, JsonNode net, String deny) {
    return f.respondPermission(id, rid, decision, exec, net, deny, PollRequest.of(null, 0));
  }

  private ObjectNode answer(String rid, String answersJson) {
    return f.json.respondUserInput(
        id, rid, (ObjectNode) json(answersJson), PollRequest.of(null, 0));
  }

  private static CodexMcpException fails(ErrorCode code, Executable call) {
    CodexMcpException e = assertThrows(CodexMcpException.class, call);
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  private SessionEvent lastApprovalResult() {
    List<SessionEvent> r = f.events(id, EventType.APPROVAL_RESULT);
    assertFalse(r.isEmpty(), "no approval_result");
    return r.get(r.size() - 1);
  }

  @Test
  void o1CommandApprovalAcceptedRoundTrip() {
    String rid = park(17, COMMAND, "{'itemId':'call_1','command':'ls','cwd':'/w'}");
    assertEquals("waiting_approval", f.status(id));
    ObjectNode poll = f.poll(id, null, 0);
    assertEquals(1, poll.get("actions").size());
    assertEquals(rid, poll.at("/actions/0/requestId").asText());
    assertEquals("approval", poll.at("/actions/0/type").asText());
    assertEquals("command", poll.at("/actions/0/kind").asText());
    assertEquals("call_1", poll.at("/actions/0/itemId").asText());
    assertEquals(1, f.json.get(id, false).get("pendingRequestCount").asInt());

    permit(rid, "accept");
    FakeCodexBackend.Answer a = b().answerFor(17);
    assertJson("{'decision':'accept'}", a.result());
    assertEquals(json("17"), a.id());
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
    assertFalse(f.poll(id, null, 0).has("actions"));
    assertEquals("running", f.status(id));
    assertEquals(0, f.timer.pending(), "the approval timer is cancelled");
  }

  @Test
  void o2ActionsExposeTheReviewFieldsAsSent() {
    String params =
        "{'itemId':'i','command':'curl x','commandActions':[{'type':'unknown','command':'curl x'}],"
            + "'proposedExecpolicyAmendment':['curl','x'],"
            + "'availableDecisions':['accept',{'acceptWithExecpolicyAmendment':{'execpolicy_amendment':['curl']}},'cancel'],"
            + "'additionalPermissions':{'network':{'enabled':true}},"
            + "'networkApprovalContext':{'host':'example.com','protocol':'https'},"
            + "'proposedNetworkPolicyAmendments':[{'host':'example.com','action':'allow'}]}";
    park(1, COMMAND, params);
    JsonNode action = f.poll(id, null, 0).get("actions").get(0);
    JsonNode sent = json(params);
    for (String k :
        List.of(
            "commandActions",
            "proposedExecpolicyAmendment",
            "availableDecisions",
            "additionalPermissions",
            "networkApprovalContext",
            "proposedNetworkPolicyAmendments")) {
      assertEquals(sent.get(k), action.get(k), k);
    }
    assertEquals(sent, action.get("params"));
  }

  @Test
  void o2MissingReviewFieldsAreNull() {
    park(1, COMMAND, "{'itemId':'i'}");
    JsonNode action = f.poll(id, null, 0).get("actions").get(0);
    assertTrue(action.get("commandActions").isNull());
    assertTrue(action.get("proposedExecpolicyAmendment").isNull());
    assertTrue(action.get("availableDecisions").isNull());
    assertTrue(action.get("proposedNetworkPolicyAmendments").isNull());
    assertFalse(action.has("additionalPermissions"));
    assertFalse(action.has("networkApprovalContext"));
    assertEquals("2026-02-15T10:00:00.000Z", action.get("createdAt").asText());
  }

  private void assertRollbackThenRetry(
      String rid, Object rpcId, Executable respond, String kind, JsonNode expected)
      throws Throwable {
    b().failRespond(1, new IllegalStateException("app-server stdin closed"));
    CodexMcpException e = assertThrows(CodexMcpException.class, respond);
    assertEquals(
        "Error [INTERNAL]: Failed to send response: session="
            + id
            + " request="
            + rid
            + " kind="
            + kind
            + " error=app-server stdin closed",
        e.getMessage());
    assertEquals(List.of(rid), f.pendingRequestIds(id));
    assertEquals("waiting_approval", f.status(id));
    assertTrue(f.events(id, EventType.APPROVAL_RESULT).isEmpty());
    assertEquals(1, f.poll(id, null, 0).get("actions").size());
    respond.execute();
    assertJson(expected, b().answerFor(rpcId).result());
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
    assertEquals("running", f.status(id));
  }

  @Test
  void o3CommandAnswerWriteFailureRollsBack() throws Throwable {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    assertRollbackThenRetry(
        rid, 1, () -> permit(rid, "accept"), "command", json("{'decision':'accept'}"));
  }

  @Test
  void o4FileChangeAnswerWriteFailureRollsBack() throws Throwable {
    String rid = park(2, FILE_CHANGE, "{'itemId':'f'}");
    assertRollbackThenRetry(
        rid, 2, () -> permit(rid, "decline"), "fileChange", json("{'decision':'decline'}"));
  }

  @Test
  void o5UserInputAnswerWriteFailureRollsBack() throws Throwable {
    String rid = f.userInput(id, 3);
    assertRollbackThenRetry(
        rid,
        3,
        () -> answer(rid, "{'q1':{'answers':['A']}}"),
        "user_input",
        json("{'answers':{'q1':{'answers':['A']}}}"));
  }

  @Test
  void o3RollbackAfterTurnCompletedRestoresWaitingApproval() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    assertEquals("idle", f.status(id));
    b().failRespond(1, new IllegalStateException("closed"));
    fails(ErrorCode.INTERNAL, () -> permit(rid, "accept"));
    assertEquals("waiting_approval", f.status(id), "spec 20 §4.3 step 6");
  }

  @Test
  void o6UserInputRoundTrip() {
    String rid = f.userInput(id, "ui-1");
    JsonNode action = f.poll(id, null, 0).get("actions").get(0);
    assertEquals("user_input", action.get("type").asText());
    assertEquals("user_input", action.get("kind").asText());
    assertEquals("q1", action.at("/params/questions/0/id").asText());
    answer(rid, "{'q1':{'answers':['B']}}");
    assertJson("{'answers':{'q1':{'answers':['B']}}}", b().answerFor("ui-1").result());
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
    assertJson(
        "{'requestId':'" + rid + "','kind':'user_input','answers':{'q1':{'answers':['B']}}}",
        lastApprovalResult().data());
  }

  @Test
  void o7RespondPermissionAnswersTheOriginalId() {
    String rid = park(41, COMMAND, "{'itemId':'i'}");
    permit(rid, "accept");
    assertJson("{'decision':'accept'}", b().answerFor(41).result());
  }

  @Test
  void o8NonStringReasonsAreDropped() {
    park(1, COMMAND, "{'itemId':'a','reason':null}");
    park(2, FILE_CHANGE, "{'itemId':'b','reason':123}");
    assertEquals("waiting_approval", f.status(id));
    JsonNode actions = f.poll(id, null, 0).get("actions");
    assertEquals(2, actions.size());
    assertFalse(actions.get(0).has("reason"));
    assertFalse(actions.get(1).has("reason"));
    for (SessionEvent e : f.events(id, EventType.APPROVAL_REQUEST)) {
      assertFalse(e.data().has("reason"), e.data().toString());
    }
  }

  @Test
  void o8StringReasonIsKept() {
    park(1, COMMAND, "{'itemId':'a','reason':'need write'}");
    assertEquals("need write", f.poll(id, null, 0).at("/actions/0/reason").asText());
    assertEquals(
        "need write",
        f.events(id, EventType.APPROVAL_REQUEST).get(0).data().get("reason").asText());
  }

  @Test
  void o9FileChangeRejectsAmendmentDecisions() {
    String rid = park(1, FILE_CHANGE, "{'itemId':'f'}");
    assertEquals(
        "Error [INVALID_ARGUMENT]: Invalid fileChange decision 'acceptWithExecpolicyAmendment'",
        fails(
                ErrorCode.INVALID_ARGUMENT,
                () -> permit(rid, "acceptWithExecpolicyAmendment", List.of("x"), null, null))
            .getMessage());
    assertEquals(
        List.of(rid), f.pendingRequestIds(id), "a refused decision leaves the request pending");
    assertTrue(b().answers().isEmpty());
  }

  @Test
  void o10AmendmentDecisionNeedsTheAmendment() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    assertEquals(
        "Error [INVALID_ARGUMENT]: execpolicy_amendment required for acceptWithExecpolicyAmendment",
        fails(ErrorCode.INVALID_ARGUMENT, () -> permit(rid, "acceptWithExecpolicyAmendment"))
            .getMessage());
    fails(
        ErrorCode.INVALID_ARGUMENT,
        () -> permit(rid, "acceptWithExecpolicyAmendment", List.of(), null, null));
    assertEquals(
        "Error [INVALID_ARGUMENT]: execpolicy_amendment is only valid with decision='acceptWithExecpolicyAmendment'",
        fails(ErrorCode.INVALID_ARGUMENT, () -> permit(rid, "accept", List.of("x"), null, null))
            .getMessage());
  }

  private String networkApproval(Object rpcId) {
    return park(
        rpcId,
        COMMAND,
        "{'itemId':'n','availableDecisions':['accept',"
            + "{'applyNetworkPolicyAmendment':{'network_policy_amendment':{'host':'example.com','action':'allow'}}},'cancel']}");
  }

  @Test
  void o11NetworkDecisionNeedsTheAmendment() {
    String rid = networkApproval(1);
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment required for applyNetworkPolicyAmendment",
        fails(ErrorCode.INVALID_ARGUMENT, () -> permit(rid, "applyNetworkPolicyAmendment"))
            .getMessage());
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment.action must be 'allow' or 'deny'",
        fails(
                ErrorCode.INVALID_ARGUMENT,
                () ->
                    permit(
                        rid,
                        "applyNetworkPolicyAmendment",
                        null,
                        json("{'action':'maybe','host':'h'}"),
                        null))
            .getMessage());
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment.host required for applyNetworkPolicyAmendment",
        fails(
                ErrorCode.INVALID_ARGUMENT,
                () ->
                    permit(
                        rid,
                        "applyNetworkPolicyAmendment",
                        null,
                        json("{'action':'deny','host':''}"),
                        null))
            .getMessage());
  }

  @Test
  void o12NetworkAmendmentOnlyWithItsDecision() {
    String rid = networkApproval(1);
    assertEquals(
        "Error [INVALID_ARGUMENT]: network_policy_amendment is only valid with decision='applyNetworkPolicyAmendment'",
        fails(
                ErrorCode.INVALID_ARGUMENT,
                () ->
                    permit(
                        rid, "accept", null, json("{'action':'allow','host':'example.com'}"), null))
            .getMessage());
  }

  @Test
  void o13NetworkDecisionNeedsAdvertisedDecisions() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    CodexMcpException e =
        fails(
            ErrorCode.INVALID_ARGUMENT,
            () ->
                permit(
                    rid,
                    "applyNetworkPolicyAmendment",
                    null,
                    json("{'action':'allow','host':'example.com'}"),
                    null));
    assertEquals(
        "Error [INVALID_ARGUMENT]: Decision 'applyNetworkPolicyAmendment' is not supported by this Codex CLI version"
            + " (missing availableDecisions)",
        e.getMessage());
  }

  @Test
  void o14NetworkDecisionSentInTheNestedShape() {
    String rid = networkApproval(7);
    permit(
        rid,
        "applyNetworkPolicyAmendment",
        null,
        json("{'action':'allow','host':'example.com'}"),
        null);
    assertJson(
        "{'decision':{'applyNetworkPolicyAmendment':{'network_policy_amendment':{'action':'allow','host':'example.com'}}}}",
        b().answerFor(7).result());
    assertEquals(
        "applyNetworkPolicyAmendment", lastApprovalResult().data().get("decision").asText());
  }

  @Test
  void o15ExecpolicyDecisionSentInTheNestedShape() {
    String rid = park(8, COMMAND, "{'itemId':'i'}");
    permit(rid, "acceptWithExecpolicyAmendment", List.of("allow:npm"), null, null);
    assertJson(
        "{'decision':{'acceptWithExecpolicyAmendment':{'execpolicy_amendment':['allow:npm']}}}",
        b().answerFor(8).result());
  }

  @Test
  void o16DecisionsOutsideTheAdvertisedListAreRefusedExceptTheAlwaysAllowedOnes() {
    String rid = park(1, COMMAND, "{'itemId':'i','availableDecisions':['accept','decline']}");
    assertEquals(
        "Error [INVALID_ARGUMENT]: Decision 'acceptWithExecpolicyAmendment' is not available for this approval prompt",
        fails(
                ErrorCode.INVALID_ARGUMENT,
                () -> permit(rid, "acceptWithExecpolicyAmendment", List.of("x"), null, null))
            .getMessage());
    // spec 80 §3: cancel (and decline, acceptForSession) are always accepted.
    permit(rid, "cancel");
    assertJson("{'decision':'cancel'}", b().answerFor(1).result());
  }

  @Test
  void o16DeclineAndAcceptForSessionAlwaysAccepted() {
    String r1 = park(1, COMMAND, "{'itemId':'i','availableDecisions':['accept','cancel']}");
    String r2 = park(2, COMMAND, "{'itemId':'j','availableDecisions':['accept','cancel']}");
    permit(r1, "decline");
    permit(r2, "acceptForSession");
    assertJson("{'decision':'decline'}", b().answerFor(1).result());
    assertJson("{'decision':'acceptForSession'}", b().answerFor(2).result());
  }

  @Test
  void o17EmptyAvailableDecisionsCountAsNotAdvertised() {
    String rid = park(1, COMMAND, "{'itemId':'i','availableDecisions':[]}");
    fails(
        ErrorCode.INVALID_ARGUMENT,
        () ->
            permit(
                rid,
                "applyNetworkPolicyAmendment",
                null,
                json("{'action':'allow','host':'h'}"),
                null));
    permit(rid, "cancel");
    assertJson("{'decision':'cancel'}", b().answerFor(1).result());
  }

  @Test
  void invalidCommandDecision() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    assertEquals(
        "Error [INVALID_ARGUMENT]: Unknown decision 'approve'",
        fails(ErrorCode.INVALID_ARGUMENT, () -> permit(rid, "approve")).getMessage());
  }

  @Test
  void o18RespondingTwiceIsNotFound() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    permit(rid, "accept");
    assertEquals(
        "Error [REQUEST_NOT_FOUND]: Request '" + rid + "' not found or already resolved",
        fails(ErrorCode.REQUEST_NOT_FOUND, () -> permit(rid, "accept")).getMessage());
    assertEquals(1, b().answers().size());
  }

  @Test
  void o19UserInputAnswerToACommandIsNotFound() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    assertEquals(
        "Error [REQUEST_NOT_FOUND]: User input request '" + rid + "' not found",
        fails(ErrorCode.REQUEST_NOT_FOUND, () -> answer(rid, "{}")).getMessage());
    assertEquals(
        "Error [REQUEST_NOT_FOUND]: User input request 'req_nope' not found",
        fails(ErrorCode.REQUEST_NOT_FOUND, () -> answer("req_nope", "{}")).getMessage());
  }

  @Test
  void o20PermissionAnswerToAUserInputRequestIsInvalid() {
    String rid = f.userInput(id, 1);
    assertEquals(
        "Error [INVALID_ARGUMENT]: Request '" + rid + "' is not an approval request",
        fails(ErrorCode.INVALID_ARGUMENT, () -> permit(rid, "accept")).getMessage());
    assertEquals(List.of(rid), f.pendingRequestIds(id));
  }

  @Test
  void respondOnUnknownSession() {
    fails(
        ErrorCode.SESSION_NOT_FOUND,
        () ->
            f.respondPermission(
                "sess_x", "req_1", "accept", null, null, null, PollRequest.of(null, 0)));
  }

  @Test
  void o21DenyMessageIsRecordedButNotSent() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    permit(rid, "decline", null, null, "not now");
    assertJson("{'decision':'decline'}", b().answerFor(1).result());
    assertEquals("not now", lastApprovalResult().data().get("denyMessage").asText());
  }

  @Test
  void o22ApprovalResultIsPinnedAndCarriesTheApprovalId() {
    String rid = park(1, COMMAND, "{'itemId':'i','approvalId':'ap_1'}");
    permit(rid, "accept");
    SessionEvent e = lastApprovalResult();
    assertTrue(e.pinned());
    assertJson(
        "{'requestId':'" + rid + "','kind':'command','approvalId':'ap_1','decision':'accept'}",
        e.data());
    SessionEvent req = f.events(id, EventType.APPROVAL_REQUEST).get(0);
    assertTrue(req.pinned());
    assertEquals("ap_1", req.data().get("approvalId").asText());
  }

  @Test
  void o23StatusReturnsToRunningWithTheLastAnswer() {
    String r1 = park(1, COMMAND, "{'itemId':'i'}");
    String r2 = park(2, FILE_CHANGE, "{'itemId':'j'}");
    permit(r1, "accept");
    assertEquals("waiting_approval", f.status(id));
    assertEquals(1, f.poll(id, null, 0).get("actions").size());
    permit(r2, "accept");
    assertEquals("running", f.status(id));
  }

  @Test
  void o24CommandTimeoutDeclines() {
    SessionFixture.Create c = f.create();
    c.approvalTimeoutMs = 5L;
    id = c.id();
    String rid = park(3, COMMAND, "{'itemId':'i','approvalId':'ap'}");
    f.timer.advanceMillis(4);
    assertTrue(b().answers().isEmpty());
    f.timer.advanceMillis(6);
    assertJson("{'decision':'decline'}", b().answerFor(3).result());
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
    assertEquals("running", f.status(id));
    SessionEvent e = lastApprovalResult();
    assertTrue(e.pinned());
    assertJson(
        "{'requestId':'"
            + rid
            + "','kind':'command','approvalId':'ap','decision':'decline','timeout':true}",
        e.data());
  }

  @Test
  void o25UserInputTimeoutAnswersEmpty() {
    String rid = f.userInput(id, 4);
    f.timer.advance(Duration.ofMillis(SessionManager.DEFAULT_APPROVAL_TIMEOUT_MS));
    assertJson("{'answers':{}}", b().answerFor(4).result());
    assertJson(
        "{'requestId':'" + rid + "','kind':'user_input','timeout':true}",
        lastApprovalResult().data());
    assertEquals(0, f.json.get(id, false).get("pendingRequestCount").asInt());
  }

  @Test
  void o26FileChangeTimeoutDeclines() {
    String rid = park(5, FILE_CHANGE, "{'itemId':'f','approvalId':'not-for-file-changes'}");
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'decision':'decline'}", b().answerFor(5).result());
    assertJson(
        "{'requestId':'" + rid + "','kind':'fileChange','decision':'decline','timeout':true}",
        lastApprovalResult().data());
  }

  @Test
  void o27And28TimersAreScheduledOnTheTimerWithTheSessionTimeout() {
    park(1, COMMAND, "{'itemId':'i'}");
    assertEquals(List.of(Duration.ofMillis(60_000)), f.timer.pendingDelays());
  }

  @Test
  void o28ForkedSessionsInheritTheTimeout() {
    SessionFixture.Create c = f.create();
    c.approvalTimeoutMs = 900L;
    String src = c.id();
    String fork = f.json.fork(src).join().get("sessionId").asText();
    f.request(fork, 1, COMMAND, "{'itemId':'i'}");
    assertEquals(List.of(Duration.ofMillis(900)), f.timer.pendingDelays());
  }

  @Test
  void o29RespondingAfterTheTimeoutIsNotFound() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    f.timer.advance(Duration.ofMinutes(1));
    fails(ErrorCode.REQUEST_NOT_FOUND, () -> permit(rid, "accept"));
    assertEquals(1, b().answers().size());
  }

  @Test
  void timeoutAfterAnAnswerIsANoOp() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    permit(rid, "accept");
    f.timer.advance(Duration.ofMinutes(2));
    assertEquals(1, b().answers().size());
    assertEquals(1, f.events(id, EventType.APPROVAL_RESULT).size());
  }

  @Test
  void o30ApprovalWhileIdleMovesToWaiting() {
    f.notify(id, "turn/completed", "{'turn':{'id':'turn_mock'}}");
    assertEquals("idle", f.status(id));
    park(1, COMMAND, "{'itemId':'i'}");
    assertEquals("waiting_approval", f.status(id));
  }

  @Test
  void o31MissingItemIdBecomesEmpty() {
    park(1, FILE_CHANGE, "{'reason':'r'}");
    assertEquals("", f.poll(id, null, 0).at("/actions/0/itemId").asText());
  }

  @Test
  void o32AnswersAreForwardedVerbatim() {
    String rid = f.userInput(id, 1);
    answer(rid, "{'unknown_q':{'answers':['x','y']},'q1':{'answers':[]}}");
    assertJson(
        "{'answers':{'unknown_q':{'answers':['x','y']},'q1':{'answers':[]}}}",
        b().answerFor(1).result());
  }

  @Test
  void secretAnswersAreMaskedInTheEventOnly() {
    f.request(
        id,
        1,
        USER_INPUT,
        "{'itemId':'q','questions':[{'id':'pw','question':'Password?','isSecret':true},{'id':'n','question':'Name?'}]}");
    String rid = f.onlyRequestId(id);
    answer(rid, "{'pw':{'answers':['hunter2']},'n':{'answers':['bob']}}");
    assertJson(
        "{'answers':{'pw':{'answers':['hunter2']},'n':{'answers':['bob']}}}",
        b().answerFor(1).result());
    assertJson(
        "{'pw':{'answers':['<secret>']},'n':{'answers':['bob']}}",
        lastApprovalResult().data().get("answers"));
  }

  @Test
  void approvalRequestEventShape() {
    String rid =
        park(1, COMMAND, "{'itemId':'i','command':'ls','cwd':'/w','threadId':'t','turnId':'u'}");
    assertJson(
        "{'requestId':'"
            + rid
            + "','kind':'command','itemId':'i','command':'ls','cwd':'/w','commandActions':null,"
            + "'proposedExecpolicyAmendment':null,'availableDecisions':null,'proposedNetworkPolicyAmendments':null}",
        f.events(id, EventType.APPROVAL_REQUEST).get(0).data());
  }

  // ------------------------------------------------------------------ spec 80 kinds

  @Test
  void permissionsRequestGrantsTheRequestedProfileForTheTurn() {
    String rid =
        park(
            1,
            PERMISSIONS,
            "{'itemId':'call_16','reason':'need net','permissions':{'network':{'enabled':true},'fileSystem':null}}");
    JsonNode action = f.poll(id, null, 0).get("actions").get(0);
    assertEquals("approval", action.get("type").asText());
    assertEquals("permissions", action.get("kind").asText());
    assertEquals("need net", action.get("reason").asText());
    assertEquals("respond_permission", f.poll(id, null, 0).get("recommendedNextAction").asText());
    permit(rid, "accept");
    assertJson(
        "{'permissions':{'network':{'enabled':true}},'scope':'turn'}", b().answerFor(1).result());
  }

  @Test
  void permissionsAcceptForSessionAndDecline() {
    String r1 = park(1, PERMISSIONS, "{'permissions':{'network':{'enabled':true}}}");
    String r2 = park(2, PERMISSIONS, "{'permissions':{'network':{'enabled':true}}}");
    String r3 = park(3, PERMISSIONS, "{'permissions':{'network':{'enabled':true}}}");
    permit(r1, "acceptForSession");
    permit(r2, "decline");
    permit(r3, "cancel");
    assertJson(
        "{'permissions':{'network':{'enabled':true}},'scope':'session'}",
        b().answerFor(1).result());
    assertJson("{'permissions':{}}", b().answerFor(2).result());
    assertJson("{'permissions':{}}", b().answerFor(3).result());
  }

  @Test
  void permissionsTimeoutGrantsNothing() {
    park(1, PERMISSIONS, "{'permissions':{'network':{'enabled':true}}}");
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'permissions':{}}", b().answerFor(1).result());
  }

  private static final String MCP_APPROVAL =
      "{'serverName':'elic','mode':'form','_meta':{'codex_approval_kind':'mcp_tool_call','persist':['session','always'],"
          + "'tool_name':'ask'},'message':'Allow the elic MCP server to run tool ask?','requestedSchema':{'type':'object','properties':{}}}";

  @Test
  void mcpToolCallApprovalMapsDecisionsToElicitationActions() {
    String r1 = park(1, ELICITATION, MCP_APPROVAL);
    JsonNode action = f.poll(id, null, 0).get("actions").get(0);
    assertEquals("approval", action.get("type").asText());
    assertEquals("mcp_tool_call", action.get("kind").asText());
    String r2 = park(2, ELICITATION, MCP_APPROVAL);
    String r3 = park(3, ELICITATION, MCP_APPROVAL);
    String r4 = park(4, ELICITATION, MCP_APPROVAL);
    permit(r1, "accept");
    permit(r2, "acceptForSession");
    permit(r3, "decline");
    permit(r4, "cancel");
    assertJson("{'action':'accept','content':{}}", b().answerFor(1).result());
    assertJson(
        "{'action':'accept','content':{},'_meta':{'persist':'session'}}",
        b().answerFor(2).result());
    assertJson("{'action':'decline'}", b().answerFor(3).result());
    assertJson("{'action':'cancel'}", b().answerFor(4).result());
    assertEquals(
        "Allow the elic MCP server to run tool ask?",
        f.events(id, EventType.APPROVAL_REQUEST).get(0).data().get("message").asText());
  }

  @Test
  void mcpToolCallTimeoutDeclines() {
    park(1, ELICITATION, MCP_APPROVAL);
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'action':'decline'}", b().answerFor(1).result());
  }

  @Test
  void formElicitationIsAnsweredWithUserInput() {
    String rid =
        park(
            1,
            ELICITATION,
            "{'serverName':'elic','mode':'form','_meta':null,'message':'Pick a color',"
                + "'requestedSchema':{'type':'object','properties':{'color':{'type':'string'}},'required':['color']}}");
    ObjectNode poll = f.poll(id, null, 0);
    JsonNode action = poll.get("actions").get(0);
    assertEquals("user_input", action.get("type").asText());
    assertEquals("elicitation", action.get("kind").asText());
    assertEquals("respond_user_input", poll.get("recommendedNextAction").asText());
    fails(ErrorCode.INVALID_ARGUMENT, () -> permit(rid, "accept"));
    answer(rid, "{'color':{'answers':['red']}}");
    assertJson("{'action':'accept','content':{'color':'red'}}", b().answerFor(1).result());
  }

  @Test
  void formElicitationTimeoutDeclines() {
    park(1, ELICITATION, "{'serverName':'elic','message':'Pick'}");
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'action':'decline'}", b().answerFor(1).result());
  }

  @Test
  void serverRequestResolvedDismissesTheStalePrompt() {
    String rid = park(0, COMMAND, "{'itemId':'i'}");
    f.notify(id, "serverRequest/resolved", "{'threadId':'thread_mock','requestId':0}");
    assertTrue(f.pendingRequestIds(id).isEmpty());
    assertEquals("running", f.status(id));
    assertTrue(b().answers().isEmpty(), "codex settled it; nothing is sent");
    fails(ErrorCode.REQUEST_NOT_FOUND, () -> permit(rid, "accept"));
    assertEquals(0, f.timer.pending());
    assertEquals("codex", lastApprovalResult().data().get("resolvedBy").asText());
  }

  @Test
  void serverRequestResolvedForAnotherIdChangesNothing() {
    park(5, COMMAND, "{'itemId':'i'}");
    f.notify(id, "serverRequest/resolved", "{'threadId':'thread_mock','requestId':6}");
    assertEquals(1, f.pendingRequestIds(id).size());
    assertEquals("waiting_approval", f.status(id));
  }

  @Test
  void noAnswerIsSentTwiceUnderTheTimeoutRace() {
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    b().failRespond(1, new IllegalStateException("closed"));
    fails(ErrorCode.INTERNAL, () -> permit(rid, "accept"));
    // The timer still fires for the rolled-back request and answers it once.
    f.timer.advance(Duration.ofMinutes(1));
    assertJson("{'decision':'decline'}", b().answerFor(1).result());
    fails(ErrorCode.REQUEST_NOT_FOUND, () -> permit(rid, "accept"));
  }

  @Test
  void ackWithoutEventsKeepsTheSessionCursor() {
    f.poll(id, null, 100);
    long cursor = f.lastEventCursor(id);
    String rid = park(1, COMMAND, "{'itemId':'i'}");
    ObjectNode ack = permit(rid, "accept");
    assertEquals(0, ack.get("events").size());
    assertEquals(cursor, ack.get("nextCursor").asLong());
    assertNull(ack.get("actions"));
  }
}

package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.client.FormAnswer;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.events.PollRequest;
import io.github.codexmcp.testing.FakeCodexBackend;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The elicit channel inside the session layer: a parked request is shown as a form and stays in
 * actions[]; whichever answer comes first wins, the other finds nothing (REQUEST_NOT_FOUND for a
 * codex_check answer, a dropped form answer), and a request that ends otherwise has its form
 * withdrawn.
 */
class ElicitationSessionTest {
  private static final String COMMAND = "item/commandExecution/requestApproval";
  @TempDir Path cwd;
  final ElicitationChannelTest.FakeForms forms = new ElicitationChannelTest.FakeForms();
  SessionFixture f;
  String id;

  @BeforeEach
  void setUp() {
    f = new SessionFixture(cwd, BackendMode.APP_SERVER, true, true, forms);
    SessionFixture.Create c = f.create();
    c.approvalChannel = "elicit";
    c.approvalTimeoutMs = 10_000L;
    id = c.id();
  }

  private String park() {
    f.request(id, 7, COMMAND, "{'itemId':'i','command':'make','cwd':'/w'}");
    List<String> ids = f.pendingRequestIds(id);
    return ids.get(ids.size() - 1);
  }

  private int answersToCodex() {
    return f.backend(id).calls(FakeCodexBackend.RESPOND).size();
  }

  @Test
  void theFormAnswersFirstAndCodexCheckFindsNothing() {
    String rid = park();
    assertEquals(1, forms.asked.size());
    assertEquals(List.of(rid), f.pendingRequestIds(id), "the request stays in actions[]");
    forms
        .answers
        .get(0)
        .complete(new FormAnswer(FormAnswer.Action.ACCEPT, Map.of("decision", "accept")));
    assertEquals(1, answersToCodex());
    assertEquals(List.of(), f.pendingRequestIds(id));
    CodexMcpException e =
        assertThrows(
            CodexMcpException.class,
            () ->
                f.respondPermission(id, rid, "decline", null, null, null, PollRequest.of(null, 0)));
    assertEquals(ErrorCode.REQUEST_NOT_FOUND, e.code());
    assertEquals(1, answersToCodex());
  }

  @Test
  void codexCheckAnswersFirstAndTheFormIsWithdrawn() {
    String rid = park();
    f.respondPermission(id, rid, "decline", null, null, null, PollRequest.of(null, 0));
    assertEquals(1, forms.withdrawn.size(), "the form is closed on the client");
    assertEquals(1, answersToCodex());
    // the user's late answer (the fake completes it as cancelled when withdrawn) changes nothing
    assertTrue(forms.answers.get(0).isDone());
    assertEquals(1, answersToCodex());
  }

  @Test
  void aRequestAnsweredWhileItsFormIsBeingShownHasTheFormWithdrawn() {
    forms.onAsk =
        () ->
            f.respondPermission(
                id,
                f.pendingRequestIds(id).get(0),
                "decline",
                null,
                null,
                null,
                PollRequest.of(null, 0));
    f.request(id, 7, COMMAND, "{'itemId':'i','command':'make','cwd':'/w'}");
    assertEquals(List.of(), f.pendingRequestIds(id));
    assertEquals(1, forms.withdrawn.size(), "no form left open for an answered request");
    assertEquals(1, answersToCodex());
  }

  @Test
  void theTimeoutWithdrawsTheForm() {
    park();
    f.timer.advanceMillis(10_000);
    assertEquals(List.of(), f.pendingRequestIds(id));
    assertEquals(1, forms.withdrawn.size());
    assertEquals(1, answersToCodex(), "the timeout's refusal only");
  }

  @Test
  void cancelInTheFormEndsTheRequestAsTheTimeoutDoes() {
    park();
    forms.answers.get(0).complete(FormAnswer.cancelled());
    assertEquals(List.of(), f.pendingRequestIds(id));
    assertEquals(1, answersToCodex());
    assertTrue(
        f.json.poll(id, PollRequest.of(0L, 100)).toString().contains("\"timeout\":true"),
        "recorded as the timeout records it");
  }
}

package io.github.codexmcp.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.FormAnswer;
import io.github.codexmcp.client.FormRequest;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.ErrorCode;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Forms for parked requests: the answers each action leads to, withdrawal, first answer wins. */
class ElicitationChannelTest {
  /** A client that records the forms it was asked to show. */
  static final class FakeForms implements ClientForms {
    boolean supported = true;
    final List<FormRequest> asked = new ArrayList<>();
    final List<CompletableFuture<FormAnswer>> answers = new ArrayList<>();
    final List<String> withdrawn = new ArrayList<>();

    /** Runs inside {@link #ask}, before the form is returned (answers that race with the form). */
    Runnable onAsk = () -> {};

    @Override
    public boolean supported() {
      return supported;
    }

    @Override
    public PendingForm ask(FormRequest form) {
      asked.add(form);
      onAsk.run();
      CompletableFuture<FormAnswer> f = new CompletableFuture<>();
      answers.add(f);
      return new PendingForm() {
        @Override
        public CompletableFuture<FormAnswer> answer() {
          return f;
        }

        @Override
        public void withdraw(String reason) {
          withdrawn.add(reason);
          f.complete(FormAnswer.cancelled());
        }
      };
    }
  }

  /** Records what the channel answered. */
  static final class Recorder implements ElicitationChannel.Responder {
    final List<String> calls = new ArrayList<>();
    boolean lost;

    @Override
    public void permission(String sessionId, String requestId, String decision) {
      check();
      calls.add("permission " + requestId + " " + decision);
    }

    @Override
    public void userInput(String sessionId, String requestId, ObjectNode answers) {
      check();
      calls.add("userInput " + requestId + " " + answers);
    }

    @Override
    public void expire(String sessionId, String requestId) {
      check();
      calls.add("expire " + requestId);
    }

    private void check() {
      if (lost) {
        throw new CodexMcpException(ErrorCode.REQUEST_NOT_FOUND, "gone");
      }
    }
  }

  final FakeForms forms = new FakeForms();
  final Recorder responder = new Recorder();
  final ElicitationChannel channel = new ElicitationChannel(forms, Runnable::run);

  {
    channel.choose("sess_1", "elicit");
    channel.choose("s", "elicit");
  }

  static final JsonNode COMMAND =
      Json.parse(
          "{\"command\":\"rm -rf build\",\"cwd\":\"/w\",\"reason\":\"clean\","
              + "\"availableDecisions\":[\"accept\",\"decline\"]}");

  private void answer(int i, FormAnswer.Action action, Map<String, String> values) {
    forms.answers.get(i).complete(new FormAnswer(action, values));
  }

  @Test
  void anApprovalFormNamesTheCommandAndOffersItsDecisions() {
    channel.offer("sess_1", "req_1", "command", COMMAND, responder);
    FormRequest f = forms.asked.get(0);
    assertTrue(f.message().contains("rm -rf build"), f.message());
    assertTrue(f.message().contains("/w") && f.message().contains("clean"), f.message());
    assertEquals(List.of("decision"), f.fields().stream().map(x -> x.name()).toList());
    assertEquals(
        List.of("accept", "acceptForSession", "decline", "cancel"), f.fields().get(0).options());
    JsonNode onlyDecline = Json.parse("{\"command\":\"x\",\"availableDecisions\":[\"decline\"]}");
    assertEquals(
        List.of("acceptForSession", "decline", "cancel"),
        ApprovalForms.decisions("command", onlyDecline));
  }

  @Test
  void acceptAppliesTheChosenDecisionDeclineDeclinesCancelExpires() {
    channel.offer("s", "r1", "command", COMMAND, responder);
    channel.offer("s", "r2", "fileChange", Json.object().put("reason", "edit"), responder);
    channel.offer("s", "r3", "permissions", Json.object(), responder);
    channel.offer("s", "r4", "command", COMMAND, responder);
    answer(0, FormAnswer.Action.ACCEPT, Map.of("decision", "acceptForSession"));
    answer(1, FormAnswer.Action.DECLINE, Map.of());
    answer(2, FormAnswer.Action.CANCEL, Map.of());
    answer(3, FormAnswer.Action.ACCEPT, Map.of("decision", "not-offered"));
    assertEquals(
        List.of(
            "permission r1 acceptForSession", "permission r2 decline", "expire r3", "expire r4"),
        responder.calls);
    assertEquals(0, channel.openCount());
  }

  @Test
  void questionsBecomeFieldsAndAnswersComeBackKeyedById() {
    JsonNode params =
        Json.parse(
            "{\"questions\":[{\"id\":\"scope\",\"header\":\"Scope\",\"question\":\"Which tests?\","
                + "\"options\":[{\"label\":\"unit\",\"description\":\"fast\"},{\"label\":\"all\",\"description\":\"slow\"}]},"
                + "{\"id\":\"name\",\"header\":\"Name\",\"question\":\"Branch name?\"}]}");
    channel.offer("s", "q1", "user_input", params, responder);
    FormRequest f = forms.asked.get(0);
    assertEquals(List.of("unit", "all"), f.fields().get(0).options());
    assertEquals(List.of(), f.fields().get(1).options(), "free text");
    answer(0, FormAnswer.Action.ACCEPT, Map.of("scope", "unit", "name", "fix-1"));
    assertEquals(
        List.of(
            "userInput q1 {\"scope\":{\"answers\":[\"unit\"]},\"name\":{\"answers\":[\"fix-1\"]}}"),
        responder.calls);
    channel.offer("s", "q2", "user_input", params, responder);
    answer(1, FormAnswer.Action.DECLINE, Map.of());
    assertEquals("expire q2", responder.calls.get(1), "a declined question ends as a timeout");
  }

  @Test
  void aRequestAnsweredElsewhereHasItsFormWithdrawnAndNothingMoreHappens() {
    channel.offer("s", "r1", "command", COMMAND, responder);
    channel.resolved("s", "r1");
    assertEquals(1, forms.withdrawn.size());
    assertEquals(List.of(), responder.calls, "the withdrawal is not an answer");
    channel.resolved("s", "r1");
    assertEquals(1, forms.withdrawn.size());
  }

  @Test
  void aFormAnswerThatLosesTheRaceIsDropped() {
    channel.offer("s", "r1", "command", COMMAND, responder);
    responder.lost = true;
    answer(0, FormAnswer.Action.ACCEPT, Map.of("decision", "accept"));
    assertEquals(List.of(), responder.calls);
    assertEquals(0, channel.openCount());
  }

  @Test
  void onlySessionsThatChoseElicitGetForms() {
    channel.offer("other", "r1", "command", COMMAND, responder);
    assertEquals(0, forms.asked.size());
    channel.choose("s", "poll");
    channel.offer("s", "r2", "command", COMMAND, responder);
    assertEquals(0, forms.asked.size());
    channel.choose("s", null); // a reply without a channel keeps the current one
    channel.offer("s", "r3", "command", COMMAND, responder);
    assertEquals(0, forms.asked.size());
    assertEquals(null, channel.choose("s", "elicit"));
    forms.supported = false;
    assertEquals(ElicitationChannel.UNAVAILABLE_WARNING, channel.choose("t", "elicit"));
  }

  @Test
  void withoutFormsOrForOtherKindsNothingIsShown() {
    forms.supported = false;
    channel.offer("s", "r1", "command", COMMAND, responder);
    forms.supported = true;
    channel.offer("s", "r2", "elicitation", Json.object(), responder);
    assertEquals(0, forms.asked.size());
  }
}

package io.github.codexmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.client.ClientForms;
import io.github.codexmcp.client.FormAnswer;
import io.github.codexmcp.client.FormField;
import io.github.codexmcp.client.FormRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Forms go out as elicitation/create; answers, declines, withdrawals and old clients. */
@Timeout(30)
class McpFormsTest {
  static final FormRequest FORM =
      new FormRequest(
          "Codex wants to run `ls` in /tmp.",
          List.of(
              new FormField(
                  "decision", "Decision", "What Codex may do", List.of("accept", "decline"))));

  private static JsonNode nextRequest(PipedServer server, String method)
      throws InterruptedException {
    while (true) {
      JsonNode m = server.next();
      assertNotNull(m, "no " + method + "; seen " + server.seen);
      if (method.equals(m.path("method").asText())) {
        return m;
      }
    }
  }

  @Test
  void anAcceptedFormCarriesItsValues() throws Exception {
    try (PipedServer server = new PipedServer(Map.of())) {
      server.initialize("{\"elicitation\":{}}");
      McpForms forms = server.built.forms();
      assertTrue(forms.supported());
      ClientForms.PendingForm form = forms.ask(FORM);
      JsonNode req = nextRequest(server, "elicitation/create");
      assertTrue(req.get("id").asText().startsWith(McpForms.ID_PREFIX), req.toString());
      assertFalse(req.at("/params").has("mode"), "an old-style client gets no mode");
      assertEquals(FORM.message(), req.at("/params/message").asText());
      assertEquals(
          "[\"accept\",\"decline\"]",
          req.at("/params/requestedSchema/properties/decision/enum").toString());
      assertEquals("[\"decision\"]", req.at("/params/requestedSchema/required").toString());
      server.send(
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + req.get("id")
              + ",\"result\":{\"action\":\"accept\",\"content\":{\"decision\":\"accept\"}}}");
      FormAnswer a = form.answer().get(10, TimeUnit.SECONDS);
      assertEquals(FormAnswer.Action.ACCEPT, a.action());
      assertEquals(Map.of("decision", "accept"), a.values());
      assertEquals(0, forms.openCount());
      // the SDK never saw the response: the server still answers normally
      server.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
      server.response("9");
    }
  }

  @Test
  void declineErrorAndWithdrawal() throws Exception {
    try (PipedServer server = new PipedServer(Map.of())) {
      server.initialize("{\"elicitation\":{\"form\":{}}}");
      McpForms forms = server.built.forms();
      ClientForms.PendingForm declined = forms.ask(FORM);
      JsonNode r1 = nextRequest(server, "elicitation/create");
      assertEquals("form", r1.at("/params/mode").asText());
      server.send(
          "{\"jsonrpc\":\"2.0\",\"id\":" + r1.get("id") + ",\"result\":{\"action\":\"decline\"}}");
      assertEquals(FormAnswer.Action.DECLINE, declined.answer().get(10, TimeUnit.SECONDS).action());

      ClientForms.PendingForm failed = forms.ask(FORM);
      JsonNode r2 = nextRequest(server, "elicitation/create");
      server.send(
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + r2.get("id")
              + ",\"error\":{\"code\":-32603,\"message\":\"no UI\"}}");
      assertEquals(FormAnswer.Action.CANCEL, failed.answer().get(10, TimeUnit.SECONDS).action());

      ClientForms.PendingForm withdrawn = forms.ask(FORM);
      JsonNode r3 = nextRequest(server, "elicitation/create");
      withdrawn.withdraw("answered through codex_check");
      assertEquals(FormAnswer.Action.CANCEL, withdrawn.answer().getNow(null).action());
      JsonNode cancel = nextRequest(server, "notifications/cancelled");
      assertEquals(r3.get("id"), cancel.at("/params/requestId"));
      withdrawn.withdraw("again"); // idempotent
      // a late answer to the withdrawn form is dropped quietly
      server.send(
          "{\"jsonrpc\":\"2.0\",\"id\":"
              + r3.get("id")
              + ",\"result\":{\"action\":\"accept\",\"content\":{\"decision\":\"accept\"}}}");
      server.send("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"ping\"}");
      server.response("10");
      assertEquals(0, forms.openCount());
    }
  }

  @Test
  void aClientWithoutFormsGetsNone() throws Exception {
    try (PipedServer server = new PipedServer(Map.of())) {
      server.initialize("{\"elicitation\":{\"url\":{}}}");
      McpForms forms = server.built.forms();
      assertFalse(forms.supported(), "url mode only");
      assertEquals(FormAnswer.Action.CANCEL, forms.ask(FORM).answer().getNow(null).action());
    }
    try (PipedServer server = new PipedServer(Map.of())) {
      server.initialize("{}");
      assertFalse(server.built.forms().supported());
    }
  }
}

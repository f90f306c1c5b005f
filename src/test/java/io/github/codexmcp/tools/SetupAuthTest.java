package io.github.codexmcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.codex.appserver.AccountProbe;
import io.github.codexmcp.session.TurnStarted;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SetupAuthTest {
  @Test
  void aProviderThatNeedsNoLoginIsReadyWithoutOne() {
    ObjectNode a = SetupAuth.fromAccount(new AccountProbe.Account(false, null));
    assertTrue(a.get("ok").asBoolean());
    assertEquals("not_required", a.get("state").asText());
    assertTrue(a.get("detail").asText().contains("needs no OpenAI login"));
  }

  @Test
  void theOpenAiProviderNeedsALogin() {
    ObjectNode missing = SetupAuth.fromAccount(new AccountProbe.Account(true, null));
    assertFalse(missing.get("ok").asBoolean());
    assertEquals("unauthenticated", missing.get("state").asText());
    ObjectNode present = SetupAuth.fromAccount(new AccountProbe.Account(true, "chatgpt"));
    assertTrue(present.get("ok").asBoolean());
    assertEquals("authenticated", present.get("state").asText());
  }

  @Test
  void accountReadAnswersAreParsed() {
    AccountProbe.Outcome none =
        AccountProbe.parse(
            Json.parse("{\"account\":null,\"requiresOpenaiAuth\":false,\"userId\":null}"));
    assertEquals(new AccountProbe.Account(false, null), none.account());
    AccountProbe.Outcome key =
        AccountProbe.parse(
            Json.parse("{\"account\":{\"type\":\"apiKey\"},\"requiresOpenaiAuth\":true}"));
    assertEquals(new AccountProbe.Account(true, "apiKey"), key.account());
    AccountProbe.Outcome bad = AccountProbe.parse(Json.parse("{\"account\":null}"));
    assertEquals(null, bad.account());
    assertTrue(bad.failure().contains("requiresOpenaiAuth"));
  }

  @Test
  void compatWarningsGoToTheClientsLog() {
    List<String> logged = new ArrayList<>();
    ClientLog log = (level, logger, message) -> logged.add(level + " " + logger + " " + message);
    TurnStarted started =
        new TurnStarted(
            "sess_1", "t", Json.object(), List.of("approvalPolicy=on-failure is not accepted"));
    ForegroundWait.logCompatWarnings(started, log);
    assertEquals(
        List.of("WARNING codex-mcp/compat sess_1: approvalPolicy=on-failure is not accepted"),
        logged);
    logged.clear();
    ForegroundWait.logCompatWarnings(new TurnStarted("s", "t", Json.object(), List.of()), log);
    assertEquals(List.of(), logged);
  }
}

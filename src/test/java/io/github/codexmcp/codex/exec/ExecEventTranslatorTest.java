package io.github.codexmcp.codex.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexmcp.codex.exec.ExecEventTranslator.Notification;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** JSONL event → app-server notification mapping (spec 50 §4/§5, spec 70 AC6–AC11, AC13–AC15). */
class ExecEventTranslatorTest {
  private final List<String> unmapped = new ArrayList<>();
  private final ExecEventTranslator t =
      new ExecEventTranslator("exec_thread_x", "exec_turn_1", unmapped::add);

  private List<Notification> feed(String json) {
    return t.translate(Json.parse(json));
  }

  private Notification one(String json) {
    List<Notification> out = feed(json);
    assertEquals(1, out.size(), out::toString);
    return out.get(0);
  }

  @Test
  void threadStartedNamesTheRealThreadAndIsUsedAfterwards() {
    Notification n = one("{\"type\":\"thread.started\",\"thread_id\":\"T-real\"}");
    assertEquals("thread/started", n.method());
    assertEquals("T-real", n.params().path("thread").path("id").asText());
    assertEquals("T-real", t.realThreadId());
    Notification started = one("{\"type\":\"turn.started\"}");
    assertEquals("turn/started", started.method());
    assertEquals("T-real", started.params().path("threadId").asText());
    assertEquals("exec_turn_1", started.params().path("turn").path("id").asText());
    assertEquals("inProgress", started.params().path("turn").path("status").asText());
    assertEquals(
        "T-real", one("{\"type\":\"error\",\"message\":\"x\"}").params().path("threadId").asText());
  }

  @Test
  void acceptsCamelCaseThreadIdAndIgnoresAnEmptyOne() {
    assertTrue(feed("{\"type\":\"thread.started\",\"thread_id\":\"\"}").isEmpty());
    assertNull(t.realThreadId());
    assertEquals(
        "T2",
        one("{\"type\":\"thread.started\",\"threadId\":\"T2\"}")
            .params()
            .path("thread")
            .path("id")
            .asText());
  }

  @Test
  void agentMessageBecomesTheTurnOutputWithUsage() {
    Notification item =
        one(
            "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"agent_message\",\"text\":\"hi\"}}");
    assertEquals("item/completed", item.method());
    assertEquals("agentMessage", item.params().path("item").path("type").asText());
    assertEquals("hi", item.params().path("item").path("text").asText());
    assertEquals("exec_turn_1", item.params().path("turnId").asText());
    assertEquals("exec_thread_x", item.params().path("threadId").asText());
    Notification done =
        one("{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":20,\"output_tokens\":10}}");
    assertEquals("turn/completed", done.method());
    JsonNode turn = done.params().path("turn");
    assertEquals("completed", turn.path("status").asText());
    assertEquals("hi", turn.path("output").asText());
    assertEquals(20, turn.path("usage").path("input_tokens").asInt());
    assertTrue(t.completed());
    assertTrue(t.exit(0, null, false, null).isEmpty(), "no second end after the terminal event");
    assertTrue(feed("{\"type\":\"turn.failed\"}").isEmpty(), "no second terminal event");
  }

  @Test
  void outputIsOmittedWithoutAgentMessage() {
    JsonNode turn = one("{\"type\":\"turn.completed\"}").params().path("turn");
    assertFalse(turn.has("output"));
    assertFalse(turn.has("usage"));
  }

  @Test
  void itemsTakeTheAppServerShape() {
    Notification started =
        one(
            "{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\","
                + "\"command\":\"bash -lc 'echo hi'\",\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"in_progress\"}}");
    JsonNode item = started.params().path("item");
    assertEquals("item/started", started.method());
    assertEquals("commandExecution", item.path("type").asText());
    assertEquals("inProgress", item.path("status").asText());
    assertTrue(item.has("aggregatedOutput") && item.has("exitCode"), item::toString);
    assertFalse(item.has("aggregated_output"));
    JsonNode change =
        one("{\"type\":\"item.completed\",\"item\":{\"id\":\"item_3\",\"type\":\"file_change\","
                + "\"changes\":[{\"path\":\"a.txt\",\"kind\":\"add\"}],\"status\":\"completed\"}}")
            .params()
            .path("item");
    assertEquals("fileChange", change.path("type").asText());
    assertEquals("add", change.path("changes").get(0).path("kind").path("type").asText());
    assertEquals(
        "collabAgentToolCall",
        one("{\"type\":\"item.started\",\"item\":{\"type\":\"collab_tool_call\"}}")
            .params()
            .path("item")
            .path("type")
            .asText());
    assertEquals(
        "mcpToolCall",
        one("{\"type\":\"item.started\",\"item\":{\"type\":\"mcp_tool_call\"}}")
            .params()
            .path("item")
            .path("type")
            .asText());
    assertEquals(
        "webSearch",
        one("{\"type\":\"item.completed\",\"item\":{\"type\":\"web_search\",\"query\":\"q\"}}")
            .params()
            .path("item")
            .path("type")
            .asText());
  }

  @Test
  void errorItemIsAWarningAndDoesNotEndTheTurn() {
    Notification n =
        one(
            "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"error\",\"message\":\"Model metadata not found\"}}");
    assertEquals("warning", n.method());
    assertEquals("Model metadata not found", n.params().path("message").asText());
    assertFalse(t.completed());
  }

  @Test
  void todoListBecomesPlanUpdates() {
    Notification n =
        one(
            "{\"type\":\"item.updated\",\"item\":{\"type\":\"todo_list\",\"items\":[{\"text\":\"a\",\"completed\":true},{\"text\":\"b\",\"completed\":false}]}}");
    assertEquals("turn/plan/updated", n.method());
    assertEquals("a", n.params().path("plan").get(0).path("step").asText());
    assertEquals("completed", n.params().path("plan").get(0).path("status").asText());
    assertEquals("pending", n.params().path("plan").get(1).path("status").asText());
    assertTrue(
        feed("{\"type\":\"item.updated\",\"item\":{\"type\":\"agent_message\",\"text\":\"x\"}}")
            .isEmpty());
    Notification delta =
        one("{\"type\":\"item.plan.delta\",\"item_id\":\"item_4\",\"delta\":\"step\"}");
    assertEquals("item/plan/delta", delta.method());
    assertEquals("item_4", delta.params().path("itemId").asText());
  }

  @Test
  void turnFailedCarriesItsErrorOrADefault() {
    JsonNode turn =
        one("{\"type\":\"turn.failed\",\"error\":{\"message\":\"boom\"}}").params().path("turn");
    assertEquals("failed", turn.path("status").asText());
    assertEquals("boom", turn.path("error").path("message").asText());
    ExecEventTranslator other = new ExecEventTranslator("t", "u", unmapped::add);
    JsonNode dflt =
        other.translate(Json.parse("{\"type\":\"turn.failed\"}")).get(0).params().path("turn");
    assertEquals("Turn failed", dflt.path("error").path("message").asText());
  }

  @Test
  void reconnectErrorsAreRetriesAndOthersAreFatal() {
    Notification retry =
        one("{\"type\":\"error\",\"message\":\"Reconnecting... 2/5 (stream closed)\"}");
    assertEquals("error", retry.method());
    assertTrue(retry.params().path("willRetry").asBoolean());
    assertEquals(
        "Reconnecting... 2/5 (stream closed)",
        retry.params().path("error").path("message").asText());
    assertEquals("exec_turn_1", retry.params().path("turnId").asText());
    Notification fatal = one("{\"type\":\"error\",\"message\":\"fatal\"}");
    assertFalse(fatal.params().path("willRetry").asBoolean());
    assertTrue(fatal.params().has("willRetry"));
    assertEquals("fatal", fatal.params().path("error").path("message").asText());
    assertTrue(
        one("{\"type\":\"stream_error\",\"message\":\"retrying 1/3\"}")
            .params()
            .path("willRetry")
            .asBoolean());
    assertEquals(
        "nested",
        one("{\"type\":\"error\",\"error\":{\"message\":\"nested\"}}")
            .params()
            .path("error")
            .path("message")
            .asText());
    assertTrue(ExecEventTranslator.retryable("stream RECONNECT"));
    assertFalse(ExecEventTranslator.retryable(null));
  }

  @Test
  void legacyTaskEventsStartAndEndTheTurn() {
    Notification started = one("{\"type\":\"task_started\",\"turn_id\":\"legacy-7\"}");
    assertEquals("turn/started", started.method());
    assertEquals("legacy-7", started.params().path("turn").path("id").asText());
    Notification done = one("{\"type\":\"task_complete\",\"last_agent_message\":\"final\"}");
    assertEquals("turn/completed", done.method());
    assertEquals("completed", done.params().path("turn").path("status").asText());
    assertEquals("legacy-7", done.params().path("turn").path("id").asText());
    assertEquals("final", done.params().path("turn").path("output").asText());

    ExecEventTranslator aborted = new ExecEventTranslator("t", "u", unmapped::add);
    JsonNode turn =
        aborted
            .translate(Json.parse("{\"type\":\"turn_aborted\",\"reason\":\"interrupted\"}"))
            .get(0)
            .params()
            .path("turn");
    assertEquals("cancelled", turn.path("status").asText());
    assertEquals("interrupted", turn.path("error").path("message").asText());
  }

  @Test
  void legacyDeltasKeepTheRawKeysAndGainADelta() {
    Notification n =
        one("{\"type\":\"exec_command_output_delta\",\"call_id\":\"c\",\"chunk\":\"out\"}");
    assertEquals("item/commandExecution/outputDelta", n.method());
    assertEquals("out", n.params().path("chunk").asText());
    assertEquals("out", n.params().path("delta").asText());
    assertEquals("exec_command_output_delta", n.params().path("type").asText());
    assertEquals(
        "item/agentMessage/delta",
        one("{\"type\":\"agent_message_delta\",\"delta\":\"x\"}").method());
    assertEquals(
        "thread/tokenUsage/updated", one("{\"type\":\"token_count\",\"info\":{}}").method());
    Notification msg = one("{\"type\":\"agent_message\",\"message\":\"legacy text\"}");
    assertEquals("item/completed", msg.method());
    assertEquals("legacy text", t.lastAgentMessage());
  }

  @Test
  void unmappedTypesAreReportedAndDropped() {
    assertTrue(feed("{\"type\":\"request_user_input\",\"id\":\"1\"}").isEmpty());
    assertTrue(feed("{\"type\":\"brand.new\"}").isEmpty());
    assertTrue(feed("{\"no\":\"type\"}").isEmpty());
    assertEquals(List.of("request_user_input", "brand.new", "null"), unmapped);
  }

  @Test
  void exitZeroWithoutEndSynthesizesCompletion() {
    feed(
        "{\"type\":\"item.completed\",\"item\":{\"type\":\"agent_message\",\"text\":\"partial\"}}");
    List<Notification> out = t.exit(0, null, false, "ignored");
    assertEquals(1, out.size());
    JsonNode turn = out.get(0).params().path("turn");
    assertEquals("completed", turn.path("status").asText());
    assertEquals("partial", turn.path("output").asText());
    assertFalse(turn.has("error"));
  }

  @Test
  void nonZeroExitReportsAnErrorThenAFailedTurn() {
    List<Notification> out = t.exit(1, null, false, "Error: no rollout found");
    assertEquals(
        List.of("error", "turn/completed"), List.of(out.get(0).method(), out.get(1).method()));
    assertEquals(
        "exec process exited with code 1",
        out.get(0).params().path("error").path("message").asText());
    assertFalse(out.get(0).params().path("willRetry").asBoolean());
    JsonNode turn = out.get(1).params().path("turn");
    assertEquals("failed", turn.path("status").asText());
    assertEquals("exec process exited with code 1", turn.path("error").path("message").asText());
    assertEquals("Error: no rollout found", turn.path("error").path("additionalDetails").asText());
  }

  @Test
  void signalOrInterruptReportsAKilledProcess() {
    List<Notification> out = t.exit(null, "SIGTERM", false, null);
    assertEquals(1, out.size());
    JsonNode turn = out.get(0).params().path("turn");
    assertEquals("failed", turn.path("status").asText());
    assertEquals(
        "exec process killed by signal SIGTERM", turn.path("error").path("message").asText());
    ExecEventTranslator other = new ExecEventTranslator("t", "u", unmapped::add);
    assertEquals(
        "exec process killed by signal SIGTERM",
        other
            .exit(0, null, true, null)
            .get(0)
            .params()
            .path("turn")
            .path("error")
            .path("message")
            .asText());
    ExecEventTranslator killed = new ExecEventTranslator("t", "u", unmapped::add);
    assertEquals(
        "exec process killed by signal SIGKILL",
        killed
            .exit(null, "SIGKILL", true, null)
            .get(0)
            .params()
            .path("turn")
            .path("error")
            .path("message")
            .asText());
  }

  @Test
  void contextUnavailableNoticeIsARetryableError() {
    Notification n = t.contextUnavailable();
    assertEquals("error", n.method());
    assertTrue(n.params().path("willRetry").asBoolean());
    assertEquals(
        ExecEventTranslator.CONTEXT_UNAVAILABLE, n.params().path("error").path("message").asText());
  }

  @Test
  void camelCase() {
    assertEquals("aggregatedOutput", ExecEventTranslator.camel("aggregated_output"));
    assertEquals("inProgress", ExecEventTranslator.camel("in_progress"));
    assertEquals("completed", ExecEventTranslator.camel("completed"));
    assertEquals("_x", ExecEventTranslator.camel("_x"));
  }
}

package io.github.codexmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ScriptedModelServerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private ScriptedModelServer model;

  @BeforeEach
  void start() throws Exception {
    model = ScriptedModelServer.start();
  }

  @AfterEach
  void stop() {
    model.close();
  }

  /** One parsed SSE event. */
  record Event(String type, JsonNode data) {}

  private static ObjectNode userRequest(String text) {
    ObjectNode body = Json.object().put("model", "mock-model").put("stream", true);
    ArrayNode input = body.putArray("input");
    input
        .addObject()
        .put("type", "message")
        .put("role", "user")
        .putArray("content")
        .addObject()
        .put("type", "input_text")
        .put("text", text);
    return body;
  }

  private static ObjectNode toolOutputRequest(String callId) {
    ObjectNode body = userRequest("run it");
    ((ArrayNode) body.get("input"))
        .addObject()
        .put("type", "function_call_output")
        .put("call_id", callId)
        .put("output", "ok");
    return body;
  }

  private HttpResponse<String> post(JsonNode body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(model.baseUrl() + "/responses"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static List<Event> events(HttpResponse<String> response) {
    assertEquals(200, response.statusCode());
    assertEquals("text/event-stream", response.headers().firstValue("content-type").orElse(""));
    List<Event> events = new ArrayList<>();
    for (String block : response.body().split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      String[] lines = block.split("\n");
      assertEquals(2, lines.length, block);
      assertTrue(lines[0].startsWith("event: "), block);
      assertTrue(lines[1].startsWith("data: "), block);
      String type = lines[0].substring("event: ".length());
      JsonNode data = Json.parse(lines[1].substring("data: ".length()));
      assertEquals(type, data.path("type").asText(), "data.type mirrors the event name");
      events.add(new Event(type, data));
    }
    return events;
  }

  private static List<String> types(List<Event> events) {
    return events.stream().map(Event::type).collect(Collectors.toList());
  }

  private static String finalMessageText(List<Event> events) {
    return events.stream()
        .filter(e -> e.type().equals("response.output_item.done"))
        .map(e -> e.data().path("item"))
        .filter(i -> i.path("type").asText().equals("message"))
        .map(i -> i.path("content").path(0).path("text").asText())
        .reduce((a, b) -> b)
        .orElse(null);
  }

  @Test
  void plainTextReplyIsAWellFormedStreamWithUsage() throws Exception {
    model.enqueue(ScriptedReply.text("hello"));
    List<Event> events = events(post(userRequest("hi")));
    assertEquals(
        List.of("response.created", "response.output_item.done", "response.completed"),
        types(events));
    assertEquals("hello", finalMessageText(events));
    JsonNode item = events.get(1).data().path("item");
    assertEquals("assistant", item.path("role").asText());
    JsonNode usage = events.get(2).data().path("response").path("usage");
    assertEquals(30, usage.path("total_tokens").asInt());
    assertTrue(usage.path("input_tokens_details").has("cached_tokens"));
    assertTrue(usage.path("output_tokens_details").has("reasoning_tokens"));
    assertEquals(
        events.get(0).data().path("response").path("id"),
        events.get(2).data().path("response").path("id"));
  }

  @Test
  void fiveThousandDeltasAreStreamedInOrder() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      text.append((char) ('a' + i % 26));
    }
    model.enqueue(ScriptedReply.streamedText(text.toString(), 5000));
    List<Event> events = events(post(userRequest("stream")));
    List<Event> deltas =
        events.stream()
            .filter(e -> e.type().equals("response.output_text.delta"))
            .collect(Collectors.toList());
    assertEquals(5000, deltas.size());
    String joined =
        deltas.stream().map(e -> e.data().path("delta").asText()).collect(Collectors.joining());
    assertEquals(text.toString(), joined);
    assertEquals("response.output_item.added", events.get(1).type());
    String itemId = events.get(1).data().path("item").path("id").asText();
    assertEquals(itemId, deltas.get(0).data().path("item_id").asText());
    assertEquals(text.toString(), finalMessageText(events));
  }

  @Test
  void splitKeepsCodePointsTogether() {
    List<String> parts = ScriptedReply.split("a\uD83D\uDE00b", 3);
    assertEquals(List.of("a", "\uD83D\uDE00", "b"), parts);
    assertThrows(IllegalArgumentException.class, () -> ScriptedReply.split("ab", 3));
  }

  @Test
  void functionCallsCarryJsonStringArgumentsAndAStableCallId() throws Exception {
    ScriptedReply reply = ScriptedReply.escalatedCommand("touch x", "need write");
    model.enqueue(reply);
    List<Event> events = events(post(userRequest("go")));
    JsonNode item = events.get(1).data().path("item");
    assertEquals("function_call", item.path("type").asText());
    assertEquals("exec_command", item.path("name").asText());
    assertEquals(reply.callId(), item.path("call_id").asText());
    assertTrue(item.path("arguments").isTextual());
    JsonNode args = Json.parse(item.path("arguments").asText());
    assertEquals("touch x", args.path("cmd").asText());
    assertEquals("require_escalated", args.path("sandbox_permissions").asText());
    assertEquals("need write", args.path("justification").asText());
  }

  @Test
  void scenarioFactoriesProduceTheDocumentedArguments() throws Exception {
    model.enqueue(
        ScriptedReply.longCommand(),
        ScriptedReply.applyPatch(ScriptedReply.addFilePatch("patched.txt", "hello")),
        ScriptedReply.requestUserInput("q1", "Pick", "Which?", "A", "B"),
        ScriptedReply.requestPermissions("need net"));
    JsonNode longArgs = argsOf(post(userRequest("1")));
    assertEquals("sleep 30", longArgs.path("cmd").asText());
    assertEquals(60000, longArgs.path("yield_time_ms").asInt());
    assertEquals(
        "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: patched.txt\n+hello\n*** End Patch\nEOF\n",
        argsOf(post(userRequest("2"))).path("cmd").asText());
    JsonNode question = argsOf(post(userRequest("3"))).path("questions").path(0);
    assertEquals("q1", question.path("id").asText());
    assertEquals("B", question.path("options").path(1).path("label").asText());
    JsonNode perms = argsOf(post(userRequest("4")));
    assertEquals("need net", perms.path("reason").asText());
    assertTrue(perms.path("permissions").path("network").path("enabled").asBoolean());
  }

  private static JsonNode argsOf(HttpResponse<String> response) {
    JsonNode item = events(response).get(1).data().path("item");
    return Json.parse(item.path("arguments").asText());
  }

  @Test
  void reasoningSummaryIsStreamedBeforeTheAnswer() throws Exception {
    model.enqueue(ScriptedReply.reasoning(List.of("think ", "hard"), "answer"));
    List<Event> events = events(post(userRequest("why")));
    List<String> summaryDeltas =
        events.stream()
            .filter(e -> e.type().equals("response.reasoning_summary_text.delta"))
            .map(e -> e.data().path("delta").asText())
            .collect(Collectors.toList());
    assertEquals(List.of("think ", "hard"), summaryDeltas);
    JsonNode reasoningDone =
        events.stream()
            .filter(e -> e.type().equals("response.output_item.done"))
            .map(e -> e.data().path("item"))
            .filter(i -> i.path("type").asText().equals("reasoning"))
            .findFirst()
            .orElseThrow();
    assertEquals("think hard", reasoningDone.path("summary").path(0).path("text").asText());
    assertEquals("answer", finalMessageText(events));
  }

  @Test
  void structuredReplyIsJsonText() throws Exception {
    model.enqueue(ScriptedReply.structured(Json.object().put("answer", "42")));
    assertEquals("{\"answer\":\"42\"}", finalMessageText(events(post(userRequest("json")))));
  }

  @Test
  void httpErrorAndDroppedStream() throws Exception {
    model.enqueue(ScriptedReply.serverError(), ScriptedReply.droppedStream());
    HttpResponse<String> error = post(userRequest("a"));
    assertEquals(500, error.statusCode());
    assertTrue(Json.parse(error.body()).path("error").has("message"));
    List<Event> dropped = events(post(userRequest("b")));
    assertEquals(List.of("response.created"), types(dropped));
  }

  @Test
  void fallbacksQueueAndKeywordRules() throws Exception {
    model.defaultText("default!").onUserMessageContaining("magic", ScriptedReply.text("rule!"));
    model.enqueue(ScriptedReply.text("queued!"));
    assertEquals("queued!", finalMessageText(events(post(userRequest("magic word")))));
    assertEquals("rule!", finalMessageText(events(post(userRequest("magic word")))));
    assertEquals("default!", finalMessageText(events(post(userRequest("plain")))));
    assertEquals("done", finalMessageText(events(post(toolOutputRequest("call_x")))));
    assertEquals(0, model.queuedReplies());
    assertEquals(4, model.requestCount());
    JsonNode last = model.lastRequest();
    assertTrue(ScriptedModelServer.lastInputIsToolOutput(last));
    assertEquals(Map.of("call_x", "ok"), ScriptedModelServer.toolOutputs(last));
    assertEquals("run it", ScriptedModelServer.lastUserText(last));
    assertTrue(ScriptedModelServer.inputContains(model.request(0), "magic word"));
    assertFalse(ScriptedModelServer.inputContains(model.request(2), "magic"));
  }

  @Test
  void otherPathsAre404AndRecordedSeparately() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(model.baseUrl() + "/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, response.statusCode());
    assertEquals(0, model.requestCount());
    assertEquals("/v1/models", model.otherRequests().get(0).path());
  }

  @Test
  void awaitRequestCountWakesUpOnArrivalAndTimesOutWithADescription() throws Exception {
    CompletableFuture<HttpResponse<String>> later =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post(userRequest("async"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    List<JsonNode> requests = model.awaitRequestCount(1, Duration.ofSeconds(10));
    assertEquals("async", ScriptedModelServer.lastUserText(requests.get(0)));
    assertNotNull(later.get());
    JsonNode found =
        model.awaitRequest(
            r -> "async".equals(ScriptedModelServer.lastUserText(r)), Duration.ofSeconds(1));
    assertNotNull(found);
    AssertionError timeout =
        assertThrows(AssertionError.class, () -> model.awaitRequestCount(2, Duration.ofMillis(50)));
    assertTrue(timeout.getMessage().contains("1 request(s)"), timeout.getMessage());
  }

  @Test
  void gatedReplyIsHeldUntilReleased() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    model.enqueue(ScriptedReply.gated(gate, ScriptedReply.text("released")));
    CompletableFuture<HttpResponse<String>> response =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(model.baseUrl() + "/responses"))
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(userRequest("wait"))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    model.awaitRequestCount(1, Duration.ofSeconds(10));
    assertFalse(response.isDone());
    gate.complete(null);
    assertEquals("released", finalMessageText(events(response.get())));
  }
}

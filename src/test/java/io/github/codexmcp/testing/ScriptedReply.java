package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.util.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One canned answer of the {@link ScriptedModelServer} to one {@code POST /v1/responses}.
 *
 * <p>A reply is either an SSE stream of output items (built with the static factories or with
 * {@link #builder()}), an HTTP error, a stream that is dropped after {@code response.created}, or a
 * reply that is held back until a test releases it ({@link #gated}). Replies are immutable and can
 * be reused (for example by {@link ScriptedModelServer#onUserMessageContaining keyword rules});
 * every use produces fresh response and message ids, while function-call ids are fixed when the
 * reply is built so that tests can correlate them with codex's approval requests ({@link
 * #callId()}).
 *
 * <p>The factories cover every scenario of spec 95 §2: {@link #text}, {@link #streamedText}, {@link
 * #command}, {@link #escalatedCommand}, {@link #longCommand}, {@link #applyPatch}, {@link
 * #requestUserInput}, {@link #requestPermissions}, {@link #reasoning}, {@link #structured}, {@link
 * #httpError}/{@link #serverError}, {@link #droppedStream}.
 */
public abstract class ScriptedReply {
  private static final AtomicLong CALL_IDS = new AtomicLong();

  ScriptedReply() {}

  /** The {@code call_id} of the first function call in this reply, or null if it has none. */
  public String callId() {
    return null;
  }

  /** A short human-readable description, used in diagnostics. */
  @Override
  public abstract String toString();

  /** Writes this reply to the exchange. Called on an HTTP server thread. */
  abstract void respond(ScriptedModelServer.Exchange exchange) throws Exception;

  // ---------------------------------------------------------------- factories

  /** A plain assistant message with the given text (no deltas, one {@code output_item.done}). */
  public static ScriptedReply text(String text) {
    return builder().message(text).build();
  }

  /**
   * An assistant message streamed as {@code deltas} {@code response.output_text.delta} events whose
   * concatenation is {@code text}. The text is split on code-point boundaries into pieces of nearly
   * equal length, so it needs at least {@code deltas} code points. The whole stream is rendered in
   * one buffered pass (5000 deltas is cheap).
   */
  public static ScriptedReply streamedText(String text, int deltas) {
    return builder().streamedMessage(split(text, deltas)).build();
  }

  /** An assistant message streamed as exactly the given delta chunks, in order. */
  public static ScriptedReply streamedText(List<String> chunks) {
    return builder().streamedMessage(chunks).build();
  }

  /** An assistant message whose text is the given JSON (for {@code outputSchema} turns). */
  public static ScriptedReply structured(JsonNode json) {
    return text(Json.write(json));
  }

  /** An assistant message whose text is the given JSON text (not validated). */
  public static ScriptedReply structured(String jsonText) {
    return text(jsonText);
  }

  /** An {@code exec_command} function call running {@code cmd} ({@code {"cmd": cmd}}). */
  public static ScriptedReply command(String cmd) {
    return functionCall("exec_command", args("cmd", cmd));
  }

  /**
   * An {@code exec_command} call that asks for escalation ({@code
   * sandbox_permissions:"require_escalated"} plus {@code justification}); under approval policy
   * {@code on-request} codex sends {@code item/commandExecution/requestApproval}.
   */
  public static ScriptedReply escalatedCommand(String cmd, String justification) {
    return functionCall(
        "exec_command",
        args(
            "cmd",
            cmd,
            "sandbox_permissions",
            "require_escalated",
            "justification",
            justification));
  }

  /** {@code sleep 30} with {@code yield_time_ms:60000}: a command that keeps a turn busy. */
  public static ScriptedReply longCommand() {
    return longCommand(30);
  }

  /** {@code sleep <seconds>} with {@code yield_time_ms:60000}. */
  public static ScriptedReply longCommand(int seconds) {
    return functionCall("exec_command", args("cmd", "sleep " + seconds, "yield_time_ms", 60000));
  }

  /**
   * A shell command {@code apply_patch <<'EOF' ... EOF}; codex intercepts it and turns it into a
   * {@code fileChange} item. {@code patch} is the body from {@code *** Begin Patch} to {@code ***
   * End Patch} (a trailing newline is added if missing). See {@link #addFilePatch}.
   */
  public static ScriptedReply applyPatch(String patch) {
    String body = patch.endsWith("\n") ? patch : patch + "\n";
    return command("apply_patch <<'EOF'\n" + body + "EOF\n");
  }

  /** A patch body that adds {@code path} (relative to the cwd or absolute) with the given lines. */
  public static String addFilePatch(String path, String... lines) {
    StringBuilder sb =
        new StringBuilder("*** Begin Patch\n*** Add File: ").append(path).append('\n');
    for (String line : lines) {
      sb.append('+').append(line).append('\n');
    }
    return sb.append("*** End Patch\n").toString();
  }

  /**
   * A {@code request_user_input} call with one question. codex forwards it to the client as {@code
   * item/tool/requestUserInput} only in Plan collaboration mode or with {@code --enable
   * default_mode_request_user_input}.
   */
  public static ScriptedReply requestUserInput(
      String id, String header, String question, String... optionLabels) {
    ArrayNode options = Json.array();
    for (String label : optionLabels) {
      options.addObject().put("label", label).put("description", label);
    }
    ObjectNode q = Json.object().put("id", id).put("header", header).put("question", question);
    q.set("options", options);
    ArrayNode questions = Json.array().add(q);
    return requestUserInput(questions);
  }

  /**
   * A {@code request_user_input} call with the given {@code questions} array (items {@code {id,
   * header, question, options:[{label, description}]}}).
   */
  public static ScriptedReply requestUserInput(JsonNode questions) {
    ObjectNode args = Json.object();
    args.set("questions", questions);
    return functionCall("request_user_input", args);
  }

  /**
   * A {@code request_permissions} call asking for network access; codex offers the tool only with
   * {@code --enable request_permissions_tool} and then sends {@code
   * item/permissions/requestApproval}.
   */
  public static ScriptedReply requestPermissions(String reason) {
    ObjectNode permissions = Json.object();
    permissions.putObject("network").put("enabled", true);
    return requestPermissions(reason, permissions);
  }

  /** A {@code request_permissions} call with an explicit permission profile. */
  public static ScriptedReply requestPermissions(String reason, JsonNode permissions) {
    ObjectNode args = Json.object().put("reason", reason);
    args.set("permissions", permissions);
    return functionCall("request_permissions", args);
  }

  /**
   * A reasoning item whose summary is streamed as the given {@code
   * response.reasoning_summary_text.delta} chunks, followed by an assistant message {@code answer}.
   */
  public static ScriptedReply reasoning(List<String> summaryDeltas, String answer) {
    return builder().reasoning(summaryDeltas).message(answer).build();
  }

  /**
   * A generic function call. {@code arguments} is serialized to the JSON string the Responses API
   * carries in {@code arguments} (a {@link JsonNode}, a {@link Map}, or a {@link String} taken as
   * JSON text verbatim).
   */
  public static ScriptedReply functionCall(String name, Object arguments) {
    return builder().functionCall(name, arguments).build();
  }

  /** HTTP {@code status} with body {@code {"error":{"message":..., "type":"server_error"}}}. */
  public static ScriptedReply httpError(int status, String message) {
    ObjectNode body = Json.object();
    body.putObject("error")
        .put("message", message)
        .put("type", status >= 500 ? "server_error" : "invalid_request_error")
        .putNull("param")
        .putNull("code");
    return new HttpError(status, Json.write(body));
  }

  /** HTTP 500 with a JSON error body. */
  public static ScriptedReply serverError() {
    return httpError(500, "scripted internal server error");
  }

  /**
   * Sends the SSE headers and {@code response.created}, then ends the stream without {@code
   * response.completed} (codex: "stream closed before response.completed").
   */
  public static ScriptedReply droppedStream() {
    return new Dropped();
  }

  /**
   * Holds the HTTP response back (nothing, not even headers, is sent) until {@code gate} completes
   * or the server closes, then answers with {@code reply}. Use it to keep a turn "in model
   * streaming" while the test interrupts or steers it.
   */
  public static ScriptedReply gated(CompletionStage<?> gate, ScriptedReply reply) {
    return new Gated(gate.toCompletableFuture(), Objects.requireNonNull(reply));
  }

  /** A builder for a stream with several output items (reasoning, messages, function calls). */
  public static Builder builder() {
    return new Builder();
  }

  /** An ordered JSON object from alternating keys and values. */
  private static ObjectNode args(Object... keysAndValues) {
    ObjectNode node = Json.object();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      node.set((String) keysAndValues[i], Json.MAPPER.valueToTree(keysAndValues[i + 1]));
    }
    return node;
  }

  /** Splits {@code text} into {@code n} non-empty pieces on code-point boundaries. */
  static List<String> split(String text, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("deltas must be >= 1");
    }
    int[] cps = text.codePoints().toArray();
    if (cps.length < n) {
      throw new IllegalArgumentException(
          "text has " + cps.length + " code points, fewer than " + n + " deltas");
    }
    List<String> out = new ArrayList<>(n);
    int start = 0;
    for (int i = 0; i < n; i++) {
      int end = (int) ((long) cps.length * (i + 1) / n);
      out.add(new String(cps, start, end - start));
      start = end;
    }
    return out;
  }

  // ---------------------------------------------------------------- builder

  /**
   * Builds an SSE reply: {@code response.created}, the output items in order, {@code
   * response.completed} with a usage block.
   */
  public static final class Builder {
    private final List<Item> items = new ArrayList<>();
    private long inputTokens = 20;
    private long outputTokens = 10;

    private Builder() {}

    /** An assistant message sent as a single {@code output_item.done}. */
    public Builder message(String text) {
      items.add(new Item(Kind.MESSAGE, List.of(text), null, null, null));
      return this;
    }

    /** An assistant message: {@code output_item.added}, one text delta per chunk, done events. */
    public Builder streamedMessage(List<String> chunks) {
      items.add(new Item(Kind.STREAMED_MESSAGE, List.copyOf(chunks), null, null, null));
      return this;
    }

    /** A reasoning item whose summary text is streamed as the given chunks. */
    public Builder reasoning(List<String> summaryChunks) {
      items.add(new Item(Kind.REASONING, List.copyOf(summaryChunks), null, null, null));
      return this;
    }

    /** A function call with a fresh {@code call_id}. See {@link ScriptedReply#functionCall}. */
    public Builder functionCall(String name, Object arguments) {
      return functionCall(name, arguments, "call_" + CALL_IDS.incrementAndGet());
    }

    /** A function call with the given {@code call_id}. */
    public Builder functionCall(String name, Object arguments, String callId) {
      String args = arguments instanceof String ? (String) arguments : Json.write(arguments);
      items.add(new Item(Kind.FUNCTION_CALL, List.of(), name, args, callId));
      return this;
    }

    /** Token counts reported in {@code response.completed} (defaults 20 in / 10 out). */
    public Builder usage(long inputTokens, long outputTokens) {
      this.inputTokens = inputTokens;
      this.outputTokens = outputTokens;
      return this;
    }

    /** The finished reply. */
    public ScriptedReply build() {
      if (items.isEmpty()) {
        throw new IllegalStateException("a streamed reply needs at least one output item");
      }
      return new Stream(List.copyOf(items), inputTokens, outputTokens);
    }
  }

  // ---------------------------------------------------------------- implementations

  enum Kind {
    MESSAGE,
    STREAMED_MESSAGE,
    REASONING,
    FUNCTION_CALL
  }

  record Item(Kind kind, List<String> chunks, String name, String arguments, String callId) {}

  /** A complete SSE stream, rendered into one buffer and written in one pass. */
  static final class Stream extends ScriptedReply {
    private final List<Item> items;
    private final long inputTokens;
    private final long outputTokens;

    Stream(List<Item> items, long inputTokens, long outputTokens) {
      this.items = items;
      this.inputTokens = inputTokens;
      this.outputTokens = outputTokens;
    }

    @Override
    public String callId() {
      return items.stream()
          .filter(i -> i.kind() == Kind.FUNCTION_CALL)
          .map(Item::callId)
          .findFirst()
          .orElse(null);
    }

    @Override
    void respond(ScriptedModelServer.Exchange ex) throws Exception {
      SseWriter sse = new SseWriter();
      String responseId = ex.nextId("resp");
      sse.event("response.created", created(responseId));
      ArrayNode output = Json.array();
      for (int index = 0; index < items.size(); index++) {
        output.add(writeItem(sse, ex, items.get(index), index));
      }
      ObjectNode completed = Json.object().put("type", "response.completed");
      ObjectNode response =
          completed
              .putObject("response")
              .put("id", responseId)
              .put("object", "response")
              .put("status", "completed")
              .put("model", "mock-model");
      response.set("output", output);
      ObjectNode usage = response.putObject("usage");
      usage.put("input_tokens", inputTokens);
      usage.putObject("input_tokens_details").put("cached_tokens", 0);
      usage.put("output_tokens", outputTokens);
      usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
      usage.put("total_tokens", inputTokens + outputTokens);
      sse.event("response.completed", completed);
      ex.sendSse(sse.bytes());
    }

    private static ObjectNode writeItem(
        SseWriter sse, ScriptedModelServer.Exchange ex, Item item, int index) {
      switch (item.kind()) {
        case MESSAGE:
          {
            ObjectNode done = message(ex.nextId("msg"), String.join("", item.chunks()));
            sse.event(
                "response.output_item.done", itemEvent("response.output_item.done", index, done));
            return done;
          }
        case STREAMED_MESSAGE:
          {
            String id = ex.nextId("msg");
            ObjectNode added = Json.object();
            added.put("type", "message").put("role", "assistant").put("id", id);
            added.put("status", "in_progress").putArray("content");
            sse.event(
                "response.output_item.added",
                itemEvent("response.output_item.added", index, added));
            StringBuilder full = new StringBuilder();
            for (String chunk : item.chunks()) {
              full.append(chunk);
              sse.event(
                  "response.output_text.delta",
                  Json.object()
                      .put("type", "response.output_text.delta")
                      .put("item_id", id)
                      .put("output_index", index)
                      .put("content_index", 0)
                      .put("delta", chunk));
            }
            String text = full.toString();
            sse.event(
                "response.output_text.done",
                Json.object()
                    .put("type", "response.output_text.done")
                    .put("item_id", id)
                    .put("output_index", index)
                    .put("content_index", 0)
                    .put("text", text));
            ObjectNode done = message(id, text);
            sse.event(
                "response.output_item.done", itemEvent("response.output_item.done", index, done));
            return done;
          }
        case REASONING:
          {
            String id = ex.nextId("rs");
            ObjectNode added = Json.object().put("type", "reasoning").put("id", id);
            added.putArray("summary");
            sse.event(
                "response.output_item.added",
                itemEvent("response.output_item.added", index, added));
            sse.event(
                "response.reasoning_summary_part.added",
                Json.object()
                    .put("type", "response.reasoning_summary_part.added")
                    .put("item_id", id)
                    .put("output_index", index)
                    .put("summary_index", 0));
            StringBuilder full = new StringBuilder();
            for (String chunk : item.chunks()) {
              full.append(chunk);
              sse.event(
                  "response.reasoning_summary_text.delta",
                  Json.object()
                      .put("type", "response.reasoning_summary_text.delta")
                      .put("item_id", id)
                      .put("output_index", index)
                      .put("summary_index", 0)
                      .put("delta", chunk));
            }
            sse.event(
                "response.reasoning_summary_text.done",
                Json.object()
                    .put("type", "response.reasoning_summary_text.done")
                    .put("item_id", id)
                    .put("output_index", index)
                    .put("summary_index", 0)
                    .put("text", full.toString()));
            ObjectNode done = Json.object().put("type", "reasoning").put("id", id);
            done.putArray("summary")
                .addObject()
                .put("type", "summary_text")
                .put("text", full.toString());
            sse.event(
                "response.output_item.done", itemEvent("response.output_item.done", index, done));
            return done;
          }
        case FUNCTION_CALL:
          {
            ObjectNode done =
                Json.object()
                    .put("type", "function_call")
                    .put("id", ex.nextId("fc"))
                    .put("status", "completed")
                    .put("call_id", item.callId())
                    .put("name", item.name())
                    .put("arguments", item.arguments());
            sse.event(
                "response.output_item.done", itemEvent("response.output_item.done", index, done));
            return done;
          }
        default:
          throw new AssertionError(item.kind());
      }
    }

    private static ObjectNode created(String responseId) {
      ObjectNode created = Json.object().put("type", "response.created");
      created
          .putObject("response")
          .put("id", responseId)
          .put("object", "response")
          .put("status", "in_progress")
          .put("model", "mock-model")
          .putArray("output");
      return created;
    }

    private static ObjectNode message(String id, String text) {
      ObjectNode msg =
          Json.object()
              .put("type", "message")
              .put("role", "assistant")
              .put("id", id)
              .put("status", "completed");
      ObjectNode part = msg.putArray("content").addObject();
      part.put("type", "output_text").put("text", text).putArray("annotations");
      return msg;
    }

    private static ObjectNode itemEvent(String type, int index, ObjectNode item) {
      ObjectNode event = Json.object().put("type", type).put("output_index", index);
      event.set("item", item);
      return event;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("stream[");
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        if (i > 0) {
          sb.append(", ");
        }
        switch (item.kind()) {
          case FUNCTION_CALL:
            sb.append(item.name()).append(item.arguments());
            break;
          case STREAMED_MESSAGE:
            sb.append("streamed message (").append(item.chunks().size()).append(" deltas)");
            break;
          case REASONING:
            sb.append("reasoning (").append(item.chunks().size()).append(" deltas)");
            break;
          default:
            sb.append("message ").append(abbreviate(String.join("", item.chunks())));
        }
      }
      return sb.append(']').toString();
    }
  }

  static final class HttpError extends ScriptedReply {
    private final int status;
    private final String body;

    HttpError(int status, String body) {
      this.status = status;
      this.body = body;
    }

    @Override
    void respond(ScriptedModelServer.Exchange ex) throws Exception {
      ex.sendJson(status, body);
    }

    @Override
    public String toString() {
      return "http " + status + " " + body;
    }
  }

  static final class Dropped extends ScriptedReply {
    @Override
    void respond(ScriptedModelServer.Exchange ex) throws Exception {
      SseWriter sse = new SseWriter();
      sse.event("response.created", Stream.created(ex.nextId("resp")));
      ex.sendSse(sse.bytes());
    }

    @Override
    public String toString() {
      return "dropped stream";
    }
  }

  static final class Gated extends ScriptedReply {
    private final CompletableFuture<?> gate;
    private final ScriptedReply reply;

    Gated(CompletableFuture<?> gate, ScriptedReply reply) {
      this.gate = gate;
      this.reply = reply;
    }

    @Override
    public String callId() {
      return reply.callId();
    }

    @Override
    void respond(ScriptedModelServer.Exchange ex) throws Exception {
      if (!ex.awaitGate(gate)) {
        return; // server closed while holding
      }
      reply.respond(ex);
    }

    @Override
    public String toString() {
      return "gated " + reply;
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? '"' + s + '"' : '"' + s.substring(0, 57) + "...\"";
  }
}

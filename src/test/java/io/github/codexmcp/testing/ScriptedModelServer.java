package io.github.codexmcp.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.codexmcp.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A scripted OpenAI Responses-API model server on {@code 127.0.0.1} (ephemeral port) for driving
 * the real Codex CLI in tests (spec 95).
 *
 * <p>codex {@code POST}s {@code /v1/responses}; each request body is recorded (as a Jackson {@link
 * JsonNode}) and answered with the first reply that applies:
 *
 * <ol>
 *   <li>the head of the FIFO queue filled with {@link #enqueue} (every model request, including the
 *       follow-up request that carries a tool result, consumes one queued reply);
 *   <li>a keyword rule ({@link #onUserMessageContaining}) whose keyword occurs in the text of the
 *       last input item, when that item is a user message (rules are not consumed; the first
 *       matching rule in registration order wins);
 *   <li>when the last input item is a tool result ({@code function_call_output} or another {@code
 *       *_output} type): a plain assistant message ({@link #toolOutputReplyText}, default {@code
 *       "done"}) so the turn ends;
 *   <li>otherwise a plain assistant message with {@link #defaultText} (default {@code "scripted
 *       default answer"}).
 * </ol>
 *
 * <p>Requests to other paths are answered with 404 and recorded in {@link #otherRequests()}.
 * Waiting helpers ({@link #awaitRequestCount}, {@link #awaitRequest}) block on a monitor that is
 * notified on every recorded request; they never poll.
 *
 * <pre>{@code
 * try (ScriptedModelServer model = ScriptedModelServer.start()) {
 *   model.enqueue(ScriptedReply.command("echo hi > made.txt"));   // then "done" by fallback
 *   ... run codex against model.port() ...
 *   List<JsonNode> reqs = model.awaitRequestCount(2, Duration.ofSeconds(10));
 *   assertTrue(ScriptedModelServer.lastInputIsToolOutput(reqs.get(1)));
 * }
 * }</pre>
 */
public final class ScriptedModelServer implements AutoCloseable {
  /** Text of the fallback reply to a request whose last input item is a user message. */
  public static final String DEFAULT_TEXT = "scripted default answer";

  /** Text of the fallback reply to a request whose last input item is a tool result. */
  public static final String DEFAULT_TOOL_OUTPUT_REPLY = "done";

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService executor;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final AtomicLong ids = new AtomicLong();

  private final Object lock = new Object();
  private final Deque<ScriptedReply> queue = new ArrayDeque<>();
  private final Map<String, ScriptedReply> keywordRules = new LinkedHashMap<>();
  private final List<RecordedRequest> recorded = new ArrayList<>();
  private final List<RecordedRequest> others = new ArrayList<>();
  private final List<String> handlerErrors = new ArrayList<>();
  private String defaultText = DEFAULT_TEXT;
  private String toolOutputReplyText = DEFAULT_TOOL_OUTPUT_REPLY;

  /**
   * One recorded {@code POST /v1/responses} (or other request, with {@code body} null when it was
   * not JSON).
   *
   * @param index 0-based position among the recorded model requests (or among other requests)
   * @param method HTTP method
   * @param path request path, e.g. {@code /v1/responses}
   * @param headers request headers, lower-case names
   * @param body parsed JSON body, or null
   * @param reply description of the reply that was chosen
   */
  public record RecordedRequest(
      int index,
      String method,
      String path,
      Map<String, List<String>> headers,
      JsonNode body,
      String reply) {}

  private ScriptedModelServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on {@code 127.0.0.1} with an ephemeral port. */
  public static ScriptedModelServer start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    ExecutorService executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "scripted-model-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ScriptedModelServer model = new ScriptedModelServer(server, executor);
    server.createContext("/", model::handle);
    server.setExecutor(executor);
    server.start();
    return model;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:<port>/v1}, the provider {@code base_url}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + "/v1";
  }

  // ---------------------------------------------------------------- scripting

  /** Appends replies to the FIFO queue; each model request consumes one. */
  public ScriptedModelServer enqueue(ScriptedReply... replies) {
    synchronized (lock) {
      for (ScriptedReply reply : replies) {
        queue.addLast(Objects.requireNonNull(reply));
      }
    }
    return this;
  }

  /**
   * Registers a reusable rule: a request whose last input item is a user message containing {@code
   * keyword} gets {@code reply} (when the queue is empty). Handy for concurrent sessions, where the
   * order of requests is not deterministic.
   */
  public ScriptedModelServer onUserMessageContaining(String keyword, ScriptedReply reply) {
    synchronized (lock) {
      keywordRules.put(Objects.requireNonNull(keyword), Objects.requireNonNull(reply));
    }
    return this;
  }

  /** Sets the text of the fallback reply to a user message. */
  public ScriptedModelServer defaultText(String text) {
    synchronized (lock) {
      defaultText = Objects.requireNonNull(text);
    }
    return this;
  }

  /** Sets the text of the fallback reply to a tool result (ends the turn). */
  public ScriptedModelServer toolOutputReplyText(String text) {
    synchronized (lock) {
      toolOutputReplyText = Objects.requireNonNull(text);
    }
    return this;
  }

  /** Number of replies still queued. */
  public int queuedReplies() {
    synchronized (lock) {
      return queue.size();
    }
  }

  // ---------------------------------------------------------------- inspection

  /** Bodies of all model requests received so far, in arrival order. */
  public List<JsonNode> requests() {
    synchronized (lock) {
      List<JsonNode> out = new ArrayList<>(recorded.size());
      for (RecordedRequest r : recorded) {
        out.add(r.body());
      }
      return out;
    }
  }

  /** All model requests with path, headers and the chosen reply. */
  public List<RecordedRequest> recordedRequests() {
    synchronized (lock) {
      return List.copyOf(recorded);
    }
  }

  /** Requests to paths other than {@code .../responses} (answered 404). */
  public List<RecordedRequest> otherRequests() {
    synchronized (lock) {
      return List.copyOf(others);
    }
  }

  /** Errors thrown while answering (a client that hung up mid-stream shows up here). */
  public List<String> handlerErrors() {
    synchronized (lock) {
      return List.copyOf(handlerErrors);
    }
  }

  /** Number of model requests received so far. */
  public int requestCount() {
    synchronized (lock) {
      return recorded.size();
    }
  }

  /** Body of the model request at {@code index} (0-based). */
  public JsonNode request(int index) {
    synchronized (lock) {
      return recorded.get(index).body();
    }
  }

  /** Body of the latest model request; fails if there was none. */
  public JsonNode lastRequest() {
    synchronized (lock) {
      if (recorded.isEmpty()) {
        throw new AssertionError("the scripted model server received no request");
      }
      return recorded.get(recorded.size() - 1).body();
    }
  }

  /**
   * Waits until at least {@code n} model requests have arrived and returns all bodies; throws
   * {@link AssertionError} on timeout (listing what did arrive).
   */
  public List<JsonNode> awaitRequestCount(int n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (recorded.size() < n) {
        waitUntil(deadline, () -> "expected " + n + " model requests");
      }
      return requests();
    }
  }

  /**
   * Waits for the first model request (already received or future) whose body matches {@code
   * predicate}; throws {@link AssertionError} on timeout.
   */
  public JsonNode awaitRequest(Predicate<JsonNode> predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    synchronized (lock) {
      while (true) {
        for (; checked < recorded.size(); checked++) {
          JsonNode body = recorded.get(checked).body();
          if (predicate.test(body)) {
            return body;
          }
        }
        waitUntil(deadline, () -> "expected a model request matching the predicate");
      }
    }
  }

  /** Called with {@code lock} held. */
  private void waitUntil(long deadline, java.util.function.Supplier<String> what) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new AssertionError(what.get() + "; got " + describeLocked());
    }
    try {
      TimeUnit.NANOSECONDS.timedWait(lock, remaining);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting: " + what.get(), e);
    }
  }

  private String describeLocked() {
    StringBuilder sb = new StringBuilder().append(recorded.size()).append(" request(s)");
    for (RecordedRequest r : recorded) {
      sb.append("\n  #")
          .append(r.index())
          .append(" last input: ")
          .append(ScriptedReply.abbreviate(describeItem(lastInputItem(r.body()))))
          .append(" -> ")
          .append(r.reply());
    }
    if (!others.isEmpty()) {
      sb.append("\n  other requests: ");
      for (RecordedRequest r : others) {
        sb.append(r.method()).append(' ').append(r.path()).append("; ");
      }
    }
    return sb.toString();
  }

  private static String describeItem(JsonNode item) {
    if (item == null) {
      return "<none>";
    }
    String type = Json.text(item, "type");
    if (isToolOutput(item)) {
      return type + " " + Json.text(item, "call_id");
    }
    String text = itemText(item);
    return (type == null ? "item" : type) + "/" + Json.text(item, "role") + " " + text;
  }

  // ---------------------------------------------------------------- request helpers

  /** The last element of the request's {@code input} array, or null. */
  public static JsonNode lastInputItem(JsonNode request) {
    JsonNode input = request == null ? null : request.get("input");
    if (input == null || !input.isArray() || input.isEmpty()) {
      return null;
    }
    return input.get(input.size() - 1);
  }

  /** Whether the last input item is a tool result ({@code function_call_output} etc.). */
  public static boolean lastInputIsToolOutput(JsonNode request) {
    return isToolOutput(lastInputItem(request));
  }

  /** Whether the last input item is a user message. */
  public static boolean lastInputIsUserMessage(JsonNode request) {
    JsonNode item = lastInputItem(request);
    return item != null && "user".equals(Json.text(item, "role"));
  }

  /** Text of the last user message in the request's input, or null if there is none. */
  public static String lastUserText(JsonNode request) {
    JsonNode input = request == null ? null : request.get("input");
    if (input == null || !input.isArray()) {
      return null;
    }
    for (int i = input.size() - 1; i >= 0; i--) {
      JsonNode item = input.get(i);
      if ("user".equals(Json.text(item, "role"))) {
        return itemText(item);
      }
    }
    return null;
  }

  /** Every {@code function_call_output} item ({@code call_id} → {@code output} text). */
  public static Map<String, String> toolOutputs(JsonNode request) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode input = request == null ? null : request.get("input");
    if (input != null && input.isArray()) {
      for (JsonNode item : input) {
        if (isToolOutput(item)) {
          JsonNode output = item.get("output");
          out.put(
              Json.text(item, "call_id"),
              output == null ? null : output.isTextual() ? output.asText() : Json.write(output));
        }
      }
    }
    return out;
  }

  /** Names of the tools offered to the model ({@code tools[].name}). */
  public static List<String> toolNames(JsonNode request) {
    List<String> names = new ArrayList<>();
    JsonNode tools = request == null ? null : request.get("tools");
    if (tools != null && tools.isArray()) {
      for (JsonNode tool : tools) {
        String name = Json.text(tool, "name");
        if (name == null && tool.has("function")) {
          name = Json.text(tool.get("function"), "name");
        }
        names.add(name != null ? name : Json.text(tool, "type"));
      }
    }
    return names;
  }

  /** Whether any text in the request's {@code input} contains {@code needle}. */
  public static boolean inputContains(JsonNode request, String needle) {
    JsonNode input = request == null ? null : request.get("input");
    return input != null && Json.write(input).contains(jsonEscaped(needle));
  }

  private static String jsonEscaped(String s) {
    String quoted = Json.write(s);
    return quoted.substring(1, quoted.length() - 1);
  }

  private static boolean isToolOutput(JsonNode item) {
    String type = item == null ? null : Json.text(item, "type");
    return type != null && type.endsWith("_output");
  }

  private static String itemText(JsonNode item) {
    JsonNode content = item.get("content");
    if (content == null) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      String text = Json.text(part, "text");
      if (text != null) {
        sb.append(text);
      }
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- serving

  private void handle(HttpExchange http) {
    Exchange ex = new Exchange(http);
    try (http) {
      String method = http.getRequestMethod();
      String path = http.getRequestURI().getPath();
      byte[] raw = readBody(http);
      JsonNode body = null;
      if (raw.length > 0) {
        try {
          body = Json.MAPPER.readTree(raw);
        } catch (IOException e) {
          body = null;
        }
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      http.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
      if (!"POST".equals(method) || !path.endsWith("/responses")) {
        synchronized (lock) {
          others.add(new RecordedRequest(others.size(), method, path, headers, body, "404"));
          lock.notifyAll();
        }
        ex.sendJson(404, "{\"error\":{\"message\":\"not scripted: " + path + "\"}}");
        return;
      }
      if (body == null) {
        String error = "unparseable model request body (" + raw.length + " bytes)";
        synchronized (lock) {
          handlerErrors.add(error);
        }
        ex.sendJson(400, "{\"error\":{\"message\":\"" + error + "\"}}");
        return;
      }
      ScriptedReply reply;
      synchronized (lock) {
        reply = choose(body);
        recorded.add(
            new RecordedRequest(recorded.size(), method, path, headers, body, reply.toString()));
        lock.notifyAll();
      }
      reply.respond(ex);
    } catch (Exception e) {
      synchronized (lock) {
        handlerErrors.add(e.toString());
      }
    }
  }

  /** Called with {@code lock} held. */
  private ScriptedReply choose(JsonNode body) {
    ScriptedReply queued = queue.pollFirst();
    if (queued != null) {
      return queued;
    }
    JsonNode last = lastInputItem(body);
    if (last != null && "user".equals(Json.text(last, "role"))) {
      String text = itemText(last);
      for (Map.Entry<String, ScriptedReply> rule : keywordRules.entrySet()) {
        if (text.contains(rule.getKey())) {
          return rule.getValue();
        }
      }
    }
    if (isToolOutput(last)) {
      return ScriptedReply.text(toolOutputReplyText);
    }
    return ScriptedReply.text(defaultText);
  }

  private static byte[] readBody(HttpExchange http) throws IOException {
    String encoding = http.getRequestHeaders().getFirst("Content-Encoding");
    try (InputStream in = http.getRequestBody()) {
      if (encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding)) {
        return in.readAllBytes();
      }
      if ("gzip".equalsIgnoreCase(encoding)) {
        try (InputStream gz = new GZIPInputStream(in)) {
          return gz.readAllBytes();
        }
      }
      throw new IOException("unsupported request Content-Encoding: " + encoding);
    }
  }

  /** Stops the server at once, releasing {@link ScriptedReply#gated gated} replies. */
  @Override
  public void close() {
    closed.complete(null);
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "ScriptedModelServer[" + baseUrl() + ", " + describeLocked() + "]";
    }
  }

  /** The reply side of one HTTP exchange, handed to {@link ScriptedReply#respond}. */
  final class Exchange {
    private final HttpExchange http;

    private Exchange(HttpExchange http) {
      this.http = http;
    }

    String nextId(String prefix) {
      return prefix + "_" + ids.incrementAndGet();
    }

    /** Sends an SSE body of known length in one write. */
    void sendSse(byte[] body) throws IOException {
      http.getResponseHeaders().set("Content-Type", "text/event-stream");
      http.getResponseHeaders().set("Cache-Control", "no-cache");
      http.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(body);
      }
    }

    void sendJson(int status, String json) throws IOException {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      http.getResponseHeaders().set("Content-Type", "application/json");
      http.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(bytes);
      }
    }

    /** Waits for {@code gate}; false if the server closed first. */
    boolean awaitGate(CompletableFuture<?> gate) throws InterruptedException {
      try {
        CompletableFuture.anyOf(gate, closed).get();
      } catch (ExecutionException e) {
        // a failed gate releases the reply as well
      }
      return !closed.isDone();
    }
  }
}

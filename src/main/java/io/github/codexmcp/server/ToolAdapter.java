package io.github.codexmcp.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.client.ClientLog;
import io.github.codexmcp.tools.RequestContext;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.tools.ToolOutcome;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Runs tool calls: validates arguments against the input schema (reporting violations in the
 * contract's format), runs the handler on the work pool so the stdin reader never waits, and
 * renders {@link ToolOutcome}s as MCP results ({@link ToolResult}). Calls come from the SDK ({@link
 * #specification}: before the client is initialized) or straight from the transport ({@link
 * ToolCalls}: after).
 *
 * <p><b>Threads.</b> A call runs on the call pool ({@code work} here: a pool of its own, not the
 * one the sessions' inboxes run on, so calls waiting for the client never hold up Codex's reports);
 * it first waits there until the output queue has room ({@link OutputRoom}), so that a client that
 * stopped reading does not make the server build answers it cannot take. Exception: a call the
 * handler declares a {@linkplain ToolHandler#isQuickRead quick read} (listing sessions, a small
 * poll) runs on the stdin reader thread, which saves a thread hand-over per call. Calls made before
 * start-up {@code ready} completes wait for it on the work pool. A handler's future that completes
 * later (a long poll woken by a session's change on the thread that made it: a session inbox, the
 * timer) is rendered, and its response queued, on the work pool: the thread that completed it only
 * hands over.
 *
 * <p><b>Locks.</b> One permit ({@code backlogBuilder}, a semaphore): while the output has a
 * backlog, a call-pool thread takes it before it builds an answer (which may run the handler:
 * writes to Codex, disk, git) and keeps it until the output has room for the built answer, so a
 * client that stopped reading makes the others wait here instead of each holding a built answer in
 * memory. It is the one lock held while waiting for the MCP client, on purpose; it is never taken
 * on the stdin reader thread (quick reads skip it) nor by a thread that holds another lock.
 */
public final class ToolAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(ToolAdapter.class);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final JsonSchemaValidator validator;
  private final Executor work;
  private final CompletableFuture<?> ready;
  private final CancellationRegistry cancellations;
  private final ClientLog clientLog;
  private final OutputRoom room;

  /** Waits until the output can take another answer (may block; called on work threads). */
  @FunctionalInterface
  public interface OutputRoom {
    OutputRoom NONE = () -> false;

    /** Waits for room; returns whether lines are still queued (the client reads slowly). */
    boolean await() throws InterruptedException;
  }

  /**
   * While the output has a backlog, one answer is built at a time, and the next only once the
   * output has room for the one built: each holds its whole result in memory until it is queued.
   */
  private final Semaphore backlogBuilder = new Semaphore(1);

  /** Calls run on {@code work} once {@code ready} has completed (in any way). */
  public ToolAdapter(
      JsonSchemaValidator validator,
      Executor work,
      CompletableFuture<?> ready,
      CancellationRegistry cancellations,
      ClientLog clientLog) {
    this(validator, work, ready, cancellations, clientLog, OutputRoom.NONE);
  }

  /** As above; a call on the work pool first waits for {@code room}. */
  public ToolAdapter(
      JsonSchemaValidator validator,
      Executor work,
      CompletableFuture<?> ready,
      CancellationRegistry cancellations,
      ClientLog clientLog,
      OutputRoom room) {
    this.validator = validator;
    this.work = work;
    this.ready = ready;
    this.cancellations = cancellations;
    this.clientLog = clientLog;
    this.room = room;
  }

  /**
   * The SDK tool record built from a definition document: the record Jackson would bind, built by
   * hand because binding it costs tens of milliseconds of reflection before {@code initialize} is
   * answered. Icons are not used.
   */
  public static McpSchema.Tool toSdkTool(ObjectNode definition) {
    JsonNode a = definition.get("annotations");
    McpSchema.ToolAnnotations annotations =
        a == null || a.isNull()
            ? null
            : new McpSchema.ToolAnnotations(
                Json.text(a, "title"),
                bool(a, "readOnlyHint"),
                bool(a, "destructiveHint"),
                bool(a, "idempotentHint"),
                bool(a, "openWorldHint"),
                bool(a, "returnDirect"));
    return new McpSchema.Tool(
        Json.text(definition, "name"),
        Json.text(definition, "title"),
        Json.text(definition, "description"),
        map(definition.get("inputSchema")),
        map(definition.get("outputSchema")),
        annotations,
        map(definition.get("_meta")),
        null);
  }

  private static Boolean bool(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asBoolean();
  }

  private static Map<String, Object> map(JsonNode node) {
    return node == null || node.isNull() ? null : Json.MAPPER.convertValue(node, MAP);
  }

  public McpServerFeatures.AsyncToolSpecification specification(
      ObjectNode definition, ToolHandler handler) {
    McpSchema.Tool tool = toSdkTool(definition);
    Map<String, Object> inputSchema = tool.inputSchema();
    return new McpServerFeatures.AsyncToolSpecification(
        tool,
        (exchange, request) ->
            Mono.fromFuture(() -> invoke(handler, inputSchema, exchange, request)));
  }

  /** A call the SDK hands over: its arguments as a tree, progress through {@code exchange}. */
  CompletableFuture<McpSchema.CallToolResult> invoke(
      ToolHandler handler,
      Map<String, Object> inputSchema,
      McpAsyncServerExchange exchange,
      McpSchema.CallToolRequest request) {
    Map<String, Object> meta = request.meta();
    Object requestId = meta == null ? null : meta.get(StdioTransportProvider.REQUEST_ID_META);
    Object token = request.progressToken();
    Progress progress =
        token == null || exchange == null
            ? null
            : (value, total, message) ->
                exchange
                    .progressNotification(
                        new McpSchema.ProgressNotification(token, value, total, message))
                    .subscribe(
                        x -> {}, e -> LOG.debug("progress notification failed: {}", e.toString()));
    ObjectNode args =
        request.arguments() == null ? Json.object() : Json.MAPPER.valueToTree(request.arguments());
    return call(handler, inputSchema, args, requestId, progress).thenApply(ToolResult::toSdk);
  }

  /** Where a call's progress notifications go; null when the client asked for none. */
  @FunctionalInterface
  interface Progress {
    /** Sends one progress notification (never blocks: the message is queued). */
    void send(double progress, Double total, String message);
  }

  /**
   * Runs a tool call: on this thread when it is a {@linkplain ToolHandler#isQuickRead quick read},
   * else on the call pool; validation errors and failures become results. {@code args} is not
   * modified.
   *
   * @param requestId the request's id (cancellation), or null
   * @param progress where progress goes, or null
   */
  CompletableFuture<ToolResult> call(
      ToolHandler handler,
      Map<String, Object> inputSchema,
      ObjectNode args,
      Object requestId,
      Progress progress) {
    long started = System.nanoTime();
    CompletableFuture<ToolResult> result =
        (!ready.isDone()
                ? ready.handleAsync(
                    (v, t) -> prepareWhenRoom(handler, inputSchema, args, requestId, progress),
                    work)
                : handler.isQuickRead(args)
                    ? inline(() -> prepare(handler, inputSchema, args, requestId, progress))
                    : CompletableFuture.supplyAsync(
                        () -> prepareWhenRoom(handler, inputSchema, args, requestId, progress),
                        work))
            .thenCompose(f -> f)
            .exceptionally(t -> result(ToolOutcome.thrown(t)));
    return result.whenComplete(
        (r, t) -> {
          if (requestId != null) {
            cancellations.release(requestId);
          }
          LOG.debug(
              "[codex-mcp] {} took {} ms",
              handler.name(),
              (System.nanoTime() - started) / 1_000_000);
        });
  }

  /** Runs {@code body} on this thread (a quick read on the thread that read the request). */
  private static <T> CompletableFuture<T> inline(Supplier<T> body) {
    try {
      return CompletableFuture.completedFuture(body.get());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** {@link #prepare} once the output has room (on a work thread). */
  private CompletableFuture<ToolResult> prepareWhenRoom(
      ToolHandler handler,
      Map<String, Object> inputSchema,
      ObjectNode args,
      Object requestId,
      Progress progress) {
    boolean permit = permitIfBacklog();
    CompletableFuture<ToolResult> answer;
    try {
      answer = prepare(handler, inputSchema, args, requestId, progress);
    } catch (RuntimeException e) {
      if (permit) {
        backlogBuilder.release();
      }
      throw e;
    }
    if (permit) {
      if (answer.isDone()) {
        // built: keep others from building until the output can take it, so a stalled client
        // makes the server hold one answer being written and one ready, not one per thread
        awaitRoomQuietly();
      }
      backlogBuilder.release(); // (a long poll does not hold the permit while it waits)
    }
    return answer;
  }

  /** Renders a long poll's late outcome, one at a time while the output has a backlog. */
  private ToolResult renderWhenRoom(ToolOutcome outcome) {
    boolean permit = permitIfBacklog();
    try {
      ToolResult r = result(outcome);
      if (permit) {
        awaitRoomQuietly();
      }
      return r;
    } finally {
      if (permit) {
        backlogBuilder.release();
      }
    }
  }

  /**
   * Waits for room in the output; while lines are still queued there, also for the right to build
   * the next answer (true: release it afterwards).
   */
  private boolean permitIfBacklog() {
    try {
      if (room.await()) {
        backlogBuilder.acquire();
        return true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void awaitRoomQuietly() {
    try {
      room.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private CompletableFuture<ToolResult> prepare(
      ToolHandler handler,
      Map<String, Object> inputSchema,
      ObjectNode args,
      Object requestId,
      Progress progress) {
    List<String> issues = new ArrayList<>();
    JsonSchemaValidator.ValidationResponse v = validator.validate(inputSchema, args);
    if (!v.valid()) {
      issues.add(v.errorMessage());
    }
    if (issues.isEmpty()) {
      issues.addAll(handler.validate(args));
    }
    if (!issues.isEmpty()) {
      return CompletableFuture.completedFuture(inputError(handler.name(), issues));
    }
    RequestContext ctx = context(requestId, progress);
    try {
      return renderOnWorkPool(handler.call(args, ctx));
    } catch (RuntimeException e) {
      LOG.warn("[codex-mcp] tool {} failed", handler.name(), e);
      return CompletableFuture.completedFuture(result(ToolOutcome.thrown(e)));
    }
  }

  /**
   * Renders {@code outcome} on this thread when it is already complete, else on the work pool: the
   * thread that completes it later (a session change waking a long poll) must not render the answer
   * or write it to stdout.
   */
  CompletableFuture<ToolResult> renderOnWorkPool(CompletableFuture<ToolOutcome> outcome) {
    return outcome.isDone()
        ? outcome.thenApply(ToolAdapter::result)
        : outcome.thenApplyAsync(this::renderWhenRoom, work);
  }

  private RequestContext context(Object requestId, Progress progress) {
    CompletableFuture<Void> cancelled =
        requestId == null ? new CompletableFuture<>() : cancellations.register(requestId);
    return new RequestContext() {
      @Override
      public CompletableFuture<Void> cancelled() {
        return cancelled;
      }

      @Override
      public boolean wantsProgress() {
        return progress != null;
      }

      @Override
      public ClientLog log() {
        return clientLog;
      }

      @Override
      public void progress(double value, Double total, String message) {
        if (progress != null) {
          progress.send(value, total, message);
        }
      }
    };
  }

  /** The contract's input-validation error result. */
  static ToolResult inputError(String tool, List<String> issues) {
    String text =
        "MCP error -32602: Input validation error: Invalid arguments for tool "
            + tool
            + ": "
            + String.join("; ", issues);
    return ToolResult.ofText(text, null, true);
  }

  /** Renders an outcome in the contract's result envelope, as the SDK's record. */
  public static McpSchema.CallToolResult render(ToolOutcome outcome) {
    return result(outcome).toSdk();
  }

  /** Renders an outcome in the contract's result envelope. */
  static ToolResult result(ToolOutcome outcome) {
    if (outcome instanceof ToolOutcome.Deferred d) {
      return result(ToolOutcome.success(d.value().get()));
    }
    if (outcome instanceof ToolOutcome.Success s) {
      JsonNode value = s.value();
      ObjectNode structured;
      if (value instanceof ObjectNode o) {
        structured = o;
      } else {
        structured = Json.object();
        structured.set("value", value);
      }
      boolean isError = structured.path("isError").asBoolean(false) && structured.has("error");
      return ToolResult.ofObject(structured, isError);
    } else if (outcome instanceof ToolOutcome.Returned r) {
      return ToolResult.ofObject(r.errorObject(), true);
    } else if (outcome instanceof ToolOutcome.Thrown t) {
      ObjectNode structured = Json.object();
      structured.put("error", t.message());
      structured.put("isError", true);
      return ToolResult.ofText(t.message(), structured, true);
    }
    throw new IllegalStateException("unknown outcome " + outcome);
  }
}

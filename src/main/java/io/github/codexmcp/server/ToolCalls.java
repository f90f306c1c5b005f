package io.github.codexmcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.tools.ToolHandler;
import io.github.codexmcp.tools.ToolOutcome;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tools/call} requests read from stdin, before the SDK sees them.
 *
 * <p>Every call is checked first: parameters of the wrong shape (a name that is not a string,
 * arguments that are not an object) get an {@code Error [INVALID_ARGUMENT]} result with one log
 * line, an unknown tool the contract's "not found" result. A call that passes carries its request
 * id in {@code _meta}.
 *
 * <p>Once the client is initialized, a call then runs without the SDK's request pipeline: the
 * request tree goes straight to the {@link ToolAdapter} (which validates the arguments, runs the
 * tool on the reader or the call pool and renders the result), and the answer is written by
 * Jackson's generator as one line ({@link ToolResult#response}): the bytes the SDK would write,
 * without binding the request to the SDK's records and maps and back to a tree, and without making
 * a {@code String} of the result's text. A polled turn answers dozens of polls a second, each
 * carrying up to thousands of events; this is their path. What the SDK adds to a call is kept:
 * before {@code notifications/initialized} calls go to the SDK (which holds them until then),
 * progress notifications carry the call's {@code progressToken}, and a request the client cancelled
 * gets no answer ({@link InFlightRequests}). With {@code -Dcodexmcp.checkResults=true} every call
 * goes through the SDK, which then checks each result against its tool's output schema.
 *
 * <p><b>Threads.</b> {@link #register} and {@link #attach} run while the server is built; {@link
 * #handle} on the stdin reader thread; an answer is queued on the thread that finished the call
 * (the reader for a quick read, a call-pool thread otherwise). The tool table is a concurrent map,
 * {@code adapter} is volatile; no locks.
 */
final class ToolCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);

  private record Tool(ToolHandler handler, Map<String, Object> inputSchema) {}

  private final Supplier<Set<String>> toolNames;
  private final InFlightRequests inFlight;
  private final StdoutWriter output;
  private final Consumer<ObjectNode> notify;
  private final Map<String, Tool> tools = new ConcurrentHashMap<>();
  private volatile ToolAdapter adapter;

  /**
   * @param toolNames the names of the tools the server has
   * @param notify queues a notification of this server's own
   */
  ToolCalls(
      Supplier<Set<String>> toolNames,
      InFlightRequests inFlight,
      StdoutWriter output,
      Consumer<ObjectNode> notify) {
    this.toolNames = toolNames;
    this.inFlight = inFlight;
    this.output = output;
    this.notify = notify;
  }

  /** Calls after initialization run on {@code adapter} (unless results are to be checked). */
  void attach(ToolAdapter adapter) {
    if (!Boolean.getBoolean("codexmcp.checkResults")) {
      this.adapter = adapter;
    }
  }

  void register(String name, ToolHandler handler, Map<String, Object> inputSchema) {
    tools.put(name, new Tool(handler, inputSchema));
  }

  /**
   * Handles the {@code tools/call} {@code msg} with the request id {@code id}: true when it has
   * been answered or taken here, false when the SDK is to handle it.
   *
   * @param initialized whether {@code notifications/initialized} has been read
   */
  boolean handle(ObjectNode msg, JsonNode id, boolean initialized) {
    JsonNode params = msg.get("params");
    String refusal = ToolCallShape.refusal(params);
    if (refusal != null) {
      LOG.warn("[codex-mcp] tools/call {} refused: {}", id, refusal);
      write(id, ToolAdapter.result(ToolOutcome.thrown(CodexMcpException.invalid(refusal))));
      return true;
    }
    String name = params.get("name").textValue();
    if (!toolNames.get().contains(name)) {
      write(id, ToolResult.ofText("MCP error -32602: Tool " + name + " not found", null, true));
      return true;
    }
    ObjectNode p = (ObjectNode) params;
    JsonNode meta = p.get("_meta");
    ObjectNode m = meta instanceof ObjectNode mo ? mo : p.putObject("_meta");
    m.set(StdioTransportProvider.REQUEST_ID_META, id);
    ToolAdapter a = adapter;
    Tool tool = tools.get(name);
    if (a == null || tool == null || !initialized) {
      return false;
    }
    JsonNode given = p.get("arguments");
    ObjectNode args = given instanceof ObjectNode o ? o : Json.object();
    Object requestId = idValue(id);
    inFlight.started(requestId);
    a.call(tool.handler(), tool.inputSchema(), args, requestId, progress(p))
        .whenComplete(
            (r, t) -> {
              if (inFlight.shouldAnswer(requestId)) {
                write(id, r != null ? r : ToolAdapter.result(ToolOutcome.thrown(t)));
              }
            });
    return true;
  }

  private void write(JsonNode id, ToolResult result) {
    output.send(result.response(id), StdoutWriter.Kind.RESPONSE);
  }

  /** A request id as the SDK binds it (a number or a string): the key of in-flight requests. */
  private static Object idValue(JsonNode id) {
    return id.isNumber() ? id.numberValue() : id.asText();
  }

  /** Progress notifications for the call's {@code _meta.progressToken}, or null without one. */
  private ToolAdapter.Progress progress(ObjectNode params) {
    JsonNode token = params.path("_meta").get("progressToken");
    if (token == null || token.isNull()) {
      return null;
    }
    return (value, total, message) -> {
      ObjectNode n = Json.object();
      n.put("jsonrpc", McpSchema.JSONRPC_VERSION);
      n.put("method", McpSchema.METHOD_NOTIFICATION_PROGRESS);
      ObjectNode p = n.putObject("params");
      p.set("progressToken", token);
      p.put("progress", value);
      if (total != null) {
        p.put("total", total);
      }
      if (message != null) {
        p.put("message", message);
      }
      notify.accept(n);
    };
  }
}

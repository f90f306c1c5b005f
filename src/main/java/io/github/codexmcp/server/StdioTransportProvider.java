package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.ByteLineReader;
import io.github.codexmcp.jsonrpc.StringTreeParser;
import io.github.codexmcp.util.Json;
import io.github.codexmcp.util.ReusableBytes;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP over stdio that survives bad input. Unlike the SDK's stdio provider it answers a malformed
 * line with {@code -32700} and keeps reading, handles {@code notifications/cancelled} itself (the
 * wait ends and the cancelled request gets no answer, see {@link InFlightRequests}), answers calls
 * of unknown tools with the contract's error result, and reports end of input.
 *
 * <p>One reader thread ({@code stdio-inbound}); writes are serialised by a lock on the output.
 */
public final class StdioTransportProvider implements McpServerTransportProvider {
  private static final Logger LOG = LoggerFactory.getLogger(StdioTransportProvider.class);

  /** Key under {@code params._meta} where the JSON-RPC id of a tools/call is passed on. */
  public static final String REQUEST_ID_META = "codex-mcp/requestId";

  static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  private final McpJsonMapper mapper;
  private final InputStream in;
  private final OutputStream out;
  private final CancellationRegistry cancellations;
  private final Supplier<Set<String>> toolNames;
  private final Runnable onEndOfInput;
  private final boolean mayBreakLines;

  /** Serializes outgoing messages into a per-thread reused buffer; null when lines may break. */
  private final ObjectWriter direct;

  private final StringTreeParser strings = new StringTreeParser(); // the stdin reader's alone
  private final InFlightRequests inFlight = new InFlightRequests();

  private static final ThreadLocal<ReusableBytes> OUT_BUFFER =
      ThreadLocal.withInitial(() -> new ReusableBytes(16 * 1024, 1024 * 1024));
  private volatile McpServerSession session;
  private volatile boolean closed;
  private final AtomicReference<Runnable> afterFirstMessage = new AtomicReference<>(() -> {});
  private static final Runnable FIRED = () -> {};
  private volatile EarlyInitialize early;

  /**
   * Raw JSON id of an initialize already answered by {@link EarlyInitialize}; its SDK answer is
   * dropped.
   */
  private volatile String answeredInitializeId;

  public StdioTransportProvider(
      McpJsonMapper mapper,
      InputStream in,
      OutputStream out,
      CancellationRegistry cancellations,
      Supplier<Set<String>> toolNames,
      Runnable onEndOfInput) {
    this.mapper = mapper;
    this.mayBreakLines =
        objectMapper(mapper) == null
            || objectMapper(mapper).isEnabled(SerializationFeature.INDENT_OUTPUT);
    this.direct = mayBreakLines ? null : messageWriter(objectMapper(mapper));
    this.in = in;
    this.out = out;
    this.cancellations = cancellations;
    this.toolNames = toolNames;
    this.onEndOfInput = onEndOfInput;
  }

  /**
   * Continues after {@link EarlyInitialize}: its first line is replayed before the rest of stdin,
   * and the SDK's answer to an initialize it already answered is not written again. Must be called
   * before the session factory is set (before the server is built).
   */
  public void continueAfter(EarlyInitialize first) {
    this.early = first;
  }

  /**
   * Runs {@code action} once, right after the first message (normally the {@code initialize}
   * response) has been written, or at once if that has already happened. Start-up work that can
   * wait goes here, so that it does not compete with answering {@code initialize}.
   */
  public void afterFirstMessage(Runnable action) {
    Runnable prev = afterFirstMessage.getAndUpdate(p -> p == FIRED ? FIRED : action);
    if (prev == FIRED) {
      action.run();
    }
  }

  private void firstMessageWritten() {
    if (afterFirstMessage.get() != FIRED) {
      Runnable action = afterFirstMessage.getAndSet(FIRED);
      if (action != FIRED) {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.warn("[codex-mcp] post-start task failed: {}", e.toString());
        }
      }
    }
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory factory) {
    this.session = factory.create(new SessionTransport());
    Thread t = new Thread(this::readLoop, "stdio-inbound");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    McpServerSession s = session;
    return s == null ? Mono.empty() : s.sendNotification(method, params);
  }

  @Override
  public Mono<Void> closeGracefully() {
    closed = true;
    McpServerSession s = session;
    return s == null ? Mono.empty() : s.closeGracefully();
  }

  private void readLoop() {
    InputStream source = in;
    EarlyInitialize first = early;
    if (first != null) {
      EarlyInitialize.Result r = first.result().join();
      answeredInitializeId = r.answeredId();
      if (r.answeredId() != null) {
        firstMessageWritten();
      }
      source = EarlyInitialize.replay(r, in);
    }
    try (InputStream input = source) {
      ByteLineReader lines = new ByteLineReader(input, MAX_LINE_BYTES);
      while (!closed) {
        int n = lines.next();
        if (n == ByteLineReader.END) {
          break;
        }
        if (n == ByteLineReader.TOO_LONG) {
          writeError(
              null,
              McpSchema.ErrorCodes.PARSE_ERROR,
              "Parse error: message exceeds " + MAX_LINE_BYTES + " bytes");
          continue;
        }
        handleLine(lines.line(), n);
      }
    } catch (IOException e) {
      if (!closed) {
        LOG.warn("[codex-mcp] stdin error: {}", e.getMessage());
      }
    } catch (RuntimeException e) {
      LOG.error("[codex-mcp] stdin reader failed", e);
    } finally {
      if (!closed) {
        onEndOfInput.run();
      }
    }
  }

  /**
   * One line as read: parsed from its UTF-8 bytes with the parser that reads Codex's output too.
   * Blank lines are skipped; a line that is not valid UTF-8 is decoded with replacement characters
   * and handled as that text (as a character reader would have passed it on).
   */
  private void handleLine(byte[] bytes, int length) {
    int start = 0;
    while (start < length && isAsciiWhitespace(bytes[start])) {
      start++;
    }
    if (start == length) {
      return;
    }
    // a request is parsed as Codex's lines are: the light parse first, Jackson for the rest and
    // for anything malformed
    JsonNode node = strings.parse(bytes, start, length);
    if (node == null) {
      try {
        node = Json.MAPPER.readTree(bytes, 0, length);
      } catch (IOException e) {
        handleLine(new String(bytes, 0, length, StandardCharsets.UTF_8));
        return;
      }
    }
    handleMessage(node);
  }

  private static boolean isAsciiWhitespace(byte b) {
    return b == ' ' || (b >= 9 && b <= 13) || (b >= 28 && b <= 31);
  }

  void handleLine(String line) {
    if (line.isBlank()) {
      return;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      writeError(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: invalid JSON");
      return;
    }
    handleMessage(node);
  }

  private void handleMessage(JsonNode node) {
    if (node == null || !node.isObject()) {
      writeError(
          null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: expected a JSON object");
      return;
    }
    ObjectNode msg = (ObjectNode) node;
    JsonNode idNode = msg.get("id");
    Object id =
        idNode == null || idNode.isNull()
            ? null
            : idNode.isNumber() ? idNode.numberValue() : idNode.asText();
    String method = Json.text(msg, "method");
    if (method == null && !msg.has("result") && !msg.has("error")) {
      writeError(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: missing method");
      return;
    }
    if ("notifications/cancelled".equals(method)) {
      JsonNode rid = msg.path("params").get("requestId");
      if (rid != null && !rid.isNull()) {
        Object cancelledId = rid.isNumber() ? rid.numberValue() : rid.asText();
        if (inFlight.cancel(cancelledId)) {
          LOG.debug("[codex-mcp] request {} cancelled by the client; no answer", cancelledId);
        }
        cancellations.cancel(cancelledId);
      }
      return;
    }
    if (method != null && msg.has("id") && id == null) {
      writeError(
          null,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          "Invalid Request: id must be a string or number");
      return;
    }
    if ("tools/call".equals(method) && id != null && !prepareToolCall(msg, id)) {
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = toMessage(msg, method);
    } catch (RuntimeException e) {
      writeError(id, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: " + e.getMessage());
      return;
    }
    if (message instanceof McpSchema.JSONRPCRequest) {
      inFlight.started(id);
    }
    McpServerSession s = session;
    s.handle(message)
        .subscribe(
            v -> {}, err -> LOG.warn("[codex-mcp] request handling failed: {}", err.toString()));
  }

  /**
   * What {@link McpSchema#deserializeJsonRpcMessage} makes of the line, without writing the parsed
   * tree back to text and parsing it again: the SDK's message type, bound straight from the tree.
   */
  private McpSchema.JSONRPCMessage toMessage(ObjectNode msg, String method) {
    McpSchema.JSONRPCRequest call = toolCall(msg, method);
    if (call != null) {
      return call;
    }
    Class<? extends McpSchema.JSONRPCMessage> type;
    if (msg.has("method") && msg.has("id")) {
      type = McpSchema.JSONRPCRequest.class;
    } else if (msg.has("method")) {
      type = McpSchema.JSONRPCNotification.class;
    } else if (msg.has("result") || msg.has("error")) {
      type = McpSchema.JSONRPCResponse.class;
    } else {
      throw new IllegalArgumentException("Cannot deserialize JSONRPCMessage: " + msg);
    }
    try {
      return Json.MAPPER.treeToValue(msg, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * A {@code tools/call} request with a string or integer id as the request record Jackson would
   * bind, but with the parameters left as their tree ({@link RequestMapper} binds them); null for
   * any other message, which Jackson binds.
   */
  static McpSchema.JSONRPCRequest toolCall(ObjectNode msg, String method) {
    JsonNode idNode = msg.get("id");
    JsonNode version = msg.get("jsonrpc");
    if (!"tools/call".equals(method)
        || !(msg.get("params") instanceof ObjectNode params)
        || idNode == null
        || !(idNode.isTextual() || idNode.isInt() || idNode.isLong())
        || version == null
        || !version.isTextual()
        || version.textValue().isBlank()) {
      return null; // including what the record refuses: Jackson reports it, as before
    }
    Object id =
        idNode.isTextual()
            ? idNode.textValue()
            : idNode.isInt() ? (Object) idNode.intValue() : (Object) idNode.longValue();
    return new McpSchema.JSONRPCRequest(version.textValue(), method, id, params);
  }

  /** Unknown tools get the contract's error result; known ones carry their request id. */
  private boolean prepareToolCall(ObjectNode msg, Object id) {
    JsonNode params = msg.get("params");
    String name = Json.text(params, "name");
    if (name != null && !toolNames.get().contains(name)) {
      ObjectNode result = Json.object();
      result
          .putArray("content")
          .addObject()
          .put("type", "text")
          .put("text", "MCP error -32602: Tool " + name + " not found");
      result.put("isError", true);
      ObjectNode response = Json.object();
      response.put("jsonrpc", "2.0");
      response.set("id", msg.get("id"));
      response.set("result", result);
      writeLine(Json.write(response));
      return false;
    }
    if (params instanceof ObjectNode p) {
      JsonNode meta = p.get("_meta");
      ObjectNode m = meta instanceof ObjectNode mo ? mo : p.putObject("_meta");
      m.set(REQUEST_ID_META, msg.get("id"));
    }
    return true;
  }

  private void writeError(Object id, int code, String message) {
    ObjectNode response = Json.object();
    response.put("jsonrpc", "2.0");
    if (id == null) {
      response.putNull("id");
    } else {
      response.set("id", Json.MAPPER.valueToTree(id));
    }
    response.putObject("error").put("code", code).put("message", message);
    writeLine(Json.write(response));
  }

  /**
   * The writer of outgoing messages: characters beyond the BMP as UTF-8, as in the rendered text of
   * tool results ({@link ToolResultWriter}), not as escaped surrogate pairs. Lone surrogates are
   * still escaped.
   */
  /** The Jackson mapper behind {@code mapper}, or null when it is not one of ours or the SDK's. */
  private static ObjectMapper objectMapper(McpJsonMapper mapper) {
    if (mapper instanceof RequestMapper r) {
      return r.objectMapper();
    }
    return mapper instanceof JacksonMcpJsonMapper j ? j.getObjectMapper() : null;
  }

  static ObjectWriter messageWriter(ObjectMapper mapper) {
    return mapper.writer().with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);
  }

  /**
   * Serializes a message into this thread's reused buffer (outside the lock: other messages are not
   * held up meanwhile), then writes it as one line: no byte array per message (a poll result is
   * tens of kilobytes), and nothing on stdout when serialization fails half-way.
   */
  private void writeMessage(Object message) throws IOException {
    ReusableBytes b = OUT_BUFFER.get();
    try {
      if (!ToolResultWriter.write(message, b, direct)) {
        direct.writeValue(b, message);
      }
      emitLine(b::writeTo);
    } finally {
      b.clear();
    }
  }

  void writeLine(String json) {
    String safe =
        json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0
            ? json.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
            : json;
    writeLine(safe.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes one message of UTF-8 JSON and a newline. Jackson escapes line breaks inside strings and
   * writes none of its own unless it indents; only then (see {@link #mayBreakLines}) is the message
   * scanned, and a raw break (in UTF-8 the bytes 0x0A and 0x0D are only ever those characters)
   * sends it through the escaping text path above.
   */
  void writeLine(byte[] json) {
    if (mayBreakLines) {
      for (byte b : json) {
        if (b == '\n' || b == '\r') {
          writeLine(new String(json, StandardCharsets.UTF_8));
          return;
        }
      }
    }
    emitLine(o -> o.write(json));
  }

  /** Writes one JSON text. */
  private interface Body {
    void writeTo(OutputStream o) throws IOException;
  }

  /** Writes {@code body} and a newline to stdout as one line, under the output lock. */
  private void emitLine(Body body) {
    synchronized (out) {
      try {
        body.writeTo(out);
        out.write('\n');
        out.flush();
        StartupTrace.firstResponse();
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("[codex-mcp] failed to write to stdout: {}", e.getMessage());
        }
      }
    }
    firstMessageWritten();
  }

  private final class SessionTransport implements McpServerTransport {
    @Override
    public Mono<Void> closeGracefully() {
      return Mono.fromRunnable(() -> closed = true);
    }

    @Override
    public void close() {
      closed = true;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return Mono.fromRunnable(
          () -> {
            boolean answer =
                !(message instanceof McpSchema.JSONRPCResponse r) || inFlight.shouldAnswer(r.id());
            if (isAlreadyAnswered(message) || !answer) {
              return; // answered early, or cancelled by the client: nothing to send
            }
            try {
              if (direct != null) {
                writeMessage(message);
              } else {
                writeLine(mapper.writeValueAsBytes(message));
              }
            } catch (IOException e) {
              LOG.warn("[codex-mcp] failed to serialise a message: {}", e.getMessage());
            }
          });
    }

    /** True once, for the SDK's answer to the initialize that was answered early. */
    private boolean isAlreadyAnswered(McpSchema.JSONRPCMessage message) {
      String answered = answeredInitializeId;
      if (answered == null
          || !(message instanceof McpSchema.JSONRPCResponse r)
          || r.error() != null
          || r.id() == null) {
        return false;
      }
      String raw =
          r.id() instanceof Number n ? n.toString() : EarlyInitialize.quote(String.valueOf(r.id()));
      if (!raw.equals(answered)) {
        return false;
      }
      answeredInitializeId = null;
      return true;
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return mapper.convertValue(data, typeRef);
    }
  }
}

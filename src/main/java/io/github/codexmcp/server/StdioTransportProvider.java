package io.github.codexmcp.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.jsonrpc.ByteLineReader;
import io.github.codexmcp.util.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
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
 * <p><b>Threads.</b> One reader thread ({@code stdio-inbound}) reads and dispatches stdin lines;
 * the SDK's answers are serialised on the thread that produced them and queued to {@link
 * StdoutWriter}, whose own thread writes stdout. {@code session}, {@code closed}, {@code early} and
 * {@code answeredInitializeId} are volatile: set once by the building thread or the reader thread,
 * read by producers. The reader thread waits (join) for {@link EarlyInitialize}'s first lines,
 * before it serves anything; after that it blocks only on stdin and, when the client stops reading
 * stdout, on {@link StdoutWriter}'s room for the answers it writes itself (errors, refused calls,
 * quick reads): the client's own back-pressure, no lock held.
 */
public final class StdioTransportProvider implements McpServerTransportProvider {
  private static final Logger LOG = LoggerFactory.getLogger(StdioTransportProvider.class);

  /** Key under {@code params._meta} where the JSON-RPC id of a tools/call is passed on. */
  public static final String REQUEST_ID_META = "codex-mcp/requestId";

  static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  private final McpJsonMapper mapper;
  private final InputStream in;
  private final StdoutWriter output;
  private final CancellationRegistry cancellations;
  private final ToolCalls toolCalls;
  private final Runnable onEndOfInput;

  private final InFlightRequests inFlight = new InFlightRequests();
  private final CompletableFuture<Void> initialized = new CompletableFuture<>();
  private volatile boolean clientShowsForms;
  private volatile boolean clientTakesFormMode;
  private volatile Predicate<ObjectNode> responseTaker = m -> false;
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
    this.in = in;
    this.output = new StdoutWriter(out, this::firstMessageWritten, () -> closed);
    this.cancellations = cancellations;
    this.toolCalls = new ToolCalls(toolNames, inFlight, output, this::sendOwn);
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

  /** Waits until the output queue has room for another answer ({@link StdoutWriter}). */
  boolean awaitOutputRoom() throws InterruptedException {
    return output.awaitRoom();
  }

  /**
   * Waits up to {@code timeout} until every queued line has been written (shutdown: the last
   * answers reach the client before the process exits); true if they have.
   */
  public boolean drainOutput(Duration timeout) {
    try {
      return output.awaitDrained(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory factory) {
    this.session = factory.create(new SessionTransport());
    Thread t = new Thread(this::readLoop, "stdio-inbound");
    t.setDaemon(true);
    t.start();
  }

  /** Completes once the client has sent {@code notifications/initialized}. */
  CompletableFuture<Void> initialized() {
    return initialized;
  }

  /**
   * Responses the server's own requests get: {@code taker} sees each response the client sends and
   * returns true for those it takes (the SDK never sees them). Set once, while the server is built.
   */
  void takeResponses(Predicate<ObjectNode> taker) {
    this.responseTaker = taker;
  }

  /** Whether the client declared it can show forms ({@code elicitation}, form mode). */
  boolean clientShowsForms() {
    return clientShowsForms;
  }

  /** Whether the client names elicitation modes (it then expects {@code mode: "form"}). */
  boolean clientTakesFormMode() {
    return clientTakesFormMode;
  }

  /** Notes what the client can do from its {@code initialize} capabilities. */
  private void noteCapabilities(JsonNode params) {
    JsonNode e = params == null ? null : params.path("capabilities").get("elicitation");
    if (e != null && e.isObject()) {
      boolean namesModes = e.has("form") || e.has("url");
      clientTakesFormMode = namesModes;
      clientShowsForms = !namesModes || e.has("form");
    }
  }

  /** The MCP session (null before the server is built). */
  McpLoggableSession session() {
    return session;
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
   * One line as read, parsed by Jackson from its UTF-8 bytes ({@link IncomingLine}). Blank lines
   * are skipped.
   */
  private void handleLine(byte[] bytes, int length) {
    int start = 0;
    while (start < length && isAsciiWhitespace(bytes[start])) {
      start++;
    }
    if (start == length) {
      return;
    }
    IncomingLine line = IncomingLine.parse(bytes, start, length);
    if (line.isRefused()) {
      writeError(
          line.id(),
          line.error().startsWith("Parse")
              ? McpSchema.ErrorCodes.PARSE_ERROR
              : McpSchema.ErrorCodes.INVALID_REQUEST,
          line.error());
      return;
    }
    handleMessage(line.tree());
  }

  private static boolean isAsciiWhitespace(byte b) {
    return b == ' ' || (b >= 9 && b <= 13) || (b >= 28 && b <= 31);
  }

  /** Handles one line given as text (tests). */
  void handleLine(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    handleLine(bytes, bytes.length);
  }

  private void handleMessage(JsonNode node) {
    if (node == null || !node.isObject()) {
      writeError(
          null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: expected a JSON object");
      return;
    }
    ObjectNode msg = (ObjectNode) node;
    JsonNode idNode = msg.get("id");
    JsonNode validId = IncomingLine.validId(idNode) ? idNode : null;
    String method = Json.text(msg, "method");
    if (method == null && !msg.has("result") && !msg.has("error")) {
      writeError(validId, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: missing method");
      return;
    }
    if (method == null && responseTaker.test(msg)) {
      return; // the answer to one of this server's own requests
    }
    if ("initialize".equals(method)) {
      noteCapabilities(msg.get("params"));
    }
    if ("notifications/cancelled".equals(method)) {
      JsonNode rid = msg.path("params").get("requestId");
      if (IncomingLine.validId(rid)) {
        Object cancelledId = rid.isNumber() ? rid.numberValue() : rid.asText();
        // only a request read and not yet answered: a cancel for any other id would leave an
        // entry behind for ever, and cancel at once a later request that reuses the id
        if (inFlight.cancel(cancelledId)) {
          LOG.debug("[codex-mcp] request {} cancelled by the client; no answer", cancelledId);
          cancellations.cancel(cancelledId);
        }
      }
      return;
    }
    if (method != null && idNode != null && validId == null) {
      writeError(
          null,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          "Invalid Request: id must be a string or number");
      return;
    }
    if ("tools/call".equals(method)
        && validId != null
        && toolCalls.handle(msg, validId, initialized.isDone())) {
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = toMessage(msg);
    } catch (RuntimeException e) {
      writeError(
          validId, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: " + e.getMessage());
      return;
    }
    if (message instanceof McpSchema.JSONRPCRequest r) {
      inFlight.started(r.id());
    }
    McpServerSession s = session;
    s.handle(message)
        .subscribe(
            v -> {}, err -> LOG.warn("[codex-mcp] request handling failed: {}", err.toString()));
    if ("notifications/initialized".equals(method)) {
      initialized.complete(null);
    }
  }

  /** The SDK's message type, bound by Jackson straight from the tree. */
  private static McpSchema.JSONRPCMessage toMessage(ObjectNode msg) {
    Class<? extends McpSchema.JSONRPCMessage> type;
    if (msg.has("method") && msg.has("id")) {
      type = McpSchema.JSONRPCRequest.class;
    } else if (msg.has("method")) {
      type = McpSchema.JSONRPCNotification.class;
    } else {
      type = McpSchema.JSONRPCResponse.class;
    }
    try {
      return Json.MAPPER.treeToValue(msg, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }

  /**
   * Writes a message of this server's own (a request to the client or a notification about one),
   * outside the SDK session.
   */
  void sendOwn(ObjectNode message) {
    if (message.has("id")) {
      output.send(Json.bytes(message), StdoutWriter.Kind.RESPONSE);
    } else if (McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(Json.text(message, "method"))) {
      // never waits for the client: coalesced per token, dropped when the output is full
      JsonNode token = message.path("params").get("progressToken");
      output.send(Json.bytes(message), StdoutWriter.Kind.PROGRESS, token);
    } else {
      output.send(Json.bytes(message), StdoutWriter.Kind.NOTIFICATION);
    }
  }

  /** The {@code tools/call} requests, checked and (after initialization) run past the SDK. */
  ToolCalls toolCalls() {
    return toolCalls;
  }

  private void writeError(JsonNode id, int code, String message) {
    ObjectNode response = Json.object();
    response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    response.set("id", id == null ? Json.NODES.nullNode() : id);
    response.putObject("error").put("code", code).put("message", message);
    output.send(Json.bytes(response), StdoutWriter.Kind.RESPONSE);
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
            output.send(message);
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

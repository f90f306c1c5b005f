package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.github.codexmcp.testing.CodexCli;
import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.OutputSchemas;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The packaged server under the official SDK client, configured against a scripted model. Every
 * tool result is checked against the tool's output schema.
 */
final class McpSession implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  final McpSyncClient client;
  final Path stateDir;
  final List<McpSchema.ProgressNotification> progress;

  /** Every {@code notifications/message} the server sent. */
  final List<McpSchema.LoggingMessageNotification> logs;

  final StringBuffer stderr = new StringBuffer();

  /** Unique JVM argument of this session's server, to find its process among our descendants. */
  final String tag;

  private McpSession(
      McpSyncClient client,
      Path stateDir,
      List<McpSchema.ProgressNotification> progress,
      String tag,
      List<McpSchema.LoggingMessageNotification> logs) {
    this.client = client;
    this.stateDir = stateDir;
    this.progress = progress;
    this.tag = tag;
    this.logs = logs;
  }

  static McpSession start(CodexTestHome home) {
    return start(home, Map.of());
  }

  static McpSession start(CodexTestHome home, Map<String, String> extraEnv) {
    return start(home, extraEnv, spec -> spec);
  }

  /** As above, with the client's builder adjusted (capabilities, an elicitation handler). */
  static McpSession start(
      CodexTestHome home,
      Map<String, String> extraEnv,
      java.util.function.UnaryOperator<McpClient.SyncSpec> customize) {
    Map<String, String> env = new HashMap<>(home.env());
    Path state = home.root().resolve("state");
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("CODEX_MCP_STATE_DIR", state.toString());
    // The life-cycle messages some tests look for are logged at info (the default is warn).
    env.put("CODEX_MCP_LOG_LEVEL", "info");
    env.putAll(extraEnv);
    String tag = "-Dcodexmcp.it.tag=" + UUID.randomUUID();
    List<String> cmd = ServerProcess.command(tag);
    ServerParameters params =
        ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).env(env).build();
    StdioClientTransport transport =
        new StdioClientTransport(params, new JacksonMcpJsonMapper(new ObjectMapper()));
    List<McpSchema.ProgressNotification> sink = new CopyOnWriteArrayList<>();
    List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
    McpSyncClient client =
        customize
            .apply(
                McpClient.sync(transport)
                    .requestTimeout(Duration.ofSeconds(120))
                    .progressConsumer(sink::add)
                    .loggingConsumer(logs::add))
            .build();
    McpSession s = new McpSession(client, state, sink, tag, logs);
    transport.setStdErrorHandler(line -> s.stderr.append(line).append('\n'));
    client.initialize();
    return s;
  }

  /** Calls a tool; returns the structured result (validated when not an error). */
  JsonNode call(String tool, Map<String, Object> args) {
    McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, args));
    JsonNode structured = JSON.valueToTree(r.structuredContent());
    if (!Boolean.TRUE.equals(r.isError())) {
      OutputSchemas.assertValid(tool, r.structuredContent());
    } else if (structured == null || structured.isNull()) {
      return JSON.createObjectNode()
          .put("error", ((McpSchema.TextContent) r.content().get(0)).text())
          .put("isError", true);
    }
    return structured;
  }

  /** Calls a tool that must succeed. */
  JsonNode ok(String tool, Map<String, Object> args) {
    JsonNode r = call(tool, args);
    assertFalse(
        r.path("isError").asBoolean(false),
        () -> tool + " failed: " + r + "\nserver stderr:\n" + stderr);
    return r;
  }

  static Map<String, Object> args(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Starts a session in the test's work dir. */
  JsonNode startSession(CodexTestHome home, String prompt, Object... extra) {
    Map<String, Object> a =
        args(
            "prompt",
            prompt,
            "approvalPolicy",
            "never",
            "sandbox",
            "workspace-write",
            "cwd",
            home.workDir().toString());
    for (int i = 0; i < extra.length; i += 2) {
      a.put((String) extra[i], extra[i + 1]);
    }
    return ok("codex", a);
  }

  /**
   * Polls (full mode, long-polling) until {@code done} holds for a response; returns all events
   * seen and the last response.
   */
  Polled pollUntil(String sessionId, Predicate<JsonNode> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> events = new ArrayList<>();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last =
          ok(
              "codex_check",
              args(
                  "action",
                  "poll",
                  "sessionId",
                  sessionId,
                  "maxEvents",
                  1000,
                  "responseMode",
                  "full",
                  "pollOptions",
                  Map.of("waitMs", 2000)));
      last.path("events").forEach(events::add);
      if (done.test(last)) {
        return new Polled(events, last);
      }
    }
    throw new AssertionError(
        "condition not reached; last poll: " + last + "\nserver stderr:\n" + stderr);
  }

  Polled pollUntilStatus(String sessionId, String status) {
    return pollUntil(
        sessionId, r -> status.equals(r.path("status").asText()), Duration.ofSeconds(60));
  }

  Polled pollUntilIdle(String sessionId) {
    return pollUntilStatus(sessionId, "idle");
  }

  /** Events and the final response of a polling loop. */
  record Polled(List<JsonNode> events, JsonNode last) {
    boolean hasEvent(Predicate<JsonNode> p) {
      return events.stream().anyMatch(p);
    }

    List<String> methods() {
      List<String> out = new ArrayList<>();
      events.forEach(e -> out.add(e.at("/data/method").asText("")));
      return out;
    }
  }

  /** The server JVM (a child of this test JVM), found by its unique tag. */
  ProcessHandle serverProcess() {
    return ProcessHandle.current()
        .children()
        .filter(ph -> ph.info().commandLine().map(c -> c.contains(tag)).orElse(false))
        .findFirst()
        .orElseThrow(() -> new AssertionError("server process with " + tag + " not found"));
  }

  /** Closes the client (the SDK stops the server) and waits until the server process is gone. */
  void closeAndWait() throws Exception {
    ProcessHandle server = serverProcess();
    close();
    server.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
  }

  static void assertNoErrorFlag(JsonNode r) {
    assertTrue(!r.path("isError").asBoolean(false), r.toString());
  }

  static ArrayNode array(JsonNode n) {
    return (ArrayNode) n;
  }

  @Override
  public void close() {
    try {
      client.closeGracefully();
    } catch (RuntimeException ignored) {
      client.close();
    }
  }
}

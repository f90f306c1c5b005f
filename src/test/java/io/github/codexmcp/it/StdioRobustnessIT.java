package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.codexmcp.testing.CodexCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server over raw stdio: bad input, unknown methods, stdout purity, EOF exit. */
@Timeout(60)
class StdioRobustnessIT {
  @TempDir Path tmp;

  private Map<String, String> env() throws Exception {
    Map<String, String> env = new HashMap<>();
    Files.createDirectories(tmp.resolve("home"));
    env.put("HOME", tmp.resolve("home").toString());
    env.put("CODEX_HOME", tmp.resolve("home/.codex").toString());
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("CODEX_MCP_STATE_DIR", tmp.resolve("state").toString());
    return env;
  }

  private static ObjectNode request(Object id, String method) {
    ObjectNode o = ServerProcess.JSON.createObjectNode().put("jsonrpc", "2.0");
    if (id instanceof Integer i) {
      o.put("id", i);
    } else {
      o.put("id", String.valueOf(id));
    }
    o.put("method", method);
    return o;
  }

  private static void initialize(ServerProcess p) throws Exception {
    ObjectNode init = request(1, "initialize");
    ObjectNode params = init.putObject("params");
    params.put("protocolVersion", "2025-06-18");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "it").put("version", "1");
    p.send(init);
    JsonNode resp = p.response(1, Duration.ofSeconds(20));
    assertEquals("codex-mcp", resp.at("/result/serverInfo/name").asText(), resp.toString());
    p.send(
        ServerProcess.JSON
            .createObjectNode()
            .put("jsonrpc", "2.0")
            .put("method", "notifications/initialized"));
  }

  @Test
  void malformedLineGetsParseErrorAndServingContinues() throws Exception {
    try (ServerProcess p = ServerProcess.start(env(), tmp)) {
      initialize(p);
      p.sendLine("{this is not json");
      JsonNode err = p.next(Duration.ofSeconds(10));
      assertEquals(-32700, err.at("/error/code").asInt(), err.toString());
      p.send(request(2, "ping"));
      JsonNode pong = p.response(2, Duration.ofSeconds(10));
      assertTrue(pong.has("result"), pong.toString());
      // bytes that are not UTF-8 inside a string: read as replacement characters, not refused
      byte[] head =
          "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\",\"params\":{\"x\":\"a"
              .getBytes(StandardCharsets.UTF_8);
      byte[] tail = "b\"}}".getBytes(StandardCharsets.UTF_8);
      byte[] raw = new byte[head.length + 1 + tail.length];
      System.arraycopy(head, 0, raw, 0, head.length);
      raw[head.length] = (byte) 0xFF;
      System.arraycopy(tail, 0, raw, head.length + 1, tail.length);
      p.sendBytes(raw);
      JsonNode pong5 = p.response(5, Duration.ofSeconds(10));
      assertTrue(pong5.has("result"), pong5.toString());
      p.send(request(3, "server/discover"));
      JsonNode unknown = p.response(3, Duration.ofSeconds(10));
      assertEquals(-32601, unknown.at("/error/code").asInt(), unknown.toString());
      ObjectNode cancel =
          ServerProcess.JSON
              .createObjectNode()
              .put("jsonrpc", "2.0")
              .put("method", "notifications/cancelled");
      cancel.putObject("params").put("requestId", 99).put("reason", "test");
      p.send(cancel);
      ObjectNode call = request(4, "tools/call");
      call.putObject("params").put("name", "nope").putObject("arguments");
      p.send(call);
      JsonNode nope = p.response(4, Duration.ofSeconds(10));
      assertEquals(
          "MCP error -32602: Tool nope not found",
          nope.at("/result/content/0/text").asText(),
          nope.toString());
      assertTrue(nope.at("/result/isError").asBoolean());
      assertFalse(
          p.stderr.toString().contains("No handler registered for notification"),
          p.stderr.toString());
      for (String line : p.stdoutLines) {
        JsonNode m = ServerProcess.JSON.readTree(line);
        assertEquals("2.0", m.path("jsonrpc").asText(), "non JSON-RPC line on stdout: " + line);
      }
    }
  }

  /**
   * Requests of every shape (deep but allowed nesting, big numbers, trailing text, escapes, the
   * whitespace around a line) are served alike.
   */
  @Test
  void requestsOfEveryShapeAreServed() throws Exception {
    try (ServerProcess p = ServerProcess.start(env(), tmp)) {
      initialize(p);
      p.sendLine("\f {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"} \r");
      assertTrue(p.response(2, Duration.ofSeconds(10)).has("result"));
      String deep = "[".repeat(40) + "]".repeat(40);
      p.sendLine(
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"_meta\":{\"x\":"
              + deep
              + "}}}");
      assertTrue(p.response(3, Duration.ofSeconds(10)).has("result"));
      p.sendLine(
          "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":{\"_meta\":{\"n\":123456789012345678901234}}}");
      assertTrue(p.response(4, Duration.ofSeconds(10)).has("result"));
      p.sendLine("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"} trailing");
      assertTrue(p.response(5, Duration.ofSeconds(10)).has("result"));
      p.sendLine(
          "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"codex_session\","
              + "\"arguments\":{\"action\":\"list\"},\"_meta\":{\"s\":\"\\u00e9\\ud83d\\ude00\"}}}");
      JsonNode list = p.response(6, Duration.ofSeconds(10));
      assertTrue(list.at("/result/structuredContent/sessions").isArray(), list.toString());
      for (String line : p.stdoutLines) {
        assertEquals("2.0", ServerProcess.JSON.readTree(line).path("jsonrpc").asText(), line);
      }
    }
  }

  /**
   * Every request whose id can be read is answered with that id; a tools/call of the wrong shape is
   * a tool error result with one log line and no stack trace; an invalid id is answered with null.
   */
  @Test
  void everyReadableIdIsAnsweredAndBadToolCallsAreToolErrors() throws Exception {
    try (ServerProcess p = ServerProcess.start(env(), tmp)) {
      initialize(p);
      String deep = "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000);
      p.sendLine(
          "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":\"codex\","
              + "\"arguments\":{\"prompt\":"
              + deep
              + "}}}");
      JsonNode tooDeep = p.response(10, Duration.ofSeconds(10));
      assertEquals(10, tooDeep.get("id").asInt(), tooDeep.toString());
      assertTrue(tooDeep.has("error"), tooDeep.toString());
      String[] badArgs = {"\"s\"", "5", "[1]", "true"};
      for (int i = 0; i < badArgs.length; i++) {
        p.sendLine(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + (20 + i)
                + ",\"method\":\"tools/call\",\"params\":{\"name\":\"codex\",\"arguments\":"
                + badArgs[i]
                + "}}");
        JsonNode r = p.response(20 + i, Duration.ofSeconds(10));
        assertTrue(r.at("/result/isError").asBoolean(), r.toString());
        assertTrue(
            r.at("/result/content/0/text")
                .asText()
                .startsWith("Error [INVALID_ARGUMENT]: arguments of tool codex must be an object"),
            r.toString());
      }
      String[] badNames = {"null", "5", "[]"};
      for (int i = 0; i < badNames.length; i++) {
        p.sendLine(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + (30 + i)
                + ",\"method\":\"tools/call\",\"params\":{\"name\":"
                + badNames[i]
                + ",\"arguments\":{}}}");
        JsonNode r = p.response(30 + i, Duration.ofSeconds(10));
        assertEquals(
            "Error [INVALID_ARGUMENT]: tool name must be a string, got "
                + List.of("null", "a number", "an array").get(i),
            r.at("/result/content/0/text").asText(),
            r.toString());
        assertTrue(r.at("/result/isError").asBoolean(), r.toString());
      }
      for (String badId : List.of("true", "{\"k\":1}", "[2]")) {
        p.sendLine("{\"jsonrpc\":\"2.0\",\"id\":" + badId + ",\"method\":\"ping\"}");
        JsonNode r = p.next(Duration.ofSeconds(10));
        assertTrue(r.has("id") && r.get("id").isNull(), r.toString());
        assertEquals(-32600, r.at("/error/code").asInt(), r.toString());
      }
      p.send(request(40, "ping"));
      assertTrue(p.response(40, Duration.ofSeconds(10)).has("result"));
      String err = p.stderr.toString();
      assertFalse(err.contains("\tat "), "no stack trace on stderr:\n" + err);
      assertEquals(
          badArgs.length + badNames.length,
          err.lines().filter(l -> l.contains("tools/call") && l.contains("refused")).count(),
          err);
    }
  }

  @Test
  void exitsPromptlyOnStdinEofWhenIdle() throws Exception {
    try (ServerProcess p = ServerProcess.start(env(), tmp)) {
      initialize(p);
      long start = System.nanoTime();
      p.closeStdin();
      assertTrue(
          p.process.waitFor(5, TimeUnit.SECONDS),
          "server still running 5 s after stdin EOF; stderr:\n" + p.stderr);
      assertEquals(0, p.process.exitValue());
      assertTrue((System.nanoTime() - start) < 5_000_000_000L);
    }
  }

  @Test
  void misconfigurationExitsWithTheMessageAndNoStdout() throws Exception {
    Map<String, String> missing = env();
    missing.put("CODEX_MCP_PATH", tmp.resolve("nowhere/codex").toString());
    assertFails(
        missing, "CODEX_MCP_PATH=\"" + tmp.resolve("nowhere/codex") + "\" — file does not exist.");

    Map<String, String> both = env();
    both.put("CODEX_MCP_COMMAND", "codex");
    assertFails(
        both, "Cannot set both CODEX_MCP_PATH and CODEX_MCP_COMMAND. Use one or the other.");
  }

  @Test
  void strictModeOnATerminalRefusesToStart() throws Exception {
    Map<String, String> env = env();
    env.put("CODEX_MCP_STDIO_MODE", "strict");
    // `script` gives the server a pseudo-terminal; skip where it is unavailable.
    if (!Files.isExecutable(Path.of("/usr/bin/script"))) {
      return;
    }
    String cmd = String.join(" ", ServerProcess.command()) + " < /dev/null";
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                "/usr/bin/script", "-qec", String.join(" ", ServerProcess.command()), "/dev/null"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process proc = pb.start();
    proc.getOutputStream().close();
    assertTrue(proc.waitFor(30, TimeUnit.SECONDS), cmd);
    String out = new String(proc.getInputStream().readAllBytes());
    assertEquals(1, proc.exitValue(), out);
    assertTrue(
        out.contains(
            "Fatal error: STDIO preflight failed in strict mode due to blocking stdout contamination risk"),
        out);
  }

  private void assertFails(Map<String, String> env, String message) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(ServerProcess.command());
    pb.environment().putAll(env);
    Process proc = pb.start();
    proc.getOutputStream().close();
    assertTrue(proc.waitFor(30, TimeUnit.SECONDS));
    String out = new String(proc.getInputStream().readAllBytes());
    String err = new String(proc.getErrorStream().readAllBytes());
    assertEquals(1, proc.exitValue(), err);
    assertEquals("", out, "stdout must stay empty");
    assertTrue(err.contains("Fatal error: " + message), err);
  }
}

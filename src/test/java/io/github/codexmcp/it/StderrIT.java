package io.github.codexmcp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexmcp.testing.CodexCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's stderr as a client sees it: one line at start-up and nothing else at the default
 * level, more under {@code CODEX_MCP_LOG_LEVEL}, and UTF-8 even when the client passes no locale.
 */
@Timeout(120)
class StderrIT {
  static final Duration T = Duration.ofSeconds(60);
  Path tmp;

  @BeforeEach
  void setUp() throws Exception {
    tmp = Files.createTempDirectory("codex-mcp-stderr-it");
  }

  @AfterEach
  void tearDown() throws Exception {
    try (var files = Files.walk(tmp)) {
      files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
    }
  }

  /** No locale at all, as some clients start servers: the JVM's own default would be ASCII. */
  private Map<String, String> env(String level) {
    Map<String, String> env = new HashMap<>();
    env.put("LANG", null);
    env.put("LC_ALL", null);
    env.put("LC_CTYPE", null);
    env.put("CODEX_MCP_LOG_LEVEL", level);
    env.put("CODEX_MCP_PATH", CodexCli.get().nativeBinary().toString());
    env.put("CODEX_MCP_STATE_DIR", tmp.resolve("state").toString());
    env.put("HOME", tmp.toString());
    return env;
  }

  private String runAndClose(Map<String, String> env) throws Exception {
    try (ServerProcess s = ServerProcess.start(ServerProcess.command(), env, tmp)) {
      s.sendLine(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}");
      s.response(1, T);
      s.sendLine("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      s.sendLine("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      s.response(2, T);
      s.sendLine("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/list\"}");
      s.response(3, T);
      s.closeStdin();
      assertTrue(s.process.waitFor(30, TimeUnit.SECONDS), "no exit after stdin EOF");
      return s.stderrAtExit();
    }
  }

  @Test
  void theDefaultLevelWritesOneLineAtStartUpInUtf8() throws Exception {
    String err = runAndClose(env(null));
    List<String> lines = err.lines().toList();
    assertEquals(1, lines.size(), err);
    assertTrue(lines.get(0).startsWith("codex-mcp 2.1.7 — Using CODEX_MCP_PATH: "), lines.get(0));
  }

  @Test
  void infoShowsTheLifeCycleAndDebugIsAccepted() throws Exception {
    String info = runAndClose(env("info"));
    assertTrue(info.contains("stdin closed with no active sessions — shutting down"), info);
    String debug = runAndClose(env("DEBUG"));
    assertTrue(debug.contains("stdin closed with no active sessions — shutting down"), debug);
  }

  @Test
  void anUnknownLevelIsNamedAndTheDefaultUsed() throws Exception {
    String err = runAndClose(env("loud"));
    List<String> lines = err.lines().toList();
    assertEquals(2, lines.size(), err);
    assertEquals(
        "[codex-mcp] CODEX_MCP_LOG_LEVEL='loud' is not one of trace, debug, info, warn, error,"
            + " off; using warn",
        lines.get(0));
  }
}

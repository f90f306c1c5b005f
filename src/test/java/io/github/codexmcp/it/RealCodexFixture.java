package io.github.codexmcp.it;

import io.github.codexmcp.testing.CodexTestHome;
import io.github.codexmcp.testing.ScriptedModelServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Per test: a scripted model, a Codex home configured for it, and the packaged server under the
 * official MCP client. Subclasses may override {@link #serverEnv()}.
 */
abstract class RealCodexFixture {
  ScriptedModelServer model;
  CodexTestHome home;
  McpSession mcp;

  /** Extra environment of the server. */
  Map<String, String> serverEnv() {
    return Map.of();
  }

  @BeforeEach
  void startServer() throws Exception {
    model = ScriptedModelServer.start();
    home = CodexTestHome.create(model);
    mcp = McpSession.start(home, serverEnv());
  }

  @AfterEach
  void stopServer() {
    if (mcp != null) {
      mcp.close();
    }
    home.close();
    model.close();
  }
}

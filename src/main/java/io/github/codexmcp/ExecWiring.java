package io.github.codexmcp;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.util.CodexMcpException;
import io.github.codexmcp.util.Timer;

/** Creates the exec-mode backend factory. */
final class ExecWiring {
  private ExecWiring() {}

  static BackendFactory factory(ServerConfig config, ResolvedExecutable exe, ProcessLauncher launcher, Timer timer) {
    throw CodexMcpException.internal("exec mode is not available yet");
  }
}

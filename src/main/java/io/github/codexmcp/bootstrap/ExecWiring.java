package io.github.codexmcp.bootstrap;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.exec.ExecBackendFactory;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.util.Timer;

/** Creates the exec-mode backend factory (native binary preferred, as in app-server mode). */
final class ExecWiring {
  private ExecWiring() {}

  static BackendFactory factory(
      ServerConfig config, ResolvedExecutable exe, ProcessLauncher launcher, Timer timer) {
    return new ExecBackendFactory(exe, launcher, timer, config.env(), true);
  }
}

package io.github.codexmcp.bootstrap;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.CodexInvocation;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.AppServerBackendFactory;
import io.github.codexmcp.config.ServerConfig;
import io.github.codexmcp.process.SystemProcessLauncher;
import io.github.codexmcp.util.Timer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Creates session backends once the backend mode is known (the mode is probed on demand). */
final class Backends implements BackendFactory {
  private final ServerConfig config;
  private final ResolvedExecutable exe;
  private final CodexInvocation invocation;
  private final Supplier<CompletableFuture<BackendMode>> mode;
  private final Timer timer;
  private volatile BackendFactory delegate;

  Backends(
      ServerConfig config,
      ResolvedExecutable exe,
      CodexInvocation invocation,
      Supplier<CompletableFuture<BackendMode>> mode,
      Timer timer) {
    this.config = config;
    this.exe = exe;
    this.invocation = invocation;
    this.mode = mode;
    this.timer = timer;
  }

  @Override
  public BackendMode mode() {
    return mode.get().join();
  }

  @Override
  public CodexBackend create(String sessionId, LaunchOptions options) {
    return delegate().create(sessionId, options);
  }

  private BackendFactory delegate() {
    BackendFactory d = delegate;
    if (d == null) {
      synchronized (this) {
        if (delegate == null) {
          SystemProcessLauncher launcher = new SystemProcessLauncher(timer);
          delegate =
              mode() == BackendMode.EXEC
                  ? ExecWiring.factory(config, exe, launcher, timer)
                  : new AppServerBackendFactory(exe, launcher, timer, config.env(), true);
        }
        d = delegate;
      }
    }
    return d;
  }
}

package io.github.codexmcp.codex.appserver;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.process.ProcessSpec;
import io.github.codexmcp.util.Timer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link AppServerBackend}s for the resolved Codex executable.
 *
 * <p>When {@code preferNative} is set and the executable is an npm launcher, the platform's native
 * binary is spawned directly ({@link NativeCodexLocator}), with the two environment variables the
 * launcher would have set ({@code CODEX_MANAGED_PACKAGE_ROOT}, {@code CODEX_MANAGED_BY_NPM}). A
 * bare command name is first looked up on {@code PATH}. The native lookup happens once, here.
 *
 * <p>The {@code profile} launch option is resolved against {@code $CODEX_HOME} of {@code
 * environment} when the backend starts ({@link ProfileOverrides}), so a missing profile fails
 * {@link CodexBackend#start()} with {@code INVALID_ARGUMENT}. The child's working directory is the
 * session cwd. Thread-safe: immutable after construction.
 */
public final class AppServerBackendFactory implements BackendFactory {
  private static final Logger LOG = LoggerFactory.getLogger(AppServerBackendFactory.class);

  private final ProcessLauncher launcher;
  private final Timer timer;
  private final Map<String, String> environment;
  private final List<String> commandPrefix;
  private final Map<String, String> extraEnv;

  /** Uses the server's environment and prefers the native binary. */
  public AppServerBackendFactory(
      ResolvedExecutable executable, ProcessLauncher launcher, Timer timer) {
    this(executable, launcher, timer, System.getenv(), true);
  }

  /**
   * @param environment the environment children inherit (for {@code CODEX_HOME}, {@code HOME},
   *     {@code PATH})
   * @param preferNative spawn the native binary behind an npm launcher when found
   */
  public AppServerBackendFactory(
      ResolvedExecutable executable,
      ProcessLauncher launcher,
      Timer timer,
      Map<String, String> environment,
      boolean preferNative) {
    this.launcher = launcher;
    this.timer = timer;
    this.environment = Map.copyOf(environment);
    NativeLaunch target = NativeLaunch.resolve(executable, environment, preferNative);
    this.commandPrefix = target.commandPrefix();
    this.extraEnv = target.env();
    target
        .nativeBinary()
        .ifPresent(bin -> LOG.info("[app-server] spawning the native codex binary: {}", bin));
  }

  @Override
  public CodexBackend create(String sessionId, LaunchOptions options) {
    return new AppServerBackend(sessionId, () -> processSpec(options), launcher, timer);
  }

  @Override
  public BackendMode mode() {
    return BackendMode.APP_SERVER;
  }

  /** The full argv (executable first). */
  public List<String> command(LaunchOptions options) {
    List<String> profile =
        options != null && options.profile() != null && !options.profile().isBlank()
            ? ProfileOverrides.resolve(ProfileOverrides.codexHome(environment), options.profile())
            : List.of();
    List<String> argv = new ArrayList<>(commandPrefix);
    argv.addAll(AppServerCommandLine.arguments(options, profile));
    return argv;
  }

  /** What {@link AppServerBackend#start()} launches for {@code options}. */
  public ProcessSpec processSpec(LaunchOptions options) {
    Path cwd = options == null ? null : options.cwd();
    return new ProcessSpec(command(options), cwd, extraEnv, false);
  }
}

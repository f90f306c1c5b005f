package io.github.codexmcp.codex.exec;

import io.github.codexmcp.codex.BackendFactory;
import io.github.codexmcp.codex.BackendMode;
import io.github.codexmcp.codex.CodexBackend;
import io.github.codexmcp.codex.LaunchOptions;
import io.github.codexmcp.codex.ResolvedExecutable;
import io.github.codexmcp.codex.appserver.NativeLaunch;
import io.github.codexmcp.codex.appserver.ProfileOverrides;
import io.github.codexmcp.process.ProcessLauncher;
import io.github.codexmcp.util.Timer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates {@link ExecBackend}s for the resolved Codex executable.
 *
 * <p>Launches exactly what the app-server factory would: the native binary behind an npm launcher
 * when {@code preferNative} is set and it is found ({@link NativeLaunch}), else the executable. The
 * {@code profile} launch option is resolved against {@code $CODEX_HOME} of {@code environment} when
 * the backend starts ({@link ProfileOverrides}, the same {@code -c} settings as in app-server
 * mode), so a missing profile fails {@link CodexBackend#start()} with {@code INVALID_ARGUMENT}.
 * Thread-safe: immutable after construction.
 */
public final class ExecBackendFactory implements BackendFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ExecBackendFactory.class);

  private final ProcessLauncher launcher;
  private final Timer timer;
  private final Map<String, String> environment;
  private final List<String> commandPrefix;
  private final Map<String, String> extraEnv;
  private final Path tempDir;

  /** Uses the server's environment and prefers the native binary. */
  public ExecBackendFactory(ResolvedExecutable executable, ProcessLauncher launcher, Timer timer) {
    this(executable, launcher, timer, System.getenv(), true);
  }

  /**
   * @param environment the environment children inherit (for {@code CODEX_HOME}, {@code HOME},
   *     {@code PATH})
   * @param preferNative spawn the native binary behind an npm launcher when found
   */
  public ExecBackendFactory(
      ResolvedExecutable executable,
      ProcessLauncher launcher,
      Timer timer,
      Map<String, String> environment,
      boolean preferNative) {
    this(executable, launcher, timer, environment, preferNative, null);
  }

  /** As above, with output-schema files under {@code tempDir} (null: the system default). */
  public ExecBackendFactory(
      ResolvedExecutable executable,
      ProcessLauncher launcher,
      Timer timer,
      Map<String, String> environment,
      boolean preferNative,
      Path tempDir) {
    this.launcher = launcher;
    this.timer = timer;
    this.environment = Map.copyOf(environment);
    this.tempDir = tempDir;
    NativeLaunch target = NativeLaunch.resolve(executable, environment, preferNative);
    this.commandPrefix = target.commandPrefix();
    this.extraEnv = target.env();
    target
        .nativeBinary()
        .ifPresent(bin -> LOG.info("[exec-client] spawning the native codex binary: {}", bin));
  }

  @Override
  public ExecBackend create(String sessionId, LaunchOptions options) {
    return new ExecBackend(
        sessionId, options, commandPrefix, extraEnv, profile(options), launcher, timer, tempDir);
  }

  @Override
  public BackendMode mode() {
    return BackendMode.EXEC;
  }

  /** The argv before {@code exec} (the executable). */
  public List<String> commandPrefix() {
    return commandPrefix;
  }

  /** Environment additions for every child. */
  public Map<String, String> extraEnv() {
    return extraEnv;
  }

  private Supplier<List<String>> profile(LaunchOptions options) {
    String name = options == null ? null : options.profile();
    if (name == null || name.isBlank()) {
      return List::of;
    }
    return () -> ProfileOverrides.resolve(ProfileOverrides.codexHome(environment), name);
  }
}
